//! Template sends: every shape rule and per-parameter limit broken once, with its path.

use super::*;
use serde_json::{Value, json};

fn problems(components: Value) -> Vec<(String, Rule)> {
    let v = json!({"type": "template", "name": "order_ready", "language": "en_GB",
                   "components": components});
    let content: Content = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}"));
    content
        .validate()
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.path, e.rule))
        .collect()
}

fn text(t: &str) -> Value {
    json!({"type": "text", "text": t})
}

fn not_allowed(reason: &'static str) -> Rule {
    Rule::NotAllowed { reason }
}

#[test]
fn name_and_language_have_a_form() {
    let v = json!({"type": "template", "name": "Order-Ready", "language": "english"});
    let content: Content = serde_json::from_value(v).unwrap();
    let errors = content.validate().unwrap_err();
    let rules: Vec<_> = errors.iter().map(|e| (e.path.as_str(), &e.rule)).collect();
    assert_eq!(
        rules,
        [
            (
                "name",
                &Rule::Format {
                    expected: "lowercase letters, digits and `_`"
                }
            ),
            (
                "language",
                &Rule::Format {
                    expected: "a language code such as `en` or `en_GB`"
                }
            ),
        ]
    );
    for fine in ["en", "fil", "zh_CN", "es_419", "pt_BR"] {
        let v = json!({"type": "template", "name": "a_1", "language": fine});
        assert_eq!(
            serde_json::from_value::<Content>(v).unwrap().validate(),
            Ok(()),
            "{fine}"
        );
    }
}

#[test]
fn one_header_with_one_parameter_and_one_body() {
    let found = problems(json!([
        {"type": "header", "parameters": [text("a"), text("b")]},
        {"type": "header", "parameters": [text("c")]},
        {"type": "body", "parameters": [text("d")]},
        {"type": "body", "parameters": [text("e")]},
    ]));
    assert_eq!(
        found,
        vec![
            (
                "components[0].parameters".into(),
                Rule::Count { min: 1, max: 1 }
            ),
            (
                "components[1]".into(),
                not_allowed("a template has one header")
            ),
            (
                "components[3]".into(),
                not_allowed("a template has one body")
            ),
        ]
    );
}

#[test]
fn parameters_fit_where_they_sit() {
    let found = problems(json!([
        {"type": "header", "parameters": [{"type": "image", "media_id": "1", "caption": "c"}]},
        {"type": "body", "parameters": [
            {"type": "image", "media_id": "1"},
            text(&"x".repeat(1025)),
            text("two\nlines"),
            {"type": "currency", "fallback_value": "12", "code": "eur", "amount_1000": 12000}]},
        {"type": "button", "sub_type": "quick_reply", "index": 0, "parameters": [text("t")]},
        {"type": "button", "sub_type": "url", "index": 1,
         "parameters": [{"type": "payload", "payload": "p"}]},
        {"type": "button", "sub_type": "copy_code", "index": 2,
         "parameters": [{"type": "coupon_code", "coupon_code": "SIXTEEN_LETTERS_"}]},
    ]));
    assert_eq!(
        found,
        vec![
            (
                "components[0].parameters[0].caption".into(),
                not_allowed("a template parameter carries no caption")
            ),
            (
                "components[1].parameters[0].type".into(),
                not_allowed("a body takes text, currency or date_time")
            ),
            (
                "components[1].parameters[1].text".into(),
                Rule::MaxChars { max: 1024 }
            ),
            (
                "components[1].parameters[2].text".into(),
                Rule::Format {
                    expected: "free of new lines, tabs and more than 4 spaces in a row"
                }
            ),
            (
                "components[1].parameters[3].code".into(),
                Rule::Format {
                    expected: "an ISO 4217 code such as `EUR`"
                }
            ),
            (
                "components[2].parameters[0].type".into(),
                not_allowed("a quick_reply button takes a payload")
            ),
            (
                "components[3].parameters[0].type".into(),
                not_allowed("a url button takes an unnamed text")
            ),
            (
                "components[4].parameters[0].coupon_code".into(),
                Rule::MaxChars { max: 15 }
            ),
        ]
    );
}

#[test]
fn button_indices_are_unique_and_in_range() {
    let button = |index: u8| json!({"type": "button", "sub_type": "url", "index": index, "parameters": [text("7")]});
    let found = problems(json!([button(0), button(0), button(10)]));
    assert_eq!(
        found,
        vec![
            ("components[1].index".into(), Rule::Unique),
            ("components[2].index".into(), Rule::Range { min: 0, max: 9 }),
        ]
    );
    let none =
        problems(json!([{"type": "button", "sub_type": "url", "index": 0, "parameters": []}]));
    assert_eq!(
        none,
        vec![(
            "components[0].parameters".into(),
            Rule::Count { min: 1, max: 1 }
        )]
    );
}

#[test]
fn named_and_positional_parameters_never_mix() {
    let found = problems(json!([
        {"type": "header", "parameters": [
            {"type": "text", "text": "Ada", "parameter_name": "first_name"}]},
        {"type": "body", "parameters": [
            text("positional"),
            {"type": "text", "text": "x", "parameter_name": "Bad Name"}]},
    ]));
    assert_eq!(
        found,
        vec![
            (
                "components[1].parameters[0].parameter_name".into(),
                not_allowed("positional and named parameters cannot be mixed")
            ),
            (
                "components[1].parameters[1].parameter_name".into(),
                Rule::Format {
                    expected: "a lowercase name of letters, digits and `_`"
                }
            ),
        ]
    );
}
