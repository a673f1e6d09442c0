//! How to reach one Page (Messenger) or professional account (Instagram): the platform, the
//! Graph root and version, the ids, and the credentials (never `Debug`-printed).

use switchboard_domain::Secret;

/// Which of Meta's two chat products a channel speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Facebook Messenger, through a Page.
    Messenger,
    /// Instagram Direct, through a professional account.
    Instagram,
}

impl Platform {
    /// The webhook envelope's `object`.
    pub fn object(self) -> &'static str {
        match self {
            Self::Messenger => "page",
            Self::Instagram => "instagram",
        }
    }

    /// The connector's protocol name.
    pub fn provider(self) -> &'static str {
        match self {
            Self::Messenger => "messenger",
            Self::Instagram => "instagram",
        }
    }
}

/// Everything needed to talk to one Page or Instagram account.
#[derive(Debug, Clone)]
pub struct MetaMessagingConfig {
    /// Messenger or Instagram.
    pub platform: Platform,
    /// `https://graph.facebook.com`-like root, or the sandbox's.
    pub base_url: String,
    /// e.g. `v21.0`.
    pub api_version: String,
    /// The account webhooks name in `entry[].id`: the Page id, or the Instagram account id.
    pub account_id: String,
    /// The id sends are posted to (`/{send_id}/messages`): the Page id, or for Instagram either
    /// its account id (Instagram Login) or its Page's id (sending through the Page).
    pub send_id: String,
    /// The Page (or Instagram) access token, sent as a Bearer token.
    pub access_token: Secret,
    /// Signs inbound webhooks (`X-Hub-Signature-256`).
    pub app_secret: Secret,
    /// The token of the GET verification handshake.
    pub verify_token: Secret,
}
