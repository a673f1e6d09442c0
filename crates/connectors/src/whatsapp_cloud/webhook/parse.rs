//! Walks the webhook envelope `{"object","entry":[{"id","changes":[{"field","value"}]}]}` and
//! turns every piece into a [`WebhookEvent`].
//!
//! Only a body that is not a WhatsApp envelope at all is an error. Below that, each entry, change
//! and array element is read on its own; a bad one becomes `Unparsed` beside the good ones.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::account::AccountUpdate;
use super::message::InboundMessage;
use super::status::{StatusUpdate, WebhookError};
use super::surrogates;
use super::{Metadata, Source, WebhookEvent};

/// The `object` of WhatsApp Business Account webhooks.
const OBJECT: &str = "whatsapp_business_account";

/// Why a webhook body was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not JSON.
    #[error("webhook body is not JSON: {0}")]
    Json(String),
    /// JSON, but `object` is not `whatsapp_business_account`.
    #[error("webhook `object` is {0:?}, expected {OBJECT:?}")]
    WrongObject(String),
    /// No `entry` list.
    #[error("webhook has no `entry` list")]
    MissingEntry,
}

/// Parses a webhook body (already signature-checked) into events, in payload order.
pub fn parse(raw_body: &[u8]) -> Result<Vec<WebhookEvent>, ParseError> {
    let body: Value = match serde_json::from_slice(raw_body) {
        Ok(body) => body,
        Err(e) => {
            // One cut emoji must not lose the whole delivery: retry with lone halves replaced.
            let repaired = surrogates::repair_lone_surrogates(raw_body)
                .ok_or_else(|| ParseError::Json(e.to_string()))?;
            serde_json::from_slice(&repaired).map_err(|e| ParseError::Json(e.to_string()))?
        }
    };
    let object = body.get("object").and_then(Value::as_str);
    if object != Some(OBJECT) {
        return Err(ParseError::WrongObject(
            object.unwrap_or_default().to_owned(),
        ));
    }
    let entries = body
        .get("entry")
        .and_then(Value::as_array)
        .ok_or(ParseError::MissingEntry)?;
    let mut out = Vec::new();
    for entry in entries {
        read_entry(entry, &mut out);
    }
    Ok(out)
}

fn read_entry(entry: &Value, out: &mut Vec<WebhookEvent>) {
    let Some(waba_id) = id_string(entry.get("id")) else {
        return out.push(unparsed("", "entry without `id`", entry));
    };
    let Some(changes) = entry.get("changes").and_then(Value::as_array) else {
        return out.push(unparsed("", "entry without `changes` list", entry));
    };
    for change in changes {
        read_change(&waba_id, change, out);
    }
}

fn read_change(waba_id: &str, change: &Value, out: &mut Vec<WebhookEvent>) {
    let Some(field) = change.get("field").and_then(Value::as_str) else {
        return out.push(unparsed("", "change without `field`", change));
    };
    let Some(value) = change.get("value").filter(|v| v.is_object()) else {
        return out.push(unparsed(field, "change without `value` object", change));
    };
    let source = || Source {
        waba_id: waba_id.to_owned(),
        metadata: None,
    };
    let event = match field {
        "messages" => return read_messages(waba_id, field, value, out),
        "user_preferences" => return read_preferences(waba_id, field, value, out),
        "message_template_status_update" => {
            typed(value).map(|update| WebhookEvent::TemplateStatus {
                source: source(),
                update,
            })
        }
        "message_template_quality_update" => {
            typed(value).map(|update| WebhookEvent::TemplateQuality {
                source: source(),
                update,
            })
        }
        "phone_number_quality_update" => typed(value).map(|update| WebhookEvent::PhoneQuality {
            source: source(),
            update,
        }),
        "account_update" => AccountUpdate::from_value(value).map(|update| WebhookEvent::Account {
            source: source(),
            update,
        }),
        _ => Err("field not handled".to_owned()),
    };
    out.push(event.unwrap_or_else(|reason| unparsed(field, reason, value)));
}

/// `field:"messages"`: contacts, messages, statuses and change-level errors of one number.
fn read_messages(waba_id: &str, field: &str, value: &Value, out: &mut Vec<WebhookEvent>) {
    let Some(source) = number_source(waba_id, value) else {
        return out.push(unparsed(field, "`metadata` missing or invalid", value));
    };
    each(field, value, "contacts", out, |v| {
        typed(v).map(|profile| WebhookEvent::ContactProfile {
            source: source.clone(),
            profile,
        })
    });
    each(field, value, "messages", out, |v| {
        InboundMessage::from_value(v).map(|message| WebhookEvent::Message {
            source: source.clone(),
            message,
        })
    });
    each(field, value, "statuses", out, |v| {
        typed::<StatusUpdate>(v).map(|status| WebhookEvent::Status {
            source: source.clone(),
            status,
        })
    });
    if let Some(errors) = value.get("errors") {
        let event = typed::<Vec<WebhookError>>(errors).map(|errors| WebhookEvent::Errors {
            source: source.clone(),
            errors,
        });
        out.push(event.unwrap_or_else(|reason| unparsed(field, reason, errors)));
    }
}

/// `field:"user_preferences"`: marketing opt-outs and opt-ins of one number's users.
fn read_preferences(waba_id: &str, field: &str, value: &Value, out: &mut Vec<WebhookEvent>) {
    let Some(source) = number_source(waba_id, value) else {
        return out.push(unparsed(field, "`metadata` missing or invalid", value));
    };
    each(field, value, "user_preferences", out, |v| {
        typed(v).map(|preference| WebhookEvent::MarketingPreference {
            source: source.clone(),
            preference,
        })
    });
}

fn number_source(waba_id: &str, value: &Value) -> Option<Source> {
    let metadata = Metadata::deserialize(value.get("metadata")?).ok()?;
    Some(Source {
        waba_id: waba_id.to_owned(),
        metadata: Some(metadata),
    })
}

/// Reads every element of `value[key]` (absent is fine, a non-list is `Unparsed`).
fn each(
    field: &str,
    value: &Value,
    key: &str,
    out: &mut Vec<WebhookEvent>,
    read: impl Fn(&Value) -> Result<WebhookEvent, String>,
) {
    match value.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                out.push(read(item).unwrap_or_else(|reason| unparsed(field, reason, item)));
            }
        }
        Some(other) => out.push(unparsed(field, format!("`{key}` is not a list"), other)),
    }
}

fn typed<T: DeserializeOwned>(v: &Value) -> Result<T, String> {
    T::deserialize(v).map_err(|e| e.to_string())
}

/// Entry ids are strings, but tolerate a number.
fn id_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn unparsed(field: &str, reason: impl Into<String>, raw: &Value) -> WebhookEvent {
    WebhookEvent::Unparsed {
        field: field.to_owned(),
        reason: reason.into(),
        raw: raw.clone(),
    }
}
