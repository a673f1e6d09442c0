use serde_json::json;
use switchboard_domain::content::OutboundContent;

use super::*;

fn msg(content: serde_json::Value) -> OutboundMessage {
    OutboundMessage {
        to: "24000000000001".into(),
        content: serde_json::from_value(json!({ "content": content })).unwrap(),
        callback_data: Some("m-1".into()),
        tag: None,
    }
}

fn body(platform: Platform, content: serde_json::Value) -> Result<Value, SendError> {
    send_body(platform, &msg(content))
}

#[test]
fn text_inside_the_window_is_a_response_with_our_metadata() {
    let b = body(Platform::Messenger, json!({"type": "text", "body": "Hi"})).unwrap();
    assert_eq!(
        b,
        json!({"recipient": {"id": "24000000000001"}, "messaging_type": "RESPONSE",
               "message": {"text": "Hi", "metadata": "m-1"}})
    );
}

#[test]
fn a_tag_makes_a_message_tag_send_and_is_checked_per_platform() {
    let mut m = msg(json!({"type": "text", "body": "Update"}));
    m.tag = Some("human_agent".into());
    let b = send_body(Platform::Instagram, &m).unwrap();
    assert_eq!(b["messaging_type"], "MESSAGE_TAG");
    assert_eq!(b["tag"], "HUMAN_AGENT");
    m.tag = Some("account_update".into());
    assert!(send_body(Platform::Messenger, &m).is_ok());
    let e = send_body(Platform::Instagram, &m).unwrap_err();
    assert_eq!(e.code, INVALID_CONTENT);
}

#[test]
fn text_limits_differ_per_platform() {
    let long = "é".repeat(600); // 600 characters, 1,200 bytes
    assert!(body(Platform::Messenger, json!({"type": "text", "body": long})).is_ok());
    let e = body(Platform::Instagram, json!({"type": "text", "body": long})).unwrap_err();
    assert_eq!(e.code, INVALID_CONTENT);
    let at_limit = "a".repeat(MESSENGER_MAX_TEXT_CHARS);
    assert!(
        body(
            Platform::Messenger,
            json!({"type": "text", "body": at_limit})
        )
        .is_ok()
    );
    let over = "a".repeat(MESSENGER_MAX_TEXT_CHARS + 1);
    assert!(body(Platform::Messenger, json!({"type": "text", "body": over})).is_err());
}

#[test]
fn media_goes_by_url_or_attachment_id_and_captions_are_refused() {
    let b = body(
        Platform::Messenger,
        json!({"type": "document", "url": "https://h/x.pdf"}),
    )
    .unwrap();
    assert_eq!(
        b["message"]["attachment"],
        json!({"type": "file", "payload": {"url": "https://h/x.pdf", "is_reusable": true}})
    );
    let b = body(
        Platform::Messenger,
        json!({"type": "audio", "media_id": "778"}),
    )
    .unwrap();
    assert_eq!(
        b["message"]["attachment"]["payload"],
        json!({"attachment_id": "778"})
    );
    let e = body(
        Platform::Messenger,
        json!({"type": "image", "url": "https://h/p.jpg", "caption": "c"}),
    )
    .unwrap_err();
    assert_eq!(e.code, INVALID_CONTENT);
}

#[test]
fn buttons_and_lists_become_quick_replies_and_cta_a_button_template() {
    let b = body(
        Platform::Messenger,
        json!({"type": "reply_buttons", "body": "When?", "footer": "Pick one",
               "buttons": [{"id": "am", "title": "Morning"}, {"id": "pm", "title": "Evening"}]}),
    )
    .unwrap();
    assert_eq!(b["message"]["text"], "When?\n\nPick one");
    assert_eq!(
        b["message"]["quick_replies"][1],
        json!({"content_type": "text", "title": "Evening", "payload": "pm"})
    );
    let b = body(
        Platform::Instagram,
        json!({"type": "list", "body": "Topic?", "button": "Choose",
               "sections": [{"title": "A", "rows": [{"id": "r1", "title": "Orders"}]},
                            {"title": "B", "rows": [{"id": "r2", "title": "Returns"}]}]}),
    )
    .unwrap();
    assert_eq!(b["message"]["quick_replies"].as_array().unwrap().len(), 2);
    let cta = json!({"type": "cta_url", "body": "Track it", "display_text": "Track", "url": "https://t.example/1"});
    let b = body(Platform::Messenger, cta.clone()).unwrap();
    assert_eq!(
        b["message"]["attachment"]["payload"]["template_type"],
        "button"
    );
    assert_eq!(
        b["message"]["attachment"]["payload"]["buttons"][0]["url"],
        "https://t.example/1"
    );
    let b = body(Platform::Instagram, cta).unwrap();
    assert_eq!(
        b["message"]["text"],
        "Track it\n\nTrack: https://t.example/1"
    );
}

#[test]
fn location_and_contacts_downgrade_to_text_and_templates_are_refused() {
    let b = body(
        Platform::Messenger,
        json!({"type": "location", "latitude": 51.5, "longitude": -0.12, "name": "Office"}),
    )
    .unwrap();
    let text = b["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("Office\n") && text.contains("mlat=51.5&mlon=-0.12"),
        "{text}"
    );
    let b = body(
        Platform::Instagram,
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Ada L"},
               "phones": [{"phone": "+447700900123", "type": "work"}]}]}),
    )
    .unwrap();
    assert_eq!(b["message"]["text"], "Ada L\nwork: +447700900123");
    let e = body(
        Platform::Messenger,
        json!({"type": "template", "name": "order_ready", "language": "en"}),
    )
    .unwrap_err();
    assert_eq!(e.code, UNSUPPORTED_CONTENT);
}

#[test]
fn reactions_are_instagram_hearts_only() {
    let heart = json!({"type": "reaction", "message_id": "m_1", "emoji": "❤️"});
    let b = body(Platform::Instagram, heart.clone()).unwrap();
    assert_eq!(b["sender_action"], "react");
    assert_eq!(
        b["payload"],
        json!({"message_id": "m_1", "reaction": "love"})
    );
    assert!(b.get("message").is_none());
    let b = body(
        Platform::Instagram,
        json!({"type": "reaction", "message_id": "m_1", "emoji": ""}),
    )
    .unwrap();
    assert_eq!(b["sender_action"], "unreact");
    let e = body(
        Platform::Instagram,
        json!({"type": "reaction", "message_id": "m_1", "emoji": "👍"}),
    )
    .unwrap_err();
    assert_eq!(e.code, INVALID_CONTENT);
    let e = body(Platform::Messenger, heart).unwrap_err();
    assert_eq!(e.code, UNSUPPORTED_CONTENT);
}

#[test]
fn a_reply_quotes_by_mid() {
    let mut m = msg(json!({"type": "text", "body": "Yes"}));
    m.content = OutboundContent {
        reply_to: Some("m_in".into()),
        ..m.content
    };
    let b = send_body(Platform::Messenger, &m).unwrap();
    assert_eq!(b["message"]["reply_to"], json!({"mid": "m_in"}));
}
