//! Twilio's webhooks (PROVIDERS §4.3), form-encoded POSTs to one hook: inbound messages (SMS,
//! MMS with `MediaUrl{N}`, WhatsApp with `ProfileName` and shared locations) and status
//! callbacks (`MessageStatus`). Twilio adds parameters without notice, so nothing is refused for
//! carrying more; only a body without `MessageSid` and `AccountSid` is not Twilio's at all.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::client::Flavor;
use super::errors::code_of;
use crate::inbound::{
    DeliveryState, InboundContent, InboundEvent, InboundMedia, InboundMessage, MediaKind,
    ParseError, ProviderErrorInfo, StatusEvent,
};

/// Twilio allows ten media items per message; more in a webhook is not Twilio's.
const MAX_MEDIA: usize = 10;

/// The body's parameters in order, percent-decoded (`+` is a space).
pub fn form_pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

/// Parses a verified webhook of the account `account_sid`.
pub fn parse(
    flavor: Flavor,
    account_sid: &str,
    raw: &[u8],
) -> Result<Vec<InboundEvent>, ParseError> {
    let pairs = form_pairs(raw);
    let p: HashMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let sid = p
        .get("MessageSid")
        .or_else(|| p.get("SmsSid"))
        .filter(|s| !s.is_empty());
    let (Some(sid), Some(account)) = (sid, p.get("AccountSid")) else {
        return Err(ParseError {
            reason: "not a Twilio messaging webhook: MessageSid or AccountSid is missing".into(),
        });
    };
    if *account != account_sid {
        return Ok(vec![InboundEvent::Unparsed {
            reason: format!("webhook of Twilio account {account}, not this channel's"),
            raw: raw_of(&pairs),
        }]);
    }
    match p.get("MessageStatus").or_else(|| p.get("SmsStatus")) {
        Some(&("received" | "receiving")) | None => Ok(inbound(flavor, sid, &p)),
        Some(status) => Ok(self::status(flavor, sid, status, &p, &pairs)
            .into_iter()
            .collect()),
    }
}

fn raw_of(pairs: &[(String, String)]) -> Value {
    Value::Object(pairs.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

fn opt(p: &HashMap<&str, &str>, key: &str) -> Option<String> {
    p.get(key)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A status callback. States before `sent` (queued, accepted, scheduled, sending) tell the hub
/// nothing it does not know (the receipt already made the message `sent`): no event.
fn status(
    flavor: Flavor,
    sid: &str,
    status: &str,
    p: &HashMap<&str, &str>,
    pairs: &[(String, String)],
) -> Option<InboundEvent> {
    let state = match status {
        "queued" | "accepted" | "scheduled" | "sending" => return None,
        "sent" => DeliveryState::Sent,
        "delivered" => DeliveryState::Delivered,
        "read" => DeliveryState::Read,
        "undelivered" | "failed" | "canceled" => DeliveryState::Failed,
        other => {
            return Some(InboundEvent::Unparsed {
                reason: format!("unknown Twilio message status `{other}` for {sid}"),
                raw: raw_of(pairs),
            });
        }
    };
    let errors = match p
        .get("ErrorCode")
        .and_then(|c| c.trim().parse::<i64>().ok())
    {
        Some(code) => vec![ProviderErrorInfo {
            code,
            title: code_of(code).map(|(_, name)| name.to_owned()),
            details: opt(p, "ErrorMessage"),
        }],
        None => Vec::new(),
    };
    Some(InboundEvent::Status(StatusEvent {
        account: opt(p, "AccountSid").unwrap_or_default(),
        provider_message_id: sid.to_owned(),
        status: state,
        // Twilio's callbacks carry no time: they are posted as the state changes.
        timestamp: switchboard_domain::now(),
        recipient: flavor.hub_address(p.get("To").copied().unwrap_or_default()),
        errors,
        pricing: None,
        callback_data: None,
    }))
}

/// An inbound message; each media item beyond the first becomes a message of its own (id
/// `{MessageSid}/{n}`), so nothing the customer sent is dropped.
fn inbound(flavor: Flavor, sid: &str, p: &HashMap<&str, &str>) -> Vec<InboundEvent> {
    let body = p.get("Body").copied().unwrap_or_default().to_owned();
    let num_media = p
        .get("NumMedia")
        .and_then(|n| n.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_MEDIA);
    let media: Vec<InboundMedia> = (0..num_media)
        .filter_map(|n| {
            let url = opt(p, &format!("MediaUrl{n}"))?;
            let mime = opt(p, &format!("MediaContentType{n}"));
            Some(InboundMedia {
                kind: media_kind(mime.as_deref()),
                id: url,
                mime_type: mime,
                sha256: None,
                caption: None,
                filename: None,
                voice: false,
                animated: false,
            })
        })
        .collect();
    let location = match (p.get("Latitude"), p.get("Longitude")) {
        (Some(lat), Some(lon)) => lat.parse::<f64>().ok().zip(lon.parse::<f64>().ok()),
        _ => None,
    };
    let mut contents: Vec<InboundContent> = Vec::new();
    if let Some((latitude, longitude)) = location.filter(|(a, b)| a.is_finite() && b.is_finite()) {
        contents.push(InboundContent::Location {
            latitude,
            longitude,
            name: opt(p, "Label"),
            address: opt(p, "Address"),
            url: None,
        });
    } else if media.is_empty() {
        contents.push(InboundContent::Text { body });
    } else {
        for (i, mut m) in media.into_iter().enumerate() {
            if i == 0 && !body.trim().is_empty() {
                m.caption = Some(body.clone());
            }
            contents.push(InboundContent::Media(m));
        }
    }
    let message = |id: String, content| {
        InboundEvent::Message(Box::new(InboundMessage {
            participant: None,
            account: opt(p, "AccountSid").unwrap_or_default(),
            provider_message_id: id,
            from: flavor.hub_address(p.get("From").copied().unwrap_or_default()),
            profile_name: opt(p, "ProfileName"),
            timestamp: switchboard_domain::now(),
            reply_to: opt(p, "OriginalRepliedMessageSid"),
            forwarded: crate::inbound::Forwarded::No,
            referral: None,
            content,
            errors: Vec::new(),
        }))
    };
    contents
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let id = if i == 0 {
                sid.to_owned()
            } else {
                format!("{sid}/{i}")
            };
            message(id, c)
        })
        .collect()
}

fn media_kind(mime: Option<&str>) -> MediaKind {
    let mime = mime.unwrap_or_default();
    if mime.starts_with("image/") {
        MediaKind::Image
    } else if mime.starts_with("video/") {
        MediaKind::Video
    } else if mime.starts_with("audio/") {
        MediaKind::Audio
    } else {
        MediaKind::Document
    }
}
