//! `/v1/audit-log`: the organization's audit log, newest first, with filters.

use axum::extract::State;
use axum::routing::get;
use axum::{Json as JsonOut, Router};
use serde::Deserialize;
use switchboard_store::{Actor, AuditFilter};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::extract::{Caller, Query};
use crate::pagination::{PageOf, PageParams};
use crate::views::AuditEntryView;
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/audit-log", get(list_audit))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. `api_key.created`
    pub action: Option<String>,
    /// e.g. `api_key`, `team`, `user`, `org`
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// `user`, `api_key` or `system`; with `actor_id` for the first two.
    pub actor_type: Option<String>,
    pub actor_id: Option<Uuid>,
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

fn actor(q: &AuditQuery) -> Result<Option<Actor>, ApiError> {
    let need_id =
        || ApiError::validation("actor_id", "`actor_id` is required with this `actor_type`");
    Ok(match (q.actor_type.as_deref(), q.actor_id) {
        (None, None) => None,
        (Some("system"), None) => Some(Actor::System),
        (Some("user"), Some(id)) => Some(Actor::User(id.into())),
        (Some("api_key"), Some(id)) => Some(Actor::ApiKey(id.into())),
        (Some("user" | "api_key"), None) => return Err(need_id()),
        (None, Some(_)) => {
            return Err(ApiError::validation(
                "actor_type",
                "`actor_type` is required with `actor_id`",
            ));
        }
        (Some(other), _) => {
            return Err(ApiError::validation(
                "actor_type",
                format!("`{other}` is not user, api_key or system"),
            ));
        }
    })
}

#[utoipa::path(get, path = "/v1/audit-log", tag = "audit", params(AuditQuery),
    responses((status = 200, body = PageOf<AuditEntryView>), crate::openapi::Errors))]
pub async fn list_audit(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<AuditQuery>,
) -> Result<JsonOut<PageOf<AuditEntryView>>, ApiError> {
    let page = PageParams {
        limit: q.limit.clone(),
        cursor: q.cursor.clone(),
    }
    .request()?;
    let filter = AuditFilter {
        action: q.action.clone(),
        target_type: q.target_type.clone(),
        target_id: q.target_id.clone(),
        actor: actor(&q)?,
    };
    let entries = s.core.list_audit(&p, &filter, page).await?;
    Ok(JsonOut(PageOf::from_page(entries, AuditEntryView::from)))
}
