use serde_json::json;
use switchboard_domain::content::OutboundContent;

use super::*;

fn message(to: &str, content: serde_json::Value, reply_to: Option<&str>) -> OutboundMessage {
    let content: Content = serde_json::from_value(content).expect("content");
    OutboundMessage {
        to: to.into(),
        content: OutboundContent {
            content,
            reply_to: reply_to.map(str::to_owned),
        },
        callback_data: None,
        tag: None,
    }
}

fn json_of(call: &Call) -> Value {
    Value::Object(call.params.clone())
}

#[test]
fn text_goes_to_send_message_with_reply_parameters() {
    let m = message(
        "123456789",
        json!({"type": "text", "body": "Hello"}),
        Some("123456789:17"),
    );
    let c = call(&m).unwrap();
    assert_eq!(c.method, "sendMessage");
    assert_eq!(
        json_of(&c),
        json!({
            "chat_id": 123456789,
            "text": "Hello",
            "link_preview_options": {"is_disabled": true},
            "reply_parameters": {"message_id": 17, "allow_sending_without_reply": true},
        })
    );
    let channel = call(&message(
        "@news_channel",
        json!({"type": "text", "body": "x"}),
        None,
    ));
    assert_eq!(json_of(&channel.unwrap())["chat_id"], "@news_channel");
}

#[test]
fn every_media_kind_has_its_method() {
    let cases = [
        ("image", "sendPhoto", "photo"),
        ("video", "sendVideo", "video"),
        ("audio", "sendAudio", "audio"),
        ("document", "sendDocument", "document"),
        ("sticker", "sendSticker", "sticker"),
    ];
    for (kind, method, field) in cases {
        let m = message(
            "-100200",
            json!({"type": kind, "url": "https://files.test/a"}),
            None,
        );
        let c = call(&m).unwrap();
        assert_eq!(
            (c.method, &c.params[field]),
            (method, &json!("https://files.test/a"))
        );
        assert_eq!(c.params["chat_id"], json!(-100200));
    }
    let m = message(
        "1",
        json!({"type": "image", "media_id": "AgACAgIAAx", "caption": "Receipt"}),
        None,
    );
    let c = call(&m).unwrap();
    assert_eq!(
        (&c.params["photo"], &c.params["caption"]),
        (&json!("AgACAgIAAx"), &json!("Receipt"))
    );
}

#[test]
fn places_and_contacts() {
    let point = call(&message(
        "1",
        json!({"type": "location", "latitude": 51.5, "longitude": -0.12}),
        None,
    ))
    .unwrap();
    assert_eq!(point.method, "sendLocation");
    let venue = call(&message(
        "1",
        json!({"type": "location", "latitude": 51.5, "longitude": -0.12,
        "name": "HQ", "address": "1 Main St"}),
        None,
    ))
    .unwrap();
    assert_eq!(
        (venue.method, &venue.params["title"]),
        ("sendVenue", &json!("HQ"))
    );
    let card = json!({"name": {"formatted_name": "Ada Lovelace", "first_name": "Ada", "last_name": "Lovelace"},
                      "phones": [{"phone": "+447700900123"}]});
    let c = call(&message(
        "1",
        json!({"type": "contacts", "contacts": [card.clone()]}),
        None,
    ))
    .unwrap();
    assert_eq!(c.method, "sendContact");
    assert_eq!(c.params["phone_number"], "+447700900123");
    assert_eq!(c.params["last_name"], "Lovelace");
    let two = call(&message(
        "1",
        json!({"type": "contacts", "contacts": [card.clone(), card]}),
        None,
    ));
    assert_eq!(two.unwrap_err().code, INVALID_CONTENT);
}

#[test]
fn buttons_and_lists_become_inline_keyboards() {
    let b = call(&message(
        "1",
        json!({"type": "reply_buttons", "body": "When?", "footer": "Pick one",
        "buttons": [{"id": "am", "title": "Morning"}, {"id": "pm", "title": "Afternoon"}]}),
        None,
    ))
    .unwrap();
    assert_eq!(b.method, "sendMessage");
    assert_eq!(b.params["text"], "When?\n\nPick one");
    assert_eq!(
        b.params["reply_markup"],
        json!({"inline_keyboard": [[
        {"text": "Morning", "callback_data": "am"}, {"text": "Afternoon", "callback_data": "pm"}]]})
    );
    let l = call(&message("1", json!({"type": "list", "body": "Pick a size", "button": "Sizes",
        "sections": [{"title": "All", "rows": [{"id": "s", "title": "Small"}, {"id": "l", "title": "Large"}]}]}), None)).unwrap();
    assert_eq!(
        l.params["reply_markup"]["inline_keyboard"],
        json!([
        [{"text": "Small", "callback_data": "s"}], [{"text": "Large", "callback_data": "l"}]])
    );
    let cta = call(&message(
        "1",
        json!({"type": "cta_url", "body": "Track it", "display_text": "Track",
        "url": "https://t.test/1"}),
        None,
    ))
    .unwrap();
    assert_eq!(
        cta.params["reply_markup"]["inline_keyboard"][0][0]["url"],
        "https://t.test/1"
    );
    let long_id = "x".repeat(65);
    let e = call(&message(
        "1",
        json!({"type": "reply_buttons", "body": "?",
        "buttons": [{"id": long_id, "title": "X"}]}),
        None,
    ))
    .unwrap_err();
    assert_eq!((e.code, e.action), (INVALID_CONTENT, SendAction::Rejected));
}

#[test]
fn what_telegram_cannot_carry_is_refused_before_any_io() {
    let template = json!({"type": "template", "name": "order_update", "language": "en"});
    let e = call(&message("1", template, None)).unwrap_err();
    assert_eq!((e.code, e.action), (UNSUPPORTED, SendAction::Rejected));
    let reaction = json!({"type": "reaction", "message_id": "1:2", "emoji": "👍"});
    assert_eq!(
        call(&message("1", reaction, None)).unwrap_err().code,
        UNSUPPORTED
    );
    let bad_reply = call(&message(
        "1",
        json!({"type": "text", "body": "x"}),
        Some("wamid.X"),
    ));
    assert_eq!(bad_reply.unwrap_err().code, INVALID_CONTENT);
    let empty = call(&message("1", json!({"type": "text", "body": ""}), None));
    assert_eq!(empty.unwrap_err().code, INVALID_CONTENT);
}
