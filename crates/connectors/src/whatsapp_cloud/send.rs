//! Bodies posted to `POST /{phone-number-id}/messages` and the answers (PROVIDERS §1.2–1.4).
//!
//! Build a [`SendRequest`] with [`SendRequest::new`] and a [`MessageBody`]; it serialises to exactly
//! the JSON Meta documents (absent optionals are left out). Mark-as-read and typing use
//! [`MarkRead`]. Interactive and template bodies live in the submodules.

mod interactive;
mod media;
mod template;

pub use interactive::{
    ButtonAction, CtaUrlAction, CtaUrlParameters, Header, Interactive, InteractiveText, ListAction,
    ListRow, ListSection, ReplyButton, ReplyButtonBody,
};
pub use media::{Media, MediaSource};
pub use template::{
    ButtonSubType, Component, Currency, DateTime, Language, Parameter, ParameterValue, Template,
};

use serde::{Deserialize, Serialize};

use super::contact::Contact;
pub use super::wire::MessagingProduct;

/// One outbound message: the common fields plus a type-specific [`MessageBody`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendRequest {
    /// Always `whatsapp`.
    pub messaging_product: MessagingProduct,
    /// `individual` (the default when absent) or `group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_type: Option<String>,
    /// The recipient: a phone number as given, or a WhatsApp id.
    pub to: String,
    /// Makes the message a reply to an earlier one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ReplyContext>,
    /// Echoed back in status webhooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biz_opaque_callback_data: Option<String>,
    /// `type` and its object.
    #[serde(flatten)]
    pub body: MessageBody,
}

impl SendRequest {
    /// A send to `to` with no reply context or callback data.
    pub fn new(to: impl Into<String>, body: MessageBody) -> Self {
        Self {
            messaging_product: MessagingProduct::Whatsapp,
            recipient_type: None,
            to: to.into(),
            context: None,
            biz_opaque_callback_data: None,
            body,
        }
    }
}

/// `"context":{"message_id":"wamid…"}`: the message being replied to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyContext {
    /// The wamid of the quoted message.
    pub message_id: String,
}

/// The type-specific part of a send: `"type":"<kind>","<kind>":{…}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageBody {
    /// Plain text.
    Text {
        /// The text object.
        text: Text,
    },
    /// An image, by id or link.
    Image {
        /// The media object.
        image: Media,
    },
    /// A video, by id or link.
    Video {
        /// The media object.
        video: Media,
    },
    /// An audio file or voice note, by id or link.
    Audio {
        /// The media object.
        audio: Media,
    },
    /// A document, by id or link.
    Document {
        /// The media object.
        document: Media,
    },
    /// A sticker, by id or link.
    Sticker {
        /// The media object.
        sticker: Media,
    },
    /// A map pin.
    Location {
        /// The location object.
        location: Location,
    },
    /// Contact cards.
    Contacts {
        /// The cards.
        contacts: Vec<Contact>,
    },
    /// Buttons, lists and CTA URLs.
    Interactive {
        /// The interactive object.
        interactive: Interactive,
    },
    /// An approved template.
    Template {
        /// The template object.
        template: Template,
    },
    /// A reaction to an earlier message.
    Reaction {
        /// The reaction object.
        reaction: Reaction,
    },
}

/// `text` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Up to 4096 characters.
    pub body: String,
    /// Whether WhatsApp renders a link preview.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<bool>,
}

/// `location` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Degrees.
    pub latitude: f64,
    /// Degrees.
    pub longitude: f64,
    /// Place name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Street address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// `reaction` object; an empty `emoji` removes the reaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// The wamid reacted to.
    pub message_id: String,
    /// One emoji, or `""` to remove.
    pub emoji: String,
}

/// Mark an inbound message read, optionally showing a typing indicator (§1.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkRead {
    /// Always `whatsapp`.
    pub messaging_product: MessagingProduct,
    /// Always `read`.
    pub status: ReadStatus,
    /// The inbound wamid.
    pub message_id: String,
    /// `{"type":"text"}` shows "typing…".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typing_indicator: Option<TypingIndicator>,
}

impl MarkRead {
    /// Marks `message_id` read, with a typing indicator when `typing` is set.
    pub fn new(message_id: impl Into<String>, typing: bool) -> Self {
        Self {
            messaging_product: MessagingProduct::Whatsapp,
            status: ReadStatus::Read,
            message_id: message_id.into(),
            typing_indicator: typing.then_some(TypingIndicator::Text),
        }
    }
}

/// The `"status":"read"` marker of a mark-as-read body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadStatus {
    /// The only value.
    Read,
}

/// `typing_indicator` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TypingIndicator {
    /// The only documented indicator.
    Text,
}

/// The success answer to a send (§1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendResponse {
    /// Always `whatsapp`.
    pub messaging_product: MessagingProduct,
    /// `input` echoes `to`, `wa_id` is the normalised digits.
    #[serde(default)]
    pub contacts: Vec<SentContact>,
    /// One entry whose `id` is the new wamid.
    pub messages: Vec<SentMessage>,
}

/// One `contacts[]` entry of a [`SendResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentContact {
    /// The `to` as sent.
    pub input: String,
    /// Normalised WhatsApp id.
    pub wa_id: String,
}

/// One `messages[]` entry of a [`SendResponse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentMessage {
    /// The wamid, opaque, up to 128 characters.
    pub id: String,
    /// Template sends: `accepted` or `held_for_quality_assessment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_status: Option<String>,
}

/// `{"success":true}`: the answer to mark-as-read, typing and deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuccessResponse {
    /// Whether the request took effect.
    pub success: bool,
}
