//! `/v1/webhook-endpoints`: where an organization's events are delivered; the secret is answered
//! once (on create and on rotation), a test ping reports the receiver's answer.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json as JsonOut, Router};
use serde::{Deserialize, Serialize};
use switchboard_core::webhooks::{
    EndpointWithSecret, NewWebhookEndpoint, PingResult, WebhookEndpointUpdate,
};
use switchboard_domain::{ChannelId, WebhookEndpointId};
use switchboard_store::WebhookEndpoint;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::extract::{Caller, Json, Path, Query};
use crate::pagination::{PageOf, PageParams};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/webhook-endpoints",
            get(list_endpoints).post(create_endpoint),
        )
        .route(
            "/v1/webhook-endpoints/{id}",
            get(get_endpoint)
                .patch(update_endpoint)
                .delete(delete_endpoint),
        )
        .route(
            "/v1/webhook-endpoints/{id}/rotate-secret",
            post(rotate_secret),
        )
        .route("/v1/webhook-endpoints/{id}/ping", post(ping))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEndpointRequest {
    /// An http(s) URL whose every address is public (or in the operator's allowed ranges).
    pub url: String,
    #[serde(default)]
    pub description: String,
    /// E.g. `["message.received", "conversation.*"]`; empty or absent: every type.
    #[serde(default)]
    pub event_types: Vec<String>,
    /// Only events of these channels; empty or absent: every channel.
    #[serde(default)]
    pub channel_ids: Vec<Uuid>,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// `standard` (Standard Webhooks JSON, the default) or `meta` (the provider's raw payload).
    pub format: Option<String>,
    /// Bring your own `whsec_` secret; a fresh one is made otherwise.
    pub secret: Option<String>,
}

fn enabled_by_default() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEndpointRequest {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub channel_ids: Option<Vec<Uuid>>,
    pub enabled: Option<bool>,
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateSecretRequest {
    /// How long the previous secret keeps signing beside the new one (default 86400, at most
    /// 604800).
    pub overlap_seconds: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointView {
    pub id: Uuid,
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub channel_ids: Vec<Uuid>,
    pub enabled: bool,
    pub format: String,
    /// Why Switchboard disabled it (`gone`: the receiver answered 410; `failing`: 5 days of
    /// failures); null when enabled or disabled by a person.
    pub disabled_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub failing_since: Option<OffsetDateTime>,
    /// Until when the previous secret also signs (after a rotation).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub previous_secret_until: Option<OffsetDateTime>,
    /// Only in the answers to create and rotate: the `whsec_` secret, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<WebhookEndpoint> for EndpointView {
    fn from(e: WebhookEndpoint) -> Self {
        Self {
            id: e.id.0,
            url: e.url,
            description: e.description,
            event_types: e.event_types,
            channel_ids: e.channel_ids.iter().map(|c| c.0).collect(),
            enabled: e.enabled,
            format: e.format,
            disabled_reason: e.disabled_reason,
            failing_since: e.failing_since,
            previous_secret_until: e.previous_until,
            secret: None,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

impl From<EndpointWithSecret> for EndpointView {
    fn from(e: EndpointWithSecret) -> Self {
        Self {
            secret: Some(e.secret),
            ..Self::from(e.endpoint)
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PingView {
    /// The `webhook-id` sent.
    pub message_id: String,
    /// A 2xx within 15 s.
    pub success: bool,
    pub status: Option<u16>,
    pub duration_ms: Option<u64>,
    /// The start of the receiver's answer.
    pub body: Option<String>,
    /// Why nothing was answered: `address_refused`, `timeout`, `connect_failed`...
    pub error: Option<String>,
    pub error_detail: Option<String>,
}

impl From<PingResult> for PingView {
    fn from(p: PingResult) -> Self {
        Self {
            message_id: p.message_id,
            success: p.success,
            status: p.status,
            duration_ms: p.duration.map(|d| d.as_millis() as u64),
            body: p.body,
            error: p.error,
            error_detail: p.error_detail,
        }
    }
}

fn channels(ids: Vec<Uuid>) -> Vec<ChannelId> {
    ids.into_iter().map(ChannelId).collect()
}

#[utoipa::path(get, path = "/v1/webhook-endpoints", tag = "webhooks", params(PageParams),
    responses((status = 200, body = PageOf<EndpointView>), crate::openapi::Errors))]
pub async fn list_endpoints(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<PageParams>,
) -> Result<JsonOut<PageOf<EndpointView>>, ApiError> {
    let page = s.core.list_webhook_endpoints(&p, q.request()?).await?;
    Ok(JsonOut(PageOf::from_page(page, EndpointView::from)))
}

#[utoipa::path(post, path = "/v1/webhook-endpoints", tag = "webhooks",
    request_body = CreateEndpointRequest, params(crate::openapi::IdempotencyKey),
    responses((status = 201, body = EndpointView), crate::openapi::Errors))]
pub async fn create_endpoint(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(req): Json<CreateEndpointRequest>,
) -> Result<Response, ApiError> {
    let new = NewWebhookEndpoint {
        url: req.url,
        description: req.description,
        event_types: req.event_types,
        channel_ids: channels(req.channel_ids),
        enabled: req.enabled,
        format: req.format,
        secret: req.secret,
    };
    let created = s.core.create_webhook_endpoint(&p, new).await?;
    Ok((StatusCode::CREATED, JsonOut(EndpointView::from(created))).into_response())
}

#[utoipa::path(get, path = "/v1/webhook-endpoints/{id}", tag = "webhooks",
    params(("id" = Uuid, Path)), responses((status = 200, body = EndpointView), crate::openapi::Errors))]
pub async fn get_endpoint(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<WebhookEndpointId>,
) -> Result<JsonOut<EndpointView>, ApiError> {
    Ok(JsonOut(s.core.get_webhook_endpoint(&p, id).await?.into()))
}

#[utoipa::path(patch, path = "/v1/webhook-endpoints/{id}", tag = "webhooks",
    request_body = UpdateEndpointRequest, params(("id" = Uuid, Path)),
    responses((status = 200, body = EndpointView), crate::openapi::Errors))]
pub async fn update_endpoint(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<WebhookEndpointId>,
    Json(req): Json<UpdateEndpointRequest>,
) -> Result<JsonOut<EndpointView>, ApiError> {
    let update = WebhookEndpointUpdate {
        url: req.url,
        description: req.description,
        event_types: req.event_types,
        channel_ids: req.channel_ids.map(channels),
        enabled: req.enabled,
        format: req.format,
    };
    Ok(JsonOut(
        s.core.update_webhook_endpoint(&p, id, update).await?.into(),
    ))
}

#[utoipa::path(delete, path = "/v1/webhook-endpoints/{id}", tag = "webhooks",
    params(("id" = Uuid, Path)), responses((status = 204), crate::openapi::Errors))]
pub async fn delete_endpoint(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<WebhookEndpointId>,
) -> Result<StatusCode, ApiError> {
    s.core.delete_webhook_endpoint(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new secret, answered once; the previous one keeps signing beside it for the overlap.
#[utoipa::path(post, path = "/v1/webhook-endpoints/{id}/rotate-secret", tag = "webhooks",
    request_body = RotateSecretRequest, params(("id" = Uuid, Path)),
    responses((status = 200, body = EndpointView), crate::openapi::Errors))]
pub async fn rotate_secret(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<WebhookEndpointId>,
    Json(req): Json<RotateSecretRequest>,
) -> Result<JsonOut<EndpointView>, ApiError> {
    let overlap = req.overlap_seconds.map(Duration::from_secs);
    let rotated = s.core.rotate_webhook_secret(&p, id, overlap).await?;
    Ok(JsonOut(rotated.into()))
}

/// Delivers one signed `webhook.ping` now and reports the receiver's answer.
#[utoipa::path(post, path = "/v1/webhook-endpoints/{id}/ping", tag = "webhooks",
    params(("id" = Uuid, Path)), responses((status = 200, body = PingView), crate::openapi::Errors))]
pub async fn ping(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<WebhookEndpointId>,
) -> Result<JsonOut<PingView>, ApiError> {
    Ok(JsonOut(s.core.ping_webhook_endpoint(&p, id).await?.into()))
}
