//! Error answers map to the right decision, code and kept body; `Retry-After` wins over our table.

use std::time::Duration;

use http::StatusCode;

use super::*;

fn graph_error(code: i64, details: &str) -> Vec<u8> {
    serde_json::json!({"error": {"message": format!("(#{code}) Something"), "type": "OAuthException",
        "code": code, "error_data": {"messaging_product": "whatsapp", "details": details},
        "fbtrace_id": "AbC"}})
    .to_string()
    .into_bytes()
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap()
}

#[test]
fn window_closed_is_rejected_with_meta_code_and_text() {
    let body = graph_error(131047, "more than 24 hours have passed");
    let e = provider_error(status(400), &body, None);
    assert_eq!(e.action, SendAction::Rejected);
    assert_eq!(e.code, "window_closed");
    assert_eq!(e.provider_code, Some(131047));
    assert_eq!(e.provider_text, "more than 24 hours have passed");
    assert_eq!(e.http_status, Some(400));
    assert_eq!(e.raw_body.as_deref(), std::str::from_utf8(&body).ok());
}

#[test]
fn rate_limits_are_rate_limited_with_our_delay_or_the_header() {
    let e = provider_error(status(400), &graph_error(130429, "throughput"), None);
    assert_eq!(e.action, SendAction::RateLimited(Duration::from_secs(2)));
    assert_eq!(e.code, "rate_limited");
    let e = provider_error(status(400), &graph_error(131056, "pair"), None);
    assert_eq!(e.action, SendAction::RateLimited(Duration::from_secs(6)));
    assert_eq!(e.code, "pair_rate_limited");
    let e = provider_error(
        status(400),
        &graph_error(131056, "pair"),
        Some(Duration::from_secs(11)),
    );
    assert_eq!(e.action, SendAction::RateLimited(Duration::from_secs(11)));
}

#[test]
fn other_delays_are_retry_after_not_rate_limits() {
    let e = provider_error(status(400), &graph_error(131049, "cap"), None);
    assert_eq!(
        e.action,
        SendAction::RetryAfter(Duration::from_secs(24 * 3600))
    );
    assert_eq!(e.code, "marketing_frequency_capped");
}

#[test]
fn transient_errors_retry_and_take_a_retry_after_header() {
    let e = provider_error(status(500), &graph_error(131000, "unknown"), None);
    assert_eq!(e.action, SendAction::Retry);
    assert_eq!(e.code, "provider_unavailable");
    let e = provider_error(
        status(503),
        b"<html>busy</html>",
        Some(Duration::from_secs(30)),
    );
    assert_eq!(e.action, SendAction::RetryAfter(Duration::from_secs(30)));
    assert_eq!(e.provider_code, None);
    assert_eq!(e.raw_body.as_deref(), Some("<html>busy</html>"));
}

#[test]
fn a_retry_after_header_never_revives_a_rejection() {
    let e = provider_error(
        status(401),
        &graph_error(190, "token expired"),
        Some(Duration::from_secs(5)),
    );
    assert_eq!(e.action, SendAction::Rejected);
    assert_eq!(e.code, "provider_auth_failed");
}

#[test]
fn bodies_are_truncated_for_the_log() {
    let body = vec![b'x'; 10_000];
    let e = provider_error(status(502), &body, None);
    assert_eq!(e.action, SendAction::Retry);
    assert_eq!(
        e.raw_body.map(|b| b.len()),
        Some(crate::outbound::MAX_RAW_BODY)
    );
}

#[test]
fn template_and_parameter_errors_are_final() {
    for (code, stable) in [
        (132001, "template_missing"),
        (132000, "template_param_count_mismatch"),
        (131009, "invalid_parameter"),
        (100, "invalid_parameter"),
    ] {
        let e = provider_error(status(400), &graph_error(code, "no"), None);
        assert_eq!((e.action, e.code), (SendAction::Rejected, stable), "{code}");
    }
}

#[test]
fn a_garbled_success_is_retryable_and_keeps_the_body() {
    let answer = Answer {
        status: 200,
        content_type: None,
        body: b"{not json".to_vec(),
    };
    let e = decode::<serde_json::Value>(&answer).unwrap_err();
    assert_eq!(e.action, SendAction::Retry);
    assert_eq!(e.code, BAD_RESPONSE);
    assert_eq!(e.http_status, Some(200));
    assert_eq!(e.raw_body.as_deref(), Some("{not json"));
}

proptest::proptest! {
    /// Whatever a server answers, classification yields a value, keeps at most the log budget of
    /// the body, and never panics.
    #[test]
    fn any_error_answer_maps_without_panicking(
        code in 100u16..=599,
        body in proptest::collection::vec(proptest::num::u8::ANY, 0..4096),
        delay in proptest::option::of(0u64..100_000),
    ) {
        let e = provider_error(status(code), &body, delay.map(Duration::from_secs));
        proptest::prop_assert!(e.raw_body.is_some_and(|b| b.len() <= crate::outbound::MAX_RAW_BODY));
        proptest::prop_assert_eq!(e.http_status, Some(code));
        proptest::prop_assert!(!e.code.is_empty());
    }
}
