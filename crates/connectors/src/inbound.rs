//! The neutral inbound side of the connector contract: the events a provider webhook carries,
//! in a form the hub consumes without knowing the provider (issue 4).
//!
//! Order of use: [`crate::Connector::verify_webhook`] over the raw bytes, then
//! [`crate::Connector::parse_webhook`]. A piece the connector cannot read becomes
//! [`InboundEvent::Unparsed`] beside the good events; only a body that is not the provider's
//! envelope at all is a [`ParseError`].

mod content;

pub use content::{
    InboundContent, InboundMedia, InboundOrderItem, MediaKind, Referral, SystemNotice,
};

use serde_json::Value;
use time::OffsetDateTime;

/// One thing a webhook told us.
#[derive(Debug, Clone, PartialEq)]
pub enum InboundEvent {
    /// A customer wrote (boxed: a message is much larger than the other events).
    Message(Box<InboundMessage>),
    /// A delivery status of a message we sent.
    Status(StatusEvent),
    /// Every message we sent to one recipient up to a moment reached a state (Messenger's
    /// delivery and read watermarks, which name no message ids).
    Watermark(WatermarkEvent),
    /// A template was approved, rejected, paused…
    TemplateStatus(TemplateStatusEvent),
    /// A template's quality score changed.
    TemplateQuality(TemplateQualityEvent),
    /// The business number was flagged or unflagged, or its messaging tier changed.
    PhoneQuality(PhoneQualityEvent),
    /// An account-level notice (verification, restriction, ban); the shape differs per event.
    Account {
        /// The business account id.
        account: String,
        /// e.g. `ACCOUNT_RESTRICTION`.
        event: String,
        /// The number concerned, when number-scoped.
        phone_number: Option<String>,
        /// The notice as received.
        raw: Value,
    },
    /// A customer stopped or resumed marketing messages.
    MarketingPreference(MarketingPreferenceEvent),
    /// Errors about the webhook or account as a whole, not tied to one message.
    Errors {
        /// The receiving number id.
        account: String,
        /// The errors.
        errors: Vec<ProviderErrorInfo>,
    },
    /// A piece that could not be read, or a notice we do not handle; kept for the log.
    Unparsed {
        /// Why it was not read.
        reason: String,
        /// The JSON as received.
        raw: Value,
    },
}

/// An inbound message.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    /// Which of our accounts received it (WhatsApp `phone_number_id`): how the hub finds the
    /// channel.
    pub account: String,
    /// The provider's id: dedupe on it, webhooks arrive at least once.
    pub provider_message_id: String,
    /// The sender (WhatsApp id: E.164 digits without `+`).
    pub from: String,
    /// The sender's profile name, when shared.
    pub profile_name: Option<String>,
    /// When the customer sent it.
    pub timestamp: OffsetDateTime,
    /// The provider id of the message this one quotes.
    pub reply_to: Option<String>,
    /// Forwarded once, or many times.
    pub forwarded: Forwarded,
    /// The ad or post that started the chat, if any.
    pub referral: Option<Referral>,
    /// What was sent.
    pub content: InboundContent,
    /// Errors the provider attached (e.g. why a message is unsupported).
    pub errors: Vec<ProviderErrorInfo>,
    /// In a group chat, who of the group wrote (`from` is then the group itself, which is the
    /// conversation); `None` in one-to-one chats.
    pub participant: Option<Participant>,
}

/// A member of a group chat who wrote a message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Participant {
    /// The provider's id of the person (Telegram user id).
    pub id: String,
    /// Their display name.
    pub name: Option<String>,
    /// Their public handle, when they have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// Whether a message was forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Forwarded {
    /// Written by the sender.
    #[default]
    No,
    /// Forwarded.
    Once,
    /// Forwarded many times (WhatsApp `frequently_forwarded`).
    Frequently,
}

/// A delivery status of one of our messages. Statuses arrive in any order and may repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusEvent {
    /// Which of our accounts sent the message.
    pub account: String,
    /// The id the provider gave in the send receipt.
    pub provider_message_id: String,
    /// The new state.
    pub status: DeliveryState,
    /// When it happened.
    pub timestamp: OffsetDateTime,
    /// The recipient.
    pub recipient: String,
    /// Why a `Failed` status failed.
    pub errors: Vec<ProviderErrorInfo>,
    /// What the message costs, when the provider says.
    pub pricing: Option<Pricing>,
    /// The `callback_data` given at send time.
    pub callback_data: Option<String>,
}

/// Everything sent to `recipient` on `account` at or before `up_to` reached `status`.
#[derive(Debug, Clone, PartialEq)]
pub struct WatermarkEvent {
    /// Which of our accounts sent the messages.
    pub account: String,
    /// The customer (Messenger PSID, Instagram IGSID).
    pub recipient: String,
    /// `Delivered` or `Read`.
    pub status: DeliveryState,
    /// The watermark: messages sent at or before it are covered.
    pub up_to: OffsetDateTime,
}

/// A delivery state as a provider reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryState {
    /// The provider sent it on.
    Sent,
    /// It reached the device.
    Delivered,
    /// It was opened.
    Read,
    /// A voice message was played.
    Played,
    /// It will not be delivered; see the errors.
    Failed,
    /// A state this code does not know, kept verbatim.
    Other(String),
}

/// An error a provider attached to a webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderErrorInfo {
    /// The provider's code (WhatsApp Graph code, e.g. 131026).
    pub code: i64,
    /// Short title.
    pub title: Option<String>,
    /// The longer explanation.
    pub details: Option<String>,
}

/// Pricing of one message; values are the provider's words, kept opaque.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pricing {
    /// Whether it is charged.
    pub billable: Option<bool>,
    /// e.g. `PMP`.
    pub model: Option<String>,
    /// e.g. `regular`, `free_customer_service`.
    pub kind: Option<String>,
    /// e.g. `utility`, `marketing`.
    pub category: Option<String>,
}

/// A template's review status changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateStatusEvent {
    /// The business account id.
    pub account: String,
    /// The provider's template id.
    pub template_id: String,
    /// Template name.
    pub name: String,
    /// Language code.
    pub language: String,
    /// APPROVED, REJECTED, PAUSED…
    pub status: String,
    /// Why (rejection or pause reason), when given and not `NONE`.
    pub reason: Option<String>,
    /// The category, when given.
    pub category: Option<String>,
}

/// A template's quality score changed (GREEN, YELLOW, RED, UNKNOWN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateQualityEvent {
    /// The business account id.
    pub account: String,
    /// The provider's template id.
    pub template_id: String,
    /// Template name.
    pub name: String,
    /// Language code.
    pub language: String,
    /// The score before, when given.
    pub previous: Option<String>,
    /// The score now.
    pub quality: String,
}

/// The business number's quality flag or messaging tier changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneQualityEvent {
    /// The business account id.
    pub account: String,
    /// The number as displayed.
    pub display_phone_number: String,
    /// FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE…
    pub event: String,
    /// The messaging tier now, e.g. `TIER_10K`.
    pub tier: Option<String>,
    /// The tier before, when given.
    pub previous_tier: Option<String>,
}

/// A customer's choice about marketing messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketingPreferenceEvent {
    /// The receiving number id.
    pub account: String,
    /// The customer.
    pub user: String,
    /// Stop or resume.
    pub choice: MarketingChoice,
    /// e.g. `marketing_messages`.
    pub category: String,
    /// When the customer chose.
    pub timestamp: OffsetDateTime,
    /// Human text, when given.
    pub detail: Option<String>,
}

/// Stop or resume marketing messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarketingChoice {
    /// The customer opted out.
    Stop,
    /// The customer opted back in.
    Resume,
    /// A value this code does not know, kept verbatim.
    Other(String),
}

/// Why a webhook body was refused as a whole (answer 400 and log the reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("webhook body refused: {reason}")]
pub struct ParseError {
    /// What was wrong.
    pub reason: String,
}

/// Why an inbound webhook or handshake was refused (answer 401/403, store nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No signature header.
    #[error("signature header is missing")]
    MissingSignature,
    /// A signature header that is not in the provider's format.
    #[error("signature header is malformed")]
    MalformedSignature,
    /// Well formed, but not the signature of this body under our secret.
    #[error("signature does not match the body")]
    BadSignature,
    /// Handshake: the mode is not a subscription.
    #[error("handshake mode is not subscribe")]
    WrongMode,
    /// Handshake: the verify token is absent or wrong.
    #[error("handshake verify token does not match")]
    TokenMismatch,
    /// Handshake: no challenge to echo.
    #[error("handshake challenge is missing")]
    MissingChallenge,
    /// This connector has no such verification (e.g. no handshake).
    #[error("this connector does not support this verification")]
    Unsupported,
}

/// The query parameters of a provider's GET verification handshake (`hub.mode`,
/// `hub.verify_token`, `hub.challenge`), ready for an axum `Query` extractor.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct HandshakeQuery {
    /// Must be `subscribe`.
    #[serde(rename = "hub.mode")]
    pub mode: Option<String>,
    /// The shared verify token.
    #[serde(rename = "hub.verify_token")]
    pub verify_token: Option<String>,
    /// Echoed back on success.
    #[serde(rename = "hub.challenge")]
    pub challenge: Option<String>,
}
