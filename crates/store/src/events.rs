//! Events: every state change worth telling (message received, status changed, conversation
//! created...) recorded in the same transaction as the change, with a stable, time-ordered id.
//! Customer webhooks and the live stream (issue 6) deliver them.
//!
//! Each kind's payload is built by ONE function here, so both backends (and `core`, for events it
//! writes through [`crate::Effects`]) produce exactly the same events.

mod signal;
mod workflow;

pub use signal::EventSignal;
pub use workflow::{PROVIDER_WEBHOOK, TemplateReview};

use serde_json::json;
use switchboard_domain::{ChannelId, ContactId, EventId, MessageStatus, OrgId, Timestamp};

use crate::{Contact, Conversation, Message, MessageError, Page, PageRequest, Result};

/// One recorded event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub org_id: OrgId,
    /// Dotted, e.g. `message.received`, `message.status_changed`, `conversation.created`.
    pub kind: String,
    /// The channel it concerns, for channel-restricted readers.
    pub channel_id: Option<ChannelId>,
    pub payload: serde_json::Value,
    pub created_at: Timestamp,
}

impl Event {
    /// A new event with a fresh id.
    pub fn new(
        org_id: OrgId,
        kind: &str,
        channel_id: Option<ChannelId>,
        payload: serde_json::Value,
        created_at: Timestamp,
    ) -> Self {
        Self {
            id: EventId::new(),
            org_id,
            kind: kind.to_owned(),
            channel_id,
            payload,
            created_at,
        }
    }

    /// `message.received`: a new inbound message was stored.
    pub fn message_received(m: &Message) -> Self {
        Self::new(
            m.org_id,
            "message.received",
            Some(m.channel_id),
            message_payload(m),
            m.created_at,
        )
    }

    /// `message.created`: an outbound message was accepted (the payload adds its sender).
    pub fn message_created(m: &Message) -> Self {
        let mut payload = message_payload(m);
        if let Some(obj) = payload.as_object_mut() {
            obj.insert("sender".to_owned(), json!(m.sender));
        }
        Self::new(
            m.org_id,
            "message.created",
            Some(m.channel_id),
            payload,
            m.created_at,
        )
    }

    /// `message.status_changed`: `m` (as it is now, with its new status) moved from `from`.
    pub fn message_status_changed(m: &Message, from: MessageStatus, at: Timestamp) -> Self {
        Self::new(
            m.org_id,
            "message.status_changed",
            Some(m.channel_id),
            json!({
                "message_id": m.id,
                "conversation_id": m.conversation_id,
                "contact_id": m.contact_id,
                "channel_id": m.channel_id,
                "provider_message_id": m.provider_message_id,
                "from": from.as_str(),
                "to": m.status.as_str(),
                "error": m.error.as_ref().map(error_payload),
            }),
            at,
        )
    }

    /// `conversation.created`: the first message either way opened a conversation.
    pub fn conversation_created(c: &Conversation) -> Self {
        Self::new(
            c.org_id,
            "conversation.created",
            Some(c.channel_id),
            json!({
                "conversation_id": c.id,
                "channel_id": c.channel_id,
                "contact_id": c.contact_id,
                "identity_id": c.identity_id,
                "status": c.status.as_str(),
            }),
            c.created_at,
        )
    }

    /// `contact.created`: a contact was made, by hand (`channel: None`) or by the first message
    /// on a channel.
    pub fn contact_created(c: &Contact, channel: Option<ChannelId>) -> Self {
        Self::new(
            c.org_id,
            "contact.created",
            channel,
            json!({
                "contact_id": c.id,
                "name": c.name,
                "phone": c.phone.as_ref().map(|p| p.as_str()),
                "email": c.email.as_ref().map(|e| e.as_str()),
                "external_id": c.external_id,
            }),
            c.created_at,
        )
    }
}

impl Event {
    /// `contact.updated`: `after` replaced `before`; `changes` holds only the fields that differ,
    /// with their new values (`null` for a cleared field). `None` when nothing differs.
    pub fn contact_updated(before: &Contact, after: &Contact) -> Option<Self> {
        let old = contact_fields(before);
        let changes: serde_json::Map<String, serde_json::Value> = contact_fields(after)
            .into_iter()
            .filter(|(k, v)| old.get(k) != Some(v))
            .collect();
        if changes.is_empty() {
            return None;
        }
        Some(Self::new(
            after.org_id,
            "contact.updated",
            None,
            json!({ "contact_id": after.id, "changes": changes }),
            after.updated_at,
        ))
    }

    /// `contact.updated` for a nameless contact that took the name its platform profile shows
    /// (an inbound message's sender name).
    pub fn contact_named(org: OrgId, contact: ContactId, name: &str, at: Timestamp) -> Self {
        Self::new(
            org,
            "contact.updated",
            None,
            json!({ "contact_id": contact, "changes": { "name": name } }),
            at,
        )
    }

    /// `contact.deleted`: the contact and its history are gone.
    pub fn contact_deleted(c: &Contact, at: Timestamp) -> Self {
        Self::new(
            c.org_id,
            "contact.deleted",
            None,
            json!({
                "contact_id": c.id,
                "phone": c.phone.as_ref().map(|p| p.as_str()),
                "email": c.email.as_ref().map(|e| e.as_str()),
                "external_id": c.external_id,
            }),
            at,
        )
    }

    /// `contact.opted_in` or `contact.opted_out`: the contact's consent for a kind of channel
    /// (`whatsapp`, `sms`...) changed, with where the choice came from.
    pub fn consent_changed(
        org: OrgId,
        contact: ContactId,
        channel_kind: &str,
        opted_in: bool,
        source: &str,
        at: Timestamp,
    ) -> Self {
        let kind = if opted_in {
            "contact.opted_in"
        } else {
            "contact.opted_out"
        };
        Self::new(
            org,
            kind,
            None,
            json!({ "contact_id": contact, "channel_kind": channel_kind, "source": source }),
            at,
        )
    }

    /// `contact.merged`: `merged` was folded into `survivor` and no longer exists.
    pub fn contact_merged(survivor: &Contact, merged: ContactId) -> Self {
        Self::new(
            survivor.org_id,
            "contact.merged",
            None,
            json!({ "survivor": survivor.id, "merged": merged }),
            survivor.updated_at,
        )
    }
}

/// A contact's editable fields as JSON, the terms in which `contact.updated` reports changes.
fn contact_fields(c: &Contact) -> serde_json::Map<String, serde_json::Value> {
    let date = time::macros::format_description!("[year]-[month]-[day]");
    let fields = json!({
        "name": c.name,
        "phone": c.phone.as_ref().map(|p| p.as_str()),
        "email": c.email.as_ref().map(|e| e.as_str()),
        "external_id": c.external_id,
        "address": c.address,
        "birthdate": c.birthdate.and_then(|d| d.format(date).ok()),
        "language": c.language,
        "notes": c.notes,
        "tags": c.tags,
        "attributes": c.attributes,
        "blocked": c.blocked,
    });
    match fields {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// What every message event says about the message.
fn message_payload(m: &Message) -> serde_json::Value {
    json!({
        "message_id": m.id,
        "conversation_id": m.conversation_id,
        "contact_id": m.contact_id,
        "channel_id": m.channel_id,
        "direction": m.direction.as_str(),
        "kind": m.kind,
        "status": m.status.as_str(),
        "text": m.text,
    })
}

fn error_payload(e: &MessageError) -> serde_json::Value {
    json!({
        "code": e.code,
        "provider_code": e.provider_code,
        "provider_text": e.provider_text,
    })
}

/// Which events a listing returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only these kinds; empty means all.
    pub kinds: Vec<String>,
    /// Only these channels (events without a channel are included); `None` means all.
    pub only_channels: Option<Vec<ChannelId>>,
}

#[async_trait::async_trait]
pub trait EventStore: Send + Sync {
    /// Raised for an organization once one of its events is committed (on PostgreSQL, by any
    /// node): live streams wait on it, polling only as a fallback.
    fn event_signal(&self) -> &EventSignal;

    /// Oldest first (ascending id): `page.after` resumes after the last event seen. Internal
    /// events ([`PROVIDER_WEBHOOK`]) are never listed.
    async fn list_events(
        &self,
        org: OrgId,
        filter: &EventFilter,
        page: PageRequest,
    ) -> Result<Page<Event>>;
}
