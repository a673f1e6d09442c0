//! The channel-neutral content of a message (PRODUCT §5): what the send API accepts and what
//! every connector translates to its wire format. Parse with serde, then call
//! [`Content::validate`], which reports every problem at once with the JSON path it concerns.
//!
//! The JSON shape is a `type` tag beside the kind's own fields, for example:
//! ```json
//! {"type": "text", "body": "Your order shipped.", "preview_url": true}
//! {"type": "image", "url": "https://files.example.com/r.jpg", "caption": "Receipt"}
//! {"type": "document", "media_id": "med_7", "filename": "inv-7.pdf"}
//! {"type": "reply_buttons", "body": "When?", "buttons": [{"id": "am", "title": "Morning"}]}
//! {"type": "reaction", "message_id": "wamid.HBg...", "emoji": "👍"}
//! ```
//! A reply quotes an earlier message through [`OutboundContent`]:
//! `{"content": {"type": "text", "body": "Yes"}, "reply_to": "wamid.HBg..."}`.
//! Limits are WhatsApp's, the strictest baseline; character counts are Unicode scalar values.

mod interactive;
mod location_contacts;
mod reaction;
mod summary;
mod template;
pub(crate) mod template_check;
mod text_media;
mod validate;

#[cfg(test)]
mod tests_limits;
#[cfg(test)]
mod tests_props;
#[cfg(test)]
mod tests_serde;
#[cfg(test)]
mod tests_summary;
#[cfg(test)]
mod tests_template;

pub use interactive::{CtaUrl, Header, List, ListRow, ListSection, ReplyButton, ReplyButtons};
pub use location_contacts::{
    Contact, ContactEmail, ContactName, ContactOrg, ContactPhone, ContactUrl, Contacts, Location,
};
pub use reaction::Reaction;
pub use template::{ButtonSubType, Template, TemplateComponent, TemplateParameter};
pub use text_media::{Media, MediaSource, Text};
pub use validate::{ContentError, Rule};

use validate::Checker;

/// One message's content, of one kind. See the module doc for the JSON shape.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    Text(Text),
    Image(Media),
    Video(Media),
    /// No caption.
    Audio(Media),
    /// The only media kind with a `filename`.
    Document(Media),
    /// No caption.
    Sticker(Media),
    Location(Location),
    Contacts(Contacts),
    ReplyButtons(ReplyButtons),
    List(List),
    CtaUrl(CtaUrl),
    Template(Template),
    Reaction(Reaction),
}

/// The kind of a [`Content`] without its data, for per-channel capability tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    Text,
    Image,
    Video,
    Audio,
    Document,
    Sticker,
    Location,
    Contacts,
    ReplyButtons,
    List,
    CtaUrl,
    Template,
    Reaction,
}

impl ContentKind {
    pub const ALL: [ContentKind; 13] = [
        Self::Text,
        Self::Image,
        Self::Video,
        Self::Audio,
        Self::Document,
        Self::Sticker,
        Self::Location,
        Self::Contacts,
        Self::ReplyButtons,
        Self::List,
        Self::CtaUrl,
        Self::Template,
        Self::Reaction,
    ];

    /// The `type` tag of this kind in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Image => "image",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::Document => "document",
            Self::Sticker => "sticker",
            Self::Location => "location",
            Self::Contacts => "contacts",
            Self::ReplyButtons => "reply_buttons",
            Self::List => "list",
            Self::CtaUrl => "cta_url",
            Self::Template => "template",
            Self::Reaction => "reaction",
        }
    }
}

impl Content {
    pub fn kind(&self) -> ContentKind {
        match self {
            Content::Text(_) => ContentKind::Text,
            Content::Image(_) => ContentKind::Image,
            Content::Video(_) => ContentKind::Video,
            Content::Audio(_) => ContentKind::Audio,
            Content::Document(_) => ContentKind::Document,
            Content::Sticker(_) => ContentKind::Sticker,
            Content::Location(_) => ContentKind::Location,
            Content::Contacts(_) => ContentKind::Contacts,
            Content::ReplyButtons(_) => ContentKind::ReplyButtons,
            Content::List(_) => ContentKind::List,
            Content::CtaUrl(_) => ContentKind::CtaUrl,
            Content::Template(_) => ContentKind::Template,
            Content::Reaction(_) => ContentKind::Reaction,
        }
    }

    /// Checks every limit and rule, returning all problems at once. Paths are relative to the
    /// content object (`buttons[3].title`).
    ///
    /// ```
    /// use switchboard_domain::content::{Content, Rule};
    /// let raw = r#"{"type": "reply_buttons", "body": "When?",
    ///               "buttons": [{"id": "am", "title": "Morning"}, {"id": "am", "title": "Noon"}]}"#;
    /// let content: Content = serde_json::from_str(raw).unwrap();
    /// let errors = content.validate().unwrap_err();
    /// assert_eq!(errors[0].path, "buttons[1].id");
    /// assert_eq!(errors[0].rule, Rule::Unique);
    /// ```
    pub fn validate(&self) -> Result<(), Vec<ContentError>> {
        let mut c = Checker::default();
        self.check(&mut c);
        c.finish()
    }

    fn check(&self, c: &mut Checker) {
        match self {
            Content::Text(t) => t.check(c),
            Content::Image(m) | Content::Video(m) => m.check(c, "", text_media::IMAGE_OR_VIDEO),
            Content::Audio(m) => m.check(c, "", text_media::AUDIO),
            Content::Document(m) => m.check(c, "", text_media::DOCUMENT),
            Content::Sticker(m) => m.check(c, "", text_media::STICKER),
            Content::Location(l) => l.check(c),
            Content::Contacts(cs) => cs.check(c),
            Content::ReplyButtons(b) => b.check(c),
            Content::List(l) => l.check(c),
            Content::CtaUrl(u) => u.check(c),
            Content::Template(t) => t.check(c),
            Content::Reaction(r) => r.check(c),
        }
    }
}

/// Bound of our own on a quoted message's id: wamids reach 128 characters, other channels'
/// ids are shorter, our own ids shorter still.
const MAX_REPLY_TO: usize = 256;

/// Content as sent: the content plus, optionally, the id of the earlier message it quotes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundContent {
    pub content: Content,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
}

impl OutboundContent {
    /// Like [`Content::validate`], with paths from this object (`content.body`, `reply_to`).
    pub fn validate(&self) -> Result<(), Vec<ContentError>> {
        let mut errors = match self.content.validate() {
            Ok(()) => Vec::new(),
            Err(errors) => errors,
        };
        for e in &mut errors {
            e.path = validate::at("content", &e.path);
        }
        let mut c = Checker::default();
        if let Some(id) = &self.reply_to {
            c.text("reply_to", id, MAX_REPLY_TO);
            if self.content.kind() == ContentKind::Reaction {
                c.fail(
                    "reply_to",
                    Rule::NotAllowed {
                        reason: "a reaction already names its message",
                    },
                );
            }
        }
        if let Err(more) = c.finish() {
            errors.extend(more);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
