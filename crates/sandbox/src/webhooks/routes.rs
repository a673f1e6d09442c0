//! The webhook control API: `GET /sandbox/v1/deliveries` (the log), `POST /sandbox/v1/webhooks`
//! (send any payload, signed well, badly or not at all), `POST /sandbox/v1/handshake` (Meta's GET
//! verification against the hub) and `POST /sandbox/v1/deliveries/{id}/replay` (a redelivery, for
//! the hub's dedupe). Control errors use the Graph error shape, code 100.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::Bytes;
use rand::Rng as _;
use serde_json::{Value, json};

use super::{DeliveryState, Signing};
use crate::config::WhatsAppAccount;
use crate::graph_error::GraphError;
use crate::state::AppState;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/sandbox/v1/deliveries", get(list_deliveries))
        .route("/sandbox/v1/webhooks", post(send_payload))
        .route("/sandbox/v1/handshake", post(handshake))
        .route("/sandbox/v1/deliveries/{id}/replay", post(replay))
        .route("/sandbox/v1/statuses", post(crate::statuses::control))
}

/// A control request's JSON object, or a 400 saying why not.
pub(crate) fn control_body(body: &Bytes) -> Result<serde_json::Map<String, Value>, GraphError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(GraphError::invalid_parameter(
            "The body must be a JSON object",
        )),
        Err(e) => Err(GraphError::invalid_parameter(format!("Invalid JSON: {e}"))),
    }
}

/// The account named by the body's `phone_number_id`, or a 400.
pub(crate) fn control_account(
    state: &AppState,
    body: &serde_json::Map<String, Value>,
) -> Result<Arc<WhatsAppAccount>, GraphError> {
    let id = body
        .get("phone_number_id")
        .and_then(Value::as_str)
        .ok_or_else(|| GraphError::invalid_parameter("Param phone_number_id is required"))?;
    state
        .account_by_number(id)
        .ok_or_else(|| GraphError::invalid_parameter(format!("Unknown phone_number_id {id}")))
}

async fn list_deliveries(
    State(state): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GraphError> {
    let delivery_state = match query.get("state").filter(|s| !s.is_empty()) {
        Some(s) => Some(DeliveryState::parse(s).ok_or_else(|| {
            GraphError::invalid_parameter(
                "Param state must be one of pending, delivered, failed, no_url",
            )
        })?),
        None => None,
    };
    let number = query.get("phone_number_id").filter(|s| !s.is_empty());
    let list = state
        .webhooks
        .deliveries(number.map(String::as_str), delivery_state);
    Ok(Json(json!(list)))
}

/// `{phone_number_id, payload, sign: true|false|"bad"}`: the payload is sent as is (any JSON).
async fn send_payload(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    let body = control_body(&body)?;
    let account = control_account(&state, &body)?;
    let payload = body
        .get("payload")
        .ok_or_else(|| GraphError::invalid_parameter("Param payload is required"))?;
    let signing = match body.get("sign") {
        None | Some(Value::Bool(true)) => Signing::Good,
        Some(Value::Bool(false)) => Signing::Unsigned,
        Some(Value::String(s)) if s == "bad" => Signing::Bad,
        Some(_) => {
            return Err(GraphError::invalid_parameter(
                "Param sign must be true, false or \"bad\"",
            ));
        }
    };
    let field = payload
        .pointer("/entry/0/changes/0/field")
        .and_then(Value::as_str)
        .unwrap_or("");
    let id = state
        .webhooks
        .deliver_with(&account, field, payload, signing);
    Ok(Json(json!({ "delivery_id": id })))
}

/// `POST /sandbox/v1/deliveries/{id}/replay`: the same bytes and signature once more.
async fn replay(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GraphError> {
    let new = state
        .webhooks
        .replay(&id)
        .ok_or_else(|| GraphError::invalid_parameter(format!("No delivery {id} in the log")))?;
    Ok(Json(json!({ "delivery_id": new })))
}

/// Meta's GET verification: answers whether the hub echoed the challenge.
async fn handshake(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    let body = control_body(&body)?;
    let account = control_account(&state, &body)?;
    let Some(url) = account.webhook_url.as_deref().filter(|u| !u.is_empty()) else {
        return Err(GraphError::invalid_parameter(format!(
            "Number {} has no webhook_url",
            account.phone_number_id
        )));
    };
    // Meta's challenges are ten-digit numbers.
    let challenge = rand::thread_rng()
        .gen_range(1_000_000_000u64..10_000_000_000)
        .to_string();
    let sent = state
        .webhooks
        .client()
        .get(url)
        .query(&[
            ("hub.mode", "subscribe"),
            ("hub.challenge", challenge.as_str()),
            ("hub.verify_token", account.verify_token.as_str()),
        ])
        .send()
        .await;
    let answer = match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            let verified = status == 200 && text.trim() == challenge;
            json!({"verified": verified, "status": status, "challenge": challenge, "body": text})
        }
        Err(e) => json!({"verified": false, "challenge": challenge, "error": e.to_string()}),
    };
    Ok(Json(answer))
}
