//! `POST /sandbox/v1/statuses`: any status for any message id, sent at once in its own webhook.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use bytes::Bytes;
use serde_json::{Value, json};

use super::shape::{deliver_statuses, failure, pricing, status_object};
use crate::graph_error::GraphError;
use crate::state::AppState;
use crate::webhooks::{self, control_account, control_body};

/// `POST /sandbox/v1/statuses` {phone_number_id, message_id, recipient, status, error_code?,
/// timestamp?, category?, biz_opaque_callback_data?}: one status now, in its own webhook. Any
/// message id is accepted, so duplicates and out-of-order statuses can be sent on purpose.
pub(crate) async fn control(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    let body = control_body(&body)?;
    let account = control_account(&state, &body)?;
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| GraphError::invalid_parameter(format!("Param {key} is required")))
    };
    let (message_id, recipient, status) =
        (text("message_id")?, text("recipient")?, text("status")?);
    let recipient = recipient.trim_start_matches('+');
    if !matches!(status, "sent" | "delivered" | "read" | "failed" | "played") {
        return Err(GraphError::invalid_parameter(
            "Param status must be one of sent, delivered, read, failed, played",
        ));
    }
    let code = body.get("error_code").and_then(Value::as_i64);
    let errors = match (status, code) {
        ("failed", code) => Some(failure(
            code.unwrap_or(state.config.whatsapp.statuses.fail_code),
        )),
        (_, Some(code)) => Some(failure(code)),
        (_, None) => None,
    };
    let category = body
        .get("category")
        .and_then(Value::as_str)
        .unwrap_or("service");
    let priced = matches!(status, "sent" | "delivered");
    let callback = body.get("biz_opaque_callback_data").and_then(Value::as_str);
    let mut object = status_object(
        message_id,
        status,
        recipient,
        callback,
        priced.then(|| pricing(category)),
        errors,
    );
    let timestamp = match body.get("timestamp") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => webhooks::unix_now().to_string(),
    };
    object.insert("timestamp".into(), json!(timestamp));
    let id = deliver_statuses(&state, &account, vec![Value::Object(object)]);
    Ok(Json(json!({ "delivery_id": id })))
}
