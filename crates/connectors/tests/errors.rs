//! Graph error bodies parse leniently and classify per PROVIDERS §1.5.

use std::time::Duration;

use switchboard_connectors::whatsapp_cloud::errors::{ErrorAction, GraphError, classify};

const WINDOW_CLOSED: &str = r#"{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,
  "error_data":{"messaging_product":"whatsapp","details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
  "fbtrace_id":"AbCdEf123"}}"#;

#[test]
fn documented_body_parses_every_field() {
    let error = GraphError::parse(WINDOW_CLOSED.as_bytes());
    assert_eq!(error.message, "(#131047) Re-engagement message");
    assert_eq!(error.error_type.as_deref(), Some("OAuthException"));
    assert_eq!(error.code, Some(131047));
    assert_eq!(error.error_subcode, None);
    assert!(
        error
            .details
            .as_deref()
            .unwrap()
            .starts_with("Message failed to send")
    );
    assert_eq!(error.fbtrace_id.as_deref(), Some("AbCdEf123"));
    assert_eq!(error.text(), error.details.as_deref().unwrap());
}

#[test]
fn subcode_is_read_when_present() {
    let body = br#"{"error":{"message":"m","code":100,"error_subcode":2494010}}"#;
    let error = GraphError::parse(body);
    assert_eq!(
        (error.code, error.error_subcode),
        (Some(100), Some(2494010))
    );
    assert_eq!(error.text(), "m");
}

#[test]
fn odd_bodies_never_fail() {
    let cases: [&[u8]; 7] = [
        b"",
        b"<html>502 Bad Gateway</html>",
        b"null",
        b"[1,2]",
        br#"{"error":"nope"}"#,
        br#"{"error":{"code":"131047","message":7}}"#,
        &[0xff, 0xfe, 0x00],
    ];
    for body in cases {
        let _ = GraphError::parse(body);
    }
    assert_eq!(
        GraphError::parse(b"<html>502 Bad Gateway</html>").message,
        "<html>502 Bad Gateway</html>"
    );
    // A code written as a string is still a code.
    let stringly = GraphError::parse(br#"{"error":{"code":"131047","message":7}}"#);
    assert_eq!(
        (stringly.code, stringly.message.as_str()),
        (Some(131047), "7")
    );
}

#[test]
fn raw_message_is_bounded() {
    let long = "x".repeat(10_000);
    assert_eq!(GraphError::parse(long.as_bytes()).message.len(), 200);
}

fn coded(code: i64) -> GraphError {
    GraphError {
        code: Some(code),
        message: format!("(#{code}) m"),
        ..GraphError::default()
    }
}

#[test]
fn codes_classify_per_the_table() {
    use ErrorAction::{Rejected, Retry, RetryAfter};
    let table: &[(i64, u16, ErrorAction, &str)] = &[
        (0, 401, Rejected, "provider_auth_failed"),
        (190, 401, Rejected, "provider_auth_failed"),
        (3, 500, Rejected, "provider_permission_denied"),
        (10, 403, Rejected, "provider_permission_denied"),
        (200, 403, Rejected, "provider_permission_denied"),
        (299, 403, Rejected, "provider_permission_denied"),
        (4, 400, RetryAfter(Duration::from_secs(60)), "rate_limited"),
        (
            80007,
            400,
            RetryAfter(Duration::from_secs(60)),
            "rate_limited",
        ),
        (100, 400, Rejected, "invalid_parameter"),
        (368, 403, Rejected, "account_restricted"),
        (130497, 400, Rejected, "account_restricted"),
        (131031, 403, Rejected, "account_locked"),
        (
            130429,
            400,
            RetryAfter(Duration::from_secs(2)),
            "rate_limited",
        ),
        (
            131056,
            400,
            RetryAfter(Duration::from_secs(6)),
            "pair_rate_limited",
        ),
        (
            131048,
            400,
            RetryAfter(Duration::from_secs(3600)),
            "spam_rate_limited",
        ),
        (
            131049,
            400,
            RetryAfter(Duration::from_secs(86400)),
            "marketing_frequency_capped",
        ),
        (
            131057,
            500,
            RetryAfter(Duration::from_secs(60)),
            "provider_maintenance",
        ),
        (131000, 500, Retry, "provider_unavailable"),
        (131016, 503, Retry, "provider_unavailable"),
        (131008, 400, Rejected, "missing_parameter"),
        (131009, 400, Rejected, "invalid_parameter"),
        (131026, 400, Rejected, "undeliverable"),
        (131030, 400, Rejected, "recipient_not_allowed"),
        (131042, 400, Rejected, "payment_required"),
        (131047, 400, Rejected, "window_closed"),
        (131050, 400, Rejected, "marketing_opted_out"),
        (131051, 400, Rejected, "unsupported_message_type"),
        (131052, 400, Rejected, "media_download_failed"),
        (131053, 400, Rejected, "media_upload_failed"),
        (132000, 400, Rejected, "template_param_count_mismatch"),
        (132001, 404, Rejected, "template_missing"),
        (132005, 400, Rejected, "template_text_too_long"),
        (132007, 400, Rejected, "template_policy_violation"),
        (132008, 400, Rejected, "template_param_format"),
        (132012, 400, Rejected, "template_param_format"),
        (132015, 400, Rejected, "template_paused"),
        (132016, 400, Rejected, "template_disabled"),
        (132069, 400, Rejected, "template_error"),
        // Unknown codes fall back on the status: transient on 5xx, final on 4xx.
        (999_999, 500, Retry, "provider_unavailable"),
        (999_999, 400, Rejected, "provider_rejected"),
    ];
    for &(code, status, action, switchboard_code) in table {
        let class = classify(status, &coded(code));
        assert_eq!(class.action, action, "code {code}");
        assert_eq!(class.code, switchboard_code, "code {code}");
        assert_eq!(class.provider_code, Some(code));
        assert_eq!(class.provider_text, format!("(#{code}) m"));
    }
}

#[test]
fn without_a_code_the_status_decides() {
    use ErrorAction::{Rejected, Retry, RetryAfter};
    let table: &[(u16, ErrorAction, &str)] = &[
        (401, Rejected, "provider_auth_failed"),
        (403, Rejected, "provider_permission_denied"),
        (408, Retry, "provider_unavailable"),
        (429, RetryAfter(Duration::from_secs(60)), "rate_limited"),
        (502, Retry, "provider_unavailable"),
        (503, Retry, "provider_unavailable"),
        (400, Rejected, "provider_rejected"),
        (404, Rejected, "provider_rejected"),
    ];
    let html = GraphError::parse(b"<html>Bad Gateway</html>");
    for &(status, action, code) in table {
        let class = classify(status, &html);
        assert_eq!(
            (class.action, class.code),
            (action, code),
            "status {status}"
        );
        assert_eq!(class.provider_code, None);
        assert_eq!(class.provider_text, "<html>Bad Gateway</html>");
    }
}

#[test]
fn window_closed_keeps_the_details() {
    let class = classify(400, &GraphError::parse(WINDOW_CLOSED.as_bytes()));
    assert_eq!(class.code, "window_closed");
    assert!(class.provider_text.contains("more than 24 hours"));
}
