//! Neutral outbound content to one Bot API call: the method and its JSON parameters. Everything
//! is decided here, before any I/O, so what Telegram cannot carry (templates, reactions, several
//! contact cards in one message, button ids over 64 bytes) is refused with a stable code and
//! nothing is sent.
//!
//! Buttons become an inline keyboard whose `callback_data` is the button's id, so a tap comes
//! back (as a `callback_query`) with the id the caller chose, like WhatsApp's button replies.

use serde_json::{Map, Value, json};
use switchboard_domain::content::{Content, Header, Media, MediaSource};

use super::wire::message_id_of;
use crate::outbound::{OutboundMessage, SendAction, SendError, check_content};

pub use crate::outbound::INVALID_CONTENT;

/// The stable code of a content kind Telegram has no equivalent for.
pub const UNSUPPORTED: &str = "unsupported_content";
/// Telegram's limit on a callback button's data, in bytes.
const MAX_CALLBACK_DATA: usize = 64;

/// One Bot API call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// e.g. `sendMessage`.
    pub method: &'static str,
    /// Its parameters, `chat_id` included.
    pub params: Map<String, Value>,
}

fn refuse(code: &'static str, text: impl Into<String>) -> SendError {
    SendError::local(SendAction::Rejected, code, text)
}

/// `chat_id` as Telegram takes it: an integer, or `@channelname` as a string.
pub fn chat_id(to: &str) -> Value {
    match to.parse::<i64>() {
        Ok(id) => json!(id),
        Err(_) => json!(to),
    }
}

/// The call that sends `message`.
pub fn call(message: &OutboundMessage) -> Result<Call, SendError> {
    check_content(&message.content)?;
    let (method, mut params) = content(&message.content.content)?;
    params.insert("chat_id".into(), chat_id(&message.to));
    if let Some(reply_to) = &message.content.reply_to {
        let id = message_id_of(reply_to).ok_or_else(|| {
            refuse(
                INVALID_CONTENT,
                format!("reply_to `{reply_to}` is not a Telegram message id"),
            )
        })?;
        // A quoted message the customer deleted must not make the answer fail.
        params.insert(
            "reply_parameters".into(),
            json!({"message_id": id, "allow_sending_without_reply": true}),
        );
    }
    Ok(Call { method, params })
}

fn content(content: &Content) -> Result<(&'static str, Map<String, Value>), SendError> {
    let mut p = Map::new();
    let method = match content {
        Content::Text(t) => {
            p.insert("text".into(), json!(t.body));
            p.insert(
                "link_preview_options".into(),
                json!({"is_disabled": !t.preview_url}),
            );
            "sendMessage"
        }
        Content::Image(m) => media(&mut p, "photo", m)?,
        Content::Video(m) => media(&mut p, "video", m)?,
        Content::Audio(m) => media(&mut p, "audio", m)?,
        Content::Document(m) => media(&mut p, "document", m)?,
        Content::Sticker(m) => media(&mut p, "sticker", m)?,
        Content::Location(l) => {
            p.insert("latitude".into(), json!(l.latitude));
            p.insert("longitude".into(), json!(l.longitude));
            match (&l.name, &l.address) {
                // A venue needs both; a bare point is a location.
                (Some(name), Some(address)) => {
                    p.insert("title".into(), json!(name));
                    p.insert("address".into(), json!(address));
                    "sendVenue"
                }
                _ => "sendLocation",
            }
        }
        Content::Contacts(c) => {
            let [card] = c.contacts.as_slice() else {
                return Err(refuse(
                    INVALID_CONTENT,
                    "Telegram sends one contact card per message",
                ));
            };
            let phone = card.phones.first().ok_or_else(|| {
                refuse(INVALID_CONTENT, "a Telegram contact needs a phone number")
            })?;
            let first = card
                .name
                .first_name
                .clone()
                .unwrap_or_else(|| card.name.formatted_name.clone());
            p.insert("phone_number".into(), json!(phone.phone));
            p.insert("first_name".into(), json!(first));
            if let Some(last) = &card.name.last_name {
                p.insert("last_name".into(), json!(last));
            }
            "sendContact"
        }
        Content::ReplyButtons(b) => {
            let row = b
                .buttons
                .iter()
                .map(|b| button(&b.id, &b.title))
                .collect::<Result<Vec<_>, _>>()?;
            let body = framed(None, &b.body, b.footer.as_deref());
            let method = with_header(&mut p, b.header.as_ref(), body)?;
            p.insert("reply_markup".into(), json!({"inline_keyboard": [row]}));
            method
        }
        Content::List(l) => {
            // One row per choice: a list's sections have no place on a keyboard, so their titles
            // are lost; the choices and their ids are what matters.
            let rows = l
                .sections
                .iter()
                .flat_map(|s| &s.rows)
                .map(|r| button(&r.id, &r.title).map(|b| vec![b]))
                .collect::<Result<Vec<_>, _>>()?;
            let text = framed(l.header.as_deref(), &l.body, l.footer.as_deref());
            p.insert("text".into(), json!(text));
            p.insert("reply_markup".into(), json!({"inline_keyboard": rows}));
            "sendMessage"
        }
        Content::CtaUrl(c) => {
            let body = framed(None, &c.body, c.footer.as_deref());
            let method = with_header(&mut p, c.header.as_ref(), body)?;
            p.insert(
                "reply_markup".into(),
                json!({"inline_keyboard": [[{"text": c.display_text, "url": c.url}]]}),
            );
            method
        }
        Content::Template(_) | Content::Reaction(_) => {
            return Err(refuse(
                UNSUPPORTED,
                format!("Telegram cannot carry {} content", content.kind().as_str()),
            ));
        }
    };
    Ok((method, p))
}

/// A media send: the file field is a `file_id` or a URL Telegram fetches itself.
fn media(
    p: &mut Map<String, Value>,
    field: &'static str,
    m: &Media,
) -> Result<&'static str, SendError> {
    let source = match m.source() {
        Some(MediaSource::Id(id)) => id,
        Some(MediaSource::Url(url)) => url,
        None => {
            return Err(refuse(
                INVALID_CONTENT,
                "media needs exactly one of `media_id` and `url`",
            ));
        }
    };
    p.insert(field.into(), json!(source));
    if let Some(caption) = &m.caption {
        p.insert("caption".into(), json!(caption));
    }
    Ok(match field {
        "photo" => "sendPhoto",
        "video" => "sendVideo",
        "audio" => "sendAudio",
        "sticker" => "sendSticker",
        _ => "sendDocument",
    })
}

/// A message with an optional header: a media header makes it a media message captioned with
/// the text, a text header becomes its first line.
fn with_header(
    p: &mut Map<String, Value>,
    header: Option<&Header>,
    body: String,
) -> Result<&'static str, SendError> {
    let (field, m) = match header {
        None => {
            p.insert("text".into(), json!(body));
            return Ok("sendMessage");
        }
        Some(Header::Text { text }) => {
            p.insert("text".into(), json!(format!("{text}\n\n{body}")));
            return Ok("sendMessage");
        }
        Some(Header::Image(m)) => ("photo", m),
        Some(Header::Video(m)) => ("video", m),
        Some(Header::Document(m)) => ("document", m),
    };
    let method = media(p, field, m)?;
    p.insert("caption".into(), json!(body));
    Ok(method)
}

/// Header, body and footer as one text, blank lines between.
fn framed(header: Option<&str>, body: &str, footer: Option<&str>) -> String {
    [header, Some(body), footer]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn button(id: &str, title: &str) -> Result<Value, SendError> {
    if id.len() > MAX_CALLBACK_DATA {
        return Err(refuse(
            INVALID_CONTENT,
            format!("button id `{id}` is longer than Telegram's {MAX_CALLBACK_DATA} bytes"),
        ));
    }
    Ok(json!({"text": title, "callback_data": id}))
}

#[cfg(test)]
mod tests;
