//! The events' payloads in the OpenAPI document: `Event` is a `oneOf` keyed by `type`, one
//! branch per kind with the `object` it carries. In a Standard Webhooks delivery the object is at
//! `data.object` (beside `data.event_id` and `data.channel_id`); in the live stream it is `data`.
//! The payloads are built once, in `switchboard_store::events`; these types only describe them.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// Every event kind and its object.
#[derive(Serialize, ToSchema)]
#[serde(tag = "type", content = "object")]
pub enum Event {
    #[serde(rename = "message.received")]
    MessageReceived(MessageObject),
    /// An outbound message was accepted; its object adds `sender`.
    #[serde(rename = "message.created")]
    MessageCreated(MessageObject),
    #[serde(rename = "message.status_changed")]
    MessageStatusChanged(MessageStatusObject),
    #[serde(rename = "conversation.created")]
    ConversationCreated(ConversationCreatedObject),
    /// Status, snooze, priority, assignee or team moved; `changes` holds the new values.
    #[serde(rename = "conversation.updated")]
    ConversationUpdated(ConversationObject),
    /// The assignee or team changed; `previous` holds the old ones.
    #[serde(rename = "conversation.assigned")]
    ConversationAssigned(ConversationObject),
    /// The status became `resolved`; `previous_status` says from what.
    #[serde(rename = "conversation.resolved")]
    ConversationResolved(ConversationObject),
    #[serde(rename = "contact.created")]
    ContactCreated(ContactObject),
    #[serde(rename = "contact.updated")]
    ContactUpdated(ContactUpdatedObject),
    #[serde(rename = "contact.deleted")]
    ContactDeleted(ContactObject),
    #[serde(rename = "contact.merged")]
    ContactMerged(ContactMergedObject),
    #[serde(rename = "contact.opted_in")]
    ContactOptedIn(ConsentObject),
    #[serde(rename = "contact.opted_out")]
    ContactOptedOut(ConsentObject),
    #[serde(rename = "template.status")]
    TemplateStatus(TemplateStatusObject),
    #[serde(rename = "channel.status")]
    ChannelStatus(ChannelStatusObject),
    #[serde(rename = "webhook_endpoint.disabled")]
    WebhookEndpointDisabled(EndpointDisabledObject),
}

#[derive(Serialize, ToSchema)]
pub struct MessageObject {
    pub message_id: Uuid,
    pub conversation_id: Uuid,
    pub contact_id: Uuid,
    pub channel_id: Uuid,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// The content kind (`text`, `image`, `template`...).
    pub kind: String,
    pub status: String,
    pub text: Option<String>,
    /// `message.created` only: who sent it (`{"type": "api_key" | "user" | ..., "id"}`).
    #[schema(value_type = Option<Object>)]
    pub sender: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageStatusObject {
    pub message_id: Uuid,
    pub conversation_id: Uuid,
    pub contact_id: Uuid,
    pub channel_id: Uuid,
    pub provider_message_id: Option<String>,
    pub from: String,
    pub to: String,
    /// With `failed`: `{"code", "provider_code", "provider_text"}`.
    #[schema(value_type = Option<Object>)]
    pub error: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct ConversationCreatedObject {
    pub conversation_id: Uuid,
    pub channel_id: Uuid,
    pub contact_id: Uuid,
    pub identity_id: Uuid,
    pub status: String,
}

/// A conversation as it is after the change, and who made it.
#[derive(Serialize, ToSchema)]
pub struct ConversationObject {
    pub conversation_id: Uuid,
    pub channel_id: Uuid,
    pub contact_id: Uuid,
    /// `open`, `pending`, `snoozed` or `resolved`.
    pub status: String,
    pub snoozed_until: Option<String>,
    pub priority: String,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    /// `{"type": "user" | "api_key", "id"}` or `{"type": "system"}`.
    #[schema(value_type = Object)]
    pub by: serde_json::Value,
    /// `conversation.updated`: the moved fields with their new values.
    #[schema(value_type = Option<Object>)]
    pub changes: Option<serde_json::Value>,
    /// `conversation.assigned`: `{"assignee_id", "team_id"}` before the change.
    #[schema(value_type = Option<Object>)]
    pub previous: Option<serde_json::Value>,
    /// `conversation.resolved`: the status before.
    pub previous_status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ContactObject {
    pub contact_id: Uuid,
    /// `contact.created` only.
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ContactUpdatedObject {
    pub contact_id: Uuid,
    /// The changed fields with their new values (`null` when cleared).
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct ContactMergedObject {
    /// The contact that remains.
    pub survivor: Uuid,
    /// The contact folded into it, gone now.
    pub merged: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentObject {
    pub contact_id: Uuid,
    /// `whatsapp`, `sms`...
    pub channel_kind: String,
    pub source: String,
}

#[derive(Serialize, ToSchema)]
pub struct TemplateStatusObject {
    pub channel_id: Uuid,
    /// The provider's template id.
    pub template_id: String,
    pub name: String,
    pub language: String,
    /// The provider's word: `APPROVED`, `REJECTED`, `PAUSED`, `DISABLED`...
    pub status: String,
    pub reason: Option<String>,
    pub category: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ChannelStatusObject {
    pub channel_id: Uuid,
    /// `pending`, `active`, `error` or `disabled`.
    pub from: String,
    pub to: String,
    /// The provider's words, when an error moved it.
    pub error: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EndpointDisabledObject {
    pub endpoint_id: Uuid,
    pub url: String,
    /// `gone` (the receiver answered 410) or `failing` (for 5 days).
    pub reason: String,
}
