use serde_json::json;

use super::*;

fn content(v: serde_json::Value) -> OutboundContent {
    serde_json::from_value(json!({ "content": v })).expect("content")
}

fn param<'a>(f: &'a Form, name: &str) -> Vec<&'a str> {
    f.params
        .iter()
        .filter(|(k, _)| *k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn text_goes_as_is_with_its_segments() {
    let f = form(
        Flavor::Sms,
        &content(json!({"type": "text", "body": "Your code is 4821"})),
    )
    .unwrap();
    assert_eq!(param(&f, "Body"), ["Your code is 4821"]);
    assert_eq!(f.notes.sms_segments, Some(1));
    assert_eq!(f.notes.downgraded, None);
    let long = "ж".repeat(71);
    let f = form(Flavor::Sms, &content(json!({"type": "text", "body": long}))).unwrap();
    assert_eq!(f.notes.sms_segments, Some(2));
    let f = form(
        Flavor::Whatsapp,
        &content(json!({"type": "text", "body": "hi"})),
    )
    .unwrap();
    assert_eq!(
        f.notes.sms_segments, None,
        "WhatsApp is not billed per segment"
    );
    let e = form(
        Flavor::Sms,
        &content(json!({"type": "text", "body": "a".repeat(1601)})),
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.action),
        ("content_too_long", SendAction::Rejected)
    );
}

#[test]
fn media_goes_by_url_with_its_caption() {
    let c = content(
        json!({"type": "image", "url": "https://hub.example/media/1?x=y", "caption": "Receipt"}),
    );
    let f = form(Flavor::Sms, &c).unwrap();
    assert_eq!(param(&f, "MediaUrl"), ["https://hub.example/media/1?x=y"]);
    assert_eq!(param(&f, "Body"), ["Receipt"]);
    let by_id = content(json!({"type": "document", "media_id": "12345"}));
    assert_eq!(
        form(Flavor::Sms, &by_id).unwrap_err().code,
        "media_url_required"
    );
}

#[test]
fn buttons_and_lists_become_numbered_text_and_say_so() {
    let c = content(
        json!({"type": "reply_buttons", "header": {"type": "text", "text": "Delivery"},
        "body": "When should we come?", "footer": "Reply with a number",
        "buttons": [{"id": "am", "title": "Morning"}, {"id": "pm", "title": "Afternoon"}]}),
    );
    let f = form(Flavor::Sms, &c).unwrap();
    assert_eq!(
        param(&f, "Body"),
        ["Delivery\n\nWhen should we come?\n\n1. Morning\n2. Afternoon\n\nReply with a number"]
    );
    assert_eq!(
        f.notes.downgraded.as_deref(),
        Some("reply_buttons sent as numbered text")
    );

    let c = content(
        json!({"type": "list", "body": "Pick a size", "button": "Sizes", "sections": [
        {"title": "Shirts", "rows": [{"id": "s", "title": "Small"}, {"id": "m", "title": "Medium", "description": "Fits most"}]},
        {"title": "Hats", "rows": [{"id": "h", "title": "One size"}]}]}),
    );
    let f = form(Flavor::Whatsapp, &c).unwrap();
    assert_eq!(
        param(&f, "Body"),
        ["Pick a size\n\nShirts\n1. Small\n2. Medium – Fits most\n\nHats\n3. One size"]
    );
    assert_eq!(
        f.notes.downgraded.as_deref(),
        Some("list sent as numbered text")
    );
}

#[test]
fn locations_contacts_and_links_become_text() {
    let c = content(
        json!({"type": "location", "latitude": 51.5033, "longitude": -0.1196,
        "name": "London Eye", "address": "Riverside Building, London"}),
    );
    let f = form(Flavor::Sms, &c).unwrap();
    assert_eq!(
        param(&f, "Body"),
        [
            "London Eye\nRiverside Building, London\n📍 51.5033, -0.1196\nhttps://maps.google.com/?q=51.5033,-0.1196"
        ]
    );
    let c = content(
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Ada Lovelace"},
        "phones": [{"phone": "+44 7700 900456", "type": "CELL"}], "emails": [{"email": "ada@example.com"}],
        "org": {"company": "Analytical Engines", "title": "Countess"}}]}),
    );
    let f = form(Flavor::Sms, &c).unwrap();
    assert_eq!(
        param(&f, "Body"),
        ["Ada Lovelace\n+44 7700 900456 (cell)\nada@example.com\nCountess, Analytical Engines"]
    );
    let c = content(
        json!({"type": "cta_url", "body": "Track your parcel", "display_text": "Track",
        "url": "https://example.com/t/1"}),
    );
    let f = form(Flavor::Sms, &c).unwrap();
    assert_eq!(
        param(&f, "Body"),
        ["Track your parcel\n\nTrack: https://example.com/t/1"]
    );
    let quoted = OutboundContent {
        reply_to: Some("SM1".into()),
        ..content(json!({"type": "text", "body": "yes"}))
    };
    let f = form(Flavor::Sms, &quoted).unwrap();
    assert!(f.notes.downgraded.unwrap().contains("reply_to dropped"));
}

#[test]
fn templates_are_content_sids_on_whatsapp_only() {
    let sid = format!("HX{}", "0123456789abcdef".repeat(2));
    let c = content(
        json!({"type": "template", "name": sid, "language": "en", "components": [
        {"type": "body", "parameters": [{"type": "text", "text": "Ada"}, {"type": "text", "text": "12"}]}]}),
    );
    let f = form(Flavor::Whatsapp, &c).unwrap();
    assert_eq!(param(&f, "ContentSid"), [sid.as_str()]);
    assert_eq!(param(&f, "ContentVariables"), [r#"{"1":"Ada","2":"12"}"#]);
    assert!(param(&f, "Body").is_empty());
    assert_eq!(
        form(Flavor::Sms, &c).unwrap_err().code,
        "unsupported_content"
    );
    let named = content(json!({"type": "template", "name": "order_update", "language": "en"}));
    assert_eq!(
        form(Flavor::Whatsapp, &named).unwrap_err().code,
        "template_not_supported"
    );
    let reaction = content(json!({"type": "reaction", "message_id": "SM1", "emoji": "👍"}));
    assert_eq!(
        form(Flavor::Whatsapp, &reaction).unwrap_err().code,
        "unsupported_content"
    );
}
