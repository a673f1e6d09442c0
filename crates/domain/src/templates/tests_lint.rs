//! The linter against a table of good and bad templates: each bad one names its rule and where.

use super::*;

fn spec(category: TemplateCategory, components: serde_json::Value) -> TemplateSpec {
    serde_json::from_value(serde_json::json!({
        "name": "order_ready", "language": "en_GB", "category": category,
        "components": components,
    }))
    .expect("a template in the API's shape")
}

fn body(text: &str, example: serde_json::Value) -> serde_json::Value {
    serde_json::json!([{"type": "body", "text": text, "example": example}])
}

/// (what, template, expected (rule, severity, field, offset)).
type Case = (
    &'static str,
    TemplateSpec,
    Vec<(&'static str, Severity, &'static str, Option<usize>)>,
);

fn cases() -> Vec<Case> {
    use Severity::{Error, Warning};
    use TemplateCategory::{Authentication, Marketing, Utility};
    let long_body = format!("Hello {{{{1}}}}, {} thanks.", "x".repeat(2000));
    vec![
        (
            "good utility",
            spec(
                Utility,
                body(
                    "Hi {{1}}, your order {{2}} is ready.",
                    serde_json::json!(["Maya", "A-17"]),
                ),
            ),
            vec![],
        ),
        (
            "gap names the missing 2",
            spec(
                Utility,
                body(
                    "Hi {{1}} and {{3}} too.",
                    serde_json::json!(["a", "b", "c"]),
                ),
            ),
            vec![(
                "variables_not_sequential",
                Error,
                "components[0].text",
                Some(13),
            )],
        ),
        (
            "2,000-character body",
            spec(Utility, body(&long_body, serde_json::json!(["a"]))),
            vec![("too_long", Error, "components[0].text", Some(1024))],
        ),
        (
            "40-character button",
            spec(
                Marketing,
                serde_json::json!([
            {"type": "body", "text": "Our autumn range is in."},
            {"type": "buttons", "buttons": [{"type": "quick_reply", "text": "x".repeat(40)}]}]),
            ),
            vec![("too_long", Error, "components[1].buttons[0].text", Some(25))],
        ),
        (
            "mixed variables",
            spec(
                Utility,
                body("Hi {{1}} from {{shop}} ok.", serde_json::json!(["a"])),
            ),
            vec![
                ("variable_format", Error, "components[0].text", Some(14)),
                ("example_missing", Error, "components[0].example", None),
                ("variables_mixed", Error, "components[0].text", Some(3)),
            ],
        ),
        (
            "missing example",
            spec(
                Utility,
                body("Hi {{1}}, order {{2}} is ready.", serde_json::json!(["a"])),
            ),
            vec![("example_missing", Error, "components[0].example", None)],
        ),
        (
            "edges and adjacency warn",
            spec(
                Utility,
                body(
                    "{{1}} {{2}} thanks {{3}}",
                    serde_json::json!(["a", "b", "c"]),
                ),
            ),
            vec![
                ("variable_at_edge", Warning, "components[0].text", Some(0)),
                ("variable_at_edge", Warning, "components[0].text", Some(19)),
                ("variables_adjacent", Warning, "components[0].text", Some(6)),
            ],
        ),
        (
            "header of 61 with two variables",
            spec(
                Utility,
                serde_json::json!([
            {"type": "header", "format": "text", "text": format!("{{{{1}}}}{{{{2}}}}{}", "h".repeat(55)), "example": ["a", "b"]},
            {"type": "body", "text": "Thanks for waiting."}]),
            ),
            vec![
                ("too_long", Error, "components[0].text", Some(60)),
                ("header_variables", Error, "components[0].text", Some(5)),
            ],
        ),
        (
            "URL variable in the middle",
            spec(
                Utility,
                serde_json::json!([
            {"type": "body", "text": "Your parcel is on its way."},
            {"type": "buttons", "buttons": [{"type": "url", "text": "Track", "url": "https://x.test/{{1}}/track", "example": "https://x.test/a/track"}]}]),
            ),
            vec![(
                "url_variables",
                Error,
                "components[1].buttons[0].url",
                Some(15),
            )],
        ),
        (
            "quick replies split",
            spec(
                Marketing,
                serde_json::json!([
            {"type": "body", "text": "Pick one."},
            {"type": "buttons", "buttons": [
                {"type": "quick_reply", "text": "Yes"},
                {"type": "phone_number", "text": "Call", "phone_number": "+447700900123"},
                {"type": "quick_reply", "text": "No"}]}]),
            ),
            vec![(
                "quick_replies_not_grouped",
                Error,
                "components[1].buttons[2]",
                None,
            )],
        ),
        (
            "eleven buttons",
            spec(
                Marketing,
                serde_json::json!([
            {"type": "body", "text": "Pick one."},
            {"type": "buttons", "buttons": (0..11).map(|i| serde_json::json!({"type": "quick_reply", "text": format!("b{i}")})).collect::<Vec<_>>()}]),
            ),
            vec![("too_many_buttons", Error, "components[1].buttons", None)],
        ),
        (
            "authentication with a URL",
            spec(
                Authentication,
                serde_json::json!([
            {"type": "body", "text": "Your code is {{1}}. Do not share it.", "example": ["123456"]},
            {"type": "buttons", "buttons": [{"type": "url", "text": "Open", "url": "https://x.test"}]}]),
            ),
            vec![
                (
                    "authentication_url",
                    Error,
                    "components[1].buttons[0].url",
                    None,
                ),
                (
                    "authentication_buttons",
                    Error,
                    "components[1].buttons[0]",
                    None,
                ),
                (
                    "authentication_buttons",
                    Error,
                    "components[1].buttons",
                    None,
                ),
            ],
        ),
        (
            "good authentication",
            spec(
                Authentication,
                serde_json::json!([
            {"type": "body", "text": "Your code is {{1}}. Do not share it.", "example": ["123456"]},
            {"type": "buttons", "buttons": [{"type": "otp", "otp_type": "copy_code", "text": "Copy code"}]}]),
            ),
            vec![],
        ),
        (
            "OTP outside authentication",
            spec(
                Utility,
                serde_json::json!([
            {"type": "body", "text": "Hello there."},
            {"type": "buttons", "buttons": [{"type": "otp", "otp_type": "one_tap"}]}]),
            ),
            vec![(
                "otp_outside_authentication",
                Error,
                "components[1].buttons[0]",
                None,
            )],
        ),
        (
            "style warnings",
            spec(
                Utility,
                body(
                    "Huge sale!!! Click here 🎉🎉🎉🎉 now.",
                    serde_json::json!([]),
                ),
            ),
            vec![
                (
                    "excessive_punctuation",
                    Warning,
                    "components[0].text",
                    Some(9),
                ),
                ("excessive_emoji", Warning, "components[0].text", Some(24)),
                (
                    "vague_call_to_action",
                    Warning,
                    "components[0].text",
                    Some(13),
                ),
                (
                    "promotional_wording",
                    Warning,
                    "components[0].text",
                    Some(5),
                ),
            ],
        ),
        (
            "named without gaps is fine",
            TemplateSpec {
                parameter_format: ParameterFormat::Named,
                ..spec(
                    Utility,
                    body(
                        "Hi {{first_name}}, see you soon.",
                        serde_json::json!({"first_name": "Maya"}),
                    ),
                )
            },
            vec![],
        ),
        (
            "no body",
            spec(
                Utility,
                serde_json::json!([{"type": "footer", "text": "Acme"}]),
            ),
            vec![("body_required", Error, "components", None)],
        ),
    ]
}

#[test]
fn lint_table() {
    for (what, template, expected) in cases() {
        let got: Vec<_> = lint(&template)
            .into_iter()
            .map(|f| (f.rule, f.severity, f.position.field, f.position.offset))
            .collect();
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(r, s, field, o)| (r, s, field.to_owned(), o))
            .collect();
        assert_eq!(got, expected, "{what}");
    }
}

#[test]
fn gap_hint_names_the_missing_variable_and_bad_names_are_found() {
    let t = spec(
        TemplateCategory::Utility,
        body("Hi {{1}} {{3}} x", serde_json::json!(["a", "b", "c"])),
    );
    let gap = lint(&t)
        .into_iter()
        .find(|f| f.rule == "variables_not_sequential")
        .expect("a gap");
    assert!(gap.hint.contains("missing {{2}}"), "{}", gap.hint);
    let bad = TemplateSpec {
        name: "Order Ready".into(),
        language: "english".into(),
        ..t
    };
    let rules: Vec<_> = lint(&bad).into_iter().map(|f| f.rule).collect();
    assert!(
        rules.starts_with(&["name_format", "language_format"]),
        "{rules:?}"
    );
}
