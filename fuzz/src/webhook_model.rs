//! What `webhook::parse` must produce for an envelope, computed from the JSON alone.
//!
//! The model follows PROVIDERS §1.6 and the parser's contract (every entry, change and array
//! element becomes one event, a bad one `Unparsed`), not the parser's code. Where the outcome
//! depends on serde details we do not want to restate (a `metadata` written as an array), it only
//! gives a range, so every check stays something the parser really promises.

use serde_json::Value;

/// Bounds and facts a correct parse of one envelope must respect.
#[derive(Debug, Default)]
pub struct Expected {
    /// Fewest events the envelope can yield.
    pub min_events: usize,
    /// Most events the envelope can yield.
    pub max_events: usize,
    /// `entry[].id` values as the parser names them (numbers in their text form).
    pub waba_ids: Vec<String>,
    /// String `id`s of `messages[]` elements: a message event must carry one of these.
    pub message_ids: Vec<String>,
    /// Number of `messages[]` elements in changes that can be read at all.
    pub message_elements: usize,
    /// String `id`s of `statuses[]` elements.
    pub status_ids: Vec<String>,
    /// Number of `statuses[]` elements in changes that can be read at all.
    pub status_elements: usize,
    /// The string `field`s of all changes: an `Unparsed` event names one of them, or "".
    pub fields: Vec<String>,
}

/// Whether `value.metadata` names a receiving number.
enum Metadata {
    Valid,
    Invalid,
    /// Shapes serde may or may not accept (a sequence); the model does not guess.
    Unknown,
}

/// The model for an `entry` list (the caller has checked `object` and that `entry` is a list).
#[must_use]
pub fn expected(entries: &[Value]) -> Expected {
    let mut out = Expected::default();
    for entry in entries {
        let id = match entry.get("id") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let changes = entry.get("changes").and_then(Value::as_array);
        let (Some(id), Some(changes)) = (id, changes) else {
            add(&mut out, 1, 1);
            continue;
        };
        out.waba_ids.push(id);
        for change in changes {
            change_model(change, &mut out);
        }
    }
    out
}

fn change_model(change: &Value, out: &mut Expected) {
    let Some(field) = change.get("field").and_then(Value::as_str) else {
        return add(out, 1, 1);
    };
    out.fields.push(field.to_owned());
    let Some(value) = change.get("value").filter(|v| v.is_object()) else {
        return add(out, 1, 1);
    };
    let items = match field {
        "messages" => {
            list_len(value.get("contacts"))
                + list_len(value.get("messages"))
                + list_len(value.get("statuses"))
                + usize::from(value.get("errors").is_some())
        }
        "user_preferences" => list_len(value.get("user_preferences")),
        // Every other field is one event, typed or `Unparsed`.
        _ => return add(out, 1, 1),
    };
    match metadata(value.get("metadata")) {
        Metadata::Invalid => add(out, 1, 1),
        Metadata::Valid => {
            add(out, items, items);
            if field == "messages" {
                collect_ids(value, out);
            }
        }
        Metadata::Unknown => {
            add(out, items.min(1), items.max(1));
            if field == "messages" {
                collect_ids(value, out);
            }
        }
    }
}

fn collect_ids(value: &Value, out: &mut Expected) {
    let ids = |key: &str| -> (usize, Vec<String>) {
        match value.get(key) {
            Some(Value::Array(items)) => (
                items.len(),
                items
                    .iter()
                    .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
                    .collect(),
            ),
            _ => (0, Vec::new()),
        }
    };
    let (n, found) = ids("messages");
    out.message_elements += n;
    out.message_ids.extend(found);
    let (n, found) = ids("statuses");
    out.status_elements += n;
    out.status_ids.extend(found);
}

fn metadata(v: Option<&Value>) -> Metadata {
    match v {
        Some(Value::Object(o)) => {
            let is_str = |k: &str| o.get(k).is_some_and(Value::is_string);
            if is_str("display_phone_number") && is_str("phone_number_id") {
                Metadata::Valid
            } else {
                Metadata::Invalid
            }
        }
        Some(Value::Array(_)) => Metadata::Unknown,
        _ => Metadata::Invalid,
    }
}

/// Events an array-valued key yields: one per element, none when absent or null, and one
/// `Unparsed` when it is there but not a list.
fn list_len(v: Option<&Value>) -> usize {
    match v {
        None | Some(Value::Null) => 0,
        Some(Value::Array(items)) => items.len(),
        Some(_) => 1,
    }
}

fn add(out: &mut Expected, min: usize, max: usize) {
    out.min_events += min;
    out.max_events += max;
}
