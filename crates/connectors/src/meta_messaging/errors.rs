//! Graph error answers of the Messenger and Instagram Send API (PROVIDERS §2.1) classified into
//! what the dispatcher does next, with Switchboard's stable codes. The body is read with the
//! lenient [`GraphError::parse`] shared with WhatsApp; the table differs (10/2018278 is the
//! closed window here, 100/2018001 an unknown user, 551 someone who cannot be reached).

use std::time::Duration;

use http::StatusCode;

use crate::outbound::{SendAction, SendError};
use crate::whatsapp_cloud::errors::GraphError;

/// 4 / 613 (app or page call rate): Graph quotas are counted over an hour; a minute lets a burst
/// drain without hammering a limited page.
const CALL_RATE_DELAY: Duration = Duration::from_secs(60);
/// A bare HTTP 429 without a code.
const HTTP_429_DELAY: Duration = Duration::from_secs(60);

/// The subcode of code 10 for a send outside the allowed window.
pub const SUBCODE_OUTSIDE_WINDOW: i64 = 2_018_278;
/// The subcode of code 100 for a recipient the page has no conversation with.
pub const SUBCODE_NO_MATCHING_USER: i64 = 2_018_001;

/// What a code means: the action and the stable code.
pub fn classify(
    http_status: u16,
    code: Option<i64>,
    subcode: Option<i64>,
) -> (SendAction, &'static str) {
    use SendAction::{RateLimited, Rejected, Retry};
    match (code, subcode) {
        (Some(10), Some(SUBCODE_OUTSIDE_WINDOW)) => (Rejected, "window_closed"),
        (Some(100), Some(SUBCODE_NO_MATCHING_USER)) => (Rejected, "invalid_recipient"),
        (Some(0 | 190), _) => (Rejected, "provider_auth_failed"),
        (Some(3 | 10 | 200..=299), _) => (Rejected, "provider_permission_denied"),
        (Some(551), _) => (Rejected, "recipient_unavailable"),
        (Some(4 | 613 | 32), _) => (RateLimited(CALL_RATE_DELAY), "rate_limited"),
        (Some(2 | 1), _) => (Retry, "provider_unavailable"),
        (Some(100), _) => (Rejected, "invalid_parameter"),
        (Some(368), _) => (Rejected, "account_restricted"),
        _ => by_status(http_status),
    }
}

fn by_status(http_status: u16) -> (SendAction, &'static str) {
    match http_status {
        401 => (SendAction::Rejected, "provider_auth_failed"),
        403 => (SendAction::Rejected, "provider_permission_denied"),
        408 | 500..=599 => (SendAction::Retry, "provider_unavailable"),
        429 => (SendAction::RateLimited(HTTP_429_DELAY), "rate_limited"),
        _ => (SendAction::Rejected, "provider_rejected"),
    }
}

/// Maps an error answer; a `Retry-After` header overrides our own delay for anything retryable.
pub(crate) fn provider_error(
    status: StatusCode,
    body: &[u8],
    retry_after: Option<Duration>,
) -> SendError {
    let graph = GraphError::parse(body);
    let (action, code) = classify(status.as_u16(), graph.code, graph.error_subcode);
    let action = match (action, retry_after) {
        (SendAction::RateLimited(d), header) => SendAction::RateLimited(header.unwrap_or(d)),
        (SendAction::Retry, Some(header)) => SendAction::RetryAfter(header),
        (other, _) => other,
    };
    SendError {
        action,
        code,
        provider_code: graph.code,
        provider_text: graph.text().to_owned(),
        http_status: None,
        raw_body: None,
    }
    .with_body(status.as_u16(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_messenger_table() {
        use SendAction::{Rejected, Retry};
        let cases: &[(u16, Option<i64>, Option<i64>, &str)] = &[
            (400, Some(10), Some(SUBCODE_OUTSIDE_WINDOW), "window_closed"),
            (403, Some(10), None, "provider_permission_denied"),
            (
                400,
                Some(100),
                Some(SUBCODE_NO_MATCHING_USER),
                "invalid_recipient",
            ),
            (400, Some(100), None, "invalid_parameter"),
            (401, Some(190), None, "provider_auth_failed"),
            (400, Some(551), None, "recipient_unavailable"),
            (400, Some(99_999), None, "provider_rejected"),
        ];
        for (status, code, sub, expected) in cases {
            let (action, got) = classify(*status, *code, *sub);
            assert_eq!(got, *expected, "{code:?}/{sub:?}");
            assert_eq!(action, Rejected, "{code:?}/{sub:?}");
        }
        assert_eq!(
            classify(500, Some(2), None),
            (Retry, "provider_unavailable")
        );
        assert_eq!(classify(503, None, None), (Retry, "provider_unavailable"));
        for code in [4, 613] {
            let (action, got) = classify(400, Some(code), None);
            assert_eq!(got, "rate_limited");
            assert_eq!(action, SendAction::RateLimited(CALL_RATE_DELAY));
        }
    }

    #[test]
    fn an_answer_keeps_the_provider_code_and_text_and_honours_retry_after() {
        let body = br#"{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278,"fbtrace_id":"x"}}"#;
        let e = provider_error(StatusCode::BAD_REQUEST, body, None);
        assert_eq!(e.code, "window_closed");
        assert_eq!(e.provider_code, Some(10));
        assert!(e.provider_text.contains("outside of allowed window"), "{e}");
        let limited = br#"{"error":{"message":"(#613) Calls to this api have exceeded the rate limit.","code":613}}"#;
        let e = provider_error(
            StatusCode::BAD_REQUEST,
            limited,
            Some(Duration::from_secs(7)),
        );
        assert_eq!(e.action, SendAction::RateLimited(Duration::from_secs(7)));
    }
}
