//! `/v1/users`: the organization's members: list, add (new or existing user by e-mail), get,
//! change role or channels, remove.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json as JsonOut, Router};
use serde::Deserialize;
use switchboard_core::{MemberUpdate, NewMember};
use switchboard_domain::{ChannelId, Secret, UserId};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::extract::{Caller, Json, Path, Query};
use crate::pagination::{PageOf, PageParams};
use crate::views::MemberView;
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/users", get(list_users).post(create_user))
        .route(
            "/v1/users/{id}",
            get(get_user).patch(update_user).delete(remove_user),
        )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub email: String,
    pub name: Option<String>,
    /// For a new user only; an existing user keeps their own password.
    #[schema(value_type = Option<String>, format = Password)]
    pub password: Option<Secret>,
    /// `owner`, `admin`, `contributor` or `agent`.
    pub role: String,
    #[serde(default)]
    pub channel_ids: Vec<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub role: Option<String>,
    /// An empty list lifts every channel restriction.
    pub channel_ids: Option<Vec<Uuid>>,
}

#[utoipa::path(get, path = "/v1/users", tag = "users", params(PageParams),
    responses((status = 200, body = PageOf<MemberView>), crate::openapi::Errors))]
pub async fn list_users(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<PageParams>,
) -> Result<JsonOut<PageOf<MemberView>>, ApiError> {
    let page = s.core.list_members(&p, q.request()?).await?;
    Ok(JsonOut(PageOf::from_page(page, MemberView::from)))
}

#[utoipa::path(post, path = "/v1/users", tag = "users", request_body = CreateUserRequest,
    params(crate::openapi::IdempotencyKey),
    responses((status = 201, body = MemberView), crate::openapi::Errors))]
pub async fn create_user(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(req): Json<CreateUserRequest>,
) -> Result<Response, ApiError> {
    let new = NewMember {
        email: super::email("email", &req.email)?,
        name: req
            .name
            .as_deref()
            .map(|n| super::name("name", n))
            .transpose()?,
        password: req.password,
        role: super::role("role", &req.role)?,
        channel_ids: req.channel_ids.into_iter().map(ChannelId).collect(),
    };
    let member = s.core.create_member(&p, new).await?;
    Ok((StatusCode::CREATED, JsonOut(MemberView::from(member))).into_response())
}

#[utoipa::path(get, path = "/v1/users/{id}", tag = "users",
    params(("id" = Uuid, Path)), responses((status = 200, body = MemberView), crate::openapi::Errors))]
pub async fn get_user(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<UserId>,
) -> Result<JsonOut<MemberView>, ApiError> {
    Ok(JsonOut(s.core.get_member(&p, id).await?.into()))
}

#[utoipa::path(patch, path = "/v1/users/{id}", tag = "users", request_body = UpdateUserRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = MemberView), crate::openapi::Errors))]
pub async fn update_user(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<UserId>,
    Json(req): Json<UpdateUserRequest>,
) -> Result<JsonOut<MemberView>, ApiError> {
    let update = MemberUpdate {
        role: req
            .role
            .as_deref()
            .map(|r| super::role("role", r))
            .transpose()?,
        channel_ids: req
            .channel_ids
            .map(|c| c.into_iter().map(ChannelId).collect()),
    };
    Ok(JsonOut(s.core.update_member(&p, id, update).await?.into()))
}

#[utoipa::path(delete, path = "/v1/users/{id}", tag = "users",
    params(("id" = Uuid, Path)), responses((status = 204), crate::openapi::Errors))]
pub async fn remove_user(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<UserId>,
) -> Result<StatusCode, ApiError> {
    s.core.remove_member(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
