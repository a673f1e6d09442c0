//! `Content::summary`: one line, at most 100 characters, telling at a glance what was sent.

use super::tests_serde::examples;
use super::*;
use serde_json::json;

fn summary(v: serde_json::Value) -> String {
    serde_json::from_value::<Content>(v).unwrap().summary()
}

#[test]
fn every_documented_example_has_a_telling_summary() {
    let summaries: Vec<String> = examples().into_iter().map(summary).collect();
    assert_eq!(
        summaries,
        [
            "Your order shipped.",
            "Image: Receipt",
            "Video",
            "Audio",
            "Document: inv-7.pdf",
            "Sticker",
            "Location: Big Ben",
            "Contact: Ada Lovelace",
            "When should we deliver?",
            "Pick a topic",
            "Track your parcel.",
            "Template: order_ready",
            "Reacted 👍",
        ]
    );
}

#[test]
fn long_text_is_cut_to_one_line_of_100_characters() {
    let body = format!("Hello\n\n  there {}", "é".repeat(200));
    let s = summary(json!({"type": "text", "body": body}));
    assert_eq!(s.chars().count(), 100);
    assert!(s.starts_with("Hello there éé"));
    assert!(s.ends_with('…'));
    let exact = "a".repeat(100);
    assert_eq!(
        summary(json!({"type": "text", "body": exact.clone()})),
        exact
    );
}

#[test]
fn several_contacts_and_removed_reactions() {
    let card = |n: &str| json!({"name": {"formatted_name": n}});
    let v = json!({"type": "contacts", "contacts": [card("Ada"), card("Bob"), card("Cy")]});
    assert_eq!(summary(v), "Contacts: Ada and 2 more");
    let v = json!({"type": "reaction", "message_id": "m", "emoji": ""});
    assert_eq!(summary(v), "Removed a reaction");
    assert_eq!(
        summary(json!({"type": "list", "body": " ", "button": "b", "sections": []})),
        "List"
    );
}
