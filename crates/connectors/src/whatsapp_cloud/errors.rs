//! The Graph API error body (PROVIDERS §1.5) and its classification into what the caller does
//! next: retry, retry after a delay, or give up with a stable Switchboard code.
//!
//! [`GraphError::parse`] reads any body without failing, because error bodies come from proxies
//! and load balancers as often as from Meta; [`classify`] then keys on `error.code` and only falls
//! back on the HTTP status when there is no code.

mod classify;

pub use classify::{ErrorAction, ErrorClass, classify};

use serde_json::Value;

/// How much of a non-JSON body we keep as the message: enough to recognise an HTML error page,
/// never a whole one in a log line.
const MAX_RAW_MESSAGE: usize = 200;

/// What a Graph error body says, every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphError {
    /// `error.message`, e.g. `(#131047) Re-engagement message`; for a non-JSON body, its start.
    pub message: String,
    /// `error.type`, e.g. `OAuthException`.
    pub error_type: Option<String>,
    /// `error.code`: the value to key handling on.
    pub code: Option<i64>,
    /// `error.error_subcode`, when present.
    pub error_subcode: Option<i64>,
    /// `error.error_data.details`: the human explanation.
    pub details: Option<String>,
    /// `error.fbtrace_id`, for Meta support.
    pub fbtrace_id: Option<String>,
}

impl GraphError {
    /// Reads an error body leniently: any bytes give a value, missing or mistyped fields are `None`.
    pub fn parse(body: &[u8]) -> Self {
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return Self {
                message: raw_prefix(body),
                ..Self::default()
            };
        };
        let Some(error) = value.get("error").filter(|e| e.is_object()) else {
            return Self {
                message: raw_prefix(body),
                ..Self::default()
            };
        };
        Self {
            message: str_field(error, "message").unwrap_or_default(),
            error_type: str_field(error, "type"),
            code: int_field(error, "code"),
            error_subcode: int_field(error, "error_subcode"),
            details: error
                .get("error_data")
                .and_then(|d| str_field(d, "details")),
            fbtrace_id: str_field(error, "fbtrace_id"),
        }
    }

    /// The most useful human text: `details` when present, else `message`.
    pub fn text(&self) -> &str {
        self.details
            .as_deref()
            .filter(|d| !d.is_empty())
            .unwrap_or(&self.message)
    }
}

/// A string field; numbers are accepted as their text.
fn str_field(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An integer field; strings of digits are accepted too.
fn int_field(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The start of a body that is not a Graph error, as lossy UTF-8 cut on a char boundary.
fn raw_prefix(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(MAX_RAW_MESSAGE)
        .collect()
}
