//! Conversations (PRODUCT §4): one per contact identity on a channel, created by the first
//! message either way, with status, priority, assignment, unread count and a timeline of events.

use switchboard_domain::{
    ChannelId, ContactId, ConversationId, ConversationStatus, IdentityId, OrgId, Priority, TeamId,
    Timestamp, UserId,
};

use crate::{Actor, Effects, Page, PageRequest, Result};

/// One conversation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: ConversationId,
    pub org_id: OrgId,
    pub channel_id: ChannelId,
    pub contact_id: ContactId,
    pub identity_id: IdentityId,
    pub status: ConversationStatus,
    /// Set while snoozed.
    pub snoozed_until: Option<Timestamp>,
    pub priority: Priority,
    pub assignee: Option<UserId>,
    pub team: Option<TeamId>,
    pub last_message_at: Option<Timestamp>,
    /// The last message's summary, cut to a preview.
    pub last_message_preview: Option<String>,
    /// The customer's last message: the customer-service window runs from here.
    pub last_inbound_at: Option<Timestamp>,
    /// Inbound messages since an agent last read the conversation.
    pub unread_count: u32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Which conversations a listing returns; values are bound, never spliced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationFilter {
    pub status: Option<ConversationStatus>,
    pub channel: Option<ChannelId>,
    /// `Some(None)`: unassigned only.
    pub assignee: Option<Option<UserId>>,
    pub team: Option<TeamId>,
    pub contact: Option<ContactId>,
    /// Only conversations whose contact carries this tag.
    pub tag: Option<String>,
    /// `Some(true)`: with unread messages only.
    pub unread: Option<bool>,
    /// Only these channels (a caller restricted to channels); `None` means all.
    pub only_channels: Option<Vec<ChannelId>>,
}

/// A change to a conversation's workflow fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationChange {
    pub status: Option<ConversationStatus>,
    /// With `status: Snoozed`.
    pub snoozed_until: Option<Option<Timestamp>>,
    pub priority: Option<Priority>,
    pub assignee: Option<Option<UserId>>,
    pub team: Option<Option<TeamId>>,
}

/// One entry of a conversation's timeline: assigned, status changed, note added...
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationEvent {
    pub id: uuid::Uuid,
    pub org_id: OrgId,
    pub conversation_id: ConversationId,
    /// Dotted, e.g. `conversation.assigned`, `note.added`, `status.changed`.
    pub kind: String,
    pub actor: Actor,
    pub data: serde_json::Value,
    pub created_at: Timestamp,
}

impl ConversationEvent {
    /// `status.changed` from `from` to `to`: the timeline entry both backends write when an
    /// inbound message reopens a conversation (actor `System`), and `core` when an agent moves it.
    pub fn status_changed(
        org_id: OrgId,
        conversation_id: ConversationId,
        from: ConversationStatus,
        to: ConversationStatus,
        actor: Actor,
        created_at: Timestamp,
    ) -> Self {
        Self {
            id: uuid::Uuid::now_v7(),
            org_id,
            conversation_id,
            kind: "status.changed".to_owned(),
            actor,
            data: serde_json::json!({ "from": from.as_str(), "to": to.as_str() }),
            created_at,
        }
    }
}

/// How many characters of a message's text a conversation shows as its preview.
pub const PREVIEW_CHARS: usize = 120;

/// The conversation preview of a message text: its first [`PREVIEW_CHARS`] characters (never
/// cutting one in half).
pub fn preview(text: &str) -> String {
    match text.char_indices().nth(PREVIEW_CHARS) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

#[async_trait::async_trait]
pub trait ConversationStore: Send + Sync {
    async fn get_conversation(&self, org: OrgId, id: ConversationId) -> Result<Conversation>;
    /// Newest first (descending id).
    async fn list_conversations(
        &self,
        org: OrgId,
        filter: &ConversationFilter,
        page: PageRequest,
    ) -> Result<Page<Conversation>>;
    /// Applies `change` and writes `events` (the timeline entries describing it) with `effects`,
    /// all in one transaction; returns the conversation as it now is.
    async fn change_conversation(
        &self,
        org: OrgId,
        id: ConversationId,
        change: &ConversationChange,
        events: &[ConversationEvent],
        effects: &Effects,
    ) -> Result<Conversation>;
    /// Adds timeline entries (a note) without changing the conversation.
    async fn add_conversation_events(
        &self,
        org: OrgId,
        events: &[ConversationEvent],
        effects: &Effects,
    ) -> Result<()>;
    /// Oldest first (ascending id).
    async fn list_conversation_events(
        &self,
        org: OrgId,
        id: ConversationId,
        page: PageRequest,
    ) -> Result<Page<ConversationEvent>>;
    /// Sets the unread count to zero.
    async fn mark_conversation_read(&self, org: OrgId, id: ConversationId) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_cuts_on_a_character_boundary() {
        assert_eq!(preview("short"), "short");
        let long = "é".repeat(PREVIEW_CHARS + 5);
        let cut = preview(&long);
        assert_eq!(cut.chars().count(), PREVIEW_CHARS);
        assert!(long.starts_with(&cut));
        assert_eq!(
            preview(&"a".repeat(PREVIEW_CHARS)),
            "a".repeat(PREVIEW_CHARS)
        );
    }
}
