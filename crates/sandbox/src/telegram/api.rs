//! The Bot API's routes: `/telegram/bot{token}/{method}` (GET or POST, method names
//! case-insensitive) and file downloads at `/telegram/file/bot{token}/{file_path}`.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};

use super::methods;
use super::params::Params;
use super::reply::TgError;
use crate::state::AppState;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/telegram/{bot}/{method}", any(call))
        .route("/telegram/file/{bot}/{*path}", get(download))
}

async fn call(
    State(state): State<Arc<AppState>>,
    Path((bot, method)): Path<(String, String)>,
    request: Request,
) -> Response {
    let Some(token) = bot.strip_prefix("bot") else {
        return TgError::not_found().into_response();
    };
    let params = match Params::read(request).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    match methods::run(&state.telegram, token, &method.to_ascii_lowercase(), params) {
        Ok(result) => super::reply::ok(result),
        Err(e) => e.into_response(),
    }
}

async fn download(
    State(state): State<Arc<AppState>>,
    Path((bot, path)): Path<(String, String)>,
) -> Response {
    let Some(token) = bot.strip_prefix("bot") else {
        return TgError::not_found().into_response();
    };
    let found = state.telegram.with_token(token, |b| {
        b.files
            .values()
            .find(|f| f.path == path)
            .map(|f| (f.bytes.clone(), f.mime_type.clone()))
    });
    match found {
        None => TgError::unauthorized().into_response(),
        Some(Some((Some(bytes), _mime))) => (
            StatusCode::OK,
            // Telegram serves every file as an octet stream; the path's extension tells the type.
            [(header::CONTENT_TYPE, "application/octet-stream")],
            bytes,
        )
            .into_response(),
        Some(_) => TgError::not_found().into_response(),
    }
}
