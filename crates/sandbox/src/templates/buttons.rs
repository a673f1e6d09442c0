//! One template button, checked by kind: text ≤ 25, URL buttons with at most one placeholder at
//! the very end (and then an example), phone numbers, copy-code examples ≤ 15, flows.

use serde_json::{Map, Value};

use crate::graph_error::GraphError;

fn bad(details: impl Into<String>) -> GraphError {
    GraphError::invalid_parameter(details)
}

/// Checks button `i` of `kind`; answers its counting slot, the most of that kind a template may
/// have, and how many parameters a send must give it.
pub(super) fn check(
    b: &Map<String, Value>,
    kind: &str,
    i: usize,
) -> Result<(usize, usize, usize), GraphError> {
    let text = |required: bool| -> Result<(), GraphError> {
        match b.get("text").and_then(Value::as_str) {
            Some(t) if !t.trim().is_empty() && t.chars().count() <= 25 => Ok(()),
            None if !required => Ok(()),
            _ => Err(bad(format!(
                "buttons[{i}] text is required and at most 25 characters"
            ))),
        }
    };
    let field = |key: &str| {
        b.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| bad(format!("buttons[{i}] {key} is required")))
    };
    Ok(match kind {
        // A quick reply's payload is optional on send.
        "QUICK_REPLY" => {
            text(true)?;
            (0, 10, 0)
        }
        "URL" => {
            text(true)?;
            let url = field("url")?;
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
                return Err(bad(format!(
                    "buttons[{i}] url must be an http(s) URL of at most 2000 characters"
                )));
            }
            let opens = url.matches("{{").count();
            let dynamic = opens > 0;
            if opens > 1 || (dynamic && !url.ends_with("{{1}}")) {
                return Err(bad(format!(
                    "buttons[{i}] url may have one placeholder, {{{{1}}}}, at its end only"
                )));
            }
            let has_example = b
                .get("example")
                .and_then(Value::as_array)
                .is_some_and(|a| a.first().and_then(Value::as_str).is_some());
            if dynamic && !has_example {
                return Err(bad(format!(
                    "buttons[{i}] has a dynamic url, so example is required"
                )));
            }
            (1, 2, usize::from(dynamic))
        }
        "PHONE_NUMBER" => {
            text(true)?;
            let number = field("phone_number")?;
            let digits = number.strip_prefix('+').unwrap_or(number);
            if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|d| d.is_ascii_digit())
            {
                return Err(bad(format!(
                    "buttons[{i}] phone_number must be digits, at most 20"
                )));
            }
            (2, 1, 0)
        }
        "COPY_CODE" => {
            let example = field("example")?;
            if example.chars().count() > 15 {
                return Err(bad(format!(
                    "buttons[{i}] example must be at most 15 characters"
                )));
            }
            (3, 1, 1)
        }
        "FLOW" => {
            text(true)?;
            if !["flow_id", "flow_name", "flow_json"]
                .iter()
                .any(|k| b.contains_key(*k))
            {
                return Err(bad(format!(
                    "buttons[{i}] needs one of flow_id, flow_name or flow_json"
                )));
            }
            (4, 1, 0)
        }
        // Authentication templates' one-time-password button: the code is a send parameter.
        "OTP" => {
            let otp = field("otp_type")?.to_ascii_uppercase();
            if !matches!(otp.as_str(), "COPY_CODE" | "ONE_TAP" | "ZERO_TAP") {
                return Err(bad(format!(
                    "buttons[{i}] otp_type must be COPY_CODE, ONE_TAP or ZERO_TAP"
                )));
            }
            (5, 1, 1)
        }
        other => {
            return Err(bad(format!(
                "buttons[{i}] type {other} must be QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE, FLOW or OTP"
            )));
        }
    })
}
