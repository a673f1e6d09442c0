//! `value.statuses[]`: the delivery status of a message we sent, and the error objects Meta
//! attaches to statuses, messages and changes.

use serde::Deserialize;
use time::OffsetDateTime;

use crate::whatsapp_cloud::wire::{opt_unix_seconds, unix_seconds};

/// One status update. Statuses arrive in no guaranteed order and may repeat.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StatusUpdate {
    /// The wamid of our message.
    pub id: String,
    /// sent, delivered, read, failed, played…
    pub status: DeliveryStatus,
    /// When it happened (Meta sends string seconds).
    #[serde(deserialize_with = "unix_seconds")]
    pub timestamp: OffsetDateTime,
    /// The recipient's WhatsApp id (or group id).
    pub recipient_id: String,
    /// `group` for group sends.
    #[serde(default)]
    pub recipient_type: Option<String>,
    /// The member of a group this status is for.
    #[serde(default)]
    pub recipient_participant_id: Option<String>,
    /// Business-scoped recipient id, in newer payloads.
    #[serde(default)]
    pub recipient_user_id: Option<String>,
    /// Legacy conversation object; omitted from v24.0 except for free entry points.
    #[serde(default)]
    pub conversation: Option<Conversation>,
    /// Pricing, on sent and later statuses.
    #[serde(default)]
    pub pricing: Option<Pricing>,
    /// Why a `failed` status failed.
    #[serde(default)]
    pub errors: Vec<WebhookError>,
    /// Echo of the send's `biz_opaque_callback_data`.
    #[serde(default)]
    pub biz_opaque_callback_data: Option<String>,
}

/// The `status` value; values we do not know are kept verbatim rather than refused.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Accepted by WhatsApp.
    Sent,
    /// On the user's device.
    Delivered,
    /// Opened.
    Read,
    /// A voice message was played.
    Played,
    /// Not delivered; see `errors`.
    Failed,
    /// Any other value (e.g. `deleted`, `warning`).
    #[serde(untagged)]
    Other(String),
}

/// Legacy `conversation` object.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Conversation {
    /// Conversation id.
    pub id: String,
    /// When the conversation window ends.
    #[serde(default, deserialize_with = "opt_unix_seconds")]
    pub expiration_timestamp: Option<OffsetDateTime>,
    /// What opened it.
    #[serde(default)]
    pub origin: Option<ConversationOrigin>,
}

/// `conversation.origin`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ConversationOrigin {
    /// e.g. `service`, `marketing`, `free_entry_point`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// `pricing` object; all values are opaque strings because Meta keeps adding categories.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Pricing {
    /// Whether this message is charged.
    #[serde(default)]
    pub billable: Option<bool>,
    /// `PMP` (per message) or `CBP` (legacy per conversation).
    #[serde(default)]
    pub pricing_model: Option<String>,
    /// `regular`, `free_customer_service` or `free_entry_point`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// `marketing`, `utility`, `authentication`, `service`…
    #[serde(default)]
    pub category: Option<String>,
}

/// An error object inside a webhook (`statuses[].errors`, `messages[].errors`, `value.errors`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WebhookError {
    /// Graph error code, the value to key handling on (see `errors::classify`).
    pub code: i64,
    /// Short title.
    #[serde(default)]
    pub title: Option<String>,
    /// Message (often the same as the title).
    #[serde(default)]
    pub message: Option<String>,
    /// Details.
    #[serde(default)]
    pub error_data: Option<ErrorData>,
    /// Link to Meta's documentation of the code.
    #[serde(default)]
    pub href: Option<String>,
}

impl WebhookError {
    /// `error_data.details`, when present.
    pub fn details(&self) -> Option<&str> {
        self.error_data.as_ref().and_then(|d| d.details.as_deref())
    }
}

/// `error_data` of a webhook error.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ErrorData {
    /// The human explanation.
    #[serde(default)]
    pub details: Option<String>,
}
