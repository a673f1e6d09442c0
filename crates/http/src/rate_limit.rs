//! Per-caller rate limiting (per API key, or per signed-in user): a token bucket of
//! `rate_limit_per_minute` requests, refilled continuously. Answers carry `RateLimit-*` headers.

use axum::http::{HeaderMap, HeaderValue};
use switchboard_core::Decision;

pub fn set_headers(headers: &mut HeaderMap, d: &Decision) {
    headers.insert("ratelimit-limit", HeaderValue::from(d.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(d.remaining));
    let reset = d.reset.as_secs() + u64::from(d.reset.subsec_nanos() > 0);
    headers.insert("ratelimit-reset", HeaderValue::from(reset));
}
