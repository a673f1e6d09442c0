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
    pub name: Option<String>,
    pub settings: Option<OrgSettingsPatch>,
}

/// The settings to change; those left out keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgSettingsPatch {
    /// A person's SMS and WhatsApp numbers are one contact (applies to identities made from now
    /// on; contacts already made are not merged or split).
    pub link_sms_and_whatsapp: Option<bool>,
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
    let name = req
        .name
        .as_deref()
        .map(|n| super::name("name", n))
        .transpose()?;
    let mut org = None;
    if let Some(name) = name {
        org = Some(s.core.rename_org(&p, name).await?);
    }
    if let Some(patch) = req.settings {
        let mut settings = match &org {
            Some(o) => o.settings,
            None => s.core.get_org(&p).await?.settings,
        };
        if let Some(link) = patch.link_sms_and_whatsapp {
            settings.link_sms_and_whatsapp = link;
        }
        org = Some(s.core.update_org_settings(&p, settings).await?);
    }
    let org = match org {
        Some(o) => o,
        None => s.core.get_org(&p).await?,
    };
    Ok(JsonOut(org.into()))
}
