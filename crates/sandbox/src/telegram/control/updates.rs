//! `POST /sandbox/v1/telegram/bots/{bot}/updates`: a customer acts in a chat and the bot's webhook
//! gets the Update, shaped exactly as Telegram's (PROVIDERS §3.3). The body names the chat and one
//! action:
//!
//! - a message: `text`, or a file (`photo` / `document` / `video` / `audio` / `voice` /
//!   `sticker` as `{"data_base64", "mime_type"?, "file_name"?}`) with `caption`, or `location`
//!   `{latitude, longitude}`, or `contact` `{phone_number, first_name}`; `reply_to_message_id`
//!   quotes an earlier message;
//! - `edit_of`: the id of an earlier message, edited to `text` (an `edited_message`);
//! - `callback`: `{message_id, data}`, a tap on one of the bot's inline buttons;
//! - `raw`: any object, sent as the update as is (an `update_id` is added when absent).
//!
//! In groups `from` (`{id, first_name, ...}`) names the member; private chats write as the chat.
//! `secret` (`wrong` / `missing`) sends the secret header wrong or not at all. The answer has the
//! `update_id`, the new `message_id`, and the hub's first answer status (`null` without webhook).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::refuse;
use crate::state::AppState;
use crate::telegram::bot::Bot;
use crate::telegram::deliver::{Secret, push_update};

/// The file kinds a customer can send: field, folder, extension, default type.
const FILES: [(&str, &str, &str, &str); 6] = [
    ("photo", "photos", "jpg", "image/jpeg"),
    ("document", "documents", "pdf", "application/pdf"),
    ("video", "videos", "mp4", "video/mp4"),
    ("audio", "music", "mp3", "audio/mpeg"),
    ("voice", "voice", "oga", "audio/ogg"),
    ("sticker", "stickers", "webp", "image/webp"),
];

pub(super) async fn post(
    State(state): State<Arc<AppState>>,
    Path(bot): Path<i64>,
    Json(body): Json<Value>,
) -> Response {
    let secret = match body.get("secret").and_then(Value::as_str) {
        None => Secret::AsSet,
        Some("wrong") => Secret::Wrong,
        Some("missing") => Secret::Missing,
        Some(_) => return refuse(StatusCode::BAD_REQUEST, "secret must be wrong or missing"),
    };
    let built = state.telegram.with_bot(bot, |b| build(b, &body));
    let (update, message_id) = match built {
        None => return refuse(StatusCode::NOT_FOUND, "no such bot"),
        Some(Err(e)) => return refuse(StatusCode::BAD_REQUEST, e),
        Some(Ok(u)) => u,
    };
    let update_id = update["update_id"].clone();
    let status = push_update(&state, bot, update, secret).await;
    Json(json!({"update_id": update_id, "message_id": message_id, "delivery_status": status}))
        .into_response()
}

/// The Update and the id of the message it carries, if any.
fn build(bot: &mut Bot, body: &Value) -> Result<(Value, Option<i64>), String> {
    if let Some(raw) = body.get("raw") {
        let mut update = raw.clone();
        let Some(obj) = update.as_object_mut() else {
            return Err("raw must be an object".into());
        };
        if !obj.contains_key("update_id") {
            obj.insert("update_id".into(), json!(bot.next_update_id()));
        }
        return Ok((update, None));
    }
    let chat_id = body
        .get("chat_id")
        .and_then(Value::as_i64)
        .ok_or("chat_id is required")?;
    let chat = bot.chats.get(&chat_id).ok_or("no such chat")?.clone();
    let from = match body.get("from") {
        Some(f) if f.get("id").is_some_and(Value::is_i64) => {
            let mut f = f.clone();
            f["is_bot"] = json!(false);
            if f.get("first_name").is_none() {
                f["first_name"] = json!("Member");
            }
            f
        }
        Some(_) => return Err("from needs an integer id".into()),
        None if chat.is_group() => {
            json!({"id": 6_000_000_001_i64, "is_bot": false, "first_name": "Member"})
        }
        None => json!({
            "id": chat.id, "is_bot": false,
            "first_name": chat.first_name.clone().unwrap_or_default(),
            "username": chat.username, "language_code": "en",
        }),
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if let Some(cb) = body.get("callback") {
        let message_id = cb
            .get("message_id")
            .and_then(Value::as_i64)
            .ok_or("callback.message_id is required")?;
        let carrier = bot
            .outbox
            .iter()
            .rev()
            .find(|m| m["chat"]["id"] == json!(chat_id) && m["message_id"] == json!(message_id))
            .cloned()
            .ok_or("callback.message_id is not a message the bot sent in this chat")?;
        let update_id = bot.next_update_id();
        let update = json!({"update_id": update_id, "callback_query": {
            "id": format!("{}{update_id}", bot.id),
            "from": from,
            "message": carrier,
            "chat_instance": format!("{}", chat_id.unsigned_abs()),
            "data": cb.get("data").cloned().unwrap_or(Value::Null),
        }});
        return Ok((update, None));
    }
    if let Some(original) = body.get("edit_of").and_then(Value::as_i64) {
        let text = body
            .get("text")
            .and_then(Value::as_str)
            .ok_or("an edit needs text")?;
        let update_id = bot.next_update_id();
        let update = json!({"update_id": update_id, "edited_message": {
            "message_id": original, "from": from, "chat": chat.json(),
            "date": now - 60, "edit_date": now, "text": text,
        }});
        return Ok((update, Some(original)));
    }
    let mut message = Map::new();
    content(bot, body, &mut message)?;
    let chat_ref = bot.chats.get_mut(&chat_id).ok_or("no such chat")?;
    let message_id = chat_ref.next_message_id();
    if let Some(reply) = body.get("reply_to_message_id").and_then(Value::as_i64) {
        message.insert(
            "reply_to_message".into(),
            json!({"message_id": reply, "chat": chat.json(), "date": now}),
        );
    }
    message.insert("message_id".into(), json!(message_id));
    if chat.kind != "channel" {
        message.insert("from".into(), from);
    }
    message.insert("chat".into(), chat.json());
    message.insert("date".into(), json!(now));
    let field = if chat.kind == "channel" {
        "channel_post"
    } else {
        "message"
    };
    let update = json!({"update_id": bot.next_update_id(), field: message});
    Ok((update, Some(message_id)))
}

/// The message's content fields.
fn content(bot: &mut Bot, body: &Value, message: &mut Map<String, Value>) -> Result<(), String> {
    if let Some(text) = body.get("text").and_then(Value::as_str) {
        message.insert("text".into(), json!(text));
        if text.starts_with('/') {
            let len = text
                .split_whitespace()
                .next()
                .map_or(0, |c| c.encode_utf16().count());
            message.insert(
                "entities".into(),
                json!([{"type": "bot_command", "offset": 0, "length": len}]),
            );
        }
        return Ok(());
    }
    for (field, folder, ext, default_mime) in FILES {
        let Some(spec) = body.get(field) else {
            continue;
        };
        let bytes = spec
            .get("data_base64")
            .and_then(Value::as_str)
            .map(|b| base64::engine::general_purpose::STANDARD.decode(b))
            .transpose()
            .map_err(|e| format!("{field}.data_base64: {e}"))?
            .unwrap_or_else(|| b"sandbox placeholder media".to_vec());
        let mime = spec
            .get("mime_type")
            .and_then(Value::as_str)
            .unwrap_or(default_mime);
        let size = bytes.len();
        let file_id = bot.add_file(folder, ext, mime, Some(bytes.into()));
        let unique = bot.files.get(&file_id).map(|f| f.file_unique_id.clone());
        let object = json!({"file_id": file_id, "file_unique_id": unique, "file_size": size});
        if field == "photo" {
            let mut small = object.clone();
            small["width"] = json!(90);
            small["height"] = json!(90);
            let mut large = object;
            large["width"] = json!(1280);
            large["height"] = json!(960);
            message.insert("photo".into(), json!([small, large]));
        } else {
            let mut object = object;
            object["mime_type"] = json!(mime);
            if let Some(name) = spec.get("file_name") {
                object["file_name"] = name.clone();
            }
            message.insert(field.into(), object);
        }
        if let Some(caption) = body.get("caption") {
            message.insert("caption".into(), caption.clone());
        }
        return Ok(());
    }
    for field in ["location", "contact"] {
        if let Some(v) = body.get(field) {
            message.insert(field.into(), v.clone());
            return Ok(());
        }
    }
    Err("say what the customer sends: text, a file, location or contact".into())
}
