//! Customers who write in: `POST /sandbox/v1/inbound` builds the inbound message webhook Meta would
//! send, opens the customer's window and delivers it signed to the number's webhook URL.
//!
//! The body is `{phone_number_id, from, name?, type, <type>: {…}, context?, timestamp?, id?,
//! referral?}` with the type's object exactly as Meta's inbound message carries it. Media objects
//! may instead carry `data_base64` (and `mime_type`): the bytes are stored and the webhook gets a
//! media id, `mime_type` and `sha256` the hub can download.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine as _;
use bytes::Bytes;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::config::WhatsAppAccount;
use crate::graph_error::GraphError;
use crate::ids;
use crate::state::AppState;
use crate::webhooks::{self, control_account, control_body};

/// Media message types, with the MIME type used when the caller gives none.
const MEDIA_TYPES: &[(&str, &str)] = &[
    ("image", "image/jpeg"),
    ("video", "video/mp4"),
    ("audio", "audio/ogg; codecs=opus"),
    ("document", "application/pdf"),
    ("sticker", "image/webp"),
];

/// Stored when a media message gives neither an id nor bytes, so the hub still has something to
/// download: a placeholder, not a real image.
const PLACEHOLDER_BYTES: &[u8] = b"sandbox placeholder media";

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/sandbox/v1/inbound", post(inbound))
}

fn bad(details: impl Into<String>) -> GraphError {
    GraphError::invalid_parameter(details)
}

async fn inbound(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    let body = control_body(&body)?;
    let account = control_account(&state, &body)?;
    let from = body
        .get("from")
        .and_then(Value::as_str)
        .map(|f| f.strip_prefix('+').unwrap_or(f))
        .filter(|f| (6..=15).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| bad("Param from is required: the customer's number, digits or +E.164"))?
        .to_owned();
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| bad("Param type is required"))?
        .to_owned();
    let at = match body.get("timestamp") {
        None => OffsetDateTime::now_utc().unix_timestamp(),
        Some(t) => t
            .as_i64()
            .or_else(|| t.as_str().and_then(|s| s.parse().ok()))
            .ok_or_else(|| bad("Param timestamp must be unix seconds"))?,
    };
    let at_time = OffsetDateTime::from_unix_timestamp(at)
        .map_err(|_| bad("Param timestamp is out of range"))?;
    let id = match body.get("id") {
        None => ids::wamid(&from),
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => return Err(bad("Param id must be a non-empty string")),
    };

    let mut message = Map::new();
    message.insert("from".into(), json!(from));
    message.insert("id".into(), json!(id));
    message.insert("timestamp".into(), json!(at.to_string()));
    message.insert("type".into(), json!(kind));
    if let Some(context) = body.get("context") {
        message.insert("context".into(), reply_context(context, &account)?);
    }
    match (kind.as_str(), body.get(&kind)) {
        // Meta's unsupported messages carry no object, only an error.
        ("unsupported", _) => {
            message.insert(
                "errors".into(),
                json!([{
                    "code": 131051,
                    "title": "Message type unknown",
                    "message": "Message type unknown",
                    "error_data": {"details": "Message type is currently not supported."},
                }]),
            );
        }
        (_, None) => return Err(bad(format!("Param {kind} is required for type {kind}"))),
        (k, Some(object)) => {
            let object = match MEDIA_TYPES.iter().find(|(t, _)| *t == k) {
                Some((_, default_mime)) => media(&state, &account, k, object, default_mime)?,
                None => object.clone(),
            };
            message.insert(kind.clone(), object);
        }
    }
    if let Some(referral) = body.get("referral") {
        message.insert("referral".into(), referral.clone());
    }

    let name = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("Sandbox Customer");
    let mut value = webhooks::number_value(&account);
    value.insert(
        "contacts".into(),
        json!([{ "profile": { "name": name }, "wa_id": from }]),
    );
    value.insert("messages".into(), json!([message]));
    state
        .limits
        .customer_wrote(&account.phone_number_id, &from, &id, at_time);
    let payload = webhooks::envelope(&account.waba_id, "messages", Value::Object(value), None);
    let delivery_id = state.webhooks.deliver(&account, "messages", &payload);
    Ok(Json(
        json!({ "message_id": id, "delivery_id": delivery_id }),
    ))
}

/// `context` {id, from?, forwarded?, frequently_forwarded?}: a reply quotes a message; when the
/// quoted one is the business's, `from` is the business number, as Meta fills it.
fn reply_context(context: &Value, account: &WhatsAppAccount) -> Result<Value, GraphError> {
    let Some(c) = context.as_object() else {
        return Err(bad("Param context must be an object"));
    };
    let mut c = c.clone();
    let forwarded = c.get("forwarded").is_some() || c.get("frequently_forwarded").is_some();
    if c.get("id").is_some_and(|id| !id.is_string()) {
        return Err(bad("Param context['id'] must be a string"));
    }
    if c.contains_key("id") && !c.contains_key("from") {
        c.insert("from".into(), json!(account.display_phone_number));
    }
    if !c.contains_key("id") && !forwarded {
        return Err(bad(
            "Param context needs id, forwarded or frequently_forwarded",
        ));
    }
    Ok(Value::Object(c))
}

/// A media object for the webhook: kept as given when it names an existing id; otherwise its
/// bytes (`data_base64`, or a placeholder) are stored and the new id, `mime_type` and `sha256`
/// put in.
fn media(
    state: &AppState,
    account: &WhatsAppAccount,
    kind: &str,
    object: &Value,
    default_mime: &str,
) -> Result<Value, GraphError> {
    let Some(o) = object.as_object() else {
        return Err(bad(format!("Param {kind} must be an object")));
    };
    let mut o = o.clone();
    let data = o.remove("data_base64");
    if data.is_none() && o.get("id").is_some_and(Value::is_string) {
        return Ok(Value::Object(o));
    }
    let bytes = match data {
        Some(Value::String(b64)) => base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_err(|e| bad(format!("Param {kind}['data_base64'] is not base64: {e}")))?,
        Some(_) => return Err(bad(format!("Param {kind}['data_base64'] must be a string"))),
        None => PLACEHOLDER_BYTES.to_vec(),
    };
    let mime = match o.get("mime_type") {
        None => default_mime.to_owned(),
        Some(Value::String(m)) => m.clone(),
        Some(_) => return Err(bad(format!("Param {kind}['mime_type'] must be a string"))),
    };
    let id = state
        .media
        .put(&account.phone_number_id, &mime, Bytes::from(bytes))?;
    let sha256 = state.media.get(&id).map(|m| m.sha256).unwrap_or_default();
    o.insert("id".into(), json!(id));
    o.insert("mime_type".into(), json!(mime));
    o.insert("sha256".into(), json!(sha256));
    if kind == "audio" && !o.contains_key("voice") {
        o.insert("voice".into(), json!(mime.starts_with("audio/ogg")));
    }
    Ok(Value::Object(o))
}
