//! What a status webhook looks like: the `statuses[]` element, its pricing and its errors, and
//! the envelope that carries a batch of them.

use serde_json::{Map, Value, json};

use crate::config::WhatsAppAccount;
use crate::graph_error::describe;
use crate::state::AppState;
use crate::webhooks;

/// Sends one `statuses` webhook.
pub(super) fn deliver_statuses(
    state: &AppState,
    account: &WhatsAppAccount,
    statuses: Vec<Value>,
) -> String {
    let mut value = webhooks::number_value(account);
    value.insert("statuses".into(), Value::Array(statuses));
    let payload = webhooks::envelope(&account.waba_id, "messages", Value::Object(value), None);
    state.webhooks.deliver(account, "messages", &payload)
}

/// One `statuses[]` element, without its timestamp.
pub(super) fn status_object(
    message_id: &str,
    status: &str,
    recipient: &str,
    callback_data: Option<&str>,
    pricing: Option<Value>,
    errors: Option<Value>,
) -> Map<String, Value> {
    let mut s = Map::new();
    s.insert("id".into(), json!(message_id));
    s.insert("status".into(), json!(status));
    s.insert("recipient_id".into(), json!(recipient));
    if let Some(data) = callback_data {
        s.insert("biz_opaque_callback_data".into(), json!(data));
    }
    if let Some(pricing) = pricing {
        s.insert("pricing".into(), pricing);
    }
    if let Some(errors) = errors {
        s.insert("errors".into(), errors);
    }
    s
}

/// Per-message pricing: service messages in the window are free, everything else is billed.
pub(super) fn pricing(category: &str) -> Value {
    let free = category == "service";
    json!({
        "billable": !free,
        "pricing_model": "PMP",
        "type": if free { "free_customer_service" } else { "regular" },
        "category": category,
    })
}

/// A `failed` status's `errors` for `code`, titled as Meta titles it.
pub(super) fn failure(code: i64) -> Value {
    let (_, title) = describe(code);
    json!([{
        "code": code,
        "title": title,
        "message": title,
        "error_data": {"details": format!("Message failed to send: {title}.")},
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
    }])
}
