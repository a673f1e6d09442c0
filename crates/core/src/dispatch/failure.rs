//! What a failed send becomes: a deferral (a provider throttle, within its allowance), another
//! try (after the delay the provider asked for), or a failed message with Switchboard's stable
//! code and the provider's own code and text. Pure, so every branch is tested without a provider.

use std::time::Duration;

use switchboard_connectors::{SendAction, SendError};

/// The stable code of a message given up on after every attempt failed transiently.
pub const GAVE_UP: &str = "provider_unavailable";

/// Codes that say the channel itself is refused (credentials, account), not just this message:
/// the channel shows the error so an admin sees it without reading message failures.
const CHANNEL_LEVEL: &[&str] = &[
    "provider_auth_failed",
    "provider_permission_denied",
    "account_locked",
    "account_restricted",
];

/// Why a message failed, as it will be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: &'static str,
    pub provider_code: Option<String>,
    pub provider_text: Option<String>,
    /// Whether the channel should show the error too.
    pub channel_level: bool,
}

impl Failure {
    /// A failure found before reaching the provider.
    pub fn local(code: &'static str, text: impl Into<String>) -> Self {
        Self {
            code,
            provider_code: None,
            provider_text: Some(text.into()),
            channel_level: false,
        }
    }
}

/// Provider throttles, and every other answer that names when to come back (WhatsApp 130429
/// throughput, 131056 pair rate, frequency caps, account maintenance, HTTP 429: the connector's
/// `RateLimited` and `RetryAfter`), are deferred without spending an attempt while the job has
/// been deferred fewer times than this. A throttle says "not now", not "broken", so a long one must not kill messages the way
/// counting every 2 s throttle as an attempt did; but a provider that answers 429 for ever must
/// not loop a job for ever either: past this many deferrals (of any cause; ownership and rate
/// waits use the allowance up too, which only makes it end sooner) each throttle counts as an
/// attempt again and the job dies once its attempts are spent.
pub const THROTTLES_WITHOUT_ATTEMPT: u32 = 100;

/// When a failed send is a provider throttle still within the allowance: how long to defer.
pub fn throttle_deferral(e: &SendError, deferrals: u32) -> Option<Duration> {
    match e.action {
        SendAction::RateLimited(d) | SendAction::RetryAfter(d)
            if deferrals < THROTTLES_WITHOUT_ATTEMPT =>
        {
            Some(d)
        }
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Run the job again, no sooner than `after` when the provider said.
    Retry {
        error: String,
        after: Option<Duration>,
    },
    /// Mark the message failed.
    Fail(Failure),
}

/// Decides for one failed send; `last_attempt` turns a transient error into giving up.
pub fn decide(e: &SendError, last_attempt: bool) -> Decision {
    let provider_text = (!e.provider_text.is_empty()).then(|| e.provider_text.clone());
    let provider_code = e.provider_code.map(|c| c.to_string());
    if e.is_retryable() {
        if !last_attempt {
            return Decision::Retry {
                error: e.to_string(),
                after: e.action.delay(),
            };
        }
        return Decision::Fail(Failure {
            code: GAVE_UP,
            provider_code,
            provider_text,
            channel_level: false,
        });
    }
    Decision::Fail(Failure {
        code: e.code,
        provider_code,
        provider_text,
        channel_level: CHANNEL_LEVEL.contains(&e.code),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(action: SendAction, code: &'static str, provider: i64) -> SendError {
        SendError {
            provider_code: Some(provider),
            ..SendError::local(action, code, format!("graph says {provider}"))
        }
    }

    #[test]
    fn transient_errors_retry_after_the_providers_delay() {
        let e = graph(SendAction::Retry, "provider_unavailable", 131000);
        match decide(&e, false) {
            Decision::Retry { after, error } => {
                assert_eq!(after, None);
                assert!(error.contains("131000"), "{error}");
            }
            other => panic!("{other:?}"),
        }
        let limited = graph(
            SendAction::RateLimited(Duration::from_secs(2)),
            "rate_limited",
            130429,
        );
        assert!(matches!(
            decide(&limited, false),
            Decision::Retry { after: Some(d), .. } if d == Duration::from_secs(2)
        ));
        let later = graph(
            SendAction::RetryAfter(Duration::from_secs(6)),
            "pair_rate_limited",
            131056,
        );
        assert!(matches!(
            decide(&later, false),
            Decision::Retry { after: Some(d), .. } if d == Duration::from_secs(6)
        ));
    }

    #[test]
    fn throttles_are_deferred_until_the_allowance_is_spent() {
        let two = Duration::from_secs(2);
        for action in [SendAction::RateLimited(two), SendAction::RetryAfter(two)] {
            let e = graph(action, "rate_limited", 130429);
            assert_eq!(throttle_deferral(&e, 0), Some(two));
            assert_eq!(
                throttle_deferral(&e, THROTTLES_WITHOUT_ATTEMPT - 1),
                Some(two)
            );
            assert_eq!(throttle_deferral(&e, THROTTLES_WITHOUT_ATTEMPT), None);
        }
        // Outages and refusals are not throttles: they count (or fail) as before.
        let down = graph(SendAction::Retry, "provider_unavailable", 131000);
        assert_eq!(throttle_deferral(&down, 0), None);
        let refused = graph(SendAction::Rejected, "window_closed", 131047);
        assert_eq!(throttle_deferral(&refused, 0), None);
    }

    #[test]
    fn the_last_transient_failure_gives_up() {
        let e = graph(SendAction::Retry, "provider_unavailable", 131000);
        assert_eq!(
            decide(&e, true),
            Decision::Fail(Failure {
                code: GAVE_UP,
                provider_code: Some("131000".into()),
                provider_text: Some("graph says 131000".into()),
                channel_level: false,
            })
        );
    }

    #[test]
    fn rejections_fail_with_both_codes_and_auth_marks_the_channel() {
        let closed = graph(SendAction::Rejected, "window_closed", 131047);
        let Decision::Fail(f) = decide(&closed, false) else {
            panic!("a rejection is final");
        };
        assert_eq!(
            (f.code, f.provider_code.as_deref()),
            ("window_closed", Some("131047"))
        );
        assert!(!f.channel_level);
        let auth = graph(SendAction::Rejected, "provider_auth_failed", 190);
        let Decision::Fail(f) = decide(&auth, false) else {
            panic!("a rejection is final");
        };
        assert!(f.channel_level);
        // A local error has no provider code and keeps its text.
        let local = SendError::local(SendAction::Rejected, "invalid_content", "");
        let Decision::Fail(f) = decide(&local, false) else {
            panic!("a rejection is final");
        };
        assert_eq!((f.provider_code, f.provider_text), (None, None));
    }
}
