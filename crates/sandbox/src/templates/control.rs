//! The template control API: `POST /sandbox/v1/templates/{id}/status` {status, reason?} forces
//! any status, `POST /sandbox/v1/templates/{id}/quality` {score} a quality rating; each sends
//! Meta's webhook for the change.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use bytes::Bytes;
use serde_json::{Value, json};

use super::review;
use crate::graph_error::GraphError;
use crate::state::AppState;
use crate::webhooks::control_body;

/// Quality scores Meta reports.
const SCORES: &[&str] = &["GREEN", "YELLOW", "RED", "UNKNOWN"];

/// `POST /sandbox/v1/templates/{id}/status` {status, reason?}: forces any status and sends the
/// webhook.
pub(super) async fn force_status(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    let body = control_body(&body)?;
    let status = body
        .get("status")
        .and_then(Value::as_str)
        .map(str::to_ascii_uppercase)
        .filter(|s| review::STATUSES.contains(&s.as_str()))
        .ok_or_else(|| {
            GraphError::invalid_parameter(format!(
                "Param status must be one of {}",
                review::STATUSES.join(", ")
            ))
        })?;
    let t = state
        .templates
        .set_status(&id, &status, review::reason_of(&body), None)
        .ok_or_else(|| GraphError::unknown_object(&id, "post"))?;
    let delivery = review::announce(&state, &t);
    Ok(Json(json!({ "success": true, "delivery_id": delivery })))
}

/// Sends `message_template_quality_update` {previous_quality_score, new_quality_score, …}; the
/// previous score is the last one forced (UNKNOWN at first).
pub(super) async fn force_quality(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    let body = control_body(&body)?;
    let score = body
        .get("score")
        .and_then(Value::as_str)
        .map(str::to_ascii_uppercase)
        .filter(|s| SCORES.contains(&s.as_str()))
        .ok_or_else(|| {
            GraphError::invalid_parameter(format!(
                "Param score must be one of {}",
                SCORES.join(", ")
            ))
        })?;
    let (t, previous) = state
        .templates
        .set_quality(&id, &score)
        .ok_or_else(|| GraphError::unknown_object(&id, "post"))?;
    let delivery = review::announce_quality(&state, &t, &previous);
    Ok(Json(json!({ "success": true, "delivery_id": delivery })))
}
