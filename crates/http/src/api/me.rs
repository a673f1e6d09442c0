//! `/v1/me`: who the caller is.

use axum::extract::State;
use axum::routing::get;
use axum::{Json as JsonOut, Router};

use crate::extract::Caller;
use crate::views::MeView;
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/me", get(me))
}

#[utoipa::path(get, path = "/v1/me", tag = "auth",
    responses((status = 200, body = MeView), crate::openapi::Errors))]
pub async fn me(State(s): State<AppState>, Caller(p): Caller) -> Result<JsonOut<MeView>, ApiError> {
    Ok(JsonOut(s.core.me(&p).await?.into()))
}
