//! The translation of neutral [`OutboundContent`] into the Cloud API's [`SendRequest`], for every
//! content kind (PRODUCT §5, PROVIDERS §1.2–1.3). Content is validated first: what the domain
//! refuses is never sent.

use switchboard_domain::content::{self as domain, Content};

use super::super::contact::{
    Contact, ContactEmail, ContactName, ContactOrg, ContactPhone, ContactUrl,
};
use super::super::send::{
    ButtonAction, CtaUrlAction, Header, Interactive, InteractiveText, ListAction, ListRow,
    ListSection, Location, Media, MediaSource, MessageBody, Reaction, ReplyButton, ReplyContext,
    SendRequest, Text,
};
use crate::outbound::{OutboundMessage, SendAction, SendError, check_content};

mod template;
use template::template;

pub use crate::outbound::INVALID_CONTENT;

/// Validates `message` and writes it as a Cloud API send body.
pub fn send_request(message: &OutboundMessage) -> Result<SendRequest, SendError> {
    check_content(&message.content)?;
    let body = body(&message.content.content).ok_or_else(|| {
        // Unreachable after `validate()` (it checks every media source), kept as a refusal
        // rather than a panic should the two ever disagree.
        SendError::local(
            SendAction::Rejected,
            INVALID_CONTENT,
            "media needs exactly one of `media_id` and `url`",
        )
    })?;
    let mut request = SendRequest::new(&message.to, body);
    request.context = message.content.reply_to.as_ref().map(|id| ReplyContext {
        message_id: id.clone(),
    });
    request.biz_opaque_callback_data = message.callback_data.clone();
    Ok(request)
}

/// The type-specific body; `None` only for media without exactly one source.
fn body(content: &Content) -> Option<MessageBody> {
    Some(match content {
        Content::Text(t) => MessageBody::Text {
            text: Text {
                body: t.body.clone(),
                preview_url: t.preview_url.then_some(true),
            },
        },
        Content::Image(m) => MessageBody::Image { image: media(m)? },
        Content::Video(m) => MessageBody::Video { video: media(m)? },
        Content::Audio(m) => MessageBody::Audio { audio: media(m)? },
        Content::Document(m) => MessageBody::Document {
            document: media(m)?,
        },
        Content::Sticker(m) => MessageBody::Sticker { sticker: media(m)? },
        Content::Location(l) => MessageBody::Location {
            location: Location {
                latitude: l.latitude,
                longitude: l.longitude,
                name: l.name.clone(),
                address: l.address.clone(),
            },
        },
        Content::Contacts(c) => MessageBody::Contacts {
            contacts: c.contacts.iter().map(contact).collect(),
        },
        Content::ReplyButtons(b) => MessageBody::Interactive {
            interactive: Interactive::Button {
                header: opt_header(b.header.as_ref())?,
                body: text(&b.body),
                footer: b.footer.as_deref().map(text),
                action: ButtonAction {
                    buttons: b
                        .buttons
                        .iter()
                        .map(|b| ReplyButton::reply(&b.id, &b.title))
                        .collect(),
                },
            },
        },
        Content::List(l) => MessageBody::Interactive {
            interactive: Interactive::List {
                header: l.header.as_ref().map(|t| Header::Text { text: t.clone() }),
                body: text(&l.body),
                footer: l.footer.as_deref().map(text),
                action: ListAction {
                    button: l.button.clone(),
                    sections: l.sections.iter().map(section).collect(),
                },
            },
        },
        Content::CtaUrl(u) => MessageBody::Interactive {
            interactive: Interactive::CtaUrl {
                header: opt_header(u.header.as_ref())?,
                body: text(&u.body),
                footer: u.footer.as_deref().map(text),
                action: CtaUrlAction::new(&u.display_text, &u.url),
            },
        },
        Content::Template(t) => MessageBody::Template {
            template: template(t)?,
        },
        Content::Reaction(r) => MessageBody::Reaction {
            reaction: Reaction {
                message_id: r.message_id.clone(),
                emoji: r.emoji.clone(),
            },
        },
    })
}

pub(super) fn media(m: &domain::Media) -> Option<Media> {
    let source = match m.source()? {
        domain::MediaSource::Id(id) => MediaSource::Id(id.to_owned()),
        domain::MediaSource::Url(url) => MediaSource::Link(url.to_owned()),
    };
    Some(Media {
        source,
        caption: m.caption.clone(),
        filename: m.filename.clone(),
    })
}

fn text(t: &str) -> InteractiveText {
    InteractiveText { text: t.to_owned() }
}

fn header(h: &domain::Header) -> Option<Header> {
    Some(match h {
        domain::Header::Text { text } => Header::Text { text: text.clone() },
        domain::Header::Image(m) => Header::Image { image: media(m)? },
        domain::Header::Video(m) => Header::Video { video: media(m)? },
        domain::Header::Document(m) => Header::Document {
            document: media(m)?,
        },
    })
}

/// `Some(None)` for no header, `None` for a header whose media has no single source.
fn opt_header(h: Option<&domain::Header>) -> Option<Option<Header>> {
    match h {
        None => Some(None),
        Some(h) => header(h).map(Some),
    }
}

fn section(s: &domain::ListSection) -> ListSection {
    ListSection {
        title: s.title.clone(),
        rows: s
            .rows
            .iter()
            .map(|r| ListRow {
                id: r.id.clone(),
                title: r.title.clone(),
                description: r.description.clone(),
            })
            .collect(),
    }
}

/// A contact card. WhatsApp wants a name part besides `formatted_name`; when the card has none,
/// the formatted name doubles as the first name (as the domain model documents).
fn contact(c: &domain::Contact) -> Contact {
    let n = &c.name;
    let has_part = [
        &n.first_name,
        &n.last_name,
        &n.middle_name,
        &n.prefix,
        &n.suffix,
    ]
    .iter()
    .any(|p| p.is_some());
    Contact {
        name: ContactName {
            formatted_name: n.formatted_name.clone(),
            first_name: if has_part {
                n.first_name.clone()
            } else {
                Some(n.formatted_name.clone())
            },
            last_name: n.last_name.clone(),
            middle_name: n.middle_name.clone(),
            suffix: n.suffix.clone(),
            prefix: n.prefix.clone(),
        },
        phones: c
            .phones
            .iter()
            .map(|p| ContactPhone {
                phone: Some(p.phone.clone()),
                kind: p.label.clone(),
                wa_id: p.wa_id.clone(),
            })
            .collect(),
        emails: c
            .emails
            .iter()
            .map(|e| ContactEmail {
                email: Some(e.email.clone()),
                kind: e.label.clone(),
            })
            .collect(),
        urls: c
            .urls
            .iter()
            .map(|u| ContactUrl {
                url: Some(u.url.clone()),
                kind: u.label.clone(),
            })
            .collect(),
        addresses: Vec::new(),
        org: c.org.as_ref().map(|o| ContactOrg {
            company: o.company.clone(),
            department: o.department.clone(),
            title: o.title.clone(),
        }),
        birthday: None,
    }
}
