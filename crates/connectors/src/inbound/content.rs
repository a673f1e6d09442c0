//! The neutral content of an inbound message: what a customer can send on any channel, with the
//! provider's unknown kinds kept raw so nothing a customer sent is silently dropped.
//!
//! The types serialize (never deserialize: the hub stores them, it does not read them back into
//! a connector) as `{"type": "text", "body": ...}`, the JSON the hub keeps as a message's content.

use serde::Serialize;
use serde_json::Value;
use switchboard_domain::content::Contact;

/// What a customer sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InboundContent {
    /// Plain text.
    Text {
        /// The text.
        body: String,
    },
    /// An image, video, audio, document or sticker; fetch the bytes with its id.
    Media(InboundMedia),
    /// A shared place.
    Location {
        /// Degrees.
        latitude: f64,
        /// Degrees.
        longitude: f64,
        /// Place name.
        name: Option<String>,
        /// Street address.
        address: Option<String>,
        /// Place URL.
        url: Option<String>,
    },
    /// Contact cards (cards without a name are left out; postal addresses are not carried).
    /// Serialized as `{"type": "contacts", "contacts": [...]}`: a tagged variant needs an object.
    Contacts(#[serde(serialize_with = "contacts_object")] Vec<Contact>),
    /// A reaction to an earlier message; `emoji` is `None` when the reaction was removed.
    Reaction {
        /// The provider id of the message reacted to.
        message_id: String,
        /// The emoji, or `None` for a removal.
        emoji: Option<String>,
    },
    /// A tap on one of our reply buttons.
    ButtonReply {
        /// The button id we sent.
        id: String,
        /// Its title.
        title: String,
    },
    /// A choice from one of our lists.
    ListReply {
        /// The row id we sent.
        id: String,
        /// Its title.
        title: String,
        /// Its description.
        description: Option<String>,
    },
    /// A tap on a template's quick-reply button.
    TemplateButton {
        /// The payload set on the button.
        payload: String,
        /// The button's text.
        text: String,
    },
    /// A cart from a catalog.
    Order {
        /// The catalog.
        catalog_id: String,
        /// A note from the customer.
        text: Option<String>,
        /// The items.
        items: Vec<InboundOrderItem>,
    },
    /// A notice from the provider about the customer (e.g. they changed number).
    System(SystemNotice),
    /// A kind we do not model (or the provider's own "unsupported"), kept verbatim.
    Unsupported {
        /// The provider's type word.
        kind: String,
        /// The whole message object as received.
        raw: Value,
    },
}

/// Which kind of media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// A photo.
    Image,
    /// A video.
    Video,
    /// Audio or a voice note.
    Audio,
    /// A file.
    Document,
    /// A sticker.
    Sticker,
}

/// Media metadata; the bytes come from [`crate::Connector::fetch_media`] with `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboundMedia {
    /// Image, video, audio, document or sticker.
    pub kind: MediaKind,
    /// The provider's media id (WhatsApp: valid 7 days).
    pub id: String,
    /// e.g. `image/jpeg`, `audio/ogg; codecs=opus`.
    pub mime_type: Option<String>,
    /// The provider's SHA-256 of the file, as it wrote it.
    pub sha256: Option<String>,
    /// Image, video and document captions.
    pub caption: Option<String>,
    /// Documents.
    pub filename: Option<String>,
    /// Audio: a voice note.
    pub voice: bool,
    /// Stickers: animated.
    pub animated: bool,
}

/// One item of an order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InboundOrderItem {
    /// The product's id in the catalog (SKU).
    pub product_id: String,
    /// How many.
    pub quantity: u32,
    /// Unit price.
    pub item_price: f64,
    /// ISO 4217.
    pub currency: String,
}

/// A provider notice about the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemNotice {
    /// e.g. `user_changed_number`.
    pub kind: Option<String>,
    /// Human text.
    pub body: Option<String>,
    /// The customer's new id, for number changes.
    pub new_id: Option<String>,
}

impl SystemNotice {
    /// The sender edited the message the notice quotes; `body` is the new text.
    pub const EDITED: &'static str = "message_edited";
    /// The sender deleted the message the notice quotes.
    pub const DELETED: &'static str = "message_deleted";

    /// An edit of the quoted message, to `body`.
    pub fn edited(body: Option<String>) -> Self {
        Self {
            kind: Some(Self::EDITED.into()),
            body,
            new_id: None,
        }
    }

    /// The quoted message was deleted.
    pub fn deleted() -> Self {
        Self {
            kind: Some(Self::DELETED.into()),
            body: None,
            new_id: None,
        }
    }
}

/// The ad or post that led the customer here (click-to-WhatsApp); opaque strings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Referral {
    /// The ad or post URL.
    pub source_url: Option<String>,
    /// Ad id.
    pub source_id: Option<String>,
    /// `ad` or `post`.
    pub source_type: Option<String>,
    /// Ad headline.
    pub headline: Option<String>,
    /// Ad body.
    pub body: Option<String>,
    /// `image` or `video`.
    pub media_type: Option<String>,
    /// Click id for conversion reporting.
    pub click_id: Option<String>,
}

/// Writes contact cards as `{"contacts": [...]}` inside the tagged [`InboundContent`] object.
fn contacts_object<S: serde::Serializer>(cards: &Vec<Contact>, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Cards<'a> {
        contacts: &'a [Contact],
    }
    Cards { contacts: cards }.serialize(s)
}
