//! The delivery log under `/v1/webhook-endpoints/{id}`: deliveries newest first (optionally only
//! failed ones), one delivery with every attempt, and replays.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json as JsonOut, Router};
use serde::{Deserialize, Serialize};
use switchboard_domain::WebhookEndpointId;
use switchboard_store::{WebhookAttempt, WebhookDelivery};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::extract::{Caller, Json, Path, Query};
use crate::pagination::{PageOf, PageParams};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/webhook-endpoints/{id}/deliveries",
            get(list_deliveries),
        )
        .route(
            "/v1/webhook-endpoints/{id}/deliveries/{delivery_id}",
            get(get_delivery),
        )
        .route(
            "/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/replay",
            post(replay_delivery),
        )
        .route("/v1/webhook-endpoints/{id}/replay", post(replay_failed))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeliveryListParams {
    /// `failed`: only deliveries that gave up.
    pub status: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    pub attempt: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// The receiver's HTTP status; null when it did not answer.
    pub response_status: Option<u16>,
    pub duration_ms: u32,
    /// The start of the receiver's answer (or what went wrong).
    pub response_body: String,
    /// `timeout`, `connect_failed`, `address_refused`... when the receiver did not answer.
    pub error: Option<String>,
}

impl From<WebhookAttempt> for AttemptView {
    fn from(a: WebhookAttempt) -> Self {
        Self {
            attempt: a.attempt,
            at: a.at,
            response_status: a.response_status,
            duration_ms: a.duration_ms,
            response_body: a.response_body,
            error: a.error,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: Uuid,
    /// The `webhook-id` header, the same on every attempt.
    pub message_id: String,
    pub event_id: Uuid,
    pub event_type: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    /// The exact body sent.
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// Every attempt, first to last (only when one delivery is read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt_log: Option<Vec<AttemptView>>,
}

impl From<WebhookDelivery> for DeliveryView {
    fn from(d: WebhookDelivery) -> Self {
        Self {
            message_id: d.message_id(),
            id: d.id,
            event_id: d.event_id.0,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            last_status: d.last_status,
            last_error: d.last_error,
            body: serde_json::from_str(&d.body).unwrap_or(serde_json::Value::Null),
            created_at: d.created_at,
            updated_at: d.updated_at,
            attempt_log: None,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    /// Replays every failed delivery created at or after this instant (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub since: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayView {
    /// Deliveries queued again (at most 1000 per request).
    pub replayed: usize,
}

#[utoipa::path(get, path = "/v1/webhook-endpoints/{id}/deliveries", tag = "webhooks",
    params(("id" = Uuid, Path), DeliveryListParams),
    responses((status = 200, body = PageOf<DeliveryView>), crate::openapi::Errors))]
pub async fn list_deliveries(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<WebhookEndpointId>,
    Query(q): Query<DeliveryListParams>,
) -> Result<JsonOut<PageOf<DeliveryView>>, ApiError> {
    let failed_only = match q.status.as_deref() {
        None => false,
        Some("failed") => true,
        Some(_) => {
            return Err(ApiError::validation(
                "status",
                "only `failed` filters deliveries",
            ));
        }
    };
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    }
    .request()?;
    let found = s
        .core
        .list_webhook_deliveries(&p, id, failed_only, page)
        .await?;
    Ok(JsonOut(PageOf::from_page(found, DeliveryView::from)))
}

#[utoipa::path(get, path = "/v1/webhook-endpoints/{id}/deliveries/{delivery_id}", tag = "webhooks",
    params(("id" = Uuid, Path), ("delivery_id" = Uuid, Path)),
    responses((status = 200, body = DeliveryView), crate::openapi::Errors))]
pub async fn get_delivery(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path((id, delivery)): Path<(WebhookEndpointId, Uuid)>,
) -> Result<JsonOut<DeliveryView>, ApiError> {
    let (d, attempts) = s.core.get_webhook_delivery(&p, id, delivery).await?;
    let mut view = DeliveryView::from(d);
    view.attempt_log = Some(attempts.into_iter().map(AttemptView::from).collect());
    Ok(JsonOut(view))
}

/// Queues the delivery again (a new attempt now, same `webhook-id` and body).
#[utoipa::path(post, path = "/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/replay",
    tag = "webhooks", params(("id" = Uuid, Path), ("delivery_id" = Uuid, Path)),
    responses((status = 202), crate::openapi::Errors))]
pub async fn replay_delivery(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path((id, delivery)): Path<(WebhookEndpointId, Uuid)>,
) -> Result<Response, ApiError> {
    s.core.replay_webhook_delivery(&p, id, delivery).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// Queues again every failed delivery since a time.
#[utoipa::path(post, path = "/v1/webhook-endpoints/{id}/replay", tag = "webhooks",
    request_body = ReplayRequest, params(("id" = Uuid, Path)),
    responses((status = 202, body = ReplayView), crate::openapi::Errors))]
pub async fn replay_failed(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<WebhookEndpointId>,
    Json(req): Json<ReplayRequest>,
) -> Result<Response, ApiError> {
    let replayed = s.core.replay_failed_webhooks(&p, id, req.since).await?;
    Ok((StatusCode::ACCEPTED, JsonOut(ReplayView { replayed })).into_response())
}
