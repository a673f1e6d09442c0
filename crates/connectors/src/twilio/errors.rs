//! Twilio's error codes (PROVIDERS §4.1) to retry decisions and Switchboard's stable codes, for
//! API answers ([`from_answer`]) and for the `ErrorCode` of failed status callbacks ([`code_of`]).

use std::time::Duration;

use serde::Deserialize;

use super::client::Flavor;
use crate::outbound::{SendAction, SendError};

/// 20429 / HTTP 429: a long code sends one message per second, so a second's pause lets the
/// queue drain; the dispatcher's own pacing keeps us under it normally.
const THROTTLE_DELAY: Duration = Duration::from_secs(1);

pub(super) const UNREACHABLE: &str = "provider_unreachable";
pub(super) const TIMEOUT: &str = "provider_timeout";
pub(super) const BAD_RESPONSE: &str = "provider_bad_response";
pub(super) const TOO_LARGE: &str = "provider_answer_too_large";

/// The stable code of a recipient who texted STOP: the hub mirrors it into the contact's consent.
pub const OPTED_OUT: &str = "recipient_opted_out";

/// Twilio's error document.
#[derive(Debug, Default, Deserialize)]
struct TwilioError {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

/// What to do about an error code, and its stable name. `None` for codes we do not know.
pub fn code_of(code: i64) -> Option<(SendAction, &'static str)> {
    use SendAction::{RateLimited, Rejected, Retry};
    Some(match code {
        20003 => (Rejected, "provider_auth_failed"),
        20429 => (RateLimited(THROTTLE_DELAY), "rate_limited"),
        20500 | 20503 => (Retry, "provider_unavailable"),
        21211 | 21614 => (Rejected, "invalid_recipient"),
        21212 | 21606 | 21659 => (Rejected, "invalid_sender"),
        21408 => (Rejected, "region_not_enabled"),
        21610 => (Rejected, OPTED_OUT),
        21617 => (Rejected, "content_too_long"),
        21620 | 21623 => (Rejected, "invalid_media"),
        63016 => (Rejected, "window_closed"),
        30003 => (Rejected, "recipient_unreachable"),
        30004 => (Rejected, "recipient_blocked"),
        30005 => (Rejected, "unknown_recipient"),
        30006 => (Rejected, "recipient_landline"),
        30007 => (Rejected, "carrier_filtered"),
        30008 => (Rejected, "undeliverable"),
        _ => return None,
    })
}

/// Classifies an error answer: Twilio's code first, the HTTP status when the code is unknown.
pub(super) fn from_answer(
    flavor: Flavor,
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> SendError {
    let error: TwilioError = serde_json::from_slice(body).unwrap_or_default();
    let (action, code) = error
        .code
        .and_then(code_of)
        .unwrap_or_else(|| by_status(status));
    let action = match (action, retry_after) {
        (SendAction::RateLimited(_), Some(d)) => SendAction::RateLimited(d),
        (SendAction::Retry, Some(d)) => SendAction::RetryAfter(d),
        (a, _) => a,
    };
    let text = error
        .message
        .unwrap_or_else(|| format!("{} answered HTTP {status}", flavor.protocol()));
    SendError {
        action,
        code,
        provider_code: error.code,
        provider_text: text,
        http_status: None,
        raw_body: None,
    }
    .with_body(status, body)
}

fn by_status(status: u16) -> (SendAction, &'static str) {
    match status {
        401 => (SendAction::Rejected, "provider_auth_failed"),
        403 => (SendAction::Rejected, "provider_permission_denied"),
        404 => (SendAction::Rejected, "provider_not_found"),
        429 => (SendAction::RateLimited(THROTTLE_DELAY), "rate_limited"),
        408 | 500..=599 => (SendAction::Retry, "provider_unavailable"),
        _ => (SendAction::Rejected, "provider_rejected"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> SendError {
        from_answer(Flavor::Sms, status, body.as_bytes(), None)
    }

    #[test]
    fn documented_codes_map_to_stable_codes() {
        let e = answer(
            400,
            r#"{"code":21211,"message":"The 'To' number +1415 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}"#,
        );
        assert_eq!(
            (e.action, e.code),
            (SendAction::Rejected, "invalid_recipient")
        );
        assert_eq!(e.provider_code, Some(21211));
        assert!(e.provider_text.contains("not a valid phone number"));
        assert_eq!(e.http_status, Some(400));
        assert_eq!(answer(400, r#"{"code":21610}"#).code, OPTED_OUT);
        assert_eq!(answer(400, r#"{"code":21408}"#).code, "region_not_enabled");
        assert_eq!(
            answer(401, r#"{"code":20003}"#).code,
            "provider_auth_failed"
        );
        let throttled = answer(429, r#"{"code":20429}"#);
        assert_eq!(throttled.action, SendAction::RateLimited(THROTTLE_DELAY));
    }

    #[test]
    fn unknown_codes_and_bodies_fall_back_on_the_status() {
        assert_eq!(answer(400, r#"{"code":99999}"#).code, "provider_rejected");
        assert_eq!(answer(503, "<html>").action, SendAction::Retry);
        assert_eq!(answer(401, "").code, "provider_auth_failed");
        let e = from_answer(Flavor::Sms, 429, b"", Some(Duration::from_secs(7)));
        assert_eq!(e.action, SendAction::RateLimited(Duration::from_secs(7)));
    }

    #[test]
    fn delivery_failures_have_codes_too() {
        for (code, name) in [
            (30003, "recipient_unreachable"),
            (30005, "unknown_recipient"),
            (30006, "recipient_landline"),
            (30007, "carrier_filtered"),
        ] {
            assert_eq!(code_of(code), Some((SendAction::Rejected, name)));
        }
        assert_eq!(code_of(12345), None);
    }
}
