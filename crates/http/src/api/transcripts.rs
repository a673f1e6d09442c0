//! `GET /v1/conversations/{id}/transcript?format=text|json`: the whole conversation, oldest
//! first, as a download (`Content-Disposition: attachment`). Every export is audited
//! (`conversation.exported`) by core before the answer leaves.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json as JsonOut, Router};
use serde::{Deserialize, Serialize};
use switchboard_core::search::{Transcript, TranscriptFormat};
use switchboard_domain::ConversationId;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::extract::{Caller, Path, Query};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/conversations/{id}/transcript", get(export_transcript))
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TranscriptParams {
    /// `text` (the default: one line per message) or `json`.
    pub format: Option<String>,
}

impl TranscriptParams {
    fn format(&self) -> Result<TranscriptFormat, ApiError> {
        match self.format.as_deref() {
            None | Some("text") => Ok(TranscriptFormat::Text),
            Some("json") => Ok(TranscriptFormat::Json),
            Some(other) => Err(ApiError::validation(
                "format",
                format!("`{other}` is not `text` or `json`"),
            )),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TranscriptAuthorView {
    /// `customer`, `user`, `api_key`, `bot`, `automation`, `campaign`, `sequence` or `system`.
    pub role: String,
    /// The contact, user, API key... (none for `system`).
    pub id: Option<Uuid>,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TranscriptMessageView {
    pub id: Uuid,
    /// `inbound` or `outbound`.
    pub direction: String,
    pub status: String,
    pub kind: String,
    pub text: Option<String>,
    pub author: TranscriptAuthorView,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TranscriptView {
    pub conversation_id: Uuid,
    pub channel_id: Uuid,
    pub contact_id: Uuid,
    pub contact_name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub exported_at: OffsetDateTime,
    /// Oldest first.
    pub messages: Vec<TranscriptMessageView>,
}

impl From<Transcript> for TranscriptView {
    fn from(t: Transcript) -> Self {
        Self {
            conversation_id: t.conversation.id.0,
            channel_id: t.conversation.channel_id.0,
            contact_id: t.conversation.contact_id.0,
            contact_name: t.contact_name,
            exported_at: t.exported_at,
            messages: t
                .entries
                .into_iter()
                .map(|e| TranscriptMessageView {
                    id: e.message.id.0,
                    direction: e.message.direction.as_str().to_owned(),
                    status: e.message.status.as_str().to_owned(),
                    kind: e.message.kind,
                    text: e.message.text,
                    author: TranscriptAuthorView {
                        role: e.author.role.to_owned(),
                        id: e.author.id,
                        name: e.author.name,
                    },
                    created_at: e.message.created_at,
                })
                .collect(),
        }
    }
}

/// The conversation's whole transcript as a file to save; audited as `conversation.exported`.
#[utoipa::path(get, path = "/v1/conversations/{id}/transcript", tag = "conversations",
    params(("id" = Uuid, Path), TranscriptParams),
    responses(
        (status = 200, description = "`format=text`: one line per message; `format=json`: the \
            transcript as data. Either way an attachment.",
            content((String = "text/plain"), (TranscriptView = "application/json"))),
        crate::openapi::Errors))]
pub async fn export_transcript(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<ConversationId>,
    Query(q): Query<TranscriptParams>,
) -> Result<Response, ApiError> {
    let format = q.format()?;
    let transcript = s.core.export_transcript(&p, id, format).await?;
    // The id is a UUID: the file name needs no quoting beyond the quotes themselves.
    let file = |ext: &str| format!("attachment; filename=\"conversation-{}.{ext}\"", id.0);
    Ok(match format {
        TranscriptFormat::Text => (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, file("txt")),
            ],
            transcript.to_text(),
        )
            .into_response(),
        TranscriptFormat::Json => (
            [(header::CONTENT_DISPOSITION, file("json"))],
            JsonOut(TranscriptView::from(transcript)),
        )
            .into_response(),
    })
}
