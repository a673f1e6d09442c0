//! The JSON body of a Send API call (`POST /{id}/messages`, PROVIDERS §2.1) for one neutral
//! message, checked against the platform's limits before any I/O.
//!
//! What the platforms cannot carry natively is downgraded where a faithful text exists
//! (location, contact cards, a CTA button on Instagram) or refused with `invalid_content` /
//! `unsupported_content`: templates (WhatsApp only), captions on attachments, reactions on
//! Messenger.

mod content;

use serde_json::{Map, Value, json};
use switchboard_domain::content::Content;

use super::Platform;
use crate::outbound::{OutboundMessage, SendAction, SendError};

/// Messenger: text must stay under 2,000 characters.
pub const MESSENGER_MAX_TEXT_CHARS: usize = 1_999;
/// Instagram: at most 1,000 bytes of UTF-8.
pub const INSTAGRAM_MAX_TEXT_BYTES: usize = 1_000;
/// `metadata` must stay under 1,000 characters; ours is a message id, far shorter.
const MAX_METADATA_CHARS: usize = 999;
/// Message tags the Send API knows, as the API caller writes them.
pub const MESSENGER_TAGS: &[&str] = &[
    "human_agent",
    "account_update",
    "post_purchase_update",
    "confirmed_event_update",
];
/// Instagram accepts only the human-agent tag.
pub const INSTAGRAM_TAGS: &[&str] = &["human_agent"];

/// Stable code for content the platform cannot carry in this form.
pub const INVALID_CONTENT: &str = "invalid_content";
/// Stable code for a content kind the platform cannot carry at all.
pub const UNSUPPORTED_CONTENT: &str = "unsupported_content";

pub(crate) fn refuse(code: &'static str, why: impl Into<String>) -> SendError {
    SendError::local(SendAction::Rejected, code, why)
}

/// Whether `tag` (lowercase, as the API caller writes it) may be used on `platform`.
pub fn tag_allowed(platform: Platform, tag: &str) -> bool {
    match platform {
        Platform::Messenger => MESSENGER_TAGS.contains(&tag),
        Platform::Instagram => INSTAGRAM_TAGS.contains(&tag),
    }
}

/// The body to post for `message`.
pub fn send_body(platform: Platform, message: &OutboundMessage) -> Result<Value, SendError> {
    let mut body = Map::new();
    body.insert("recipient".into(), json!({ "id": message.to }));
    match message.tag.as_deref() {
        Some(tag) if tag_allowed(platform, tag) => {
            body.insert("messaging_type".into(), json!("MESSAGE_TAG"));
            body.insert("tag".into(), json!(tag.to_ascii_uppercase()));
        }
        Some(tag) => {
            return Err(refuse(
                INVALID_CONTENT,
                format!("the tag `{tag}` cannot be used on {}", platform.provider()),
            ));
        }
        None => {
            body.insert("messaging_type".into(), json!("RESPONSE"));
        }
    }
    if let Content::Reaction(r) = &message.content.content {
        // A reaction is a sender action on a message, not a message of its own.
        let action = content::reaction(platform, r)?;
        body.insert("sender_action".into(), json!(action.0));
        body.insert("payload".into(), action.1);
        body.remove("messaging_type");
        return Ok(Value::Object(body));
    }
    let mut msg = content::message(platform, &message.content.content)?;
    if let Some(mid) = &message.content.reply_to {
        msg.insert("reply_to".into(), json!({ "mid": mid }));
    }
    if let Some(data) = &message.callback_data {
        let data: String = data.chars().take(MAX_METADATA_CHARS).collect();
        msg.insert("metadata".into(), json!(data));
    }
    body.insert("message".into(), Value::Object(msg));
    Ok(Value::Object(body))
}

/// Checks a text against the platform's limit.
pub(crate) fn check_text(platform: Platform, text: &str) -> Result<(), SendError> {
    let fits = match platform {
        Platform::Messenger => text.chars().count() <= MESSENGER_MAX_TEXT_CHARS,
        Platform::Instagram => text.len() <= INSTAGRAM_MAX_TEXT_BYTES,
    };
    if fits {
        Ok(())
    } else {
        let limit = match platform {
            Platform::Messenger => "under 2000 characters",
            Platform::Instagram => "at most 1000 bytes of UTF-8",
        };
        Err(refuse(
            INVALID_CONTENT,
            format!("{} text must be {limit}", platform.provider()),
        ))
    }
}

/// A `sender_action` body (`MARK_SEEN`, `TYPING_ON`) for `recipient`.
pub fn sender_action(recipient: &str, action: &str) -> Value {
    json!({ "recipient": { "id": recipient }, "sender_action": action })
}

#[cfg(test)]
mod tests;
