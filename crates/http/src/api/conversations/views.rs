//! The JSON views of `/v1/conversations`: a conversation and one timeline entry.

use serde::Serialize;
use switchboard_core::ConversationDetails;
use switchboard_store::{Actor, ConversationEvent};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub contact_id: Uuid,
    pub identity_id: Uuid,
    /// `open`, `pending`, `snoozed` or `resolved`.
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub snoozed_until: Option<OffsetDateTime>,
    /// `none`, `low`, `medium`, `high` or `urgent`.
    pub priority: String,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_message_at: Option<OffsetDateTime>,
    pub last_message_preview: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_inbound_at: Option<OffsetDateTime>,
    pub unread_count: u32,
    /// Until when a free-form answer is allowed (24 h after the customer's last message on
    /// WhatsApp, Messenger and Instagram); null when the customer never wrote, the window has
    /// closed, or the channel has no such window.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub window_open_until: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<ConversationDetails> for ConversationView {
    fn from(d: ConversationDetails) -> Self {
        let c = d.conversation;
        Self {
            id: c.id.0,
            channel_id: c.channel_id.0,
            contact_id: c.contact_id.0,
            identity_id: c.identity_id.0,
            status: c.status.as_str().to_owned(),
            snoozed_until: c.snoozed_until,
            priority: c.priority.as_str().to_owned(),
            assignee_id: c.assignee.map(|u| u.0),
            team_id: c.team.map(|t| t.0),
            last_message_at: c.last_message_at,
            last_message_preview: c.last_message_preview,
            last_inbound_at: c.last_inbound_at,
            unread_count: c.unread_count,
            window_open_until: d.window_open_until,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// One timeline entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationEventView {
    pub id: Uuid,
    /// `status.changed`, `priority.changed`, `conversation.assigned`,
    /// `conversation.team_changed`, `conversation.snoozed`, `note.added`...
    pub kind: String,
    /// `user`, `api_key` or `system`.
    pub actor_type: String,
    pub actor_id: Option<Uuid>,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl From<ConversationEvent> for ConversationEventView {
    fn from(e: ConversationEvent) -> Self {
        let (actor_type, actor_id) = match e.actor {
            Actor::User(u) => ("user", Some(u.0)),
            Actor::ApiKey(k) => ("api_key", Some(k.0)),
            Actor::System => ("system", None),
        };
        Self {
            id: e.id,
            kind: e.kind,
            actor_type: actor_type.to_owned(),
            actor_id,
            data: e.data,
            created_at: e.created_at,
        }
    }
}
