//! `/v1/templates`: message templates — create (linted, then submitted to the provider), list,
//! get, delete, lint on demand, sync from the provider, and preview a send's parameters.

mod view;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json as JsonOut, Router};
use serde::Deserialize;
use serde_json::{Map, Value};
use switchboard_domain::content::TemplateComponent;
use switchboard_domain::templates::{TemplateSpec, TemplateStatus, has_errors};
use switchboard_domain::{ChannelId, TemplateId};
use switchboard_store::TemplateFilter;
use utoipa::{IntoParams, ToSchema};

pub use view::{CreatedTemplateView, LintView, PreviewView, SyncView, TemplateView};

use crate::extract::{Caller, Json, Path, Query};
use crate::pagination::{PageOf, PageParams};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/templates", get(list_templates).post(create_template))
        .route("/v1/templates/lint", post(lint_template))
        .route("/v1/templates/sync", post(sync_templates))
        .route(
            "/v1/templates/{id}",
            get(get_template).delete(delete_template),
        )
        .route("/v1/templates/{id}/preview", post(preview_template))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateListParams {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub channel_id: Option<String>,
    /// `draft`, `pending`, `approved`, `rejected`, `paused` or `disabled`.
    pub status: Option<String>,
    pub name: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncParams {
    pub channel_id: String,
}

/// The parameters of a send, as `content.components` of a template message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub components: Vec<TemplateComponent>,
}

/// A template as the API takes it: `channel_id` (for a create) beside the template's fields.
fn parse_spec(mut body: Map<String, Value>) -> Result<(Option<Value>, TemplateSpec), ApiError> {
    let channel = body.remove("channel_id");
    let spec = serde_json::from_value(Value::Object(body))
        .map_err(|e| ApiError::validation("template", e.to_string()))?;
    Ok((channel, spec))
}

fn channel_id(raw: &str) -> Result<ChannelId, ApiError> {
    Ok(ChannelId(super::id_param("channel_id", raw)?))
}

/// Creates and submits a template; 422 `template_invalid` with every finding when the linter
/// finds an error.
#[utoipa::path(post, path = "/v1/templates", tag = "templates",
    request_body(content = Object, description = "`channel_id`, `name`, `language`, `category`, `parameter_format`, `components`"),
    params(crate::openapi::IdempotencyKey),
    responses((status = 201, body = CreatedTemplateView), crate::openapi::Errors))]
pub async fn create_template(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(body): Json<Map<String, Value>>,
) -> Result<Response, ApiError> {
    let (channel, spec) = parse_spec(body)?;
    let channel = match channel {
        Some(Value::String(raw)) => channel_id(&raw)?,
        _ => return Err(ApiError::validation("channel_id", "give the channel's id")),
    };
    let created = s.core.create_template(&p, channel, spec).await?;
    let view = CreatedTemplateView {
        template: created.template.into(),
        warnings: created.warnings,
    };
    Ok((StatusCode::CREATED, JsonOut(view)).into_response())
}

/// The linter's findings on a template, without storing or submitting it.
#[utoipa::path(post, path = "/v1/templates/lint", tag = "templates",
    request_body(content = Object, description = "a template as for a create; `channel_id` is optional"),
    responses((status = 200, body = LintView), crate::openapi::Errors))]
pub async fn lint_template(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(body): Json<Map<String, Value>>,
) -> Result<JsonOut<LintView>, ApiError> {
    let (_, spec) = parse_spec(body)?;
    let findings = s.core.lint_template(&p, &spec)?;
    Ok(JsonOut(LintView {
        valid: !has_errors(&findings),
        findings,
    }))
}

#[utoipa::path(get, path = "/v1/templates", tag = "templates", params(TemplateListParams),
    responses((status = 200, body = PageOf<TemplateView>), crate::openapi::Errors))]
pub async fn list_templates(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<TemplateListParams>,
) -> Result<JsonOut<PageOf<TemplateView>>, ApiError> {
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    }
    .request()?;
    let status = q
        .status
        .as_deref()
        .map(|raw| {
            TemplateStatus::parse(raw)
                .ok_or_else(|| ApiError::validation("status", format!("`{raw}` is not a status")))
        })
        .transpose()?;
    let filter = TemplateFilter {
        channel: q.channel_id.as_deref().map(channel_id).transpose()?,
        status,
        name: q.name,
        language: q.language,
        only: None,
    };
    let page = s.core.list_templates(&p, filter, page).await?;
    Ok(JsonOut(PageOf::from_page(page, TemplateView::from)))
}

#[utoipa::path(get, path = "/v1/templates/{id}", tag = "templates",
    params(("id" = Uuid, Path)), responses((status = 200, body = TemplateView), crate::openapi::Errors))]
pub async fn get_template(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<TemplateId>,
) -> Result<JsonOut<TemplateView>, ApiError> {
    Ok(JsonOut(s.core.get_template(&p, id).await?.into()))
}

/// Deletes the template at the provider and here.
#[utoipa::path(delete, path = "/v1/templates/{id}", tag = "templates",
    params(("id" = Uuid, Path)), responses((status = 204), crate::openapi::Errors))]
pub async fn delete_template(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<TemplateId>,
) -> Result<StatusCode, ApiError> {
    s.core.delete_template(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lists the channel's templates from the provider and upserts them here.
#[utoipa::path(post, path = "/v1/templates/sync", tag = "templates", params(SyncParams),
    responses((status = 200, body = SyncView), crate::openapi::Errors))]
pub async fn sync_templates(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<SyncParams>,
) -> Result<JsonOut<SyncView>, ApiError> {
    let synced = s
        .core
        .sync_templates(&p, channel_id(&q.channel_id)?)
        .await?;
    Ok(JsonOut(SyncView {
        listed: synced.listed,
        added: synced.added,
    }))
}

/// Renders the template with a send's parameters; 422 `template_parameters_invalid` naming
/// each missing or extra parameter and where.
#[utoipa::path(post, path = "/v1/templates/{id}/preview", tag = "templates",
    params(("id" = Uuid, Path)), request_body = PreviewRequest,
    responses((status = 200, body = PreviewView), crate::openapi::Errors))]
pub async fn preview_template(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<TemplateId>,
    Json(req): Json<PreviewRequest>,
) -> Result<JsonOut<PreviewView>, ApiError> {
    let rendered = s.core.preview_template(&p, id, &req.components).await?;
    Ok(JsonOut(rendered.into()))
}
