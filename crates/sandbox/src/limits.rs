//! What Meta enforces on sends (PROVIDERS §1.7): the customer-service window, the number's
//! messages per second and the pair rate; also the inbound message ids customers sent.

use time::OffsetDateTime;

use crate::config::SandboxConfig;

/// Windows, rates and inbound ids. (Being written: send-path helper.)
pub(crate) struct Limits {}

impl Limits {
    pub(crate) fn new(_config: &SandboxConfig) -> Self {
        Self {}
    }

    /// A customer wrote in: opens (or extends) the window of `wa_id` on this number and remembers
    /// `message_id` so that mark-as-read, reactions and reply contexts can refer to it.
    pub(crate) fn customer_wrote(
        &self,
        _phone_number_id: &str,
        _wa_id: &str,
        _message_id: &str,
        _at: OffsetDateTime,
    ) {
    }
}
