//! `/v1/orgs/current`: the caller's organization.

use axum::extract::State;
use axum::routing::get;
use axum::{Json as JsonOut, Router};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::extract::{Caller, Json};
use crate::views::OrgView;
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/orgs/current", get(get_org).patch(update_org))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrgRequest {
    pub name: String,
}

#[utoipa::path(get, path = "/v1/orgs/current", tag = "orgs",
    responses((status = 200, body = OrgView), crate::openapi::Errors))]
pub async fn get_org(
    State(s): State<AppState>,
    Caller(p): Caller,
) -> Result<JsonOut<OrgView>, ApiError> {
    Ok(JsonOut(s.core.get_org(&p).await?.into()))
}

#[utoipa::path(patch, path = "/v1/orgs/current", tag = "orgs", request_body = UpdateOrgRequest,
    responses((status = 200, body = OrgView), crate::openapi::Errors))]
pub async fn update_org(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(req): Json<UpdateOrgRequest>,
) -> Result<JsonOut<OrgView>, ApiError> {
    let name = super::name("name", &req.name)?;
    Ok(JsonOut(s.core.rename_org(&p, name).await?.into()))
}
