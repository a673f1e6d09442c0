//! The send methods (`sendMessage`, `sendPhoto`, `sendDocument`, `sendVideo`, `sendAudio`,
//! `sendVoice`, `sendSticker`, `sendLocation`, `sendVenue`, `sendContact`): the chat is checked
//! (exists, not blocked, not migrated), the content validated as Telegram does, the rate limits
//! applied, and the sent Message answered and recorded in the bot's outbox.

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::bot::Bot;
use super::params::Params;
use super::reply::TgError;

/// Text after entity parsing, in characters.
const MAX_TEXT: usize = 4096;
const MAX_CAPTION: usize = 1024;
/// Multipart uploads: 10 MB for photos, 50 MB for other files.
const MAX_PHOTO_UPLOAD: usize = 10 * 1024 * 1024;
const MAX_FILE_UPLOAD: usize = 50 * 1024 * 1024;
/// `callback_data` is 1 to 64 bytes.
const MAX_CALLBACK_DATA: usize = 64;

/// Which send method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Message,
    Photo,
    Document,
    Video,
    Audio,
    Voice,
    Sticker,
    Location,
    Venue,
    Contact,
}

pub(super) fn kind_of(method: &str) -> Option<Kind> {
    Some(match method {
        "sendmessage" => Kind::Message,
        "sendphoto" => Kind::Photo,
        "senddocument" => Kind::Document,
        "sendvideo" => Kind::Video,
        "sendaudio" => Kind::Audio,
        "sendvoice" => Kind::Voice,
        "sendsticker" => Kind::Sticker,
        "sendlocation" => Kind::Location,
        "sendvenue" => Kind::Venue,
        "sendcontact" => Kind::Contact,
        _ => return None,
    })
}

/// The file field, storage folder, extension and default type of each file kind.
fn file_kind(kind: Kind) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    Some(match kind {
        Kind::Photo => ("photo", "photos", "jpg", "image/jpeg"),
        Kind::Document => ("document", "documents", "bin", "application/octet-stream"),
        Kind::Video => ("video", "videos", "mp4", "video/mp4"),
        Kind::Audio => ("audio", "music", "mp3", "audio/mpeg"),
        Kind::Voice => ("voice", "voice", "oga", "audio/ogg"),
        Kind::Sticker => ("sticker", "stickers", "webp", "image/webp"),
        _ => return None,
    })
}

pub(super) fn send(bot: &mut Bot, kind: Kind, params: &Params) -> Result<Value, TgError> {
    let chat_id = target(bot, params)?;
    let mut content = Map::new();
    match kind {
        Kind::Message => {
            let text = params
                .str("text")
                .ok_or_else(|| TgError::bad("message text is empty"))?;
            if text.chars().count() > MAX_TEXT {
                return Err(TgError::bad("message is too long"));
            }
            content.insert("text".into(), json!(text));
        }
        Kind::Location | Kind::Venue => {
            let (lat, lon) = match (params.f64("latitude"), params.f64("longitude")) {
                (Some(lat), Some(lon)) if lat.abs() <= 90.0 && lon.abs() <= 180.0 => (lat, lon),
                _ => return Err(TgError::bad("wrong latitude or longitude specified")),
            };
            let location = json!({"latitude": lat, "longitude": lon});
            if kind == Kind::Venue {
                let (Some(title), Some(address)) = (params.str("title"), params.str("address"))
                else {
                    return Err(TgError::bad("venue title and address must be non-empty"));
                };
                content.insert(
                    "venue".into(),
                    json!({"location": location, "title": title, "address": address}),
                );
            }
            content.insert("location".into(), location);
        }
        Kind::Contact => {
            let (Some(phone), Some(first)) = (params.str("phone_number"), params.str("first_name"))
            else {
                return Err(TgError::bad(
                    "phone number and first name must be non-empty",
                ));
            };
            let mut contact = json!({"phone_number": phone, "first_name": first});
            if let Some(last) = params.str("last_name") {
                contact["last_name"] = json!(last);
            }
            content.insert("contact".into(), contact);
        }
        _ => file(bot, kind, params, &mut content)?,
    }
    if let Some(markup) = params.json("reply_markup")? {
        check_markup(&markup)?;
        content.insert("reply_markup".into(), markup);
    }
    let chat = bot
        .chats
        .get_mut(&chat_id)
        .ok_or_else(TgError::chat_not_found)?;
    let reply_to = reply_target(params)?;
    let quoted = match reply_to {
        Some((id, _)) if id > 0 && id <= chat.last_message_id => Some(id),
        Some((_, true)) | None => None,
        Some((_, false)) => return Err(TgError::bad("message to be replied not found")),
    };
    let group = chat.is_group();
    bot.limits
        .admit(chat_id, group, Instant::now())
        .map_err(TgError::too_many)?;
    let from = bot.user();
    let chat = bot
        .chats
        .get_mut(&chat_id)
        .ok_or_else(TgError::chat_not_found)?;
    let message_id = chat.next_message_id();
    let mut message = json!({
        "message_id": message_id,
        "from": from,
        "chat": chat.json(),
        "date": time::OffsetDateTime::now_utc().unix_timestamp(),
    });
    if let Some(id) = quoted {
        message["reply_to_message"] =
            json!({"message_id": id, "chat": chat.json(), "date": message["date"]});
    }
    for (k, v) in content {
        message[k] = v;
    }
    bot.record_sent(message.clone());
    Ok(message)
}

/// The chat a send is for: an id, or a public `@username`. Blocked and migrated chats answer
/// the errors Telegram gives.
fn target(bot: &Bot, params: &Params) -> Result<i64, TgError> {
    let raw = params
        .str("chat_id")
        .ok_or_else(|| TgError::bad("chat_id is empty"))?;
    let chat = if let Some(name) = raw.strip_prefix('@') {
        bot.chats
            .values()
            .find(|c| c.username.as_deref() == Some(name))
    } else {
        raw.parse::<i64>().ok().and_then(|id| bot.chats.get(&id))
    }
    .ok_or_else(TgError::chat_not_found)?;
    if let Some(new_id) = chat.migrated_to {
        return Err(TgError {
            parameters: Some(json!({"migrate_to_chat_id": new_id})),
            ..TgError::bad("group chat was upgraded to a supergroup chat")
        });
    }
    if chat.blocked {
        return Err(TgError::new(403, "Forbidden: bot was blocked by the user"));
    }
    Ok(chat.id)
}

/// `reply_parameters.message_id` (or the older `reply_to_message_id`) and whether a missing
/// message is tolerated.
fn reply_target(params: &Params) -> Result<Option<(i64, bool)>, TgError> {
    if let Some(rp) = params.json("reply_parameters")? {
        let id = rp
            .get("message_id")
            .and_then(Value::as_i64)
            .ok_or_else(|| TgError::bad("message to be replied not found"))?;
        let lenient = rp
            .get("allow_sending_without_reply")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        return Ok(Some((id, lenient)));
    }
    Ok(params
        .i64("reply_to_message_id")
        .map(|id| (id, params.bool("allow_sending_without_reply"))))
}

/// Inline keyboards: rows of buttons, each with a text and exactly one action.
fn check_markup(markup: &Value) -> Result<(), TgError> {
    let Some(rows) = markup.get("inline_keyboard") else {
        // Reply keyboards and removals are accepted as they are.
        return Ok(());
    };
    let rows = rows.as_array().ok_or_else(|| {
        TgError::bad(
            "field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays",
        )
    })?;
    for button in rows.iter().flat_map(|r| r.as_array().into_iter().flatten()) {
        if button
            .get("text")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(TgError::bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
            ));
        }
        match (button.get("callback_data"), button.get("url")) {
            (Some(Value::String(d)), None) if !d.is_empty() && d.len() <= MAX_CALLBACK_DATA => {}
            (Some(_), None) => return Err(TgError::bad("BUTTON_DATA_INVALID")),
            (None, Some(Value::String(u))) if u.starts_with("http") || u.starts_with("tg://") => {}
            (None, Some(_)) => return Err(TgError::bad("BUTTON_URL_INVALID")),
            _ => {
                return Err(TgError::bad(
                    "can't parse inline keyboard button: InlineKeyboardButton must have exactly one optional field",
                ));
            }
        }
    }
    Ok(())
}

/// A file send: an upload, a known `file_id`, or an HTTP URL (recorded, not fetched).
fn file(
    bot: &mut Bot,
    kind: Kind,
    params: &Params,
    content: &mut Map<String, Value>,
) -> Result<(), TgError> {
    let Some((field, folder, ext, default_mime)) = file_kind(kind) else {
        return Err(TgError::not_found());
    };
    if let Some(caption) = params.str("caption")
        && caption.chars().count() > MAX_CAPTION
    {
        return Err(TgError::bad("message caption is too long"));
    }
    let file_id = if let Some(upload) = params.files.get(field) {
        let cap = if kind == Kind::Photo {
            MAX_PHOTO_UPLOAD
        } else {
            MAX_FILE_UPLOAD
        };
        if upload.bytes.len() > cap {
            return Err(TgError::new(413, "Request Entity Too Large"));
        }
        let mime = upload
            .content_type
            .clone()
            .unwrap_or_else(|| default_mime.into());
        let ext = upload
            .filename
            .as_deref()
            .and_then(|n| n.rsplit_once('.'))
            .map_or(ext, |(_, e)| e);
        let ext = ext.to_owned();
        bot.add_file(folder, &ext, &mime, Some(upload.bytes.clone()))
    } else {
        let source = params
            .str(field)
            .ok_or_else(|| TgError::bad(format!("there is no {field} in the request")))?;
        if bot.files.contains_key(&source) {
            source
        } else if source.starts_with("http://") || source.starts_with("https://") {
            bot.add_file(folder, ext, default_mime, None)
        } else {
            return Err(TgError::bad("wrong file identifier/HTTP URL specified"));
        }
    };
    let stored = bot
        .files
        .get(&file_id)
        .cloned()
        .ok_or_else(TgError::not_found)?;
    let file_name = params.files.get(field).and_then(|u| u.filename.clone());
    let mut object = json!({
        "file_id": file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    });
    if kind == Kind::Photo {
        // Telegram answers every size it made, smallest first.
        let mut thumb = object.clone();
        thumb["width"] = json!(90);
        thumb["height"] = json!(90);
        object["width"] = json!(1280);
        object["height"] = json!(960);
        content.insert("photo".into(), json!([thumb, object]));
    } else {
        object["mime_type"] = json!(stored.mime_type);
        if let Some(name) = file_name {
            object["file_name"] = json!(name);
        }
        content.insert(field.into(), object);
    }
    if let Some(caption) = params.str("caption") {
        content.insert("caption".into(), json!(caption));
    }
    Ok(())
}
