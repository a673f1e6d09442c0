//! `/v1/channels`: an organization's messaging accounts (create with credentials, read masked,
//! edit a draft and publish it, disable / enable, delete, test the connection, regenerate the
//! webhook secret), and `/v1/protocols`, the registry of what a channel can be.

mod view;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json as JsonOut, Router};
use serde::Deserialize;
use serde_json::Value;
use switchboard_core::{ChannelUpdate, NewChannel};
use switchboard_domain::{ChannelId, ChannelKind, ChannelStatus};
use switchboard_store::ChannelFilter;
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Json, Path, Query};
use crate::idempotency::SecretFields;
use crate::pagination::{PageOf, PageParams};
use crate::{ApiError, AppState};
pub use view::{ChannelView, ConnectionTestView, ProtocolView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/protocols", get(list_protocols))
        .route("/v1/channels", get(list_channels).post(create_channel))
        .route(
            "/v1/channels/{id}",
            get(get_channel)
                .patch(update_channel)
                .delete(delete_channel),
        )
        .route("/v1/channels/{id}/publish", post(publish_channel))
        .route("/v1/channels/{id}/disable", post(disable_channel))
        .route("/v1/channels/{id}/enable", post(enable_channel))
        .route("/v1/channels/{id}/test", post(test_channel))
        .route("/v1/channels/{id}/integration", get(channel_integration))
        .route(
            "/v1/channels/{id}/regenerate-webhook-secret",
            post(regenerate_webhook_secret),
        )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateChannelRequest {
    pub name: String,
    /// A protocol of `GET /v1/protocols`.
    pub protocol: String,
    /// The protocol's public fields.
    #[schema(value_type = Object)]
    #[serde(default)]
    pub config: Value,
    /// The protocol's secret fields; stored sealed and never answered.
    #[schema(value_type = Object)]
    #[serde(default)]
    pub secrets: Value,
}

/// `name` applies at once; `config` (whole) and `secrets` (merged, `null` removes a field) go to
/// the draft until `publish`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChannelRequest {
    pub name: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub config: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub secrets: Option<Value>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ChannelListParams {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    /// Only channels of this kind.
    pub kind: Option<String>,
    /// Only channels in this status.
    pub status: Option<String>,
}

/// The answers that reveal the verify token keep it out of the idempotency table: a replay
/// answers `handoff: null` (regenerate again to see a token).
const HANDOFF: &[&str] = &["handoff"];

/// The hub's external base URL: the configured one, else the request's own host.
pub(crate) fn public_base(s: &AppState, headers: &HeaderMap) -> String {
    if let Some(base) = s.settings.public_base_url.as_deref() {
        return base.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("localhost");
    format!("http://{host}")
}

#[utoipa::path(get, path = "/v1/protocols", tag = "channels",
    responses((status = 200, body = Vec<ProtocolView>), crate::openapi::Errors))]
pub async fn list_protocols(Caller(_p): Caller) -> JsonOut<Vec<ProtocolView>> {
    JsonOut(view::protocols())
}

#[utoipa::path(get, path = "/v1/channels", tag = "channels", params(ChannelListParams),
    responses((status = 200, body = PageOf<ChannelView>), crate::openapi::Errors))]
pub async fn list_channels(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Query(q): Query<ChannelListParams>,
) -> Result<JsonOut<PageOf<ChannelView>>, ApiError> {
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    }
    .request()?;
    let filter = ChannelFilter {
        kind: q
            .kind
            .as_deref()
            .map(|k| {
                k.parse::<ChannelKind>()
                    .map_err(|e| ApiError::validation("kind", e))
            })
            .transpose()?,
        status: q
            .status
            .as_deref()
            .map(|k| {
                k.parse::<ChannelStatus>()
                    .map_err(|e| ApiError::validation("status", e))
            })
            .transpose()?,
        only: None,
    };
    let page = s.core.list_channels(&p, filter, page).await?;
    let base = public_base(&s, &headers);
    Ok(JsonOut(PageOf::from_page(page, |c| {
        ChannelView::new(c, &base)
    })))
}

#[utoipa::path(post, path = "/v1/channels", tag = "channels", request_body = CreateChannelRequest,
    params(crate::openapi::IdempotencyKey),
    responses((status = 201, body = ChannelView), crate::openapi::Errors))]
pub async fn create_channel(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Json(req): Json<CreateChannelRequest>,
) -> Result<Response, ApiError> {
    let new = NewChannel {
        name: req.name,
        protocol: req.protocol,
        config: req.config,
        secrets: req.secrets,
    };
    let info = s.core.create_channel(&p, new).await?;
    let view = ChannelView::new(info, &public_base(&s, &headers));
    let mut res = (StatusCode::CREATED, JsonOut(view)).into_response();
    res.extensions_mut().insert(SecretFields(HANDOFF));
    Ok(res)
}

#[utoipa::path(get, path = "/v1/channels/{id}", tag = "channels",
    params(("id" = Uuid, Path)), responses((status = 200, body = ChannelView), crate::openapi::Errors))]
pub async fn get_channel(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<ChannelId>,
) -> Result<JsonOut<ChannelView>, ApiError> {
    let info = s.core.get_channel(&p, id).await?;
    Ok(JsonOut(ChannelView::new(info, &public_base(&s, &headers))))
}

/// Ready-to-copy code for sending through a channel.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct IntegrationView {
    pub channel_id: uuid::Uuid,
    /// The address the examples send to.
    pub base_url: String,
    /// The example recipient, in the format the channel takes: replace it with a real one.
    pub to: String,
    pub examples: Vec<CodeExampleView>,
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct CodeExampleView {
    /// `curl`, `python`, `javascript`, `go` or `php`.
    pub language: String,
    /// How to run the saved file; the key comes from `SWITCHBOARD_API_KEY`.
    pub run: String,
    pub code: String,
}

#[utoipa::path(get, path = "/v1/channels/{id}/integration", tag = "channels",
    params(("id" = Uuid, Path)), responses((status = 200, body = IntegrationView), crate::openapi::Errors))]
pub async fn channel_integration(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<ChannelId>,
) -> Result<JsonOut<IntegrationView>, ApiError> {
    let base = public_base(&s, &headers);
    let i = s.core.channel_integration(&p, id, &base).await?;
    Ok(JsonOut(IntegrationView {
        channel_id: i.channel_id.0,
        base_url: i.base_url,
        to: i.to.to_owned(),
        examples: i
            .examples
            .into_iter()
            .map(|e| CodeExampleView {
                language: e.language.to_owned(),
                run: e.run.to_owned(),
                code: e.code,
            })
            .collect(),
    }))
}

#[utoipa::path(patch, path = "/v1/channels/{id}", tag = "channels", request_body = UpdateChannelRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = ChannelView), crate::openapi::Errors))]
pub async fn update_channel(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<ChannelId>,
    Json(req): Json<UpdateChannelRequest>,
) -> Result<JsonOut<ChannelView>, ApiError> {
    let update = ChannelUpdate {
        name: req.name,
        config: req.config,
        secrets: req.secrets,
    };
    let info = s.core.update_channel(&p, id, update).await?;
    Ok(JsonOut(ChannelView::new(info, &public_base(&s, &headers))))
}

#[utoipa::path(delete, path = "/v1/channels/{id}", tag = "channels",
    params(("id" = Uuid, Path)), responses((status = 204), crate::openapi::Errors))]
pub async fn delete_channel(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ChannelId>,
) -> Result<StatusCode, ApiError> {
    s.core.delete_channel(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

macro_rules! action {
    ($name:ident, $path:literal, $call:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "channels",
                            params(("id" = Uuid, Path), crate::openapi::IdempotencyKey),
                            responses((status = 200, body = ChannelView), crate::openapi::Errors))]
        pub async fn $name(
            State(s): State<AppState>,
            Caller(p): Caller,
            headers: HeaderMap,
            Path(id): Path<ChannelId>,
        ) -> Result<JsonOut<ChannelView>, ApiError> {
            let info = s.core.$call(&p, id).await?;
            Ok(JsonOut(ChannelView::new(info, &public_base(&s, &headers))))
        }
    };
}

action!(
    publish_channel,
    "/v1/channels/{id}/publish",
    publish_channel,
    "Makes the draft live; the channel is `pending` until a test or traffic proves it works."
);
action!(
    disable_channel,
    "/v1/channels/{id}/disable",
    disable_channel,
    "Stops sending and refuses the provider's webhooks."
);
action!(
    enable_channel,
    "/v1/channels/{id}/enable",
    enable_channel,
    "Turns a disabled channel back on (`pending`)."
);
/// A new verify token, shown in full in this answer only; the old one stops working.
#[utoipa::path(post, path = "/v1/channels/{id}/regenerate-webhook-secret", tag = "channels",
    params(("id" = Uuid, Path), crate::openapi::IdempotencyKey),
    responses((status = 200, body = ChannelView), crate::openapi::Errors))]
pub async fn regenerate_webhook_secret(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<ChannelId>,
) -> Result<Response, ApiError> {
    let info = s.core.regenerate_webhook_secret(&p, id).await?;
    let view = ChannelView::new(info, &public_base(&s, &headers));
    let mut res = JsonOut(view).into_response();
    res.extensions_mut().insert(SecretFields(HANDOFF));
    Ok(res)
}

#[utoipa::path(post, path = "/v1/channels/{id}/test", tag = "channels",
    params(("id" = Uuid, Path), crate::openapi::IdempotencyKey),
    responses((status = 200, body = ConnectionTestView), crate::openapi::Errors))]
pub async fn test_channel(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<ChannelId>,
) -> Result<JsonOut<ConnectionTestView>, ApiError> {
    let outcome = s.core.test_channel(&p, id).await?;
    Ok(JsonOut(ConnectionTestView::new(
        outcome,
        &public_base(&s, &headers),
    )))
}
