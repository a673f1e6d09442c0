//! Messenger and Instagram (PROVIDERS §2): Pages and Instagram accounts with their tokens, the
//! Send API at `POST /{version}/{id}/messages` (strict validation, the 24-hour window with the
//! human-agent tag up to 7 days, Graph error shapes), signed `page` / `instagram` webhooks for
//! simulated customers, and delivery and read watermarks after each accepted send.
//!
//! Control API under `/sandbox/v1/meta/`: `accounts` (create, list, point webhooks), `inbound`
//! (a customer writes), `faults` (the next sends fail with a chosen code). Customers'
//! attachments are served at `/sandbox/meta/cdn/{id}`. The send path shares
//! its URL pattern with WhatsApp's; `messages` hands a send here when the id is one of ours.

mod control;
mod hooks;
mod send;

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use serde::Serialize;
use time::OffsetDateTime;

pub(crate) use control::routes;
pub(crate) use send::graph_send;

/// The default Page (Messenger) a fresh sandbox has.
pub const DEFAULT_PAGE_ID: &str = "1122334455667";
/// Its Page access token.
pub const DEFAULT_PAGE_TOKEN: &str = "sandbox-page-token";
/// The default Instagram professional account.
pub const DEFAULT_IG_ACCOUNT_ID: &str = "17841400000000001";
/// Its access token.
pub const DEFAULT_IG_TOKEN: &str = "sandbox-ig-token";

/// Messenger or Instagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Platform {
    Messenger,
    Instagram,
}

impl Platform {
    pub(crate) fn object(self) -> &'static str {
        match self {
            Self::Messenger => "page",
            Self::Instagram => "instagram",
        }
    }
}

/// One Page or Instagram account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct MetaAccount {
    pub platform: Platform,
    /// The Page id or the Instagram account id: the `{id}` of sends, `entry[].id` of webhooks.
    pub id: String,
    pub access_token: String,
    pub app_secret: String,
    pub verify_token: String,
    pub webhook_url: Option<String>,
    /// Whether accepted sends are followed by delivery and read watermarks.
    pub auto_statuses: bool,
}

/// One customer of one account: when they last wrote (the window) and our messages to them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Customer {
    pub last_inbound: Option<OffsetDateTime>,
    pub sent: Vec<String>,
    pub received: Vec<String>,
}

/// A fault armed through the control API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct MetaFault {
    pub account_id: String,
    pub code: i64,
    #[serde(default)]
    pub subcode: Option<i64>,
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// The emulation's state.
pub(crate) struct MetaState {
    pub accounts: RwLock<Vec<Arc<MetaAccount>>>,
    /// By (account id, customer id).
    pub customers: Mutex<HashMap<(String, String), Customer>>,
    pub faults: Mutex<Vec<MetaFault>>,
    /// Customers' attachments by id (MIME type, bytes), served without a token as Meta's CDN
    /// serves its signed URLs.
    pub cdn: Mutex<HashMap<String, (String, bytes::Bytes)>>,
}

impl MetaState {
    /// One Page and one Instagram account, signing with the WhatsApp default app secret (one
    /// Meta app for all three products, as in real life).
    pub(crate) fn new() -> Self {
        let account = |platform, id: &str, token: &str| {
            Arc::new(MetaAccount {
                platform,
                id: id.to_owned(),
                access_token: token.to_owned(),
                app_secret: crate::config::DEFAULT_APP_SECRET.to_owned(),
                verify_token: crate::config::DEFAULT_VERIFY_TOKEN.to_owned(),
                webhook_url: None,
                auto_statuses: true,
            })
        };
        Self {
            accounts: RwLock::new(vec![
                account(Platform::Messenger, DEFAULT_PAGE_ID, DEFAULT_PAGE_TOKEN),
                account(Platform::Instagram, DEFAULT_IG_ACCOUNT_ID, DEFAULT_IG_TOKEN),
            ]),
            customers: Mutex::new(HashMap::new()),
            faults: Mutex::new(Vec::new()),
            cdn: Mutex::new(HashMap::new()),
        }
    }

    /// The account with this id.
    pub(crate) fn account(&self, id: &str) -> Option<Arc<MetaAccount>> {
        self.accounts.read().iter().find(|a| a.id == id).cloned()
    }

    /// Uses up one count of the first fault armed for `account`.
    pub(crate) fn take_fault(&self, account: &str) -> Option<MetaFault> {
        let mut faults = self.faults.lock();
        let i = faults.iter().position(|f| f.account_id == account)?;
        let fault = faults[i].clone();
        faults[i].count = faults[i].count.saturating_sub(1);
        if faults[i].count == 0 {
            faults.remove(i);
        }
        Some(fault)
    }
}
