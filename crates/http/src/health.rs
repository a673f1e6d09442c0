//! Probes: `/healthz` (the process answers) and `/readyz` (the store answers too).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::{ApiError, AppState, telemetry};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(telemetry::metrics_page))
}

async fn healthz() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

async fn readyz(State(state): State<AppState>) -> Result<Response, ApiError> {
    match state.core.ping().await {
        Ok(()) => {
            Ok(Json(json!({ "status": "ready", "store": state.core.backend() })).into_response())
        }
        Err(e) => {
            tracing::warn!(error = %e, "store ping failed");
            Err(ApiError::NotReady)
        }
    }
}
