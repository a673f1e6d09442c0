//! `HttpSettings`: the edge's tunables, read from the configuration file's `[http]`.

use std::time::Duration;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct HttpSettings {
    /// Reverse proxies whose `X-Forwarded-For` is believed. Empty: the peer address is the client.
    pub trusted_proxies: Vec<IpNet>,
    /// Largest accepted request body. 1 MiB is far above any JSON this API takes and small enough
    /// that a flood of big bodies cannot exhaust memory.
    pub body_limit_bytes: usize,
    /// Requests per minute per API key (or per signed-in user), as a token bucket of that size.
    pub rate_limit_per_minute: u32,
    /// Mark the session cookie `Secure` (on whenever Switchboard is served over HTTPS).
    pub secure_cookies: bool,
    /// How long a browser session lasts; `"12h"`, `"30m"` or a number of seconds.
    #[serde(deserialize_with = "duration")]
    pub session_ttl: Duration,
    /// The hub's external base URL (`https://hub.example.com`), used in the webhook URLs shown to
    /// admins; unset, the request's `Host` is used.
    pub public_base_url: Option<String>,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            trusted_proxies: Vec::new(),
            body_limit_bytes: 1024 * 1024,
            rate_limit_per_minute: 600,
            secure_cookies: false,
            // A working day, so agents sign in once per shift.
            session_ttl: Duration::from_secs(12 * 3600),
            public_base_url: None,
        }
    }
}

fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Secs(u64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Secs(s) => Ok(Duration::from_secs(s)),
        Raw::Text(t) => humantime::parse_duration(&t).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_text_or_seconds() {
        let s: HttpSettings = serde_json::from_str(r#"{"session_ttl": "30m"}"#).unwrap();
        assert_eq!(s.session_ttl, Duration::from_secs(1800));
        let s: HttpSettings = serde_json::from_str(r#"{"session_ttl": 60}"#).unwrap();
        assert_eq!(s.session_ttl, Duration::from_secs(60));
        assert_eq!(s.body_limit_bytes, 1024 * 1024);
    }
}
