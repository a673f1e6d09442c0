//! Reads one `value.messages[]` element into an [`InboundMessage`]: the common fields first,
//! then the body named by `type`. Errors are plain strings for `WebhookEvent::Unparsed`.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use time::OffsetDateTime;

use super::message::{InboundBody, InboundContext, InboundMessage, Referral};
use super::status::WebhookError;
use crate::whatsapp_cloud::wire::unix_seconds;

/// The fields every message has, read before the body.
#[derive(Deserialize)]
struct Common {
    from: String,
    id: String,
    #[serde(deserialize_with = "unix_seconds")]
    timestamp: OffsetDateTime,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    from_user_id: Option<String>,
    #[serde(default)]
    context: Option<InboundContext>,
    #[serde(default)]
    referral: Option<Referral>,
    #[serde(default)]
    errors: Vec<WebhookError>,
}

impl InboundMessage {
    /// Reads one `messages[]` element; the error says what was wrong.
    pub(super) fn from_value(raw: &Value) -> Result<Self, String> {
        let c = Common::deserialize(raw).map_err(|e| format!("message: {e}"))?;
        let body = body(&c.kind, raw)?;
        Ok(Self {
            from: c.from,
            id: c.id,
            timestamp: c.timestamp,
            from_user_id: c.from_user_id,
            context: c.context,
            referral: c.referral,
            errors: c.errors,
            body,
        })
    }
}

fn body(kind: &str, raw: &Value) -> Result<InboundBody, String> {
    #[derive(Deserialize)]
    struct TextObject {
        body: String,
    }
    #[derive(Deserialize)]
    struct ReactionObject {
        message_id: String,
        #[serde(default)]
        emoji: Option<String>,
    }
    Ok(match kind {
        "text" => InboundBody::Text {
            body: field::<TextObject>(raw, "text")?.body,
        },
        "image" => InboundBody::Image(field(raw, "image")?),
        "video" => InboundBody::Video(field(raw, "video")?),
        "audio" => InboundBody::Audio(field(raw, "audio")?),
        "document" => InboundBody::Document(field(raw, "document")?),
        "sticker" => InboundBody::Sticker(field(raw, "sticker")?),
        "location" => InboundBody::Location(field(raw, "location")?),
        "contacts" => InboundBody::Contacts(field(raw, "contacts")?),
        "button" => InboundBody::Button(field(raw, "button")?),
        "order" => InboundBody::Order(field(raw, "order")?),
        "system" => InboundBody::System(field(raw, "system")?),
        "reaction" => {
            let r: ReactionObject = field(raw, "reaction")?;
            let emoji = r.emoji.filter(|e| !e.is_empty());
            InboundBody::Reaction {
                message_id: r.message_id,
                emoji,
            }
        }
        "interactive" => interactive(raw)?,
        other => InboundBody::Unsupported {
            kind: other.to_owned(),
            raw: raw.clone(),
        },
    })
}

/// `button_reply` and `list_reply`; other interactive replies (flows…) are kept verbatim.
fn interactive(raw: &Value) -> Result<InboundBody, String> {
    let obj = raw
        .get("interactive")
        .ok_or("`interactive` object is missing")?;
    match obj.get("type").and_then(Value::as_str) {
        Some("button_reply") => Ok(InboundBody::ButtonReply(field(obj, "button_reply")?)),
        Some("list_reply") => Ok(InboundBody::ListReply(field(obj, "list_reply")?)),
        Some(_) => Ok(InboundBody::Unsupported {
            kind: "interactive".to_owned(),
            raw: raw.clone(),
        }),
        None => Err("`interactive.type` is missing".to_owned()),
    }
}

fn field<T: DeserializeOwned>(raw: &Value, key: &str) -> Result<T, String> {
    let v = raw
        .get(key)
        .ok_or_else(|| format!("`{key}` object is missing"))?;
    T::deserialize(v).map_err(|e| format!("`{key}`: {e}"))
}
