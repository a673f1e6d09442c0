//! Neutral content to the Messages API form. Text and media by URL go as they are; what SMS (and
//! Twilio's plain WhatsApp messages) cannot carry is downgraded faithfully into text — reply
//! buttons and lists become numbered choices, a location its coordinates with a maps link,
//! contact cards their lines — and the downgrade is noted for the message's record. Templates
//! go to WhatsApp as a Content API `ContentSid` with `ContentVariables`; reactions are refused.

mod render;

use serde_json::{Map, Value};
use switchboard_domain::content::{Content, Header, Media, OutboundContent, TemplateParameter};
use switchboard_domain::sms::segments;

use super::client::Flavor;
use crate::outbound::{SendAction, SendError, SendNotes};

/// Twilio's cap on `Body`.
pub(super) const MAX_BODY: usize = 1600;
/// Twilio's cap on `MediaUrl` per message.
const MAX_MEDIA: usize = 10;

/// The form parameters of one message (without `To`, `From` and `StatusCallback`) and what was
/// changed to fit.
#[derive(Debug, Default)]
pub(super) struct Form {
    pub params: Vec<(&'static str, String)>,
    pub notes: SendNotes,
}

fn refuse(code: &'static str, text: impl Into<String>) -> SendError {
    SendError::local(SendAction::Rejected, code, text)
}

/// The form for `content` on `flavor`, or a refusal before any I/O.
pub(super) fn form(flavor: Flavor, content: &OutboundContent) -> Result<Form, SendError> {
    let mut out = Form::default();
    let mut notes: Vec<String> = Vec::new();
    let mut media: Vec<&Media> = Vec::new();
    let body: String = match &content.content {
        Content::Text(t) => t.body.clone(),
        Content::Image(m) | Content::Video(m) | Content::Audio(m) | Content::Document(m) => {
            media.push(m);
            m.caption.clone().unwrap_or_default()
        }
        Content::Sticker(m) if flavor == Flavor::Whatsapp => {
            media.push(m);
            String::new()
        }
        Content::Location(l) => {
            notes.push("location sent as text with a maps link".into());
            render::location(l)
        }
        Content::Contacts(c) => {
            notes.push("contacts sent as text".into());
            render::contacts(&c.contacts)
        }
        Content::ReplyButtons(r) => {
            notes.push("reply_buttons sent as numbered text".into());
            media.extend(header_media(r.header.as_ref()));
            render::reply_buttons(r)
        }
        Content::List(l) => {
            notes.push("list sent as numbered text".into());
            render::list(l)
        }
        Content::CtaUrl(c) => {
            notes.push("cta_url sent as text with its link".into());
            media.extend(header_media(c.header.as_ref()));
            render::cta_url(c)
        }
        Content::Template(t) if flavor == Flavor::Whatsapp => {
            template(&t.name, &t.components, &mut out.params)?;
            String::new()
        }
        other => {
            return Err(refuse(
                "unsupported_content",
                format!(
                    "{} cannot carry {} messages",
                    flavor.protocol(),
                    other.kind().as_str()
                ),
            ));
        }
    };
    if content.reply_to.is_some() {
        notes.push("reply_to dropped: Twilio cannot quote a message".into());
    }
    let chars = body.chars().count();
    if chars > MAX_BODY {
        return Err(refuse(
            "content_too_long",
            format!("the body is {chars} characters; Twilio takes at most {MAX_BODY}"),
        ));
    }
    if media.len() > MAX_MEDIA {
        return Err(refuse(
            "too_many_media",
            "Twilio takes at most 10 media URLs",
        ));
    }
    for m in media {
        let url = m.url.as_deref().ok_or_else(|| {
            refuse(
                "media_url_required",
                "Twilio fetches media by URL; a provider media id cannot be sent",
            )
        })?;
        out.params.push(("MediaUrl", url.to_owned()));
    }
    if !body.is_empty() {
        if flavor == Flavor::Sms {
            let s = segments(&body);
            out.notes.sms_segments = Some(s.count);
            out.notes.sms_encoding = Some(s.encoding);
        }
        out.params.push(("Body", body));
    }
    if !notes.is_empty() {
        out.notes.downgraded = Some(notes.join("; "));
    }
    Ok(out)
}

fn header_media(header: Option<&Header>) -> Option<&Media> {
    match header {
        Some(Header::Image(m) | Header::Video(m) | Header::Document(m)) => Some(m),
        _ => None,
    }
}

/// Is `s` a Content API sid: `HX` and 32 hex digits.
fn is_content_sid(s: &str) -> bool {
    s.len() == 34 && s.starts_with("HX") && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// WhatsApp templates through Twilio are Content API templates: the template's `name` is its
/// `ContentSid`, and the body's parameters fill `ContentVariables` (`{"1": ...}` positionally,
/// or by `parameter_name`).
fn template(
    name: &str,
    components: &[switchboard_domain::content::TemplateComponent],
    params: &mut Vec<(&'static str, String)>,
) -> Result<(), SendError> {
    use switchboard_domain::content::TemplateComponent;
    if !is_content_sid(name) {
        return Err(refuse(
            "template_not_supported",
            "WhatsApp through Twilio sends Content API templates: give the ContentSid \
             (HX and 32 hex digits) as the template's name",
        ));
    }
    let mut vars = Map::new();
    for c in components {
        let TemplateComponent::Body { parameters } = c else {
            return Err(refuse(
                "template_not_supported",
                "only body parameters map onto ContentVariables",
            ));
        };
        for (i, p) in parameters.iter().enumerate() {
            let (key, value) = match p {
                TemplateParameter::Text {
                    text,
                    parameter_name,
                } => (
                    parameter_name
                        .clone()
                        .unwrap_or_else(|| (i + 1).to_string()),
                    text.clone(),
                ),
                TemplateParameter::Currency { fallback_value, .. }
                | TemplateParameter::DateTime { fallback_value } => {
                    ((i + 1).to_string(), fallback_value.clone())
                }
                _ => {
                    return Err(refuse(
                        "template_not_supported",
                        "only text, currency and date parameters map onto ContentVariables",
                    ));
                }
            };
            vars.insert(key, Value::String(value));
        }
    }
    params.push(("ContentSid", name.to_owned()));
    if !vars.is_empty() {
        params.push(("ContentVariables", Value::Object(vars).to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
