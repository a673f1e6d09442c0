//! Messages and the two hot paths that write them (PRODUCT §5, DESIGN "Storage"):
//! [`MessageStore::ingest`] stores one provider webhook's worth of inbound messages and statuses in
//! one transaction (deduplicated on the provider's message id), and
//! [`MessageStore::accept_outbound`] stores a message to send with its dispatch job.
//!
//! Both resolve the contact side inside the transaction: the identity (channel, address) is found
//! or created; a new identity whose address is a phone number (WhatsApp, SMS) joins the contact
//! that already has that phone, or a new contact is created with it.

use switchboard_domain::{
    ChannelId, ContactId, ConversationId, Direction, IdentityId, MessageId, MessageStatus, OrgId,
    Sender, Timestamp,
};

use crate::{Effects, NewJob, Page, PageRequest, Result};

/// The most messages one watermark moves: a customer rarely has more than a few unread, and a
/// watermark after a long silence must not turn into an unbounded write.
pub const MAX_WATERMARK_MESSAGES: i64 = 500;

/// The statuses a watermark of `status` moves forward, as stored. `enqueued` is among them: a
/// message with a provider id was handed over, and a provider without `sent` webhooks (Messenger)
/// may report it delivered before the hub recorded it sent.
pub fn watermark_moves(status: MessageStatus) -> &'static [&'static str] {
    match status {
        MessageStatus::Delivered => &["enqueued", "sent"],
        MessageStatus::Read => &["enqueued", "sent", "delivered"],
        _ => &[],
    }
}

/// One message as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: MessageId,
    pub org_id: OrgId,
    pub conversation_id: ConversationId,
    pub channel_id: ChannelId,
    pub contact_id: ContactId,
    pub direction: Direction,
    /// The current status (`Received` for inbound).
    pub status: MessageStatus,
    /// The provider's id (wamid...): known for inbound at once, for outbound after dispatch.
    /// Unique per channel.
    pub provider_message_id: Option<String>,
    /// The content kind (`text`, `image`, ..., `unsupported`).
    pub kind: String,
    /// The content as JSON: `OutboundContent` for outbound, the connector's inbound content for
    /// inbound.
    pub content: serde_json::Value,
    /// A plain-text rendering for previews and full-text search.
    pub text: Option<String>,
    /// The provider id of the message this one quotes.
    pub reply_to: Option<String>,
    /// Who sent it (outbound only).
    pub sender: Option<Sender>,
    /// Why it failed.
    pub error: Option<MessageError>,
    /// Reactions the other side put on this message, in arrival order (an empty emoji removes).
    pub reactions: Vec<Reaction>,
    /// Edits and deletion the sender made afterwards, in arrival order; the content above stays
    /// what was first received.
    pub revisions: Vec<Revision>,
    /// When Switchboard stored it.
    pub created_at: Timestamp,
    /// When the provider says the customer sent it (inbound).
    pub provider_at: Option<Timestamp>,
    pub sent_at: Option<Timestamp>,
    pub delivered_at: Option<Timestamp>,
    pub read_at: Option<Timestamp>,
    pub failed_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    /// What the connector changed or measured while sending (`{"downgraded": "...",
    /// "sms_segments": 2}`); `None` when it went as given.
    pub send_notes: Option<serde_json::Value>,
}

/// Why a message failed: Switchboard's stable code plus the provider's own code and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageError {
    pub code: String,
    pub provider_code: Option<String>,
    pub provider_text: Option<String>,
}

/// A reaction on a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    /// Empty when the reaction was removed.
    pub emoji: String,
    pub at: Timestamp,
}

/// An edit or a deletion of a message, as the sender's platform reported it. Kept as JSON in the
/// message row (both backends), in this shape.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Revision {
    /// The new text of an edit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The sender deleted the message.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub at: Timestamp,
}

/// One inbound message of a webhook, parsed and ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    pub provider_message_id: String,
    /// The sender's canonical address on the channel.
    pub from: String,
    pub profile_name: Option<String>,
    pub kind: String,
    pub content: serde_json::Value,
    pub text: Option<String>,
    pub reply_to: Option<String>,
    pub provider_at: Timestamp,
    /// A reaction to an earlier message (its provider id and emoji): also recorded on that message.
    pub reaction_to: Option<(String, String)>,
    /// An edit or deletion of an earlier message (its provider id): also recorded on that
    /// message.
    pub revision_of: Option<(String, Revision)>,
    /// Work to enqueue only when the message is new (fetching its media); `{message_id}` is not
    /// known to the caller, so the store adds `"message_id"` to each job's payload object.
    pub jobs_if_new: Vec<NewJob>,
}

impl InboundMessage {
    /// The stored row of this message, new in `conversation` of `contact`: both backends insert
    /// exactly this.
    pub fn to_row(
        &self,
        org: OrgId,
        channel: ChannelId,
        conversation: ConversationId,
        contact: ContactId,
        now: Timestamp,
    ) -> Message {
        Message {
            id: MessageId::new(),
            org_id: org,
            conversation_id: conversation,
            channel_id: channel,
            contact_id: contact,
            direction: Direction::Inbound,
            status: MessageStatus::Received,
            provider_message_id: Some(self.provider_message_id.clone()),
            kind: self.kind.clone(),
            content: self.content.clone(),
            text: self.text.clone(),
            reply_to: self.reply_to.clone(),
            sender: None,
            error: None,
            reactions: Vec::new(),
            revisions: Vec::new(),
            created_at: now,
            provider_at: Some(self.provider_at),
            sent_at: None,
            delivered_at: None,
            read_at: None,
            failed_at: None,
            updated_at: now,
            send_notes: None,
        }
    }
}

/// A status report for one of our outbound messages.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusReport {
    pub provider_message_id: String,
    pub status: MessageStatus,
    pub at: Timestamp,
    pub error: Option<MessageError>,
}

/// What one webhook carried.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestBatch {
    pub messages: Vec<InboundMessage>,
    pub statuses: Vec<StatusReport>,
    /// Events recorded as they are, with the rest (template reviews, the raw body for
    /// meta-format endpoints).
    pub events: Vec<crate::Event>,
}

/// What [`MessageStore::ingest`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// New inbound messages, in batch order.
    pub stored: Vec<StoredInbound>,
    /// Inbound messages already stored (a redelivered webhook).
    pub duplicates: usize,
    /// Statuses that changed a message (or added a timestamp).
    pub statuses_applied: usize,
    /// Statuses for provider ids not known yet, kept until the dispatcher records the id.
    pub statuses_pending: usize,
}

/// A new inbound message and where it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredInbound {
    pub message_id: MessageId,
    pub conversation_id: ConversationId,
    pub contact_id: ContactId,
    pub identity_id: IdentityId,
    /// Whether the conversation (and so perhaps the contact) was created by this message.
    pub new_conversation: bool,
}

/// An outbound message to store with its dispatch job.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundRequest {
    pub id: MessageId,
    pub channel_id: ChannelId,
    /// The recipient's canonical address on the channel.
    pub to: String,
    pub kind: String,
    pub content: serde_json::Value,
    pub text: Option<String>,
    pub reply_to: Option<String>,
    pub sender: Sender,
    pub created_at: Timestamp,
}

/// Where an accepted outbound message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptedOutbound {
    pub conversation_id: ConversationId,
    pub contact_id: ContactId,
    pub identity_id: IdentityId,
}

impl InboundMessage {
    /// The jobs to enqueue for this message once stored as `id`: each payload object gains
    /// `"message_id"`; dedup keys stay as given.
    pub fn jobs_for(&self, id: MessageId) -> Vec<NewJob> {
        self.jobs_if_new
            .iter()
            .map(|job| {
                let mut job = job.clone();
                if let Some(obj) = job.payload.as_object_mut() {
                    obj.insert("message_id".to_owned(), serde_json::json!(id));
                }
                job
            })
            .collect()
    }
}

#[async_trait::async_trait]
pub trait MessageStore: Send + Sync {
    /// Stores a webhook's messages and statuses in one transaction. A message whose provider id
    /// is already stored on the channel is counted as a duplicate and changes nothing; a status
    /// moves a message only forward ([`MessageStatus::advances`]) but always records its own
    /// timestamp; a reaction is also recorded on the message it targets. Events for the changes
    /// are written in the same transaction.
    async fn ingest(
        &self,
        org: OrgId,
        channel: ChannelId,
        batch: &IngestBatch,
    ) -> Result<IngestOutcome>;

    /// Stores an outbound message (status `enqueued`) and `effects` (its dispatch job) in one
    /// transaction, creating identity, contact and conversation as needed.
    async fn accept_outbound(
        &self,
        org: OrgId,
        request: &OutboundRequest,
        effects: &Effects,
    ) -> Result<AcceptedOutbound>;

    /// The dispatcher handed the message to the provider: records the provider's id and applies
    /// any statuses that arrived for it before. `Conflict { what: "provider_message_id" }` when
    /// another message of the channel has that id.
    async fn record_receipt(
        &self,
        org: OrgId,
        id: MessageId,
        provider_message_id: &str,
        at: Timestamp,
    ) -> Result<Message>;

    /// Keeps what the connector noted while sending the message (a downgrade, SMS segments).
    /// `NotFound` for a message not in `org`.
    async fn record_send_notes(
        &self,
        org: OrgId,
        id: MessageId,
        notes: &serde_json::Value,
    ) -> Result<()>;

    /// The dispatcher gave up (a final error): the message is `failed` with `error`.
    async fn record_send_failure(
        &self,
        org: OrgId,
        id: MessageId,
        error: &MessageError,
        at: Timestamp,
    ) -> Result<Message>;

    async fn get_message(&self, org: OrgId, id: MessageId) -> Result<Message>;

    /// When the customer at `to` on `channel` last wrote; `None` when they never did.
    async fn last_inbound_at(
        &self,
        org: OrgId,
        channel: ChannelId,
        to: &str,
    ) -> Result<Option<Timestamp>>;

    /// The provider ids of outbound messages to `to` on `channel` that a watermark of `status`
    /// at `up_to` covers: accepted at or before it, handed to the provider, and not yet at
    /// `status` or beyond (nor failed). At most [`MAX_WATERMARK_MESSAGES`], oldest first.
    async fn outbound_up_to(
        &self,
        org: OrgId,
        channel: ChannelId,
        to: &str,
        status: MessageStatus,
        up_to: Timestamp,
    ) -> Result<Vec<String>>;

    /// A conversation's messages, oldest first (ascending id).
    async fn list_messages(
        &self,
        org: OrgId,
        conversation: ConversationId,
        page: PageRequest,
    ) -> Result<Page<Message>>;
}
