//! An `ok:false` answer (or a failed exchange) to a [`SendError`]: the retry decision and a stable
//! Switchboard code. Telegram's `error_code` mirrors the HTTP status and its `description` is the
//! only finer signal, so both are read; `parameters.retry_after` is honoured to the second.

use std::time::Duration;

use super::wire::ResponseParameters;
use crate::outbound::{SendAction, SendError};

/// A 429 without `retry_after` (never seen from Telegram, possible from a proxy): flood control
/// windows are seconds long, so a short pause is the right first guess.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);
/// The longest wait we accept from `retry_after`: Telegram's flood waits reach hours for abusive
/// bots; a day keeps a corrupt value from parking a message for ever.
const MAX_RETRY_AFTER: u64 = 24 * 3600;

/// Stable codes this module gives out.
pub const RECIPIENT_BLOCKED: &str = "recipient_blocked";
pub const INVALID_RECIPIENT: &str = "invalid_recipient";
pub const CHAT_MIGRATED: &str = "chat_migrated";

/// Classifies an error answer. `status` is the HTTP status, `code` Telegram's `error_code`.
pub fn classify(
    status: u16,
    code: Option<i64>,
    description: &str,
    parameters: Option<&ResponseParameters>,
) -> SendError {
    let effective = code
        .and_then(|c| u16::try_from(c).ok())
        .filter(|c| *c >= 400)
        .unwrap_or(status);
    let lower = description.to_ascii_lowercase();
    let retry_after = parameters.and_then(|p| p.retry_after);
    let (action, stable) = match effective {
        429 => {
            let wait = retry_after
                .map(|s| Duration::from_secs(s.min(MAX_RETRY_AFTER)))
                .unwrap_or(DEFAULT_RETRY_AFTER);
            (SendAction::RateLimited(wait), "rate_limited")
        }
        401 => (SendAction::Rejected, "provider_auth_failed"),
        403 if lower.contains("blocked") => (SendAction::Rejected, RECIPIENT_BLOCKED),
        // Kicked from the group, user deactivated, cannot initiate a conversation.
        403 => (SendAction::Rejected, "recipient_not_allowed"),
        400 if parameters.is_some_and(|p| p.migrate_to_chat_id.is_some()) => {
            (SendAction::Rejected, CHAT_MIGRATED)
        }
        400 if lower.contains("chat not found") || lower.contains("user not found") => {
            (SendAction::Rejected, INVALID_RECIPIENT)
        }
        400 if lower.contains("wrong file") || lower.contains("failed to get http url content") => {
            (SendAction::Rejected, "media_download_failed")
        }
        400 => (SendAction::Rejected, "invalid_parameter"),
        404 => (SendAction::Rejected, "provider_rejected"),
        408 | 500..=599 => (SendAction::Retry, "provider_unavailable"),
        _ => (SendAction::Rejected, "provider_rejected"),
    };
    SendError {
        action,
        code: stable,
        provider_code: code,
        provider_text: description.to_owned(),
        http_status: None,
        raw_body: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(retry_after: Option<u64>, migrate: Option<i64>) -> ResponseParameters {
        ResponseParameters {
            migrate_to_chat_id: migrate,
            retry_after,
        }
    }

    #[test]
    fn retry_after_is_honoured_exactly() {
        let p = params(Some(7), None);
        let e = classify(429, Some(429), "Too Many Requests: retry after 7", Some(&p));
        assert_eq!(e.action, SendAction::RateLimited(Duration::from_secs(7)));
        assert_eq!((e.code, e.provider_code), ("rate_limited", Some(429)));
        let e = classify(429, None, "", None);
        assert_eq!(e.action, SendAction::RateLimited(DEFAULT_RETRY_AFTER));
    }

    #[test]
    fn refusals_have_their_own_codes() {
        let cases = [
            (
                403,
                "Forbidden: bot was blocked by the user",
                RECIPIENT_BLOCKED,
            ),
            (
                403,
                "Forbidden: bot was kicked from the group chat",
                "recipient_not_allowed",
            ),
            (400, "Bad Request: chat not found", INVALID_RECIPIENT),
            (
                400,
                "Bad Request: message text is empty",
                "invalid_parameter",
            ),
            (401, "Unauthorized", "provider_auth_failed"),
            (404, "Not Found", "provider_rejected"),
        ];
        for (status, text, code) in cases {
            let e = classify(status, Some(i64::from(status)), text, None);
            assert_eq!((e.code, e.action), (code, SendAction::Rejected), "{text}");
        }
        let p = params(None, Some(-100_123));
        let e = classify(
            400,
            Some(400),
            "Bad Request: group chat was upgraded",
            Some(&p),
        );
        assert_eq!(e.code, CHAT_MIGRATED);
    }

    #[test]
    fn server_errors_are_retried() {
        for status in [500, 502, 503, 504] {
            let e = classify(status, None, "Bad Gateway", None);
            assert_eq!(e.action, SendAction::Retry);
            assert_eq!(e.code, "provider_unavailable");
        }
    }
}
