//! The Bot API's JSON, exactly as Telegram writes it: the answer envelope, and the Update and
//! Message objects we read. Ids are i64 (chat ids exceed 32 bits), dates are unix seconds.
//! Unknown fields are ignored: Telegram adds fields often and says clients must tolerate them.

use serde::Deserialize;
use serde_json::Value;

/// Every answer: `ok` and either `result` or the error fields.
#[derive(Debug, Clone, Deserialize)]
pub struct Answer {
    pub ok: bool,
    #[serde(default)]
    pub result: Option<Value>,
    #[serde(default)]
    pub error_code: Option<i64>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub parameters: Option<ResponseParameters>,
}

/// Why a request failed and what to do about it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ResponseParameters {
    /// The group became a supergroup with this id: resend there.
    #[serde(default)]
    pub migrate_to_chat_id: Option<i64>,
    /// Flood control: seconds to wait.
    #[serde(default)]
    pub retry_after: Option<u64>,
}

/// A user or bot.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct User {
    pub id: i64,
    #[serde(default)]
    pub is_bot: bool,
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
}

impl User {
    /// `First Last`, as a person reads it.
    pub fn full_name(&self) -> String {
        match &self.last_name {
            Some(last) if !last.is_empty() => format!("{} {last}", self.first_name),
            _ => self.first_name.clone(),
        }
    }
}

/// A chat: private, group, supergroup or channel.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Chat {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

impl Chat {
    /// Whether several people write in it (the sender is then `from`, not the chat).
    pub fn is_group(&self) -> bool {
        matches!(self.kind.as_str(), "group" | "supergroup")
    }

    /// The chat's name: a group's title, a person's name.
    pub fn display_name(&self) -> Option<String> {
        if let Some(title) = &self.title {
            return Some(title.clone());
        }
        let first = self.first_name.as_deref()?;
        Some(match self.last_name.as_deref() {
            Some(last) if !last.is_empty() => format!("{first} {last}"),
            _ => first.to_owned(),
        })
    }
}

/// One size of a photo; Telegram sends several, smallest first.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PhotoSize {
    pub file_id: String,
    pub file_unique_id: String,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub file_size: Option<u64>,
}

/// A document, video, audio, voice note or sticker: the fields every file kind shares.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FileRef {
    pub file_id: String,
    pub file_unique_id: String,
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub file_size: Option<u64>,
    /// Stickers only.
    #[serde(default)]
    pub is_animated: bool,
    /// Stickers only.
    #[serde(default)]
    pub is_video: bool,
    /// Stickers only.
    #[serde(default)]
    pub emoji: Option<String>,
}

/// A shared point.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
}

/// A venue: a point with a title and address.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Venue {
    pub location: Location,
    pub title: String,
    pub address: String,
}

/// A shared contact card.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Contact {
    pub phone_number: String,
    pub first_name: String,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub user_id: Option<i64>,
}

/// A message, as far as we read it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Message {
    pub message_id: i64,
    #[serde(default)]
    pub from: Option<User>,
    pub chat: Chat,
    /// Unix seconds.
    pub date: i64,
    #[serde(default)]
    pub edit_date: Option<i64>,
    #[serde(default)]
    pub message_thread_id: Option<i64>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub entities: Option<Value>,
    #[serde(default)]
    pub caption: Option<String>,
    #[serde(default)]
    pub photo: Option<Vec<PhotoSize>>,
    #[serde(default)]
    pub document: Option<FileRef>,
    #[serde(default)]
    pub video: Option<FileRef>,
    #[serde(default)]
    pub audio: Option<FileRef>,
    #[serde(default)]
    pub voice: Option<FileRef>,
    #[serde(default)]
    pub sticker: Option<FileRef>,
    #[serde(default)]
    pub location: Option<Location>,
    #[serde(default)]
    pub venue: Option<Venue>,
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    pub reply_to_message: Option<Box<Message>>,
    /// Our inline keyboard, on messages we sent (button taps name their titles through it).
    #[serde(default)]
    pub reply_markup: Option<Value>,
}

/// A tap on an inline keyboard button.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CallbackQuery {
    pub id: String,
    pub from: User,
    /// The message carrying the keyboard (absent when too old).
    #[serde(default)]
    pub message: Option<Box<Message>>,
    /// The button's `callback_data`.
    #[serde(default)]
    pub data: Option<String>,
}

/// `getFile`'s answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct File {
    pub file_id: String,
    #[serde(default)]
    pub file_size: Option<u64>,
    #[serde(default)]
    pub file_path: Option<String>,
}

/// `getWebhookInfo`'s answer, as far as we read it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WebhookInfo {
    pub url: String,
    #[serde(default)]
    pub pending_update_count: u64,
}

/// The id the hub keeps for a Telegram message: message ids are only unique within a chat, so
/// the chat is part of it (`{chat_id}:{message_id}`).
pub fn message_key(chat_id: i64, message_id: i64) -> String {
    format!("{chat_id}:{message_id}")
}

/// The message id inside a key made by [`message_key`] (or a bare message id).
pub fn message_id_of(key: &str) -> Option<i64> {
    key.rsplit(':').next()?.parse().ok()
}
