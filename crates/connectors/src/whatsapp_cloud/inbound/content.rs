//! The body of an inbound Cloud API message as neutral [`InboundContent`].

use switchboard_domain::content as domain;

use super::super::contact::Contact;
use super::super::webhook::{self, InboundBody};
use crate::inbound::{InboundContent, InboundMedia, InboundOrderItem, MediaKind, SystemNotice};

pub(super) fn content(body: InboundBody) -> InboundContent {
    let media = |kind, m: webhook::InboundMedia| {
        InboundContent::Media(InboundMedia {
            kind,
            id: m.id,
            mime_type: m.mime_type,
            sha256: m.sha256,
            caption: m.caption,
            filename: m.filename,
            voice: m.voice,
            animated: m.animated,
        })
    };
    match body {
        InboundBody::Text { body } => InboundContent::Text { body },
        InboundBody::Image(m) => media(MediaKind::Image, m),
        InboundBody::Video(m) => media(MediaKind::Video, m),
        InboundBody::Audio(m) => media(MediaKind::Audio, m),
        InboundBody::Document(m) => media(MediaKind::Document, m),
        InboundBody::Sticker(m) => media(MediaKind::Sticker, m),
        InboundBody::Location(l) => InboundContent::Location {
            latitude: l.latitude,
            longitude: l.longitude,
            name: l.name,
            address: l.address,
            url: l.url,
        },
        InboundBody::Contacts(cards) => {
            InboundContent::Contacts(cards.into_iter().filter_map(contact).collect())
        }
        InboundBody::ButtonReply(b) => InboundContent::ButtonReply {
            id: b.id,
            title: b.title,
        },
        InboundBody::ListReply(l) => InboundContent::ListReply {
            id: l.id,
            title: l.title,
            description: l.description,
        },
        InboundBody::Button(b) => InboundContent::TemplateButton {
            payload: b.payload,
            text: b.text,
        },
        InboundBody::Reaction { message_id, emoji } => {
            InboundContent::Reaction { message_id, emoji }
        }
        InboundBody::Order(o) => InboundContent::Order {
            catalog_id: o.catalog_id,
            text: o.text,
            items: o
                .product_items
                .into_iter()
                .map(|i| InboundOrderItem {
                    product_id: i.product_retailer_id,
                    quantity: i.quantity,
                    item_price: i.item_price,
                    currency: i.currency,
                })
                .collect(),
        },
        InboundBody::System(s) => InboundContent::System(SystemNotice {
            kind: s.kind,
            body: s.body,
            new_id: s.wa_id.or(s.new_wa_id),
        }),
        InboundBody::Unsupported { kind, raw } => InboundContent::Unsupported { kind, raw },
    }
}

/// A WhatsApp card as a domain card; entries missing their required value are dropped, and a
/// card without a name is dropped whole.
fn contact(c: Contact) -> Option<domain::Contact> {
    if c.name.formatted_name.trim().is_empty() {
        return None;
    }
    Some(domain::Contact {
        name: domain::ContactName {
            formatted_name: c.name.formatted_name,
            first_name: c.name.first_name,
            last_name: c.name.last_name,
            middle_name: c.name.middle_name,
            prefix: c.name.prefix,
            suffix: c.name.suffix,
        },
        phones: c
            .phones
            .into_iter()
            .filter_map(|p| {
                Some(domain::ContactPhone {
                    phone: p.phone.or_else(|| p.wa_id.clone())?,
                    label: p.kind,
                    wa_id: p.wa_id,
                })
            })
            .collect(),
        emails: c
            .emails
            .into_iter()
            .filter_map(|e| {
                Some(domain::ContactEmail {
                    email: e.email?,
                    label: e.kind,
                })
            })
            .collect(),
        org: c.org.map(|o| domain::ContactOrg {
            company: o.company,
            department: o.department,
            title: o.title,
        }),
        urls: c
            .urls
            .into_iter()
            .filter_map(|u| {
                Some(domain::ContactUrl {
                    url: u.url?,
                    label: u.kind,
                })
            })
            .collect(),
    })
}
