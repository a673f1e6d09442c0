//! One webhook call = one Update (PROVIDERS §3.3), parsed into neutral events.
//!
//! - `message` and `channel_post`: a message. In a group the conversation is the group (`from`
//!   is the chat id, negative) and the person who wrote is the message's `participant`.
//! - `edited_message` / `edited_channel_post`: a `system` notice `message_edited` whose body is
//!   the new text, quoting the original, with its own id so a redelivery is still deduplicated;
//!   the hub also records it on the original as a revision.
//! - `callback_query`: a tap on one of our inline buttons, a `button_reply` with the button's id.
//! - anything else: [`InboundEvent::Unparsed`], logged and answered 200 by the hub.
//!
//! Ids: a message is `{chat_id}:{message_id}` (message ids are per chat), an edit
//! `{chat_id}:{message_id}:edit:{edit_date}`, a button tap `callback:{id}`.

use serde::de::DeserializeOwned;
use serde_json::Value;
use time::OffsetDateTime;

use super::wire::{CallbackQuery, Message, message_key};
use crate::inbound::{
    Forwarded, InboundContent, InboundEvent, InboundMedia, InboundMessage, MediaKind, ParseError,
    Participant, SystemNotice,
};

/// The update kinds we read; the first one present wins (Telegram sends exactly one).
const KINDS: [&str; 5] = [
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "callback_query",
];

/// Parses one Update. Only a body that is not a JSON object with an integer `update_id` is a
/// [`ParseError`]; an update we cannot read is an `Unparsed` event beside nothing else.
pub fn parse(raw: &[u8]) -> Result<Vec<InboundEvent>, ParseError> {
    let update: Value = serde_json::from_slice(raw).map_err(|e| ParseError {
        reason: format!("not JSON: {e}"),
    })?;
    let Some(update_id) = update.get("update_id").and_then(Value::as_i64) else {
        return Err(ParseError {
            reason: "not a Telegram Update: no integer update_id".into(),
        });
    };
    let Some((kind, object)) = KINDS.iter().find_map(|k| update.get(*k).map(|v| (*k, v))) else {
        return Ok(vec![unparsed(
            format!("update {update_id} is of a kind we do not handle"),
            update,
        )]);
    };
    let event = match kind {
        "message" | "channel_post" => read::<Message>(object).map(|m| message(m, false)),
        "edited_message" | "edited_channel_post" => {
            read::<Message>(object).map(|m| message(m, true))
        }
        _ => read::<CallbackQuery>(object).and_then(callback),
    };
    Ok(vec![match event {
        Ok(e) => e,
        Err(why) => unparsed(format!("update {update_id} ({kind}): {why}"), update),
    }])
}

fn read<T: DeserializeOwned>(v: &Value) -> Result<T, String> {
    T::deserialize(v).map_err(|e| e.to_string())
}

fn unparsed(reason: String, raw: Value) -> InboundEvent {
    InboundEvent::Unparsed { reason, raw }
}

fn at(unix: i64) -> Result<OffsetDateTime, String> {
    OffsetDateTime::from_unix_timestamp(unix).map_err(|_| format!("date {unix} out of range"))
}

fn message(m: Message, edited: bool) -> InboundEvent {
    match message_of(m, edited) {
        Ok(m) => InboundEvent::Message(Box::new(m)),
        Err((why, raw)) => unparsed(why, raw),
    }
}

fn message_of(m: Message, edited: bool) -> Result<InboundMessage, (String, Value)> {
    let key = message_key(m.chat.id, m.message_id);
    let when = match (edited, m.edit_date) {
        (true, Some(edit)) => edit,
        _ => m.date,
    };
    let timestamp = at(when).map_err(|why| (why, Value::Null))?;
    let (profile_name, participant) = if m.chat.is_group() {
        let participant = m.from.as_ref().map(|u| Participant {
            id: u.id.to_string(),
            name: Some(u.full_name()),
            username: u.username.clone(),
        });
        (m.chat.display_name(), participant)
    } else {
        let name = m.from.as_ref().map(|u| u.full_name());
        (name.or_else(|| m.chat.display_name()), None)
    };
    let (provider_message_id, content, reply_to) = if edited {
        let body = m.text.clone().or_else(|| m.caption.clone());
        let notice = InboundContent::System(SystemNotice::edited(body));
        (format!("{key}:edit:{when}"), notice, Some(key))
    } else {
        let reply_to = m
            .reply_to_message
            .as_ref()
            .map(|r| message_key(r.chat.id, r.message_id));
        (key, content(&m), reply_to)
    };
    Ok(InboundMessage {
        account: String::new(),
        provider_message_id,
        from: m.chat.id.to_string(),
        profile_name,
        timestamp,
        reply_to,
        forwarded: Forwarded::No,
        referral: None,
        content,
        errors: Vec::new(),
        participant,
    })
}

/// What a message carries, checked in the order Telegram's own clients show it.
fn content(m: &Message) -> InboundContent {
    let caption = m.caption.clone();
    let file = |kind, f: &super::wire::FileRef, voice: bool| {
        InboundContent::Media(InboundMedia {
            kind,
            id: f.file_id.clone(),
            mime_type: f.mime_type.clone(),
            sha256: None,
            caption: caption.clone(),
            filename: f.file_name.clone(),
            voice,
            animated: f.is_animated || f.is_video,
        })
    };
    if let Some(text) = &m.text {
        return InboundContent::Text { body: text.clone() };
    }
    // The largest size: Telegram lists them smallest first.
    if let Some(largest) = m.photo.as_ref().and_then(|sizes| {
        sizes
            .iter()
            .max_by_key(|s| (u64::from(s.width) * u64::from(s.height), s.file_size))
    }) {
        return InboundContent::Media(InboundMedia {
            kind: MediaKind::Image,
            id: largest.file_id.clone(),
            mime_type: Some("image/jpeg".into()),
            sha256: None,
            caption,
            filename: None,
            voice: false,
            animated: false,
        });
    }
    if let Some(f) = &m.video {
        return file(MediaKind::Video, f, false);
    }
    if let Some(f) = &m.voice {
        return file(MediaKind::Audio, f, true);
    }
    if let Some(f) = &m.audio {
        return file(MediaKind::Audio, f, false);
    }
    if let Some(f) = &m.sticker {
        return file(MediaKind::Sticker, f, false);
    }
    if let Some(f) = &m.document {
        return file(MediaKind::Document, f, false);
    }
    if let Some(v) = &m.venue {
        return InboundContent::Location {
            latitude: v.location.latitude,
            longitude: v.location.longitude,
            name: Some(v.title.clone()),
            address: Some(v.address.clone()),
            url: None,
        };
    }
    if let Some(l) = &m.location {
        return InboundContent::Location {
            latitude: l.latitude,
            longitude: l.longitude,
            name: None,
            address: None,
            url: None,
        };
    }
    if let Some(c) = &m.contact {
        return InboundContent::Contacts(vec![contact_card(c)]);
    }
    InboundContent::Unsupported {
        kind: "telegram_message".into(),
        raw: serde_json::to_value(m.entities.clone()).unwrap_or(Value::Null),
    }
}

fn contact_card(c: &super::wire::Contact) -> switchboard_domain::content::Contact {
    use switchboard_domain::content::{Contact, ContactName, ContactPhone};
    let formatted = match &c.last_name {
        Some(last) if !last.is_empty() => format!("{} {last}", c.first_name),
        _ => c.first_name.clone(),
    };
    Contact {
        name: ContactName {
            formatted_name: formatted,
            first_name: Some(c.first_name.clone()),
            last_name: c.last_name.clone(),
            middle_name: None,
            prefix: None,
            suffix: None,
        },
        phones: vec![ContactPhone {
            phone: c.phone_number.clone(),
            label: None,
            wa_id: None,
        }],
        emails: Vec::new(),
        org: None,
        urls: Vec::new(),
    }
}

/// A button tap: filed in the chat of the message that carried the keyboard.
fn callback(q: CallbackQuery) -> Result<InboundEvent, String> {
    let Some(carrier) = q.message.as_deref() else {
        return Err("a button tap on a message too old to name its chat".into());
    };
    let data = q.data.clone().unwrap_or_default();
    let participant = carrier.chat.is_group().then(|| Participant {
        id: q.from.id.to_string(),
        name: Some(q.from.full_name()),
        username: q.from.username.clone(),
    });
    let profile_name = if carrier.chat.is_group() {
        carrier.chat.display_name()
    } else {
        Some(q.from.full_name())
    };
    Ok(InboundEvent::Message(Box::new(InboundMessage {
        account: String::new(),
        provider_message_id: format!("callback:{}", q.id),
        from: carrier.chat.id.to_string(),
        profile_name,
        // A tap carries no date of its own; the hub's clock is the best we have.
        timestamp: OffsetDateTime::now_utc(),
        reply_to: Some(message_key(carrier.chat.id, carrier.message_id)),
        forwarded: Forwarded::No,
        referral: None,
        content: InboundContent::ButtonReply {
            title: button_title(carrier, &data).unwrap_or_else(|| data.clone()),
            id: data,
        },
        errors: Vec::new(),
        participant,
    })))
}

/// The title of the button whose data is `data`, read from the keyboard the message carried.
fn button_title(carrier: &Message, data: &str) -> Option<String> {
    let rows = carrier
        .reply_markup
        .as_ref()?
        .get("inline_keyboard")?
        .as_array()?;
    rows.iter()
        .filter_map(Value::as_array)
        .flatten()
        .find(|b| b.get("callback_data").and_then(Value::as_str) == Some(data))
        .and_then(|b| b.get("text")?.as_str().map(str::to_owned))
}

#[cfg(test)]
mod tests;
