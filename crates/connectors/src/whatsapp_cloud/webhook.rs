//! What Meta posts to our callback URL: verification (`signature`, `handshake`) and parsing of the
//! payload into typed [`WebhookEvent`]s (PROVIDERS §1.6).
//!
//! Use in this order: check the signature over the raw bytes, then [`parse`]. Parsing is
//! forgiving inside a valid envelope: a bad entry, change or message becomes
//! [`WebhookEvent::Unparsed`] with its raw JSON and the rest of the batch still comes through.

mod account;
mod handshake;
mod message;
mod parse;
mod read_message;
mod signature;
mod status;
mod surrogates;

pub use account::{
    AccountUpdate, MarketingPreference, PhoneQualityUpdate, RejectionInfo, TemplateQualityUpdate,
    TemplateStatusUpdate,
};
pub use handshake::{HandshakeError, verify_handshake};
pub use message::{
    ButtonReply, InboundBody, InboundContext, InboundLocation, InboundMedia, InboundMessage,
    ListReply, Order, OrderItem, Referral, SystemMessage, TemplateButton,
};
pub use parse::{ParseError, parse};
pub use signature::{SIGNATURE_HEADER, SignatureError, sign, verify_signature};
pub use status::{
    Conversation, ConversationOrigin, DeliveryStatus, ErrorData, Pricing, StatusUpdate,
    WebhookError,
};

use serde::Deserialize;
use serde_json::Value;

/// Which business number a `messages`-field change is for (`value.metadata`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Metadata {
    /// The number as displayed, digits.
    pub display_phone_number: String,
    /// The Graph id of the receiving number: how we find the channel.
    pub phone_number_id: String,
}

/// Where an event came from: the entry's WABA id and, for number-scoped fields, the metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// `entry[].id`: the WhatsApp Business Account id.
    pub waba_id: String,
    /// `value.metadata`, present on `messages` and `user_preferences` changes.
    pub metadata: Option<Metadata>,
}

/// The sender's profile from `value.contacts[]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ContactProfile {
    /// The sender's WhatsApp id.
    pub wa_id: String,
    /// `profile.name`, when shared.
    #[serde(default, deserialize_with = "profile_name", rename = "profile")]
    pub name: Option<String>,
    /// Business-scoped user id, in newer payloads.
    #[serde(default)]
    pub user_id: Option<String>,
}

fn profile_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Profile {
        #[serde(default)]
        name: Option<String>,
    }
    Ok(Option::<Profile>::deserialize(d)?.and_then(|p| p.name))
}

/// One thing a webhook told us.
#[derive(Debug, Clone, PartialEq)]
pub enum WebhookEvent {
    /// An inbound message.
    Message {
        /// Entry and number.
        source: Source,
        /// The message.
        message: InboundMessage,
    },
    /// A delivery status of one of our messages.
    Status {
        /// Entry and number.
        source: Source,
        /// The status.
        status: StatusUpdate,
    },
    /// A sender's profile, sent beside their messages.
    ContactProfile {
        /// Entry and number.
        source: Source,
        /// The profile.
        profile: ContactProfile,
    },
    /// Errors on the change itself (`value.errors`), not tied to one message.
    Errors {
        /// Entry and number.
        source: Source,
        /// The errors.
        errors: Vec<WebhookError>,
    },
    /// `message_template_status_update`.
    TemplateStatus {
        /// Entry.
        source: Source,
        /// The update.
        update: TemplateStatusUpdate,
    },
    /// `message_template_quality_update`.
    TemplateQuality {
        /// Entry.
        source: Source,
        /// The update.
        update: TemplateQualityUpdate,
    },
    /// `phone_number_quality_update`: quality flag and messaging tier changes.
    PhoneQuality {
        /// Entry.
        source: Source,
        /// The update.
        update: PhoneQualityUpdate,
    },
    /// `account_update`: verification, restrictions, bans.
    Account {
        /// Entry.
        source: Source,
        /// The update.
        update: AccountUpdate,
    },
    /// `user_preferences`: a user stopped or resumed marketing messages.
    MarketingPreference {
        /// Entry and number.
        source: Source,
        /// The preference.
        preference: MarketingPreference,
    },
    /// A piece we could not read (or a field we do not handle), kept for logging.
    Unparsed {
        /// The change's `field`, or empty when the entry itself was bad.
        field: String,
        /// Why it was not read.
        reason: String,
        /// The JSON as received.
        raw: Value,
    },
}
