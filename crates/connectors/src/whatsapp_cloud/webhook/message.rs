//! `value.messages[]`: one inbound message with its common fields and a typed body per `type`.
//!
//! A type we do not model (or Meta's own `unsupported`) is kept as [`InboundBody::Unsupported`]
//! with the raw JSON, so nothing a user sent is silently dropped. Reading lives in `read_message`.

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

use super::status::WebhookError;
use crate::whatsapp_cloud::contact::Contact;

/// An inbound message.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    /// The sender's WhatsApp id.
    pub from: String,
    /// The wamid: dedupe on it, webhooks arrive at least once.
    pub id: String,
    /// When the user sent it.
    pub timestamp: OffsetDateTime,
    /// Business-scoped sender id, in newer payloads.
    pub from_user_id: Option<String>,
    /// The quoted message and forward flags.
    pub context: Option<InboundContext>,
    /// Click-to-WhatsApp ad that started the chat.
    pub referral: Option<Referral>,
    /// Errors Meta attached (e.g. 131051 on `unsupported`).
    pub errors: Vec<WebhookError>,
    /// What was sent.
    pub body: InboundBody,
}

/// The type-specific content of an inbound message.
#[derive(Debug, Clone, PartialEq)]
pub enum InboundBody {
    /// Plain text.
    Text {
        /// The text.
        body: String,
    },
    /// A photo.
    Image(InboundMedia),
    /// A video.
    Video(InboundMedia),
    /// Audio; `voice` marks a voice note.
    Audio(InboundMedia),
    /// A file; `filename` is set.
    Document(InboundMedia),
    /// A sticker; `animated` is set.
    Sticker(InboundMedia),
    /// A shared location.
    Location(InboundLocation),
    /// Shared contact cards.
    Contacts(Vec<Contact>),
    /// A tap on an interactive reply button.
    ButtonReply(ButtonReply),
    /// A choice from an interactive list.
    ListReply(ListReply),
    /// A tap on a template quick-reply button.
    Button(TemplateButton),
    /// A reaction; `emoji` is `None` when the reaction was removed.
    Reaction {
        /// The wamid reacted to.
        message_id: String,
        /// The emoji, or `None` for a removal.
        emoji: Option<String>,
    },
    /// A cart sent from a catalog.
    Order(Order),
    /// A system notice, e.g. `user_changed_number`.
    System(SystemMessage),
    /// Anything else, kept verbatim.
    Unsupported {
        /// The `type` as sent (`unsupported`, `interactive`, a new type…).
        kind: String,
        /// The whole message object.
        raw: Value,
    },
}

/// Media metadata; download it with the id (valid 7 days).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InboundMedia {
    /// Media id for `GET /{media-id}`.
    pub id: String,
    /// e.g. `audio/ogg; codecs=opus`.
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Base64 SHA-256 of the file.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Image, video and document captions.
    #[serde(default)]
    pub caption: Option<String>,
    /// Documents.
    #[serde(default)]
    pub filename: Option<String>,
    /// Audio: a voice note.
    #[serde(default)]
    pub voice: bool,
    /// Stickers: animated.
    #[serde(default)]
    pub animated: bool,
}

/// An inbound location.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InboundLocation {
    /// Degrees.
    pub latitude: f64,
    /// Degrees.
    pub longitude: f64,
    /// Place name.
    #[serde(default)]
    pub name: Option<String>,
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// Place URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// `interactive.button_reply`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ButtonReply {
    /// The button id we sent.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// `interactive.list_reply`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ListReply {
    /// The row id we sent.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
}

/// `button`: a template quick-reply tap.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TemplateButton {
    /// The payload we set on the template button.
    pub payload: String,
    /// The button text.
    #[serde(default)]
    pub text: String,
}

/// `order`: a cart.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Order {
    /// The catalog.
    pub catalog_id: String,
    /// A note from the user.
    #[serde(default)]
    pub text: Option<String>,
    /// The items.
    #[serde(default)]
    pub product_items: Vec<OrderItem>,
}

/// One item of an [`Order`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OrderItem {
    /// The product's SKU.
    pub product_retailer_id: String,
    /// How many.
    pub quantity: u32,
    /// Unit price.
    pub item_price: f64,
    /// ISO 4217.
    pub currency: String,
}

/// `system`: e.g. a user changed number.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SystemMessage {
    /// e.g. `user_changed_number`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Human text.
    #[serde(default)]
    pub body: Option<String>,
    /// The new WhatsApp id, for number changes.
    #[serde(default)]
    pub wa_id: Option<String>,
    /// Older payloads' name for the new id.
    #[serde(default)]
    pub new_wa_id: Option<String>,
}

/// `context`: what this message replies to, and forward flags.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct InboundContext {
    /// Our number, for a reply to our message.
    #[serde(default)]
    pub from: Option<String>,
    /// The quoted wamid.
    #[serde(default)]
    pub id: Option<String>,
    /// Forwarded once.
    #[serde(default)]
    pub forwarded: bool,
    /// Forwarded many times.
    #[serde(default)]
    pub frequently_forwarded: bool,
}

/// `referral`: the click-to-WhatsApp ad that led here. All fields are opaque strings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Referral {
    /// The ad or post URL.
    #[serde(default)]
    pub source_url: Option<String>,
    /// Ad id.
    #[serde(default)]
    pub source_id: Option<String>,
    /// `ad` or `post`.
    #[serde(default)]
    pub source_type: Option<String>,
    /// Ad headline.
    #[serde(default)]
    pub headline: Option<String>,
    /// Ad body.
    #[serde(default)]
    pub body: Option<String>,
    /// `image` or `video`.
    #[serde(default)]
    pub media_type: Option<String>,
    /// Click id for conversion reporting.
    #[serde(default)]
    pub ctwa_clid: Option<String>,
}
