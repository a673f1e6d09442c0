//! The mapping from a Graph error (code first, HTTP status as fallback) to what to do next.
//!
//! The table follows PROVIDERS §1.5. Delays for rate limits are our own choices, each explained
//! beside its constant; the job runner adds jitter on top.

use std::time::Duration;

use super::GraphError;

/// 130429 (throughput, 80 msg/s per number): the window is one second, so a short pause suffices.
const THROUGHPUT_DELAY: Duration = Duration::from_secs(2);
/// 131056 (pair limit): Meta allows about one message per 6 s to the same user.
const PAIR_DELAY: Duration = Duration::from_secs(6);
/// 4 / 80007 (app or WABA call rate): Graph call quotas are counted per hour; a minute lets a
/// burst drain without hammering a limited app.
const CALL_RATE_DELAY: Duration = Duration::from_secs(60);
/// 131057 (account in maintenance during a throughput upgrade): about one minute per PROVIDERS.
const MAINTENANCE_DELAY: Duration = Duration::from_secs(60);
/// 131048 (spam rate limit after low quality): Meta gives no number; an hour avoids making the
/// quality worse by retrying into the same block.
const SPAM_DELAY: Duration = Duration::from_secs(3600);
/// 131049 (marketing frequency cap): Meta says retry after at least 24 h.
const FREQUENCY_CAP_DELAY: Duration = Duration::from_secs(24 * 3600);
/// A bare HTTP 429 without a code.
const HTTP_429_DELAY: Duration = Duration::from_secs(60);

/// What the caller should do with a failed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorAction {
    /// Transient: retry with the usual backoff.
    Retry,
    /// Rate limited: retry, but not before this delay.
    RetryAfter(Duration),
    /// Final: retrying the same request cannot succeed.
    Rejected,
}

/// A classified provider error: the action, a stable Switchboard code, and the provider's own
/// code and text kept for the message's failure record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorClass {
    /// Retry, retry after, or rejected.
    pub action: ErrorAction,
    /// Stable Switchboard code, e.g. `window_closed`.
    pub code: &'static str,
    /// Meta's `error.code`, if any.
    pub provider_code: Option<i64>,
    /// Meta's details or message.
    pub provider_text: String,
}

/// Classifies a failed Graph call from its HTTP status and parsed error body.
pub fn classify(http_status: u16, error: &GraphError) -> ErrorClass {
    let (action, code) = match error.code {
        Some(code) => by_code(code, http_status),
        None => by_status(http_status),
    };
    ErrorClass {
        action,
        code,
        provider_code: error.code,
        provider_text: error.text().to_owned(),
    }
}

/// The table of §1.5. Unknown codes fall back on the HTTP status.
fn by_code(code: i64, http_status: u16) -> (ErrorAction, &'static str) {
    use ErrorAction::{Rejected, Retry, RetryAfter};
    match code {
        0 | 190 => (Rejected, "provider_auth_failed"),
        3 | 10 | 200..=299 => (Rejected, "provider_permission_denied"),
        4 | 80007 => (RetryAfter(CALL_RATE_DELAY), "rate_limited"),
        100 => (Rejected, "invalid_parameter"),
        368 | 130497 => (Rejected, "account_restricted"),
        131031 => (Rejected, "account_locked"),
        130429 => (RetryAfter(THROUGHPUT_DELAY), "rate_limited"),
        131056 => (RetryAfter(PAIR_DELAY), "pair_rate_limited"),
        131048 => (RetryAfter(SPAM_DELAY), "spam_rate_limited"),
        131049 => (
            RetryAfter(FREQUENCY_CAP_DELAY),
            "marketing_frequency_capped",
        ),
        131057 => (RetryAfter(MAINTENANCE_DELAY), "provider_maintenance"),
        131000 | 131016 => (Retry, "provider_unavailable"),
        131008 => (Rejected, "missing_parameter"),
        131009 => (Rejected, "invalid_parameter"),
        131026 => (Rejected, "undeliverable"),
        131030 => (Rejected, "recipient_not_allowed"),
        131042 => (Rejected, "payment_required"),
        131047 => (Rejected, "window_closed"),
        131050 => (Rejected, "marketing_opted_out"),
        131051 => (Rejected, "unsupported_message_type"),
        131052 => (Rejected, "media_download_failed"),
        131053 => (Rejected, "media_upload_failed"),
        132000 => (Rejected, "template_param_count_mismatch"),
        132001 => (Rejected, "template_missing"),
        132005 => (Rejected, "template_text_too_long"),
        132007 => (Rejected, "template_policy_violation"),
        132008 | 132012 => (Rejected, "template_param_format"),
        132015 => (Rejected, "template_paused"),
        132016 => (Rejected, "template_disabled"),
        c if (132_000..=132_999).contains(&c) => (Rejected, "template_error"),
        _ => match by_status(http_status) {
            // A code we do not know on a 4xx is still Meta refusing this request.
            (Rejected, _) => (Rejected, "provider_rejected"),
            other => other,
        },
    }
}

/// Without a code only the status speaks: 5xx and transport-ish codes are transient.
fn by_status(http_status: u16) -> (ErrorAction, &'static str) {
    match http_status {
        401 => (ErrorAction::Rejected, "provider_auth_failed"),
        403 => (ErrorAction::Rejected, "provider_permission_denied"),
        408 | 500..=599 => (ErrorAction::Retry, "provider_unavailable"),
        429 => (ErrorAction::RetryAfter(HTTP_429_DELAY), "rate_limited"),
        _ => (ErrorAction::Rejected, "provider_rejected"),
    }
}
