//! `GET /v1/messages/search`: full-text search over the organization's messages, newest first,
//! answering message summaries. There is no highlighted snippet: FTS5's `snippet()` and
//! PostgreSQL's `ts_headline` cut and mark texts differently (the backends would disagree), and
//! `ts_headline` re-parses every hit's whole text; the summary carries the text, and the words to
//! highlight are the client's own.

use axum::extract::State;
use axum::routing::get;
use axum::{Json as JsonOut, Router};
use serde::{Deserialize, Serialize};
use switchboard_core::search::SearchRequest;
use switchboard_domain::{ChannelId, ConversationId, Direction};
use switchboard_store::Message;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::extract::{Caller, Query};
use crate::pagination::{PageOf, PageParams};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/messages/search", get(search_messages))
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words to find (each also as a prefix: `ord` finds `order`); case and accents are
    /// ignored and anything but letters and digits only separates words. Required.
    pub q: Option<String>,
    /// Only messages on this channel.
    #[param(value_type = Option<Uuid>)]
    pub channel: Option<String>,
    /// Only messages of this conversation.
    #[param(value_type = Option<Uuid>)]
    pub conversation: Option<String>,
    /// `inbound` or `outbound`.
    pub direction: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl SearchParams {
    fn request(&self) -> Result<SearchRequest, ApiError> {
        let q = self
            .q
            .clone()
            .ok_or_else(|| ApiError::validation("q", "the words to search for are required"))?;
        Ok(SearchRequest {
            q,
            channel: self
                .channel
                .as_deref()
                .map(|r| super::id_param("channel", r).map(ChannelId))
                .transpose()?,
            conversation: self
                .conversation
                .as_deref()
                .map(|r| super::id_param("conversation", r).map(ConversationId))
                .transpose()?,
            direction: self
                .direction
                .as_deref()
                .map(|r| {
                    Direction::parse(r).ok_or_else(|| {
                        ApiError::validation(
                            "direction",
                            format!("`{r}` is not `inbound` or `outbound`"),
                        )
                    })
                })
                .transpose()?,
        })
    }
}

/// One message found.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageSummaryView {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub channel_id: Uuid,
    pub contact_id: Uuid,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// The content kind: `text`, `image`, ...
    pub kind: String,
    /// The message's plain text (what was searched).
    pub text: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl From<Message> for MessageSummaryView {
    fn from(m: Message) -> Self {
        Self {
            id: m.id.0,
            conversation_id: m.conversation_id.0,
            channel_id: m.channel_id.0,
            contact_id: m.contact_id.0,
            direction: m.direction.as_str().to_owned(),
            kind: m.kind,
            text: m.text,
            created_at: m.created_at,
        }
    }
}

/// Messages whose text holds every word of `q`, newest first.
#[utoipa::path(get, path = "/v1/messages/search", tag = "messages",
    params(SearchParams),
    responses((status = 200, body = PageOf<MessageSummaryView>), crate::openapi::Errors))]
pub async fn search_messages(
    State(s): State<AppState>,
    Caller(p): Caller,
    Query(q): Query<SearchParams>,
) -> Result<JsonOut<PageOf<MessageSummaryView>>, ApiError> {
    let page = PageParams {
        limit: q.limit.clone(),
        cursor: q.cursor.clone(),
    }
    .request()?;
    let found = s.core.search_messages(&p, q.request()?, page).await?;
    Ok(JsonOut(PageOf::from_page(found, MessageSummaryView::from)))
}
