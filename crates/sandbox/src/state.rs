//! The sandbox's shared state: configuration plus one part per concern, each owned by its module.

use std::sync::Arc;

use parking_lot::RwLock;

use crate::config::{SandboxConfig, WhatsAppAccount};
use crate::faults::Faults;
use crate::limits::Limits;
use crate::media::MediaStore;
use crate::meta_messaging::MetaState;
use crate::outbox::Outbox;
use crate::statuses::Statuses;
use crate::templates::Templates;
use crate::webhooks::Webhooks;
use tokio_util::sync::CancellationToken;

/// Everything handlers and background tasks share, behind one `Arc`.
pub(crate) struct AppState {
    /// The configuration it was started with. Its accounts are only the starting set: the live
    /// ones are in `accounts`, which the control API adds to and re-points.
    pub config: SandboxConfig,
    /// The business numbers, each shared as an `Arc` so a request keeps the version it
    /// authenticated with while an update swaps in a new one.
    pub accounts: RwLock<Vec<Arc<WhatsAppAccount>>>,
    /// `http://host:port` as handed out in URLs.
    pub base_url: String,
    /// Cancelled at shutdown: background tasks (retries, scheduled statuses, reviews) stop.
    pub shutdown: CancellationToken,
    /// Windows, throughput and pair rates, inbound message ids.
    pub limits: Limits,
    /// What the fake provider received.
    pub outbox: Outbox,
    /// Errors armed through the control API.
    pub faults: Faults,
    /// Signed webhook delivery to the hub, with retries and a log.
    pub webhooks: Webhooks,
    /// Status webhooks scheduled after accepted sends.
    pub statuses: Statuses,
    /// Uploaded media.
    pub media: MediaStore,
    /// Message templates per WABA.
    pub templates: Templates,
    /// The Telegram Bot API's bots, chats and updates.
    pub telegram: crate::telegram::Telegram,
    /// Messenger and Instagram: accounts, customers, faults.
    pub meta: MetaState,
    /// The Twilio Messages API emulation.
    pub twilio: crate::twilio::TwilioState,
}

impl AppState {
    /// Builds the state for `config`, served at `base_url`.
    pub(crate) fn new(config: SandboxConfig, base_url: String) -> anyhow::Result<Self> {
        config.check()?;
        let shutdown = CancellationToken::new();
        Ok(Self {
            limits: Limits::new(&config),
            outbox: Outbox::new(&config),
            faults: Faults::new(&config),
            webhooks: Webhooks::new(&config, shutdown.clone())?,
            statuses: Statuses::new(&config),
            media: MediaStore::new(&config),
            templates: Templates::new(&config),
            telegram: crate::telegram::Telegram::new(shutdown.clone())?,
            meta: MetaState::new(),
            twilio: crate::twilio::TwilioState::new()?,
            accounts: RwLock::new(
                config
                    .whatsapp
                    .accounts
                    .iter()
                    .cloned()
                    .map(Arc::new)
                    .collect(),
            ),
            config,
            base_url,
            shutdown,
        })
    }
}
