//! Every limit broken once: each error names the JSON path and the rule. Valid examples come
//! from `tests_serde`, so each case changes one thing in a known-good document.

use super::tests_serde::examples;
use super::*;
use serde_json::{Value, json};

fn problems(v: Value) -> Vec<(String, Rule)> {
    let content: Content = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}"));
    match content.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| (e.path, e.rule)).collect(),
    }
}

fn one(path: &str, rule: Rule) -> Vec<(String, Rule)> {
    vec![(path.to_owned(), rule)]
}

/// The example of `kind` with `edit` applied.
fn example(kind: ContentKind, edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = examples()
        .into_iter()
        .find(|e| e["type"] == kind.as_str())
        .unwrap();
    edit(&mut v);
    v
}

fn long(n: usize) -> String {
    "é".repeat(n)
}

fn max(n: usize) -> Rule {
    Rule::MaxChars { max: n }
}

#[test]
fn text_body_is_required_and_capped() {
    let at_limit = json!({"type": "text", "body": long(4096)});
    assert_eq!(problems(at_limit), vec![]);
    assert_eq!(
        problems(json!({"type": "text", "body": long(4097)})),
        one("body", max(4096))
    );
    assert_eq!(
        problems(json!({"type": "text", "body": " \n"})),
        one("body", Rule::NotEmpty)
    );
}

#[test]
fn media_needs_exactly_one_source_and_allowed_extras() {
    let both = Rule::ExactlyOneOf {
        fields: ["media_id", "url"],
    };
    assert_eq!(problems(json!({"type": "image"})), one("", both.clone()));
    let two = json!({"type": "video", "media_id": "1", "url": "https://e.x/v"});
    assert_eq!(problems(two), one("", both));
    let bad_url = json!({"type": "image", "url": "file:///etc/passwd"});
    let expected = Rule::Format {
        expected: "an absolute http or https URL",
    };
    assert_eq!(problems(bad_url), one("url", expected));
    let caption = json!({"type": "image", "media_id": "1", "caption": long(1025)});
    assert_eq!(problems(caption), one("caption", max(1024)));
    let audio = json!({"type": "audio", "media_id": "1", "caption": "x"});
    let reason = "audio cannot carry a caption";
    assert_eq!(problems(audio), one("caption", Rule::NotAllowed { reason }));
    let sticker = json!({"type": "sticker", "media_id": "1", "caption": "x"});
    assert_eq!(problems(sticker)[0].0, "caption");
    let named = json!({"type": "image", "media_id": "1", "filename": "a.jpg"});
    let reason = "only documents carry a file name";
    assert_eq!(
        problems(named),
        one("filename", Rule::NotAllowed { reason })
    );
    let doc = json!({"type": "document", "media_id": "1", "filename": long(256)});
    assert_eq!(problems(doc), one("filename", max(255)));
}

#[test]
fn location_coordinates_are_in_range() {
    let v = example(ContentKind::Location, |v| {
        v["latitude"] = json!(90.5);
        v["longitude"] = json!(-180.5);
        v["name"] = json!(long(1025));
    });
    assert_eq!(
        problems(v),
        vec![
            ("latitude".into(), Rule::Range { min: -90, max: 90 }),
            (
                "longitude".into(),
                Rule::Range {
                    min: -180,
                    max: 180
                }
            ),
            ("name".into(), max(1024)),
        ]
    );
}

#[test]
fn contact_cards_are_checked_field_by_field() {
    assert_eq!(
        problems(json!({"type": "contacts", "contacts": []})),
        one("contacts", Rule::Count { min: 1, max: 100 })
    );
    let v = example(ContentKind::Contacts, |v| {
        let card = &mut v["contacts"][0];
        card["name"]["formatted_name"] = json!("");
        card["phones"][0]["wa_id"] = json!("+12");
        card["emails"][0]["email"] = json!("not-an-address");
        card["urls"][0]["url"] = json!("example.com");
    });
    let paths: Vec<_> = problems(v).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        paths,
        [
            "contacts[0].name.formatted_name",
            "contacts[0].phones[0].wa_id",
            "contacts[0].emails[0].email",
            "contacts[0].urls[0].url",
        ]
    );
}

#[test]
fn reply_buttons_limits() {
    let button = |id: &str, title: &str| json!({"id": id, "title": title});
    let v = example(ContentKind::ReplyButtons, |v| {
        v["header"]["text"] = json!(long(61));
        v["body"] = json!(long(1025));
        v["footer"] = json!(long(61));
        v["buttons"] = json!([
            button("a", "A"),
            button(&"i".repeat(257), "B"),
            button("a", &long(21)),
            button(" d", "A"),
        ]);
    });
    assert_eq!(
        problems(v),
        vec![
            ("header.text".into(), max(60)),
            ("body".into(), max(1024)),
            ("footer".into(), max(60)),
            ("buttons".into(), Rule::Count { min: 1, max: 3 }),
            ("buttons[1].id".into(), max(256)),
            ("buttons[2].title".into(), max(20)),
            (
                "buttons[3].id".into(),
                Rule::Format {
                    expected: "free of leading and trailing spaces"
                }
            ),
            ("buttons[2].id".into(), Rule::Unique),
            ("buttons[3].title".into(), Rule::Unique),
        ]
    );
    let none = example(ContentKind::ReplyButtons, |v| v["buttons"] = json!([]));
    assert_eq!(
        problems(none),
        one("buttons", Rule::Count { min: 1, max: 3 })
    );
}

#[test]
fn list_limits() {
    let row = |id: &str| json!({"id": id, "title": "Row"});
    let v = example(ContentKind::List, |v| {
        v["button"] = json!(long(21));
        v["sections"][0]["rows"][0]["id"] = json!("i".repeat(201));
        v["sections"][0]["rows"][0]["title"] = json!(long(25));
        v["sections"][0]["rows"][0]["description"] = json!(long(73));
        v["sections"][1]["title"] = Value::Null;
        v["sections"][1]["rows"] = json!([row("acct"), row("acct")]);
    });
    assert_eq!(
        problems(v),
        vec![
            ("button".into(), max(20)),
            ("sections[0].rows[0].id".into(), max(200)),
            ("sections[0].rows[0].title".into(), max(24)),
            ("sections[0].rows[0].description".into(), max(72)),
            ("sections[1].title".into(), Rule::NotEmpty),
            ("sections[1].rows[1].id".into(), Rule::Unique),
        ]
    );
    let rows: Vec<Value> = (0..11).map(|i| row(&format!("r{i}"))).collect();
    let many = example(ContentKind::List, |v| {
        v["sections"] =
            json!([{"title": "A", "rows": rows[..6]}, {"title": "B", "rows": rows[6..]}]);
    });
    let reason = "a list holds at most 10 rows across all its sections";
    assert_eq!(problems(many), one("sections", Rule::NotAllowed { reason }));
    let sections: Vec<Value> = (0..11)
        .map(|i| json!({"title": "S", "rows": [row(&i.to_string())]}))
        .collect();
    let v = example(ContentKind::List, |v| v["sections"] = json!(sections));
    let found = problems(v);
    assert!(
        found.contains(&("sections".into(), Rule::Count { min: 1, max: 10 })),
        "{found:?}"
    );
    let empty = example(ContentKind::List, |v| v["sections"][0]["rows"] = json!([]));
    assert_eq!(
        problems(empty),
        one("sections[0].rows", Rule::Count { min: 1, max: 10 })
    );
}

#[test]
fn cta_url_limits() {
    let v = example(ContentKind::CtaUrl, |v| {
        v["display_text"] = json!(long(21));
        v["url"] = json!("javascript:alert(1)");
        v["header"]["caption"] = json!("no");
    });
    let reason = "a header carries no caption";
    assert_eq!(
        problems(v),
        vec![
            ("header.caption".into(), Rule::NotAllowed { reason }),
            ("display_text".into(), max(20)),
            (
                "url".into(),
                Rule::Format {
                    expected: "an absolute http or https URL"
                }
            ),
        ]
    );
}

#[test]
fn reaction_needs_a_message_and_one_emoji() {
    let v = json!({"type": "reaction", "message_id": "", "emoji": "ok"});
    let expected = Rule::Format {
        expected: "one emoji, or empty to remove the reaction",
    };
    assert_eq!(
        problems(v),
        vec![
            ("message_id".into(), Rule::NotEmpty),
            ("emoji".into(), expected)
        ]
    );
    for fine in ["👨‍👩‍👧‍👦", "1️⃣", "🇬🇧"] {
        assert_eq!(
            problems(json!({"type": "reaction", "message_id": "m", "emoji": fine})),
            vec![]
        );
    }
}

#[test]
fn reply_to_paths_are_prefixed_and_reactions_cannot_quote() {
    let v = json!({"content": {"type": "reaction", "message_id": "", "emoji": ""}, "reply_to": ""});
    let out: OutboundContent = serde_json::from_value(v).unwrap();
    let errors: Vec<_> = out
        .validate()
        .unwrap_err()
        .into_iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        errors,
        [
            "content.message_id: must not be empty",
            "reply_to: must not be empty",
            "reply_to: is not allowed: a reaction already names its message",
        ]
    );
}
