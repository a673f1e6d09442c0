//! How an inbound message's content is stored beside its JSON: the `kind` word and a plain-text
//! rendering for previews and full-text search (caption, "📍 place", button title...).

use switchboard_connectors::InboundContent;
use switchboard_connectors::inbound::MediaKind;

/// The stored `kind` of inbound content (`text`, `image`, ..., `unsupported`).
pub fn kind(content: &InboundContent) -> &'static str {
    match content {
        InboundContent::Text { .. } => "text",
        InboundContent::Media(m) => match m.kind {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::Document => "document",
            MediaKind::Sticker => "sticker",
        },
        InboundContent::Location { .. } => "location",
        InboundContent::Contacts(_) => "contacts",
        InboundContent::Reaction { .. } => "reaction",
        InboundContent::ButtonReply { .. } => "button_reply",
        InboundContent::ListReply { .. } => "list_reply",
        InboundContent::TemplateButton { .. } => "template_button",
        InboundContent::Order { .. } => "order",
        InboundContent::System(_) => "system",
        InboundContent::Unsupported { .. } => "unsupported",
    }
}

/// The words a person would read in the message, whole (search indexes all of it; previews cut
/// it themselves). `None` when there are none: an image without caption, an unsupported kind.
pub fn text(content: &InboundContent) -> Option<String> {
    let text = match content {
        InboundContent::Text { body } => body.clone(),
        InboundContent::Media(m) => m
            .caption
            .clone()
            .or_else(|| m.filename.clone())
            .unwrap_or_default(),
        InboundContent::Location {
            latitude,
            longitude,
            name,
            address,
            ..
        } => {
            let place = [name.as_deref(), address.as_deref()]
                .into_iter()
                .flatten()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            if place.is_empty() {
                format!("📍 {latitude}, {longitude}")
            } else {
                format!("📍 {place}")
            }
        }
        InboundContent::Contacts(cards) => cards
            .iter()
            .map(|c| c.name.formatted_name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        InboundContent::Reaction { emoji, .. } => emoji.clone().unwrap_or_default(),
        InboundContent::ButtonReply { title, .. } => title.clone(),
        InboundContent::ListReply {
            title, description, ..
        } => match description.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => format!("{title} ({d})"),
            None => title.clone(),
        },
        InboundContent::TemplateButton { text, .. } => text.clone(),
        InboundContent::Order { text, items, .. } => {
            let count = items.iter().map(|i| u64::from(i.quantity)).sum::<u64>();
            let summary = format!("🛒 Order of {count} item(s)");
            match text.as_deref().filter(|t| !t.trim().is_empty()) {
                Some(t) => format!("{summary}: {t}"),
                None => summary,
            }
        }
        InboundContent::System(notice) => notice.body.clone().unwrap_or_default(),
        InboundContent::Unsupported { .. } => String::new(),
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_connectors::inbound::{InboundMedia, SystemNotice};

    fn media(kind: MediaKind, caption: Option<&str>, filename: Option<&str>) -> InboundContent {
        InboundContent::Media(InboundMedia {
            kind,
            id: "m1".into(),
            mime_type: None,
            sha256: None,
            caption: caption.map(Into::into),
            filename: filename.map(Into::into),
            voice: false,
            animated: false,
        })
    }

    #[test]
    fn kinds_name_the_media_kind_not_media() {
        assert_eq!(kind(&media(MediaKind::Document, None, None)), "document");
        assert_eq!(kind(&media(MediaKind::Sticker, None, None)), "sticker");
        let raw = InboundContent::Unsupported {
            kind: "poll".into(),
            raw: serde_json::json!({}),
        };
        assert_eq!(kind(&raw), "unsupported");
        assert_eq!(text(&raw), None);
    }

    #[test]
    fn text_is_what_a_person_reads() {
        let body = InboundContent::Text {
            body: "  Hello there ".into(),
        };
        assert_eq!(text(&body).as_deref(), Some("Hello there"));
        assert_eq!(
            text(&media(MediaKind::Image, Some("Receipt"), None)).as_deref(),
            Some("Receipt")
        );
        assert_eq!(
            text(&media(MediaKind::Document, None, Some("invoice.pdf"))).as_deref(),
            Some("invoice.pdf")
        );
        assert_eq!(text(&media(MediaKind::Image, None, None)), None);
        let place = InboundContent::Location {
            latitude: 51.5,
            longitude: -0.12,
            name: Some("Big Ben".into()),
            address: None,
            url: None,
        };
        assert_eq!(text(&place).as_deref(), Some("📍 Big Ben"));
        let pin = InboundContent::Location {
            latitude: 51.5,
            longitude: -0.12,
            name: None,
            address: Some(" ".into()),
            url: None,
        };
        assert_eq!(text(&pin).as_deref(), Some("📍 51.5, -0.12"));
        let list = InboundContent::ListReply {
            id: "r1".into(),
            title: "Tomorrow".into(),
            description: Some("9-12".into()),
        };
        assert_eq!(text(&list).as_deref(), Some("Tomorrow (9-12)"));
        let removed = InboundContent::Reaction {
            message_id: "wamid.1".into(),
            emoji: None,
        };
        assert_eq!(text(&removed), None);
        let notice = InboundContent::System(SystemNotice {
            kind: Some("user_changed_number".into()),
            body: Some("User A changed from 1 to 2".into()),
            new_id: Some("2".into()),
        });
        assert_eq!(text(&notice).as_deref(), Some("User A changed from 1 to 2"));
    }
}
