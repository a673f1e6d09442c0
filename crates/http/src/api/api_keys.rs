//! `/v1/api-keys`: list, create (the secret shown once), get, revoke, rotate.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json as JsonOut, Router};
use serde::Deserialize;
use switchboard_core::NewApiKey;
use switchboard_domain::{ApiKeyId, ChannelId};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::extract::{Caller, Json, Path, Query};
use crate::idempotency::SecretFields;
use crate::pagination::{PageOf, PageParams};
use crate::views::{ApiKeyView, CreatedApiKeyView};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/api-keys", get(list_api_keys).post(create_api_key))
        .route("/v1/api-keys/{id}", get(get_api_key).delete(delete_api_key))
        .route("/v1/api-keys/{id}/revoke", post(revoke_api_key))
        .route("/v1/api-keys/{id}/rotate", post(rotate_api_key))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    pub name: String,
    /// Empty or absent: every scope the creator has.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Empty or absent: the creator's channels.
    #[serde(default)]
    pub channel_ids: Vec<Uuid>,
    /// CIDR networks (IPv4 or IPv6); empty or absent: any address.
    #[serde(default)]
    pub allowed_ips: Vec<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<OffsetDateTime>,
}

#[utoipa::path(get, path = "/v1/api-keys", tag = "api-keys", params(PageParams),
    responses((status = 200, body = PageOf<ApiKeyView>), crate::openapi::Errors))]
pub async fn list_api_keys(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<PageParams>,
) -> Result<JsonOut<PageOf<ApiKeyView>>, ApiError> {
    let page = s.core.list_api_keys(&p, q.request()?).await?;
    Ok(JsonOut(PageOf::from_page(page, ApiKeyView::from)))
}

#[utoipa::path(post, path = "/v1/api-keys", tag = "api-keys", request_body = CreateApiKeyRequest,
    params(crate::openapi::IdempotencyKey),
    responses((status = 201, body = CreatedApiKeyView, description = "The key and its secret, shown once (`null` in an idempotent replay)"), crate::openapi::Errors))]
pub async fn create_api_key(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(req): Json<CreateApiKeyRequest>,
) -> Result<Response, ApiError> {
    let new = NewApiKey {
        name: super::name("name", &req.name)?,
        scopes: super::scopes("scopes", &req.scopes)?,
        channel_ids: req.channel_ids.into_iter().map(ChannelId).collect(),
        allowed_ips: super::cidrs("allowed_ips", &req.allowed_ips)?,
        expires_at: req.expires_at,
    };
    let created = s.core.create_api_key(&p, new).await?;
    let mut res = (
        StatusCode::CREATED,
        JsonOut(CreatedApiKeyView::from(created)),
    )
        .into_response();
    res.extensions_mut().insert(SecretFields(&["secret"]));
    Ok(res)
}

#[utoipa::path(get, path = "/v1/api-keys/{id}", tag = "api-keys",
    params(("id" = Uuid, Path)), responses((status = 200, body = ApiKeyView), crate::openapi::Errors))]
pub async fn get_api_key(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ApiKeyId>,
) -> Result<JsonOut<ApiKeyView>, ApiError> {
    Ok(JsonOut(s.core.get_api_key(&p, id).await?.into()))
}

/// Revokes the key (the same as `POST /v1/api-keys/{id}/revoke`).
#[utoipa::path(delete, path = "/v1/api-keys/{id}", tag = "api-keys",
    params(("id" = Uuid, Path)), responses((status = 204), crate::openapi::Errors))]
pub async fn delete_api_key(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ApiKeyId>,
) -> Result<StatusCode, ApiError> {
    s.core.revoke_api_key(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/v1/api-keys/{id}/revoke", tag = "api-keys",
    params(("id" = Uuid, Path)), responses((status = 200, body = ApiKeyView), crate::openapi::Errors))]
pub async fn revoke_api_key(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ApiKeyId>,
) -> Result<JsonOut<ApiKeyView>, ApiError> {
    Ok(JsonOut(s.core.revoke_api_key(&p, id).await?.into()))
}

/// A new secret (shown once); the old one stops working at once. A replay with the same
/// `Idempotency-Key` answers `secret: null`: secrets are never stored.
#[utoipa::path(post, path = "/v1/api-keys/{id}/rotate", tag = "api-keys",
    params(("id" = Uuid, Path)), responses((status = 200, body = CreatedApiKeyView), crate::openapi::Errors))]
pub async fn rotate_api_key(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ApiKeyId>,
) -> Result<Response, ApiError> {
    let rotated = CreatedApiKeyView::from(s.core.rotate_api_key(&p, id).await?);
    let mut res = JsonOut(rotated).into_response();
    res.extensions_mut().insert(SecretFields(&["secret"]));
    Ok(res)
}
