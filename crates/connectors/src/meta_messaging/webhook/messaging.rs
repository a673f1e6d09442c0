//! One `messaging[]` item: a message (text, quick reply, attachments, reply), a postback, a
//! reaction, a delivery or read watermark; echoes, edits and the rest are logged, not stored.

use serde_json::Value;
use time::OffsetDateTime;

use crate::inbound::{
    DeliveryState, Forwarded, InboundContent, InboundEvent, InboundMedia, InboundMessage,
    MediaKind, StatusEvent, SystemNotice, WatermarkEvent,
};

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, key| v.get(key))?.as_str()
}

/// Milliseconds since the epoch as Meta writes them (a number; a string of digits is accepted).
fn millis(v: Option<&Value>) -> Option<OffsetDateTime> {
    let ms = match v? {
        Value::Number(n) => n.as_i64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

fn unparsed(reason: impl Into<String>, item: &Value) -> InboundEvent {
    InboundEvent::Unparsed {
        reason: reason.into(),
        raw: item.clone(),
    }
}

/// Reads `item` into `out`.
pub(super) fn read(account: &str, item: &Value, out: &mut Vec<InboundEvent>) {
    let sender = str_at(item, &["sender", "id"]);
    let recipient = str_at(item, &["recipient", "id"]);
    let Some(at) = millis(item.get("timestamp")) else {
        out.push(unparsed(
            "messaging item without integer millisecond `timestamp`",
            item,
        ));
        return;
    };
    let (Some(sender), Some(_)) = (sender, recipient) else {
        out.push(unparsed(
            "messaging item without `sender.id` and `recipient.id`",
            item,
        ));
        return;
    };
    let customer = Customer {
        account,
        sender,
        at,
    };
    if let Some(message) = item.get("message") {
        message_event(&customer, message, item, out);
    } else if let Some(postback) = item.get("postback") {
        let payload = postback
            .get("payload")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let title = postback
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        // Postbacks of older API versions carry no mid: one tap per sender and moment.
        let id = postback.get("mid").and_then(Value::as_str).map_or_else(
            || {
                format!(
                    "postback:{sender}:{}",
                    at.unix_timestamp_nanos() / 1_000_000
                )
            },
            str::to_owned,
        );
        out.push(customer.message(
            id,
            None,
            InboundContent::ButtonReply {
                id: payload.to_owned(),
                title: title.to_owned(),
            },
        ));
    } else if let Some(reaction) = item.get("reaction") {
        let Some(mid) = reaction.get("mid").and_then(Value::as_str) else {
            out.push(unparsed("reaction without `mid`", item));
            return;
        };
        let removed = reaction.get("action").and_then(Value::as_str) == Some("unreact");
        let emoji = reaction
            .get("emoji")
            .and_then(Value::as_str)
            .or_else(|| reaction.get("reaction").and_then(Value::as_str))
            .filter(|e| !removed && !e.is_empty());
        // A reaction has no id of its own: one per sender, message, action and moment.
        let action = if removed { "unreact" } else { "react" };
        let id = format!(
            "reaction:{sender}:{mid}:{action}:{}",
            at.unix_timestamp_nanos() / 1_000_000
        );
        out.push(customer.message(
            id,
            None,
            InboundContent::Reaction {
                message_id: mid.to_owned(),
                emoji: emoji.map(str::to_owned),
            },
        ));
    } else if let Some(delivery) = item.get("delivery") {
        // Our messages to `sender` are what was delivered.
        for mid in delivery
            .get("mids")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(mid) = mid.as_str() {
                out.push(status(account, sender, mid, DeliveryState::Delivered, at));
            }
        }
        match millis(delivery.get("watermark")) {
            Some(up_to) => out.push(watermark(account, sender, DeliveryState::Delivered, up_to)),
            None if delivery.get("mids").is_some() => {}
            None => out.push(unparsed("delivery without `watermark` or `mids`", item)),
        }
    } else if let Some(seen) = item.get("read") {
        // Messenger gives a watermark; Instagram names the message seen, which covers
        // everything sent before it too.
        if let Some(mid) = seen.get("mid").and_then(Value::as_str) {
            out.push(status(account, sender, mid, DeliveryState::Read, at));
        }
        let up_to = millis(seen.get("watermark")).unwrap_or(at);
        out.push(watermark(account, sender, DeliveryState::Read, up_to));
    } else if let Some(edit) = item.get("message_edit") {
        let Some(mid) = edit.get("mid").and_then(Value::as_str) else {
            out.push(unparsed("message edit without `mid`", item));
            return;
        };
        // Each edit is numbered: a redelivered edit keeps its id and is stored once.
        let n = edit.get("num_edit").and_then(Value::as_u64).unwrap_or(0);
        let body = edit.get("text").and_then(Value::as_str).map(str::to_owned);
        out.push(customer.message(
            format!("{mid}:edit:{n}"),
            Some(mid.to_owned()),
            InboundContent::System(SystemNotice::edited(body)),
        ));
    } else {
        out.push(unparsed(
            "messaging event this connector does not handle",
            item,
        ));
    }
}

fn status(
    account: &str,
    recipient: &str,
    mid: &str,
    state: DeliveryState,
    at: OffsetDateTime,
) -> InboundEvent {
    InboundEvent::Status(StatusEvent {
        account: account.to_owned(),
        provider_message_id: mid.to_owned(),
        status: state,
        timestamp: at,
        recipient: recipient.to_owned(),
        errors: Vec::new(),
        pricing: None,
        callback_data: None,
    })
}

fn watermark(
    account: &str,
    recipient: &str,
    state: DeliveryState,
    up_to: OffsetDateTime,
) -> InboundEvent {
    InboundEvent::Watermark(WatermarkEvent {
        account: account.to_owned(),
        recipient: recipient.to_owned(),
        status: state,
        up_to,
    })
}

/// Who wrote, to which account, when.
struct Customer<'a> {
    account: &'a str,
    sender: &'a str,
    at: OffsetDateTime,
}

impl Customer<'_> {
    fn message(
        &self,
        id: String,
        reply_to: Option<String>,
        content: InboundContent,
    ) -> InboundEvent {
        InboundEvent::Message(Box::new(InboundMessage {
            participant: None,
            account: self.account.to_owned(),
            provider_message_id: id,
            from: self.sender.to_owned(),
            profile_name: None,
            timestamp: self.at,
            reply_to,
            forwarded: Forwarded::No,
            referral: None,
            content,
            errors: Vec::new(),
        }))
    }
}

fn message_event(
    customer: &Customer<'_>,
    message: &Value,
    item: &Value,
    out: &mut Vec<InboundEvent>,
) {
    if message.get("is_echo").and_then(Value::as_bool) == Some(true) {
        // Our own sends (and the page's replies from other tools) come back as echoes; ours
        // are stored already, and the others are not recorded yet.
        out.push(unparsed("echo of a message the account sent", item));
        return;
    }
    let Some(mid) = message.get("mid").and_then(Value::as_str) else {
        out.push(unparsed("message without `mid`", item));
        return;
    };
    if message.get("is_deleted").and_then(Value::as_bool) == Some(true) {
        out.push(customer.message(
            format!("{mid}:deleted"),
            Some(mid.to_owned()),
            InboundContent::System(SystemNotice::deleted()),
        ));
        return;
    }
    let reply_to = str_at(message, &["reply_to", "mid"]).map(str::to_owned);
    let text = message.get("text").and_then(Value::as_str);
    if let Some(payload) = str_at(message, &["quick_reply", "payload"]) {
        let content = InboundContent::ButtonReply {
            id: payload.to_owned(),
            title: text.unwrap_or_default().to_owned(),
        };
        out.push(customer.message(mid.to_owned(), reply_to, content));
        return;
    }
    let attachments = message.get("attachments").and_then(Value::as_array);
    match (text, attachments) {
        (_, Some(list)) if !list.is_empty() => {
            // Several attachments in one message: the first keeps the mid, the others get
            // `{mid}#2`, `{mid}#3`... so each is stored (and deduplicated) on its own.
            for (i, a) in list.iter().enumerate() {
                let id = if i == 0 {
                    mid.to_owned()
                } else {
                    format!("{mid}#{}", i + 1)
                };
                out.push(customer.message(id, reply_to.clone(), attachment(a, text)));
            }
        }
        (Some(text), _) => out.push(customer.message(
            mid.to_owned(),
            reply_to,
            InboundContent::Text {
                body: text.to_owned(),
            },
        )),
        _ => out.push(customer.message(
            mid.to_owned(),
            reply_to,
            InboundContent::Unsupported {
                kind: "message".into(),
                raw: message.clone(),
            },
        )),
    }
}

/// One attachment: media by URL (the URL is the media id the hub fetches), a legacy location,
/// anything else (shares, story mentions, reels, templates) kept raw.
fn attachment(a: &Value, caption: Option<&str>) -> InboundContent {
    let kind = a.get("type").and_then(Value::as_str).unwrap_or_default();
    let media_kind = match kind {
        "image" => Some(MediaKind::Image),
        "video" => Some(MediaKind::Video),
        "audio" => Some(MediaKind::Audio),
        "file" => Some(MediaKind::Document),
        _ => None,
    };
    let url = str_at(a, &["payload", "url"]);
    if let (Some(kind), Some(url)) = (media_kind, url) {
        return InboundContent::Media(InboundMedia {
            kind,
            id: url.to_owned(),
            mime_type: None,
            sha256: None,
            caption: caption.map(str::to_owned),
            filename: None,
            voice: false,
            animated: false,
        });
    }
    if kind == "location" {
        let coords = a.get("payload").and_then(|p| p.get("coordinates"));
        let lat = coords.and_then(|c| c.get("lat")).and_then(Value::as_f64);
        let long = coords.and_then(|c| c.get("long")).and_then(Value::as_f64);
        if let (Some(latitude), Some(longitude)) = (lat, long) {
            return InboundContent::Location {
                latitude,
                longitude,
                name: a.get("title").and_then(Value::as_str).map(str::to_owned),
                address: None,
                url: a.get("url").and_then(Value::as_str).map(str::to_owned),
            };
        }
    }
    InboundContent::Unsupported {
        kind: if kind.is_empty() {
            "attachment".into()
        } else {
            kind.to_owned()
        },
        raw: a.clone(),
    }
}
