//! `CoreSettings`: the tunables of the use cases, read from the configuration file's `[core]`.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CoreSettings {
    /// Consecutive failed sign-ins after which an account is locked (for 2^(n-5) s, see below).
    pub login_failures_before_lock: u32,
    /// The longest lock-out: long enough to make guessing hopeless, short enough that a real
    /// user who forgot a password is not locked out for the day.
    pub login_lock_max_secs: u64,
    /// Sign-in attempts per client IP and minute, whatever the account.
    pub login_attempts_per_ip_per_minute: u32,
    /// Minimum interval between two "last used" writes for one API key.
    pub key_touch_interval_secs: u64,
    /// How long an `Idempotency-Key` claim holds while its first request runs.
    pub idempotency_lock_secs: u64,
    /// Address ranges customers' webhook URLs may reach although they are not public (the SSRF
    /// guard refuses loopback, private, link-local... otherwise). Tests allow `127.0.0.0/8`.
    pub webhook_allowed_ranges: Vec<ipnet::IpNet>,
    /// Names the webhook client resolves itself before asking the system (empty: the system
    /// resolver answers every name). Tests only: they have no DNS to make a name resolve to a
    /// private address. Not read from the configuration.
    #[serde(skip)]
    pub webhook_hosts: switchboard_webhooks::StaticHosts,
    /// How long a signed media download link works.
    pub media_url_ttl_secs: u64,
    /// The hub's external base URL (`https://hub.example.com`), for the callback URLs given to
    /// providers (Telegram's webhook, Twilio's status callbacks) and their signature checks.
    /// The server fills it from `[http] public_base_url`, else its own listen address.
    pub public_base_url: Option<String>,
}

impl Default for CoreSettings {
    fn default() -> Self {
        Self {
            login_failures_before_lock: 5,
            login_lock_max_secs: 15 * 60,
            login_attempts_per_ip_per_minute: 30,
            key_touch_interval_secs: 60,
            idempotency_lock_secs: 60,
            webhook_allowed_ranges: Vec::new(),
            webhook_hosts: switchboard_webhooks::StaticHosts::default(),
            // Long enough to open a conversation's files, short enough that a leaked link dies.
            media_url_ttl_secs: 3600,
            public_base_url: None,
        }
    }
}
