//! Sends whose file travels in the request (multipart, PROVIDERS §3.2): the hub's own files,
//! which Telegram cannot fetch by URL from a hub behind a firewall. Telegram answers the sent
//! Message, whose `file_id` re-sends the same file without the bytes; it is handed back so the
//! hub keeps it per channel.

use reqwest::multipart::{Form, Part};
use serde_json::Value;

use super::Telegram;
use super::exchange::{self, Failure};
use crate::media::{AttachedFile, KeptFile};
use crate::outbound::{SendAction, SendError};
use crate::telegram::send::Call;

/// The file fields of the send methods.
const FILE_FIELDS: [&str; 5] = ["photo", "document", "video", "audio", "sticker"];

/// Sends `call` with the attached file its file field names, as multipart.
pub(super) async fn send(
    bot: &Telegram,
    call: &Call,
    files: &[AttachedFile],
) -> Result<(Value, Vec<KeptFile>), Failure> {
    let mut form = Form::new();
    let mut attached = None;
    for (key, value) in &call.params {
        let named = value
            .as_str()
            .and_then(|v| files.iter().find(|f| f.media_id == v));
        match named {
            Some(file) if FILE_FIELDS.contains(&key.as_str()) => {
                let part = Part::bytes(file.bytes.to_vec())
                    .file_name(file.filename.clone())
                    .mime_str(&file.mime_type)
                    .map_err(|e| {
                        SendError::local(
                            SendAction::Rejected,
                            "invalid_content",
                            e.without_url().to_string(),
                        )
                    })?;
                form = form.part(key.clone(), part);
                attached = Some((key.clone(), file.media_id.clone()));
            }
            _ => {
                // Multipart values are text: strings as they are, the rest as JSON.
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                form = form.text(key.clone(), text);
            }
        }
    }
    let request = bot.http.post(bot.method_url(call.method)).multipart(form);
    let result = exchange::json(request).await?;
    let kept = attached
        .and_then(|(field, media_id)| {
            file_id(&result, &field).map(|provider_media_id| KeptFile {
                media_id,
                provider_media_id,
            })
        })
        .into_iter()
        .collect();
    Ok((result, kept))
}

/// The `file_id` of the sent file: a photo's largest size, any other kind's object.
fn file_id(message: &Value, field: &str) -> Option<String> {
    let object = match message.get(field)? {
        Value::Array(sizes) => sizes.last()?,
        other => other,
    };
    object.get("file_id")?.as_str().map(str::to_owned)
}
