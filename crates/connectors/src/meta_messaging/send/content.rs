//! The `message` object for each neutral content kind, and the reaction sender action.

use serde_json::{Map, Value, json};
use switchboard_domain::content::{
    Contacts, Content, CtaUrl, Header, List, Location, Media, Reaction, ReplyButtons,
};

use super::{INVALID_CONTENT, UNSUPPORTED_CONTENT, check_text, refuse};
use crate::meta_messaging::Platform;
use crate::outbound::SendError;

/// Messenger shows at most 13 quick replies.
const MAX_QUICK_REPLIES: usize = 13;
/// A quick reply's title is cut by Messenger after 20 characters.
const MAX_QUICK_REPLY_TITLE: usize = 20;

/// The `message` object of `content`.
pub(super) fn message(
    platform: Platform,
    content: &Content,
) -> Result<Map<String, Value>, SendError> {
    let out = match content {
        Content::Text(t) => text(platform, &t.body)?,
        Content::Image(m) | Content::Sticker(m) => attachment("image", m)?,
        Content::Video(m) => attachment("video", m)?,
        Content::Audio(m) => attachment("audio", m)?,
        Content::Document(m) => attachment("file", m)?,
        Content::Location(l) => text(platform, &location_text(l))?,
        Content::Contacts(c) => text(platform, &contacts_text(c))?,
        Content::ReplyButtons(b) => reply_buttons(platform, b)?,
        Content::List(l) => list(platform, l)?,
        Content::CtaUrl(c) => cta_url(platform, c)?,
        Content::Template(_) => {
            return Err(refuse(
                UNSUPPORTED_CONTENT,
                format!(
                    "{} has no message templates (WhatsApp only)",
                    platform.provider()
                ),
            ));
        }
        Content::Reaction(_) => unreachable!("reactions are sender actions, handled by send_body"),
    };
    Ok(out)
}

fn text(platform: Platform, body: &str) -> Result<Map<String, Value>, SendError> {
    check_text(platform, body)?;
    let mut m = Map::new();
    m.insert("text".into(), json!(body));
    Ok(m)
}

/// An attachment by URL (the hub's signed link, or the caller's) or by the id the attachment
/// upload API gave. The Send API has no captions: refused rather than silently dropped.
fn attachment(kind: &str, media: &Media) -> Result<Map<String, Value>, SendError> {
    if media
        .caption
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty())
    {
        return Err(refuse(
            INVALID_CONTENT,
            "Messenger and Instagram attachments carry no caption; send the text as its own message",
        ));
    }
    let payload = match (&media.url, &media.media_id) {
        (Some(url), _) => json!({ "url": url, "is_reusable": true }),
        (None, Some(id)) => json!({ "attachment_id": id }),
        (None, None) => {
            return Err(refuse(
                INVALID_CONTENT,
                "an attachment needs a url or a media id",
            ));
        }
    };
    let mut m = Map::new();
    m.insert(
        "attachment".into(),
        json!({ "type": kind, "payload": payload }),
    );
    Ok(m)
}

fn quick_reply(id: &str, title: &str) -> Result<Value, SendError> {
    if title.chars().count() > MAX_QUICK_REPLY_TITLE {
        return Err(refuse(
            INVALID_CONTENT,
            format!("a quick reply title is at most {MAX_QUICK_REPLY_TITLE} characters: `{title}`"),
        ));
    }
    Ok(json!({ "content_type": "text", "title": title, "payload": id }))
}

fn with_quick_replies(
    platform: Platform,
    body: &str,
    replies: Vec<Value>,
) -> Result<Map<String, Value>, SendError> {
    if replies.len() > MAX_QUICK_REPLIES {
        return Err(refuse(
            INVALID_CONTENT,
            format!("at most {MAX_QUICK_REPLIES} choices fit as quick replies"),
        ));
    }
    let mut m = text(platform, body)?;
    m.insert("quick_replies".into(), Value::Array(replies));
    Ok(m)
}

/// Joins a text header, the body and a footer into one text: the faithful form without headers.
fn framed(header: Option<&str>, body: &str, footer: Option<&str>) -> String {
    [header, Some(body), footer]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn text_header(header: Option<&Header>) -> Result<Option<&str>, SendError> {
    match header {
        None => Ok(None),
        Some(Header::Text { text }) => Ok(Some(text)),
        Some(_) => Err(refuse(
            INVALID_CONTENT,
            "a media header cannot go with quick replies; send the media as its own message",
        )),
    }
}

fn reply_buttons(platform: Platform, b: &ReplyButtons) -> Result<Map<String, Value>, SendError> {
    let body = framed(
        text_header(b.header.as_ref())?,
        &b.body,
        b.footer.as_deref(),
    );
    let replies = b
        .buttons
        .iter()
        .map(|button| quick_reply(&button.id, &button.title))
        .collect::<Result<Vec<_>, _>>()?;
    with_quick_replies(platform, &body, replies)
}

/// A list becomes quick replies, one per row (sections and descriptions have no equivalent).
fn list(platform: Platform, l: &List) -> Result<Map<String, Value>, SendError> {
    let body = framed(l.header.as_deref(), &l.body, l.footer.as_deref());
    let replies = l
        .sections
        .iter()
        .flat_map(|s| &s.rows)
        .map(|row| quick_reply(&row.id, &row.title))
        .collect::<Result<Vec<_>, _>>()?;
    with_quick_replies(platform, &body, replies)
}

/// Messenger: a button template with one `web_url` button. Instagram: the link as text.
fn cta_url(platform: Platform, c: &CtaUrl) -> Result<Map<String, Value>, SendError> {
    let body = framed(
        text_header(c.header.as_ref())?,
        &c.body,
        c.footer.as_deref(),
    );
    match platform {
        Platform::Messenger => {
            check_text(platform, &body)?;
            let mut m = Map::new();
            m.insert(
                "attachment".into(),
                json!({ "type": "template", "payload": {
                    "template_type": "button",
                    "text": body,
                    "buttons": [{ "type": "web_url", "url": c.url, "title": c.display_text }],
                }}),
            );
            Ok(m)
        }
        Platform::Instagram => text(
            platform,
            &format!("{body}\n\n{}: {}", c.display_text, c.url),
        ),
    }
}

/// A place as text with a map link anyone can open.
pub(crate) fn location_text(l: &Location) -> String {
    let mut lines: Vec<String> = Vec::new();
    if let Some(name) = l.name.as_deref().filter(|n| !n.trim().is_empty()) {
        lines.push(name.to_owned());
    }
    if let Some(address) = l.address.as_deref().filter(|a| !a.trim().is_empty()) {
        lines.push(address.to_owned());
    }
    lines.push(format!(
        "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}",
        lat = l.latitude,
        lon = l.longitude
    ));
    lines.join("\n")
}

/// Contact cards as text: name, then each phone, e-mail, organization and URL on its own line.
pub(crate) fn contacts_text(c: &Contacts) -> String {
    c.contacts
        .iter()
        .map(|card| {
            let mut lines = vec![card.name.formatted_name.clone()];
            for p in &card.phones {
                lines.push(labelled(p.label.as_deref(), &p.phone));
            }
            for e in &card.emails {
                lines.push(labelled(e.label.as_deref(), &e.email));
            }
            if let Some(org) = card.org.as_ref().and_then(|o| o.company.clone()) {
                lines.push(org);
            }
            for u in &card.urls {
                lines.push(labelled(u.label.as_deref(), &u.url));
            }
            lines.join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn labelled(label: Option<&str>, value: &str) -> String {
    match label.filter(|l| !l.trim().is_empty()) {
        Some(l) => format!("{l}: {value}"),
        None => value.to_owned(),
    }
}

/// Instagram's `react` / `unreact` sender action; it only knows the heart (`love`). Messenger's
/// Send API has no reactions.
pub(super) fn reaction(
    platform: Platform,
    r: &Reaction,
) -> Result<(&'static str, Value), SendError> {
    if platform == Platform::Messenger {
        return Err(refuse(
            UNSUPPORTED_CONTENT,
            "Messenger's Send API cannot react to messages",
        ));
    }
    if r.is_removal() {
        return Ok(("unreact", json!({ "message_id": r.message_id })));
    }
    if !matches!(r.emoji.as_str(), "❤" | "❤️" | "♥" | "♥️") {
        return Err(refuse(
            INVALID_CONTENT,
            "Instagram reactions can only be a heart (❤️)",
        ));
    }
    Ok((
        "react",
        json!({ "message_id": r.message_id, "reaction": "love" }),
    ))
}
