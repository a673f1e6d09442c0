//! `/v1/messages`: send a message (202 at once; the dispatcher sends it) and read one back, and
//! `/v1/conversations/{id}/messages`: a conversation's messages, oldest first. Resources are
//! snake_case like every other; only the send acknowledgement keeps PRODUCT §5's camelCase
//! names (docs/adr/0002-api-json-casing.md).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json as JsonOut, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use switchboard_core::send::{SendMessage, SentMessage};
use switchboard_domain::content::{Content, OutboundContent};
use switchboard_domain::{ChannelId, ConversationId, Direction, MessageId};
use switchboard_store::{Message, MessageError, Reaction};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::extract::{Caller, Json, Path, Query};
use crate::pagination::{PageOf, PageParams};
use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/messages", post(send_message))
        .route("/v1/messages/{id}", get(get_message))
        .route(
            "/v1/conversations/{id}/messages",
            get(list_conversation_messages),
        )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    /// The channel to send on.
    pub from: Uuid,
    /// The recipient in the channel's format (WhatsApp: the number's digits with the country
    /// code, e.g. `447700900123`).
    pub to: String,
    /// The content: `{"type": "text", "body": "Hello"}`, `{"type": "image", "url": ...}`...
    #[schema(value_type = Object)]
    pub content: Value,
    /// The provider id of an earlier message this one quotes.
    #[serde(default, alias = "replyTo")]
    pub reply_to: Option<String>,
    /// Messenger and Instagram only: a message tag allowing a send outside the 24-hour window
    /// (`human_agent` up to 7 days after the customer's last message, both platforms;
    /// `account_update`, `post_purchase_update`, `confirmed_event_update` on Messenger).
    #[serde(default)]
    pub tag: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SentMessageView {
    pub message_id: Uuid,
    /// `enqueued`: stored with its dispatch job; follow it with `GET /v1/messages/{id}`.
    pub status: String,
    pub conversation_id: Uuid,
}

impl From<SentMessage> for SentMessageView {
    fn from(s: SentMessage) -> Self {
        Self {
            message_id: s.message_id.0,
            status: s.status.as_str().to_owned(),
            conversation_id: s.conversation_id.0,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageErrorView {
    /// Switchboard's stable code, e.g. `window_closed`.
    pub code: String,
    /// The provider's own code, e.g. `131047`.
    pub provider_code: Option<String>,
    pub provider_text: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReactionView {
    /// Empty when the reaction was removed.
    pub emoji: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
}

/// An edit or the deletion of the message by its sender, as their platform reported it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionView {
    /// The new text of an edit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The sender deleted the message.
    pub deleted: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub channel_id: Uuid,
    pub contact_id: Uuid,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// `accepted`, `enqueued`, `sent`, `delivered`, `read`, `failed` (outbound) or `received`.
    pub status: String,
    /// The content kind: `text`, `image`, ...
    pub kind: String,
    #[schema(value_type = Object)]
    pub content: Value,
    /// A plain-text rendering.
    pub text: Option<String>,
    /// The provider id of the message this one quotes.
    pub reply_to: Option<String>,
    /// The provider's id (a wamid on WhatsApp), once the provider has the message.
    pub provider_message_id: Option<String>,
    /// Who sent it (outbound): `{"type": "api_key", "id": ...}`, `{"type": "user", ...}`...
    #[schema(value_type = Option<Object>)]
    pub sender: Option<Value>,
    pub error: Option<MessageErrorView>,
    pub reactions: Vec<ReactionView>,
    /// Edits and deletion by the sender, oldest first; `content` stays what was first received
    /// and the last edit's text is the current one.
    pub revisions: Vec<RevisionView>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// When the customer sent it, by the provider's clock (inbound).
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub provider_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub read_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub failed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// The file Switchboard keeps for an inbound media message, once it is downloaded.
    pub media: Option<super::media::MessageMediaView>,
    /// What the channel's connector changed or measured while sending (outbound):
    /// `downgraded` says how content the channel cannot carry was turned into text (SMS reply
    /// buttons as numbered choices...), `sms_segments` and `sms_encoding` what the body costs.
    #[schema(value_type = Option<Object>)]
    pub send_notes: Option<Value>,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        // Outbound content is stored with its reply-to beside it (`OutboundContent`); the view
        // shows the content itself and the reply-to in its own field, as the send API takes them.
        let content = match (m.direction, m.content) {
            (Direction::Outbound, Value::Object(mut o)) if o.contains_key("content") => {
                o.remove("content").unwrap_or(Value::Null)
            }
            (_, other) => other,
        };
        Self {
            id: m.id.0,
            conversation_id: m.conversation_id.0,
            channel_id: m.channel_id.0,
            contact_id: m.contact_id.0,
            direction: m.direction.as_str().to_owned(),
            status: m.status.as_str().to_owned(),
            kind: m.kind,
            content,
            text: m.text,
            reply_to: m.reply_to,
            provider_message_id: m.provider_message_id,
            sender: m.sender.and_then(|s| serde_json::to_value(s).ok()),
            error: m.error.map(|e: MessageError| MessageErrorView {
                code: e.code,
                provider_code: e.provider_code,
                provider_text: e.provider_text,
            }),
            reactions: m
                .reactions
                .into_iter()
                .map(|r: Reaction| ReactionView {
                    emoji: r.emoji,
                    at: r.at,
                })
                .collect(),
            revisions: m
                .revisions
                .into_iter()
                .map(|r| RevisionView {
                    text: r.text,
                    deleted: r.deleted,
                    at: r.at,
                })
                .collect(),
            created_at: m.created_at,
            provider_at: m.provider_at,
            sent_at: m.sent_at,
            delivered_at: m.delivered_at,
            read_at: m.read_at,
            failed_at: m.failed_at,
            updated_at: m.updated_at,
            media: None,
            send_notes: m.send_notes,
        }
    }
}

/// Checks the request's shape; the content's rules and the channel's capabilities are checked
/// in core.
fn send_request(req: SendMessageRequest) -> Result<SendMessage, ApiError> {
    let content: Content = serde_json::from_value(req.content)
        .map_err(|e| ApiError::validation("content", e.to_string()))?;
    Ok(SendMessage {
        from: ChannelId(req.from),
        to: req.to,
        content: OutboundContent {
            content,
            reply_to: req.reply_to,
        },
        tag: req.tag,
    })
}

/// Sends a message: validated, stored with its dispatch job, and answered at once.
#[utoipa::path(post, path = "/v1/messages", tag = "messages", request_body = SendMessageRequest,
    params(crate::openapi::IdempotencyKey),
    responses((status = 202, body = SentMessageView), crate::openapi::Errors))]
pub async fn send_message(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(req): Json<SendMessageRequest>,
) -> Result<Response, ApiError> {
    let sent = s.core.send_message(&p, send_request(req)?).await?;
    Ok((StatusCode::ACCEPTED, JsonOut(SentMessageView::from(sent))).into_response())
}

#[utoipa::path(get, path = "/v1/messages/{id}", tag = "messages",
    params(("id" = Uuid, Path)), responses((status = 200, body = MessageView), crate::openapi::Errors))]
pub async fn get_message(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<MessageId>,
) -> Result<JsonOut<MessageView>, ApiError> {
    let mut view = [MessageView::from(s.core.get_message(&p, id).await?)];
    super::media::attach_to_messages(&s, &p, &headers, &mut view).await?;
    let [view] = view;
    Ok(JsonOut(view))
}

/// A conversation's messages, oldest first.
#[utoipa::path(get, path = "/v1/conversations/{id}/messages", tag = "messages",
    params(("id" = Uuid, Path), PageParams),
    responses((status = 200, body = PageOf<MessageView>), crate::openapi::Errors))]
pub async fn list_conversation_messages(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<ConversationId>,
    Query(q): Query<PageParams>,
) -> Result<JsonOut<PageOf<MessageView>>, ApiError> {
    let page = s.core.conversation_messages(&p, id, q.request()?).await?;
    let mut page = PageOf::from_page(page, MessageView::from);
    super::media::attach_to_messages(&s, &p, &headers, &mut page.data).await?;
    Ok(JsonOut(page))
}
