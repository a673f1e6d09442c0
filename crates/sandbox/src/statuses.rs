//! Status webhooks after an accepted send: `sent`, `delivered`, `read` (or `failed` for numbers
//! configured to fail) with configurable delays and pricing, as Meta sends them.

use std::sync::Arc;

use crate::config::SandboxConfig;
use crate::state::AppState;

/// An accepted send whose statuses are to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AcceptedSend {
    /// The sending number.
    pub phone_number_id: String,
    /// The wamid answered to the client.
    pub message_id: String,
    /// The recipient's digits (`recipient_id` / `wa_id`).
    pub recipient: String,
    /// The send's `type` (`text`, `template`, `reaction`…): reactions only ever get `sent`.
    pub kind: String,
    /// Pricing category: `service` for free-form in the window, else the template's category
    /// in lower case (`marketing`, `utility`, `authentication`).
    pub category: String,
    /// `biz_opaque_callback_data`, echoed in the statuses.
    pub callback_data: Option<String>,
}

/// The status scheduler. (Being written: webhook-side helper.)
pub(crate) struct Statuses {}

impl Statuses {
    pub(crate) fn new(_config: &SandboxConfig) -> Self {
        Self {}
    }

    /// Schedules the statuses of an accepted send.
    pub(crate) fn accepted(&self, _state: &Arc<AppState>, _send: AcceptedSend) {}
}
