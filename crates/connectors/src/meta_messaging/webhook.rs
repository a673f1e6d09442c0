//! What Meta posts for Messenger (`"object":"page"`) and Instagram (`"object":"instagram"`)
//! (PROVIDERS §2.2), read into neutral events. Timestamps are integer milliseconds.
//!
//! Each `entry[].messaging[]` item is read on its own: one that cannot be read, an entry of
//! another Page or account (a batch mixing pages), an echo of our own sends, or an event the
//! messaging core does not model yet (edits, deletions, referrals) becomes
//! [`InboundEvent::Unparsed`] with its reason, beside the good events. Only a body that is not
//! this platform's envelope at all is an error.

mod messaging;

use serde_json::Value;

use super::Platform;
use crate::inbound::{InboundEvent, ParseError};

/// Reads a verified webhook body for the account `account_id` on `platform`.
pub fn parse(
    platform: Platform,
    account_id: &str,
    raw: &[u8],
) -> Result<Vec<InboundEvent>, ParseError> {
    let fail = |reason: String| ParseError { reason };
    let body: Value = serde_json::from_slice(raw).map_err(|e| fail(format!("not JSON: {e}")))?;
    let object = body.get("object").and_then(Value::as_str);
    if object != Some(platform.object()) {
        return Err(fail(format!(
            "`object` is {object:?}, expected \"{}\"",
            platform.object()
        )));
    }
    let entries = body
        .get("entry")
        .and_then(Value::as_array)
        .ok_or_else(|| fail("`entry` is not an array".to_owned()))?;
    let mut events = Vec::new();
    for entry in entries {
        let id = entry_id(entry);
        if id.as_deref() != Some(account_id) {
            events.push(InboundEvent::Unparsed {
                reason: format!(
                    "entry for {} account {id:?} arrived at the hook of account `{account_id}`; \
                     point that account's webhook at its own channel",
                    platform.provider()
                ),
                raw: entry.clone(),
            });
            continue;
        }
        let items = entry
            .get("messaging")
            .or_else(|| entry.get("standby"))
            .and_then(Value::as_array);
        let Some(items) = items else {
            events.push(InboundEvent::Unparsed {
                reason: "entry without a `messaging` array (not a messaging field)".into(),
                raw: entry.clone(),
            });
            continue;
        };
        for item in items {
            messaging::read(account_id, item, &mut events);
        }
    }
    Ok(events)
}

/// `entry[].id`, written as a string (or, leniently, a number).
fn entry_id(entry: &Value) -> Option<String> {
    match entry.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
