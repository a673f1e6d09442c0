//! `/v1/teams`: teams and their members.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json as JsonOut, Router};
use serde::Deserialize;
use switchboard_core::{NewTeam, TeamUpdate};
use switchboard_domain::{TeamId, UserId};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::extract::{Caller, Json, Path, Query};
use crate::pagination::{PageOf, PageParams};
use crate::views::{MemberView, TeamView};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/teams", get(list_teams).post(create_team))
        .route(
            "/v1/teams/{id}",
            get(get_team).patch(update_team).delete(delete_team),
        )
        .route(
            "/v1/teams/{id}/members",
            get(list_team_members).post(add_team_member),
        )
        .route(
            "/v1/teams/{id}/members/{user_id}",
            delete(remove_team_member),
        )
}

/// Longer descriptions belong in a wiki, not in an assignment menu.
const MAX_DESCRIPTION_CHARS: usize = 2000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeamRequest {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTeamRequest {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddTeamMemberRequest {
    pub user_id: Uuid,
}

fn description(raw: String) -> Result<String, ApiError> {
    if raw.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ApiError::validation(
            "description",
            format!("description is longer than {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(raw)
}

#[utoipa::path(get, path = "/v1/teams", tag = "teams", params(PageParams),
    responses((status = 200, body = PageOf<TeamView>), crate::openapi::Errors))]
pub async fn list_teams(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<PageParams>,
) -> Result<JsonOut<PageOf<TeamView>>, ApiError> {
    let page = s.core.list_teams(&p, q.request()?).await?;
    Ok(JsonOut(PageOf::from_page(page, TeamView::from)))
}

#[utoipa::path(post, path = "/v1/teams", tag = "teams", request_body = CreateTeamRequest,
    params(crate::openapi::IdempotencyKey),
    responses((status = 201, body = TeamView), crate::openapi::Errors))]
pub async fn create_team(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(req): Json<CreateTeamRequest>,
) -> Result<Response, ApiError> {
    let new = NewTeam {
        name: super::name("name", &req.name)?,
        description: description(req.description)?,
    };
    let team = s.core.create_team(&p, new).await?;
    Ok((StatusCode::CREATED, JsonOut(TeamView::from(team))).into_response())
}

#[utoipa::path(get, path = "/v1/teams/{id}", tag = "teams",
    params(("id" = Uuid, Path)), responses((status = 200, body = TeamView), crate::openapi::Errors))]
pub async fn get_team(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<TeamId>,
) -> Result<JsonOut<TeamView>, ApiError> {
    Ok(JsonOut(s.core.get_team(&p, id).await?.into()))
}

#[utoipa::path(patch, path = "/v1/teams/{id}", tag = "teams", request_body = UpdateTeamRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = TeamView), crate::openapi::Errors))]
pub async fn update_team(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<TeamId>,
    Json(req): Json<UpdateTeamRequest>,
) -> Result<JsonOut<TeamView>, ApiError> {
    let update = TeamUpdate {
        name: req
            .name
            .as_deref()
            .map(|n| super::name("name", n))
            .transpose()?,
        description: req.description.map(description).transpose()?,
    };
    Ok(JsonOut(s.core.update_team(&p, id, update).await?.into()))
}

#[utoipa::path(delete, path = "/v1/teams/{id}", tag = "teams",
    params(("id" = Uuid, Path)), responses((status = 204), crate::openapi::Errors))]
pub async fn delete_team(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<TeamId>,
) -> Result<StatusCode, ApiError> {
    s.core.delete_team(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every member of the team in one page (`next_cursor` is always null).
#[utoipa::path(get, path = "/v1/teams/{id}/members", tag = "teams",
    params(("id" = Uuid, Path)), responses((status = 200, body = PageOf<MemberView>), crate::openapi::Errors))]
pub async fn list_team_members(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<TeamId>,
) -> Result<JsonOut<PageOf<MemberView>>, ApiError> {
    let members = s.core.list_team_members(&p, id).await?;
    Ok(JsonOut(PageOf {
        data: members.into_iter().map(MemberView::from).collect(),
        next_cursor: None,
    }))
}

#[utoipa::path(post, path = "/v1/teams/{id}/members", tag = "teams", request_body = AddTeamMemberRequest,
    params(("id" = Uuid, Path), crate::openapi::IdempotencyKey),
    responses((status = 201, body = MemberView), crate::openapi::Errors))]
pub async fn add_team_member(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<TeamId>,
    Json(req): Json<AddTeamMemberRequest>,
) -> Result<Response, ApiError> {
    let member = s.core.add_team_member(&p, id, UserId(req.user_id)).await?;
    Ok((StatusCode::CREATED, JsonOut(MemberView::from(member))).into_response())
}

#[utoipa::path(delete, path = "/v1/teams/{id}/members/{user_id}", tag = "teams",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), crate::openapi::Errors))]
pub async fn remove_team_member(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path((id, user)): Path<(TeamId, UserId)>,
) -> Result<StatusCode, ApiError> {
    s.core.remove_team_member(&p, id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}
