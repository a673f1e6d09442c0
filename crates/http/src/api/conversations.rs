//! `/v1/conversations`: the inbox with its filters, one conversation (with `window_open_until`),
//! workflow changes, internal notes, the timeline and marking as read. Rules live in `core`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json as JsonOut, Router};
use serde::Deserialize;
use switchboard_core::{AssigneeFilter, ConversationQuery, ConversationUpdate};
use switchboard_domain::{
    ChannelId, ContactId, ConversationId, ConversationStatus, Priority, TeamId, UserId,
};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::contacts::nullable;
use crate::extract::{Caller, Json, Path, Query};
use crate::pagination::{PageOf, PageParams};
use crate::{ApiError, AppState};

mod views;

pub use views::{ConversationEventView, ConversationView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/conversations", get(list_conversations))
        .route(
            "/v1/conversations/{id}",
            get(get_conversation).patch(update_conversation),
        )
        .route("/v1/conversations/{id}/notes", post(add_note))
        .route("/v1/conversations/{id}/events", get(list_events))
        .route("/v1/conversations/{id}/read", post(mark_read))
}

/// The inbox filters; every one optional and combined with AND.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConversationListParams {
    /// `open`, `pending`, `snoozed` or `resolved`.
    pub status: Option<String>,
    /// A channel id.
    pub channel: Option<String>,
    /// `me` (the signed-in user), `none` (unassigned) or a user id.
    pub assignee: Option<String>,
    /// A team id.
    pub team: Option<String>,
    /// A contact id.
    pub contact: Option<String>,
    /// Conversations whose contact carries this tag.
    pub tag: Option<String>,
    /// `true`: with unread messages only; `false`: without.
    pub unread: Option<String>,
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

impl ConversationListParams {
    fn query(&self) -> Result<ConversationQuery, ApiError> {
        let status = self
            .status
            .as_deref()
            .map(|s| {
                s.parse::<ConversationStatus>()
                    .map_err(|e| ApiError::validation("status", e))
            })
            .transpose()?;
        let assignee = match self.assignee.as_deref() {
            None => None,
            Some("me") => Some(AssigneeFilter::Me),
            Some("none") => Some(AssigneeFilter::Nobody),
            Some(raw) => Some(AssigneeFilter::User(UserId(super::id_param(
                "assignee", raw,
            )?))),
        };
        let unread = match self.unread.as_deref() {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => {
                return Err(ApiError::validation(
                    "unread",
                    "`unread` is `true` or `false`",
                ));
            }
        };
        Ok(ConversationQuery {
            status,
            channel: self
                .channel
                .as_deref()
                .map(|r| super::id_param("channel", r).map(ChannelId))
                .transpose()?,
            assignee,
            team: self
                .team
                .as_deref()
                .map(|r| super::id_param("team", r).map(TeamId))
                .transpose()?,
            contact: self
                .contact
                .as_deref()
                .map(|r| super::id_param("contact", r).map(ContactId))
                .transpose()?,
            tag: self.tag.clone(),
            unread,
        })
    }
}

#[utoipa::path(get, path = "/v1/conversations", tag = "conversations",
    params(ConversationListParams),
    responses((status = 200, body = PageOf<ConversationView>), crate::openapi::Errors))]
pub async fn list_conversations(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<ConversationListParams>,
) -> Result<JsonOut<PageOf<ConversationView>>, ApiError> {
    let page = PageParams {
        limit: q.limit.clone(),
        cursor: q.cursor.clone(),
    }
    .request()?;
    let page = s.core.list_conversations(&p, q.query()?, page).await?;
    Ok(JsonOut(PageOf::from_page(page, ConversationView::from)))
}

#[utoipa::path(get, path = "/v1/conversations/{id}", tag = "conversations",
    params(("id" = Uuid, Path)), responses((status = 200, body = ConversationView), crate::openapi::Errors))]
pub async fn get_conversation(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ConversationId>,
) -> Result<JsonOut<ConversationView>, ApiError> {
    Ok(JsonOut(s.core.get_conversation(&p, id).await?.into()))
}

/// Absent fields are left alone; `assignee_id` and `team_id` accept `null` to unassign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateConversationRequest {
    /// `open`, `pending`, `snoozed` (with `snoozed_until`) or `resolved`.
    pub status: Option<String>,
    /// RFC 3339, in the future; only with `status: snoozed`.
    #[schema(format = DateTime)]
    pub snoozed_until: Option<String>,
    /// `none`, `low`, `medium`, `high` or `urgent`.
    pub priority: Option<String>,
    /// A member of the organization allowed on the conversation's channel.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub assignee_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub team_id: Option<Option<Uuid>>,
}

impl UpdateConversationRequest {
    fn update(self) -> Result<ConversationUpdate, ApiError> {
        let rfc3339 = time::format_description::well_known::Rfc3339;
        Ok(ConversationUpdate {
            status: self
                .status
                .map(|s| {
                    s.parse::<ConversationStatus>()
                        .map_err(|e| ApiError::validation("status", e))
                })
                .transpose()?,
            snoozed_until: self
                .snoozed_until
                .map(|s| {
                    OffsetDateTime::parse(&s, &rfc3339).map_err(|_| {
                        ApiError::validation(
                            "snoozed_until",
                            format!("`{s}` is not an RFC 3339 time"),
                        )
                    })
                })
                .transpose()?,
            priority: self
                .priority
                .map(|s| {
                    s.parse::<Priority>()
                        .map_err(|e| ApiError::validation("priority", e))
                })
                .transpose()?,
            assignee: self.assignee_id.map(|o| o.map(UserId)),
            team: self.team_id.map(|o| o.map(TeamId)),
        })
    }
}

#[utoipa::path(patch, path = "/v1/conversations/{id}", tag = "conversations",
    request_body = UpdateConversationRequest, params(("id" = Uuid, Path)),
    responses((status = 200, body = ConversationView), crate::openapi::Errors))]
pub async fn update_conversation(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ConversationId>,
    Json(req): Json<UpdateConversationRequest>,
) -> Result<JsonOut<ConversationView>, ApiError> {
    let update = req.update()?;
    Ok(JsonOut(
        s.core.update_conversation(&p, id, update).await?.into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddNoteRequest {
    /// 1 to 10 000 characters; seen by the team only, never sent to the customer.
    pub text: String,
}

#[utoipa::path(post, path = "/v1/conversations/{id}/notes", tag = "conversations",
    request_body = AddNoteRequest, params(("id" = Uuid, Path), crate::openapi::IdempotencyKey),
    responses((status = 201, body = ConversationEventView), crate::openapi::Errors))]
pub async fn add_note(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ConversationId>,
    Json(req): Json<AddNoteRequest>,
) -> Result<Response, ApiError> {
    let event = s.core.add_conversation_note(&p, id, &req.text).await?;
    Ok((
        StatusCode::CREATED,
        JsonOut(ConversationEventView::from(event)),
    )
        .into_response())
}

/// The timeline, oldest first.
#[utoipa::path(get, path = "/v1/conversations/{id}/events", tag = "conversations",
    params(("id" = Uuid, Path), PageParams),
    responses((status = 200, body = PageOf<ConversationEventView>), crate::openapi::Errors))]
pub async fn list_events(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ConversationId>,
    Query(q): Query<PageParams>,
) -> Result<JsonOut<PageOf<ConversationEventView>>, ApiError> {
    let page = s
        .core
        .list_conversation_events(&p, id, q.request()?)
        .await?;
    Ok(JsonOut(PageOf::from_page(
        page,
        ConversationEventView::from,
    )))
}

/// Sets the unread count to zero; answers the conversation.
#[utoipa::path(post, path = "/v1/conversations/{id}/read", tag = "conversations",
    params(("id" = Uuid, Path)), responses((status = 200, body = ConversationView), crate::openapi::Errors))]
pub async fn mark_read(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ConversationId>,
) -> Result<JsonOut<ConversationView>, ApiError> {
    Ok(JsonOut(s.core.mark_conversation_read(&p, id).await?.into()))
}
