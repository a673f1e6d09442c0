//! Every kind parses from its documented JSON, validates, and serializes back to the same JSON;
//! typos in field names are refused rather than silently ignored.

use super::*;
use serde_json::{Value, json};

/// One valid, documented example per kind; the API docs can quote these.
pub(super) fn examples() -> Vec<Value> {
    vec![
        json!({"type": "text", "body": "Your order shipped.", "preview_url": true}),
        json!({"type": "image", "media_id": "1234567890", "caption": "Receipt"}),
        json!({"type": "video", "url": "https://files.example.com/v.mp4"}),
        json!({"type": "audio", "media_id": "med_audio_1"}),
        json!({"type": "document", "url": "https://files.example.com/inv-7.pdf",
               "filename": "inv-7.pdf", "caption": "Invoice 7"}),
        json!({"type": "sticker", "url": "https://files.example.com/s.webp"}),
        json!({"type": "location", "latitude": 51.5007, "longitude": -0.1246,
               "name": "Big Ben", "address": "Westminster, London"}),
        json!({"type": "contacts", "contacts": [{
            "name": {"formatted_name": "Ada Lovelace", "first_name": "Ada"},
            "phones": [{"phone": "+44 7700 900456", "type": "CELL", "wa_id": "447700900456"}],
            "emails": [{"email": "ada@example.com", "type": "WORK"}],
            "org": {"company": "Analytical Engines", "title": "Programmer"},
            "urls": [{"url": "https://example.com/ada"}]}]}),
        json!({"type": "reply_buttons",
               "header": {"type": "text", "text": "Delivery"},
               "body": "When should we deliver?", "footer": "Reply with a button",
               "buttons": [{"id": "slot_am", "title": "Morning"},
                           {"id": "slot_pm", "title": "Afternoon"}]}),
        json!({"type": "list", "header": "Help", "body": "Pick a topic", "button": "Topics",
               "sections": [
                 {"title": "Orders", "rows": [
                   {"id": "ord_status", "title": "Order status", "description": "Where is my parcel?"}]},
                 {"title": "Account", "rows": [{"id": "acct", "title": "My account"}]}]}),
        json!({"type": "cta_url",
               "header": {"type": "image", "media_id": "med_9"},
               "body": "Track your parcel.", "display_text": "Track",
               "url": "https://example.com/t/7"}),
        json!({"type": "template", "name": "order_ready", "language": "en_GB", "components": [
            {"type": "header", "parameters": [
                {"type": "image", "url": "https://files.example.com/p.jpg"}]},
            {"type": "body", "parameters": [
                {"type": "text", "text": "Ada"},
                {"type": "currency", "fallback_value": "€12.34", "code": "EUR", "amount_1000": 12340},
                {"type": "date_time", "fallback_value": "1 March 2026"}]},
            {"type": "button", "sub_type": "url", "index": 0, "parameters": [
                {"type": "text", "text": "7"}]},
            {"type": "button", "sub_type": "quick_reply", "index": 1, "parameters": [
                {"type": "payload", "payload": "STOP_PROMOS"}]},
            {"type": "button", "sub_type": "copy_code", "index": 2, "parameters": [
                {"type": "coupon_code", "coupon_code": "SAVE10"}]}]}),
        json!({"type": "reaction", "message_id": "wamid.HBgMNDQ3NzAwOTAwMTIz", "emoji": "👍"}),
    ]
}

#[test]
fn every_kind_round_trips_from_its_documented_json() {
    let examples = examples();
    let mut kinds = Vec::new();
    for example in &examples {
        let content: Content =
            serde_json::from_value(example.clone()).unwrap_or_else(|e| panic!("{example}: {e}"));
        assert_eq!(content.validate(), Ok(()), "{example}");
        assert_eq!(&serde_json::to_value(&content).unwrap(), example);
        assert_eq!(example["type"], content.kind().as_str());
        kinds.push(content.kind());
    }
    assert_eq!(kinds, ContentKind::ALL, "one example per kind, in order");
}

#[test]
fn kind_serializes_as_its_type_tag() {
    for kind in ContentKind::ALL {
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
    }
}

#[test]
fn named_template_parameters_round_trip() {
    let v = json!({"type": "template", "name": "welcome", "language": "en", "components": [
        {"type": "body", "parameters": [
            {"type": "text", "text": "Ada", "parameter_name": "first_name"}]}]});
    let content: Content = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(content.validate(), Ok(()));
    assert_eq!(serde_json::to_value(&content).unwrap(), v);
}

#[test]
fn removing_a_reaction_is_an_empty_emoji() {
    let v = json!({"type": "reaction", "message_id": "wamid.X", "emoji": ""});
    let Content::Reaction(r) = serde_json::from_value(v).unwrap() else {
        panic!("not a reaction");
    };
    assert!(r.is_removal());
    assert_eq!(Content::Reaction(r).validate(), Ok(()));
}

#[test]
fn reply_to_sits_beside_the_content() {
    let v = json!({"content": {"type": "text", "body": "Yes"}, "reply_to": "wamid.Q"});
    let out: OutboundContent = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(out.reply_to.as_deref(), Some("wamid.Q"));
    assert_eq!(out.validate(), Ok(()));
    assert_eq!(serde_json::to_value(&out).unwrap(), v);
    let plain: OutboundContent =
        serde_json::from_value(json!({"content": {"type": "text", "body": "Yes"}})).unwrap();
    assert_eq!(plain.reply_to, None);
}

#[test]
fn typos_and_unknown_kinds_are_refused() {
    for bad in [
        json!({"type": "text", "body": "Hi", "preview": true}),
        json!({"type": "text", "bdy": "Hi"}),
        json!({"type": "image", "media_id": "1", "captoin": "x"}),
        json!({"type": "reply_buttons", "body": "b", "buttons": [{"id": "a", "title": "A", "x": 1}]}),
        json!({"type": "list", "body": "b", "button": "B", "sections": [{"rows": [], "titel": "t"}]}),
        json!({"type": "cta_url", "body": "b", "display_text": "d", "url": "https://e.x",
               "header": {"type": "text", "txt": "h"}}),
        json!({"type": "template", "name": "n", "language": "en", "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "a", "name": "x"}]}]}),
        json!({"type": "template", "name": "n", "language": "en", "components": [
            {"type": "body", "parameters": [], "sub_type": "url"}]}),
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "A", "nick": "a"}}]}),
        json!({"type": "location", "latitude": 1.0, "longitude": 2.0, "label": "x"}),
        json!({"type": "reaction", "message_id": "m", "emoji": "👍", "remove": false}),
        json!({"type": "carousel", "body": "b"}),
        json!({"body": "no type"}),
    ] {
        assert!(
            serde_json::from_value::<Content>(bad.clone()).is_err(),
            "accepted {bad}"
        );
    }
    let outer = json!({"content": {"type": "text", "body": "Hi"}, "replyTo": "m"});
    assert!(serde_json::from_value::<OutboundContent>(outer).is_err());
}

#[test]
fn errors_serialize_as_path_rule_and_its_parameters() {
    fn is_error<E: std::error::Error>(_: &E) {}
    let errors =
        serde_json::from_value::<Content>(json!({"type": "image", "caption": "é".repeat(1025)}))
            .unwrap()
            .validate()
            .unwrap_err();
    is_error(&errors[0]);
    assert_eq!(
        serde_json::to_value(&errors).unwrap(),
        json!([
            {"path": "", "rule": "exactly_one_of", "fields": ["media_id", "url"]},
            {"path": "caption", "rule": "max_chars", "max": 1024},
        ])
    );
    assert_eq!(
        errors[0].to_string(),
        "must have exactly one of `media_id` and `url`"
    );
    assert_eq!(
        errors[1].to_string(),
        "caption: must be at most 1024 characters"
    );
}
