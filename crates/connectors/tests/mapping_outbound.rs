//! Every neutral content kind maps to exactly the Cloud API JSON of PROVIDERS §1.2–1.3, and
//! content the domain refuses is never turned into a request.

use serde_json::{Value, json};
use switchboard_connectors::outbound::{OutboundMessage, SendAction};
use switchboard_connectors::whatsapp_cloud::client::{INVALID_CONTENT, send_request};
use switchboard_domain::content::OutboundContent;

const TO: &str = "447700900123";

/// The neutral message for a content document (the send API's JSON shape).
fn message(content: Value) -> OutboundMessage {
    OutboundMessage {
        to: TO.to_owned(),
        content: OutboundContent {
            content: serde_json::from_value(content).expect("valid content JSON"),
            reply_to: None,
        },
        callback_data: None,
        tag: None,
    }
}

/// The Cloud API body the connector posts for `message`.
fn wire(message: &OutboundMessage) -> Value {
    serde_json::to_value(send_request(message).expect("content is valid")).unwrap()
}

/// The common fields plus the type-specific part.
fn expected(type_part: Value) -> Value {
    let mut body = json!({"messaging_product": "whatsapp", "to": TO});
    if let (Value::Object(map), Value::Object(part)) = (&mut body, type_part) {
        map.extend(part);
    }
    body
}

fn assert_maps(content: Value, type_part: Value) {
    assert_eq!(wire(&message(content)), expected(type_part));
}

#[test]
fn text_with_and_without_preview() {
    assert_maps(
        json!({"type": "text", "body": "See https://example.com", "preview_url": true}),
        json!({"type": "text", "text": {"body": "See https://example.com", "preview_url": true}}),
    );
    assert_maps(
        json!({"type": "text", "body": "Hi"}),
        json!({"type": "text", "text": {"body": "Hi"}}),
    );
}

#[test]
fn every_media_kind_by_id_and_by_link() {
    assert_maps(
        json!({"type": "image", "media_id": "1234567890", "caption": "Receipt"}),
        json!({"type": "image", "image": {"id": "1234567890", "caption": "Receipt"}}),
    );
    assert_maps(
        json!({"type": "video", "url": "https://files.example.com/v.mp4", "caption": "Clip"}),
        json!({"type": "video", "video": {"link": "https://files.example.com/v.mp4", "caption": "Clip"}}),
    );
    assert_maps(
        json!({"type": "audio", "media_id": "55"}),
        json!({"type": "audio", "audio": {"id": "55"}}),
    );
    assert_maps(
        json!({"type": "document", "url": "https://files.example.com/inv-7.pdf",
               "filename": "inv-7.pdf", "caption": "Invoice 7"}),
        json!({"type": "document", "document": {"link": "https://files.example.com/inv-7.pdf",
               "filename": "inv-7.pdf", "caption": "Invoice 7"}}),
    );
    assert_maps(
        json!({"type": "sticker", "url": "https://files.example.com/s.webp"}),
        json!({"type": "sticker", "sticker": {"link": "https://files.example.com/s.webp"}}),
    );
}

#[test]
fn location() {
    assert_maps(
        json!({"type": "location", "latitude": 51.5007, "longitude": -0.1246,
               "name": "Big Ben", "address": "Westminster, London"}),
        json!({"type": "location", "location": {"latitude": 51.5007, "longitude": -0.1246,
               "name": "Big Ben", "address": "Westminster, London"}}),
    );
}

#[test]
fn contacts_keep_every_part_and_gain_a_first_name_when_they_have_none() {
    assert_maps(
        json!({"type": "contacts", "contacts": [
            {"name": {"formatted_name": "Ada Lovelace", "first_name": "Ada"},
             "phones": [{"phone": "+44 7700 900456", "type": "CELL", "wa_id": "447700900456"}],
             "emails": [{"email": "ada@example.com", "type": "WORK"}],
             "org": {"company": "Analytical Engines"},
             "urls": [{"url": "https://example.com/ada"}]},
            {"name": {"formatted_name": "Babbage"}}]}),
        json!({"type": "contacts", "contacts": [
            {"name": {"formatted_name": "Ada Lovelace", "first_name": "Ada"},
             "phones": [{"phone": "+44 7700 900456", "type": "CELL", "wa_id": "447700900456"}],
             "emails": [{"email": "ada@example.com", "type": "WORK"}],
             "urls": [{"url": "https://example.com/ada"}],
             "org": {"company": "Analytical Engines"}},
            {"name": {"formatted_name": "Babbage", "first_name": "Babbage"}}]}),
    );
}

#[test]
fn reply_buttons_with_text_header_and_footer() {
    assert_maps(
        json!({"type": "reply_buttons", "header": {"type": "text", "text": "Delivery"},
               "body": "When should we deliver?", "footer": "Reply with a button",
               "buttons": [{"id": "slot_am", "title": "Morning"}, {"id": "slot_pm", "title": "Afternoon"}]}),
        json!({"type": "interactive", "interactive": {"type": "button",
               "header": {"type": "text", "text": "Delivery"},
               "body": {"text": "When should we deliver?"},
               "footer": {"text": "Reply with a button"},
               "action": {"buttons": [
                   {"type": "reply", "reply": {"id": "slot_am", "title": "Morning"}},
                   {"type": "reply", "reply": {"id": "slot_pm", "title": "Afternoon"}}]}}}),
    );
}

#[test]
fn reply_buttons_with_media_headers() {
    assert_maps(
        json!({"type": "reply_buttons", "header": {"type": "image", "url": "https://files.example.com/p.jpg"},
               "body": "Like it?", "buttons": [{"id": "y", "title": "Yes"}]}),
        json!({"type": "interactive", "interactive": {"type": "button",
               "header": {"type": "image", "image": {"link": "https://files.example.com/p.jpg"}},
               "body": {"text": "Like it?"},
               "action": {"buttons": [{"type": "reply", "reply": {"id": "y", "title": "Yes"}}]}}}),
    );
    assert_maps(
        json!({"type": "reply_buttons",
               "header": {"type": "document", "media_id": "9", "filename": "terms.pdf"},
               "body": "Accept?", "buttons": [{"id": "ok", "title": "OK"}]}),
        json!({"type": "interactive", "interactive": {"type": "button",
               "header": {"type": "document", "document": {"id": "9", "filename": "terms.pdf"}},
               "body": {"text": "Accept?"},
               "action": {"buttons": [{"type": "reply", "reply": {"id": "ok", "title": "OK"}}]}}}),
    );
    assert_maps(
        json!({"type": "reply_buttons", "header": {"type": "video", "media_id": "v1"},
               "body": "Watch", "buttons": [{"id": "ok", "title": "OK"}]}),
        json!({"type": "interactive", "interactive": {"type": "button",
               "header": {"type": "video", "video": {"id": "v1"}},
               "body": {"text": "Watch"},
               "action": {"buttons": [{"type": "reply", "reply": {"id": "ok", "title": "OK"}}]}}}),
    );
}

#[test]
fn list_with_sections() {
    assert_maps(
        json!({"type": "list", "header": "Help", "body": "Pick a topic", "footer": "Thanks",
               "button": "Topics", "sections": [
                   {"title": "Orders", "rows": [
                       {"id": "ord_status", "title": "Order status", "description": "Where is my parcel?"}]},
                   {"title": "Other", "rows": [{"id": "agent", "title": "Talk to us"}]}]}),
        json!({"type": "interactive", "interactive": {"type": "list",
               "header": {"type": "text", "text": "Help"},
               "body": {"text": "Pick a topic"}, "footer": {"text": "Thanks"},
               "action": {"button": "Topics", "sections": [
                   {"title": "Orders", "rows": [
                       {"id": "ord_status", "title": "Order status", "description": "Where is my parcel?"}]},
                   {"title": "Other", "rows": [{"id": "agent", "title": "Talk to us"}]}]}}}),
    );
}

#[test]
fn cta_url() {
    assert_maps(
        json!({"type": "cta_url", "body": "Track your parcel.", "display_text": "Track",
               "url": "https://example.com/t/7", "footer": "Thanks"}),
        json!({"type": "interactive", "interactive": {"type": "cta_url",
               "body": {"text": "Track your parcel."}, "footer": {"text": "Thanks"},
               "action": {"name": "cta_url",
                          "parameters": {"display_text": "Track", "url": "https://example.com/t/7"}}}}),
    );
}

#[test]
fn template_with_every_parameter_kind() {
    assert_maps(
        json!({"type": "template", "name": "order_ready", "language": "en_GB", "components": [
            {"type": "header", "parameters": [{"type": "image", "url": "https://files.example.com/p.jpg"}]},
            {"type": "body", "parameters": [
                {"type": "text", "text": "Ada"},
                {"type": "currency", "fallback_value": "€12.34", "code": "EUR", "amount_1000": 12340},
                {"type": "date_time", "fallback_value": "1 January 2026"}]},
            {"type": "button", "sub_type": "url", "index": 0, "parameters": [{"type": "text", "text": "7"}]},
            {"type": "button", "sub_type": "quick_reply", "index": 1,
             "parameters": [{"type": "payload", "payload": "STOP_PROMOS"}]},
            {"type": "button", "sub_type": "copy_code", "index": 2,
             "parameters": [{"type": "coupon_code", "coupon_code": "SAVE10"}]}]}),
        json!({"type": "template", "template": {"name": "order_ready", "language": {"code": "en_GB"},
            "components": [
                {"type": "header", "parameters": [
                    {"type": "image", "image": {"link": "https://files.example.com/p.jpg"}}]},
                {"type": "body", "parameters": [
                    {"type": "text", "text": "Ada"},
                    {"type": "currency", "currency":
                        {"fallback_value": "€12.34", "code": "EUR", "amount_1000": 12340}},
                    {"type": "date_time", "date_time": {"fallback_value": "1 January 2026"}}]},
                {"type": "button", "sub_type": "url", "index": "0",
                 "parameters": [{"type": "text", "text": "7"}]},
                {"type": "button", "sub_type": "quick_reply", "index": "1",
                 "parameters": [{"type": "payload", "payload": "STOP_PROMOS"}]},
                {"type": "button", "sub_type": "copy_code", "index": "2",
                 "parameters": [{"type": "coupon_code", "coupon_code": "SAVE10"}]}]}}),
    );
}

#[test]
fn template_with_named_parameters_and_media_headers() {
    assert_maps(
        json!({"type": "template", "name": "welcome", "language": "en", "components": [
            {"type": "header", "parameters": [{"type": "document", "media_id": "d1", "filename": "a.pdf"}]},
            {"type": "body", "parameters": [
                {"type": "text", "text": "Ada", "parameter_name": "first_name"}]}]}),
        json!({"type": "template", "template": {"name": "welcome", "language": {"code": "en"},
            "components": [
                {"type": "header", "parameters": [
                    {"type": "document", "document": {"id": "d1", "filename": "a.pdf"}}]},
                {"type": "body", "parameters": [
                    {"parameter_name": "first_name", "type": "text", "text": "Ada"}]}]}}),
    );
    assert_maps(
        json!({"type": "template", "name": "promo", "language": "en",
               "components": [{"type": "header", "parameters": [{"type": "video", "media_id": "v9"}]}]}),
        json!({"type": "template", "template": {"name": "promo", "language": {"code": "en"},
               "components": [{"type": "header", "parameters": [{"type": "video", "video": {"id": "v9"}}]}]}}),
    );
}

#[test]
fn template_without_parameters_has_no_components() {
    assert_maps(
        json!({"type": "template", "name": "hello_world", "language": "en_US"}),
        json!({"type": "template", "template": {"name": "hello_world", "language": {"code": "en_US"}}}),
    );
}

#[test]
fn reaction_and_its_removal() {
    assert_maps(
        json!({"type": "reaction", "message_id": "wamid.IN1", "emoji": "👍"}),
        json!({"type": "reaction", "reaction": {"message_id": "wamid.IN1", "emoji": "👍"}}),
    );
    assert_maps(
        json!({"type": "reaction", "message_id": "wamid.IN1", "emoji": ""}),
        json!({"type": "reaction", "reaction": {"message_id": "wamid.IN1", "emoji": ""}}),
    );
}

#[test]
fn reply_context_and_callback_data() {
    let mut m = message(json!({"type": "text", "body": "Yes"}));
    m.content.reply_to = Some("wamid.IN7".to_owned());
    m.callback_data = Some("job-42".to_owned());
    assert_eq!(
        wire(&m),
        json!({"messaging_product": "whatsapp", "to": TO,
               "context": {"message_id": "wamid.IN7"},
               "biz_opaque_callback_data": "job-42",
               "type": "text", "text": {"body": "Yes"}}),
    );
}

#[test]
fn invalid_content_is_rejected_before_any_request() {
    let cases = [
        json!({"type": "text", "body": ""}),
        json!({"type": "text", "body": "x".repeat(4097)}),
        json!({"type": "image", "media_id": "1", "url": "https://files.example.com/a.jpg"}),
        json!({"type": "image"}),
        json!({"type": "audio", "media_id": "1", "caption": "no"}),
        json!({"type": "reply_buttons", "body": "Pick", "buttons": [
            {"id": "a", "title": "A"}, {"id": "b", "title": "B"},
            {"id": "c", "title": "C"}, {"id": "d", "title": "D"}]}),
        json!({"type": "reply_buttons", "body": "Pick", "buttons": [{"id": "a", "title": "x".repeat(21)}]}),
        json!({"type": "list", "body": "Pick", "button": "Go", "sections": [{"rows":
            (0..11).map(|i| json!({"id": format!("r{i}"), "title": "Row"})).collect::<Vec<_>>()}]}),
        json!({"type": "cta_url", "body": "Go", "display_text": "Open", "url": "not a url"}),
        json!({"type": "reaction", "message_id": "wamid.X", "emoji": "hello"}),
    ];
    for content in cases {
        let err = send_request(&message(content.clone())).expect_err(&content.to_string());
        assert_eq!(err.action, SendAction::Rejected, "{content}");
        assert_eq!(err.code, INVALID_CONTENT, "{content}");
        assert!(!err.provider_text.is_empty());
        assert_eq!(err.http_status, None);
    }
}

#[test]
fn a_reaction_cannot_also_quote_a_message() {
    let mut m = message(json!({"type": "reaction", "message_id": "wamid.X", "emoji": "👍"}));
    m.content.reply_to = Some("wamid.Y".to_owned());
    let err = send_request(&m).unwrap_err();
    assert_eq!(err.code, INVALID_CONTENT);
    assert!(
        err.provider_text.contains("reply_to"),
        "{}",
        err.provider_text
    );
}
