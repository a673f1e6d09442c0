//! The sandbox's configuration: accounts with their tokens and secrets, the hub's webhook URLs,
//! and the limits and delays it emulates. Every field has a default, so an empty file (or none)
//! gives a working sandbox with one WhatsApp account.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// The default account's WhatsApp Business Account id.
pub const DEFAULT_WABA_ID: &str = "100000000000001";
/// The default account's phone number id (the `{phone-number-id}` of the Graph paths).
pub const DEFAULT_PHONE_NUMBER_ID: &str = "109876543210";
/// The default account's number as displayed (digits).
pub const DEFAULT_DISPLAY_PHONE_NUMBER: &str = "447700900001";
/// The default account's Bearer token.
pub const DEFAULT_ACCESS_TOKEN: &str = "sandbox-token";
/// The default account's app secret (signs webhooks with `X-Hub-Signature-256`).
pub const DEFAULT_APP_SECRET: &str = "sandbox-app-secret";
/// The default account's verify token (the GET handshake it performs against the hub).
pub const DEFAULT_VERIFY_TOKEN: &str = "sandbox-verify-token";
/// The default account's BSP (360dialog-style) API key, sent in `D360-API-KEY`.
pub const DEFAULT_API_KEY: &str = "sandbox-d360-key";

/// Everything the sandbox needs; `SandboxConfig::default()` is a usable sandbox.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SandboxConfig {
    /// Where to listen; `None` means 127.0.0.1 on a free port (the CLI defaults to 127.0.0.1:9090).
    pub listen: Option<SocketAddr>,
    /// The base URL the sandbox puts in the URLs it hands out (media downloads); defaults to
    /// `http://{bound address}`.
    pub public_url: Option<String>,
    /// The WhatsApp Cloud API emulation.
    pub whatsapp: WhatsAppConfig,
}

impl SandboxConfig {
    /// Reads a TOML file; unknown keys are refused so that a typo never silently does nothing.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::from_toml(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses TOML text.
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        let config: Self = toml::from_str(text)?;
        config.check()?;
        Ok(config)
    }

    /// Refuses configurations that cannot work: no accounts, duplicate ids or tokens clashing.
    pub fn check(&self) -> anyhow::Result<()> {
        let accounts = &self.whatsapp.accounts;
        for (i, a) in accounts.iter().enumerate() {
            anyhow::ensure!(
                !a.phone_number_id.is_empty()
                    && a.phone_number_id.bytes().all(|b| b.is_ascii_digit()),
                "whatsapp.accounts[{i}].phone_number_id must be digits"
            );
            anyhow::ensure!(
                !a.waba_id.is_empty() && a.waba_id.bytes().all(|b| b.is_ascii_digit()),
                "whatsapp.accounts[{i}].waba_id must be digits"
            );
            anyhow::ensure!(
                !a.access_token.is_empty(),
                "whatsapp.accounts[{i}].access_token is empty"
            );
            anyhow::ensure!(
                accounts[..i]
                    .iter()
                    .all(|b| b.phone_number_id != a.phone_number_id),
                "whatsapp.accounts[{i}].phone_number_id {} is used twice",
                a.phone_number_id
            );
        }
        anyhow::ensure!(
            self.whatsapp.limits.messages_per_second > 0,
            "whatsapp.limits.messages_per_second must be at least 1"
        );
        Ok(())
    }
}

/// The WhatsApp Cloud API emulation (PROVIDERS §1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WhatsAppConfig {
    /// Business numbers; the default is one account with the `DEFAULT_*` values.
    pub accounts: Vec<WhatsAppAccount>,
    /// Limits Meta enforces.
    pub limits: WhatsAppLimits,
    /// When status webhooks follow an accepted send.
    pub statuses: StatusConfig,
    /// How submitted templates are reviewed.
    pub templates: TemplateReview,
    /// How webhooks to the hub are retried.
    pub webhooks: WebhookDelivery,
}

impl Default for WhatsAppConfig {
    fn default() -> Self {
        Self {
            accounts: vec![WhatsAppAccount::default()],
            limits: WhatsAppLimits::default(),
            statuses: StatusConfig::default(),
            templates: TemplateReview::default(),
            webhooks: WebhookDelivery::default(),
        }
    }
}

/// One business phone number on a WhatsApp Business Account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WhatsAppAccount {
    /// The WABA id (`/{waba-id}/message_templates`, `entry[].id` of webhooks).
    pub waba_id: String,
    /// The phone number id (`/{phone-number-id}/messages`, `metadata.phone_number_id`).
    pub phone_number_id: String,
    /// The number as displayed, digits (`metadata.display_phone_number`).
    pub display_phone_number: String,
    /// The Bearer token Graph requests must carry.
    pub access_token: String,
    /// Signs webhooks to the hub (`X-Hub-Signature-256`).
    pub app_secret: String,
    /// Sent in the GET verification handshake to the hub.
    pub verify_token: String,
    /// When set, the 360dialog-style API (`/messages` with `D360-API-KEY`) accepts this key for
    /// this number.
    pub api_key: Option<String>,
    /// Where webhooks for this number go (the hub's `/hooks/{channel_id}`); none means they are
    /// only recorded in `GET /sandbox/v1/deliveries`.
    pub webhook_url: Option<String>,
    /// Overrides `limits.messages_per_second` for this number.
    pub messages_per_second: Option<u32>,
}

impl Default for WhatsAppAccount {
    fn default() -> Self {
        Self {
            waba_id: DEFAULT_WABA_ID.to_owned(),
            phone_number_id: DEFAULT_PHONE_NUMBER_ID.to_owned(),
            display_phone_number: DEFAULT_DISPLAY_PHONE_NUMBER.to_owned(),
            access_token: DEFAULT_ACCESS_TOKEN.to_owned(),
            app_secret: DEFAULT_APP_SECRET.to_owned(),
            verify_token: DEFAULT_VERIFY_TOKEN.to_owned(),
            api_key: Some(DEFAULT_API_KEY.to_owned()),
            webhook_url: None,
            messages_per_second: None,
        }
    }
}

/// What Meta enforces (PROVIDERS §1.7), configurable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WhatsAppLimits {
    /// Sends per second per business number before 130429 (Meta's default is 80).
    pub messages_per_second: u32,
    /// The pair rate: one message per this many milliseconds to the same user (about 6 s)...
    pub pair_interval_ms: u64,
    /// ...with bursts of this many borrowed from later quota (about 45); over it: 131056.
    pub pair_burst: u32,
    /// Enforce the customer-service window (131047 for free-form outside it).
    pub enforce_window: bool,
    /// The window's length after the customer's last message, in hours (24).
    pub window_hours: u32,
}

impl Default for WhatsAppLimits {
    fn default() -> Self {
        Self {
            messages_per_second: 80,
            pair_interval_ms: 6_000,
            pair_burst: 45,
            enforce_window: true,
            window_hours: 24,
        }
    }
}

/// The status webhooks that follow an accepted send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatusConfig {
    /// Delay before `sent`, in milliseconds after the send was accepted.
    pub sent_after_ms: u64,
    /// Delay before `delivered`; `None` means never delivered.
    pub delivered_after_ms: Option<u64>,
    /// Delay before `read`; `None` means never read.
    pub read_after_ms: Option<u64>,
    /// Recipients (digits, as in `wa_id`) whose messages fail instead of being delivered.
    pub fail_numbers: Vec<String>,
    /// The error code of those failures (131026: undeliverable).
    pub fail_code: i64,
    /// How many statuses may share one webhook when they are due together.
    pub batch_max: usize,
}

impl Default for StatusConfig {
    fn default() -> Self {
        Self {
            sent_after_ms: 100,
            delivered_after_ms: Some(300),
            read_after_ms: Some(1_000),
            fail_numbers: vec!["447700900999".to_owned()],
            fail_code: 131_026,
            batch_max: 50,
        }
    }
}

/// How template submissions are reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TemplateReview {
    /// Milliseconds from submission to the decision (and its webhook).
    pub review_after_ms: u64,
    /// Templates whose name contains this text are rejected (reason `INVALID_FORMAT`); all others
    /// are approved.
    pub reject_names_containing: String,
}

impl Default for TemplateReview {
    fn default() -> Self {
        Self {
            review_after_ms: 2_000,
            reject_names_containing: "reject".to_owned(),
        }
    }
}

/// How webhooks to the hub are delivered and retried when the hub does not answer 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookDelivery {
    /// Per-attempt timeout in milliseconds.
    pub timeout_ms: u64,
    /// First retry delay; each next one doubles, up to `max_delay_ms`.
    pub first_retry_ms: u64,
    /// The longest delay between attempts.
    pub max_delay_ms: u64,
    /// Attempts before giving up (Meta keeps trying for 7 days; tests want less).
    pub max_attempts: u32,
}

impl Default for WebhookDelivery {
    fn default() -> Self {
        Self {
            timeout_ms: 5_000,
            first_retry_ms: 500,
            max_delay_ms: 60_000,
            max_attempts: 12,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_the_default() {
        assert_eq!(
            SandboxConfig::from_toml("").unwrap(),
            SandboxConfig::default()
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = SandboxConfig::from_toml("[whatsapp]\nacounts = []\n").unwrap_err();
        assert!(format!("{err:#}").contains("acounts"), "{err:#}");
    }

    #[test]
    fn accounts_from_toml() {
        let config = SandboxConfig::from_toml(
            "listen = \"127.0.0.1:9191\"\n\
             [[whatsapp.accounts]]\n\
             waba_id = \"2001\"\nphone_number_id = \"3001\"\naccess_token = \"t\"\n\
             webhook_url = \"http://127.0.0.1:8080/hooks/x\"\n\
             [whatsapp.limits]\nmessages_per_second = 5\n",
        )
        .unwrap();
        assert_eq!(config.listen, Some("127.0.0.1:9191".parse().unwrap()));
        let a = &config.whatsapp.accounts[0];
        assert_eq!(
            (a.waba_id.as_str(), a.phone_number_id.as_str()),
            ("2001", "3001")
        );
        // Unset account fields take the defaults.
        assert_eq!(a.app_secret, DEFAULT_APP_SECRET);
        assert_eq!(config.whatsapp.limits.messages_per_second, 5);
        assert_eq!(config.whatsapp.limits.pair_burst, 45);
    }

    #[test]
    fn duplicate_numbers_are_refused() {
        let text = "[[whatsapp.accounts]]\nphone_number_id = \"1\"\n[[whatsapp.accounts]]\nphone_number_id = \"1\"\n";
        assert!(SandboxConfig::from_toml(text).is_err());
    }
}
