use serde_json::json;
use time::macros::datetime;

use super::*;
use crate::inbound::{DeliveryState, InboundContent, MediaKind, SystemNotice};

const PAGE: &str = "1122334455";

fn parse_page(body: serde_json::Value) -> Vec<InboundEvent> {
    parse(Platform::Messenger, PAGE, body.to_string().as_bytes()).unwrap()
}

fn entry(items: serde_json::Value) -> serde_json::Value {
    json!({"object": "page", "entry": [{"id": PAGE, "time": 1767225600123_i64, "messaging": items}]})
}

fn item(extra: serde_json::Value) -> serde_json::Value {
    let mut v = json!({"sender": {"id": "24000000000001"}, "recipient": {"id": PAGE},
                       "timestamp": 1767225600000_i64});
    v.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    v
}

fn message(e: &InboundEvent) -> &crate::inbound::InboundMessage {
    match e {
        InboundEvent::Message(m) => m,
        other => panic!("not a message: {other:?}"),
    }
}

#[test]
fn a_text_with_a_quick_reply_as_providers_documents_it() {
    let events = parse_page(entry(json!([item(
        json!({"message": {"mid": "m_abc", "text": "hello",
        "quick_reply": {"payload": "OPT_1"}}})
    )])));
    let m = message(&events[0]);
    assert_eq!(m.provider_message_id, "m_abc");
    assert_eq!(m.from, "24000000000001");
    assert_eq!(m.account, PAGE);
    assert_eq!(m.timestamp, datetime!(2026-01-01 00:00 UTC));
    assert_eq!(
        m.content,
        InboundContent::ButtonReply {
            id: "OPT_1".into(),
            title: "hello".into()
        }
    );
}

#[test]
fn text_replies_attachments_postbacks_and_reactions() {
    let events = parse_page(entry(json!([
        item(json!({"message": {"mid": "m_1", "text": "see this", "reply_to": {"mid": "m_out"}}})),
        item(json!({"message": {"mid": "m_2", "attachments": [
            {"type": "image", "payload": {"url": "https://cdn.example/p.jpg"}},
            {"type": "file", "payload": {"url": "https://cdn.example/f.pdf"}},
            {"type": "fallback", "payload": null}]}})),
        item(json!({"postback": {"mid": "m_3", "title": "Track order", "payload": "TRACK"}})),
        item(
            json!({"reaction": {"mid": "m_out", "action": "react", "reaction": "love", "emoji": "❤"}})
        ),
        item(json!({"reaction": {"mid": "m_out", "action": "unreact"}})),
    ])));
    assert_eq!(events.len(), 7, "{events:#?}");
    let m = message(&events[0]);
    assert_eq!(m.reply_to.as_deref(), Some("m_out"));
    assert_eq!(
        m.content,
        InboundContent::Text {
            body: "see this".into()
        }
    );
    let img = message(&events[1]);
    assert_eq!(img.provider_message_id, "m_2");
    match &img.content {
        InboundContent::Media(media) => {
            assert_eq!(media.kind, MediaKind::Image);
            assert_eq!(media.id, "https://cdn.example/p.jpg");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(message(&events[2]).provider_message_id, "m_2#2");
    assert!(matches!(
        message(&events[3]).content,
        InboundContent::Unsupported { .. }
    ));
    assert_eq!(
        message(&events[4]).content,
        InboundContent::ButtonReply {
            id: "TRACK".into(),
            title: "Track order".into()
        }
    );
    assert_eq!(
        message(&events[5]).content,
        InboundContent::Reaction {
            message_id: "m_out".into(),
            emoji: Some("❤".into())
        }
    );
    assert_eq!(
        message(&events[6]).content,
        InboundContent::Reaction {
            message_id: "m_out".into(),
            emoji: None
        }
    );
    assert_ne!(
        message(&events[5]).provider_message_id,
        message(&events[6]).provider_message_id
    );
}

#[test]
fn watermarks_and_delivery_mids() {
    let events = parse_page(entry(json!([
        item(json!({"delivery": {"mids": ["m_out1"], "watermark": 1767225601000_i64}})),
        item(json!({"read": {"watermark": 1767225602000_i64}})),
    ])));
    match &events[0] {
        InboundEvent::Status(s) => {
            assert_eq!(s.provider_message_id, "m_out1");
            assert_eq!(s.status, DeliveryState::Delivered);
        }
        other => panic!("{other:?}"),
    }
    match (&events[1], &events[2]) {
        (InboundEvent::Watermark(d), InboundEvent::Watermark(r)) => {
            assert_eq!(d.status, DeliveryState::Delivered);
            assert_eq!(d.recipient, "24000000000001");
            assert_eq!(d.up_to, datetime!(2026-01-01 00:00:01 UTC));
            assert_eq!(r.status, DeliveryState::Read);
            assert_eq!(r.up_to, datetime!(2026-01-01 00:00:02 UTC));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn edits_and_deletions_quote_their_message_and_bad_items_are_logged_beside_good_ones() {
    let events = parse_page(entry(json!([
        item(json!({"message": {"mid": "m_e", "is_echo": true, "app_id": 1, "text": "ours"}})),
        item(json!({"message_edit": {"mid": "m_1", "text": "fixed", "num_edit": 1}})),
        item(json!({"message": {"mid": "m_d", "is_deleted": true}})),
        {"sender": {"id": "1"}, "recipient": {"id": PAGE}, "timestamp": "soon"},
        item(json!({"message": {"mid": "m_ok", "text": "still here"}})),
    ])));
    assert_eq!(events.len(), 5);
    assert!(matches!(events[0], InboundEvent::Unparsed { .. }));
    assert!(matches!(events[3], InboundEvent::Unparsed { .. }));
    // Edits and deletions quote the message they concern, with ids of their own.
    let edit = message(&events[1]);
    assert_eq!(edit.provider_message_id, "m_1:edit:1");
    assert_eq!(edit.reply_to.as_deref(), Some("m_1"));
    assert_eq!(
        edit.content,
        InboundContent::System(SystemNotice::edited(Some("fixed".into())))
    );
    let deletion = message(&events[2]);
    assert_eq!(deletion.provider_message_id, "m_d:deleted");
    assert_eq!(deletion.reply_to.as_deref(), Some("m_d"));
    assert_eq!(
        deletion.content,
        InboundContent::System(SystemNotice::deleted())
    );
    assert_eq!(message(&events[4]).provider_message_id, "m_ok");
}

#[test]
fn entries_of_another_page_are_skipped_and_wrong_envelopes_refused() {
    let body = json!({"object": "page", "entry": [
        {"id": "999", "time": 1, "messaging": [item(json!({"message": {"mid": "m_x", "text": "other"}}))]},
        {"id": PAGE, "time": 1, "messaging": [item(json!({"message": {"mid": "m_y", "text": "ours"}}))]},
    ]});
    let events = parse_page(body);
    assert!(matches!(&events[0], InboundEvent::Unparsed { reason, .. } if reason.contains("999")));
    assert_eq!(message(&events[1]).provider_message_id, "m_y");

    let ig = json!({"object": "instagram", "entry": []}).to_string();
    assert!(parse(Platform::Messenger, PAGE, ig.as_bytes()).is_err());
    assert!(
        parse(Platform::Instagram, PAGE, ig.as_bytes())
            .unwrap()
            .is_empty()
    );
    assert!(parse(Platform::Messenger, PAGE, b"not json").is_err());
    assert!(parse(Platform::Messenger, PAGE, br#"{"object":"page"}"#).is_err());
}

#[test]
fn instagram_read_names_a_mid_and_covers_what_came_before() {
    let body = json!({"object": "instagram", "entry": [{"id": PAGE, "time": 1, "messaging": [
        item(json!({"read": {"mid": "m_ig"}}))]}]});
    let events = parse(Platform::Instagram, PAGE, body.to_string().as_bytes()).unwrap();
    assert!(matches!(&events[0], InboundEvent::Status(s) if s.status == DeliveryState::Read));
    assert!(
        matches!(&events[1], InboundEvent::Watermark(w) if w.up_to == datetime!(2026-01-01 00:00 UTC))
    );
}
