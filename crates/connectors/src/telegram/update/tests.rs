use serde_json::json;

use super::*;
use crate::inbound::InboundMessage;

fn one(update: Value) -> InboundEvent {
    let events = parse(update.to_string().as_bytes()).expect("an update");
    let [event] = <[InboundEvent; 1]>::try_from(events).expect("one event");
    event
}

fn msg(update: Value) -> InboundMessage {
    match one(update) {
        InboundEvent::Message(m) => *m,
        other => panic!("a message: {other:?}"),
    }
}

/// PROVIDERS §3.3's example, as Telegram sends it.
#[test]
fn the_documented_update_is_a_text_message() {
    let m = msg(
        json!({"update_id":900001,"message":{"message_id":17,"from":{"id":123456789,"is_bot":false,"first_name":"Ada","username":"ada","language_code":"en"},
        "chat":{"id":123456789,"type":"private","first_name":"Ada"},"date":1767225600,"text":"/start","entities":[{"type":"bot_command","offset":0,"length":6}]}}),
    );
    assert_eq!(m.provider_message_id, "123456789:17");
    assert_eq!(m.from, "123456789");
    assert_eq!(m.profile_name.as_deref(), Some("Ada"));
    assert_eq!(m.timestamp.unix_timestamp(), 1767225600);
    assert_eq!(
        m.content,
        InboundContent::Text {
            body: "/start".into()
        }
    );
    assert_eq!(m.participant, None);
}

#[test]
fn photos_take_the_largest_size_and_files_their_ids() {
    let m = msg(
        json!({"update_id": 2, "message": {"message_id": 5, "chat": {"id": 9, "type": "private", "first_name": "Bo"},
        "date": 1767225600, "caption": "Receipt", "photo": [
            {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 1000},
            {"file_id": "large", "file_unique_id": "l", "width": 1280, "height": 1280, "file_size": 90000}]}}),
    );
    let InboundContent::Media(media) = m.content else {
        panic!("media")
    };
    assert_eq!(
        (media.kind, media.id.as_str(), media.caption.as_deref()),
        (MediaKind::Image, "large", Some("Receipt"))
    );
    let m = msg(
        json!({"update_id": 3, "message": {"message_id": 6, "chat": {"id": 9, "type": "private"},
        "date": 1767225600, "document": {"file_id": "doc1", "file_unique_id": "d", "file_name": "inv.pdf", "mime_type": "application/pdf"}}}),
    );
    let InboundContent::Media(media) = m.content else {
        panic!("media")
    };
    assert_eq!(
        (media.kind, media.filename.as_deref()),
        (MediaKind::Document, Some("inv.pdf"))
    );
    let m = msg(
        json!({"update_id": 4, "message": {"message_id": 7, "chat": {"id": 9, "type": "private"},
        "date": 1767225600, "voice": {"file_id": "v1", "file_unique_id": "v", "mime_type": "audio/ogg"}}}),
    );
    let InboundContent::Media(media) = m.content else {
        panic!("media")
    };
    assert!(media.voice && media.kind == MediaKind::Audio);
}

#[test]
fn group_messages_belong_to_the_group_and_name_their_sender() {
    let m = msg(json!({"update_id": 5, "message": {"message_id": 40,
        "from": {"id": 555, "is_bot": false, "first_name": "Cy", "last_name": "Young"},
        "chat": {"id": -1001234567890_i64, "type": "supergroup", "title": "Support crew"},
        "date": 1767225600, "text": "hi all",
        "reply_to_message": {"message_id": 39, "chat": {"id": -1001234567890_i64, "type": "supergroup"}, "date": 1767225500, "text": "q"}}}));
    assert_eq!(m.from, "-1001234567890");
    assert_eq!(m.profile_name.as_deref(), Some("Support crew"));
    assert_eq!(m.reply_to.as_deref(), Some("-1001234567890:39"));
    let p = m.participant.expect("a participant");
    assert_eq!(
        (p.id.as_str(), p.name.as_deref()),
        ("555", Some("Cy Young"))
    );
}

#[test]
fn edits_are_notices_quoting_the_original_and_taps_are_button_replies() {
    let m = msg(
        json!({"update_id": 6, "edited_message": {"message_id": 17, "chat": {"id": 9, "type": "private"},
        "date": 1767225600, "edit_date": 1767225700, "text": "fixed typo"}}),
    );
    assert_eq!(m.provider_message_id, "9:17:edit:1767225700");
    assert_eq!(m.reply_to.as_deref(), Some("9:17"));
    let InboundContent::System(n) = m.content else {
        panic!("a notice")
    };
    assert_eq!(
        (n.kind.as_deref(), n.body.as_deref()),
        (Some("message_edited"), Some("fixed typo"))
    );

    let m = msg(
        json!({"update_id": 7, "callback_query": {"id": "4382bfdwdsb323b2d9", "from": {"id": 9, "is_bot": false, "first_name": "Bo"},
        "message": {"message_id": 50, "chat": {"id": 9, "type": "private"}, "date": 1767225600, "text": "When?",
            "reply_markup": {"inline_keyboard": [[{"text": "Morning", "callback_data": "am"}]]}},
        "data": "am"}}),
    );
    assert_eq!(m.provider_message_id, "callback:4382bfdwdsb323b2d9");
    assert_eq!(
        m.content,
        InboundContent::ButtonReply {
            id: "am".into(),
            title: "Morning".into()
        }
    );
    assert_eq!(m.reply_to.as_deref(), Some("9:50"));
}

#[test]
fn unknown_or_broken_updates_are_unparsed_and_non_updates_refused() {
    assert!(matches!(
        one(json!({"update_id": 8, "poll": {"id": "1"}})),
        InboundEvent::Unparsed { .. }
    ));
    assert!(matches!(
        one(json!({"update_id": 9, "message": {"message_id": "x"}})),
        InboundEvent::Unparsed { .. }
    ));
    assert!(parse(b"{\"message\": {}}").is_err());
    assert!(parse(b"not json").is_err());
    assert!(parse(b"[]").is_err());
}
