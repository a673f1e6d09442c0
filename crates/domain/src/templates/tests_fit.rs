//! A send's parameters against a template: missing and extra ones are named with their place,
//! and a fitting send renders the text the customer sees.

use super::*;
use crate::content::TemplateComponent;

fn order_ready() -> TemplateSpec {
    serde_json::from_value(serde_json::json!({
        "name": "order_ready", "language": "en_GB", "category": "utility",
        "components": [
            {"type": "header", "format": "text", "text": "Order {{1}}", "example": ["A-17"]},
            {"type": "body", "text": "Hi {{1}}, your order is ready at {{2}}.", "example": ["Maya", "Leeds"]},
            {"type": "footer", "text": "Acme"},
            {"type": "buttons", "buttons": [
                {"type": "url", "text": "Track", "url": "https://acme.test/t/{{1}}", "example": "https://acme.test/t/a17"},
                {"type": "quick_reply", "text": "Thanks"}]}]
    }))
    .unwrap()
}

fn sent(v: serde_json::Value) -> Vec<TemplateComponent> {
    serde_json::from_value(v).unwrap()
}

fn text(t: &str) -> serde_json::Value {
    serde_json::json!({"type": "text", "text": t})
}

#[test]
fn fitting_parameters_render_the_message() {
    let params = sent(serde_json::json!([
        {"type": "header", "parameters": [text("A-17")]},
        {"type": "body", "parameters": [text("Maya"), text("Leeds")]},
        {"type": "button", "sub_type": "url", "index": 0, "parameters": [text("a17")]},
    ]));
    let r = fit(&order_ready(), &params).expect("fits");
    assert_eq!(r.header.as_deref(), Some("Order A-17"));
    assert_eq!(r.body, "Hi Maya, your order is ready at Leeds.");
    assert_eq!(r.footer.as_deref(), Some("Acme"));
    assert_eq!(r.buttons, ["Track (https://acme.test/t/a17)", "Thanks"]);
}

#[test]
fn missing_and_extra_parameters_say_which_and_where() {
    let params = sent(serde_json::json!([
        {"type": "body", "parameters": [text("Maya"), text("Leeds"), text("extra")]},
        {"type": "button", "sub_type": "url", "index": 3, "parameters": [text("x")]},
    ]));
    let problems = fit(&order_ready(), &params).unwrap_err();
    let got: Vec<_> = problems
        .iter()
        .map(|p| (p.rule, p.component.as_str(), p.parameter.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("parameter_missing", "header", Some("{{1}}")),
            ("parameter_extra", "body", Some("{{3}}")),
            ("parameter_missing", "buttons[0]", Some("{{1}}")),
            ("parameter_extra", "buttons[3]", None),
        ]
    );
}

#[test]
fn named_templates_fit_by_parameter_name() {
    let spec: TemplateSpec = serde_json::from_value(serde_json::json!({
        "name": "hello", "language": "en", "category": "utility", "parameter_format": "named",
        "components": [{"type": "body", "text": "Hi {{first_name}}!", "example": {"first_name": "Maya"}}]
    }))
    .unwrap();
    let good = sent(serde_json::json!([{"type": "body", "parameters": [
        {"type": "text", "text": "Tom", "parameter_name": "first_name"}]}]));
    assert_eq!(fit(&spec, &good).unwrap().body, "Hi Tom!");
    let wrong = sent(serde_json::json!([{"type": "body", "parameters": [
        {"type": "text", "text": "Tom", "parameter_name": "name"}]}]));
    let rules: Vec<_> = fit(&spec, &wrong)
        .unwrap_err()
        .into_iter()
        .map(|p| (p.rule, p.parameter))
        .collect();
    assert_eq!(
        rules,
        [
            ("parameter_missing", Some("{{first_name}}".to_owned())),
            ("parameter_extra", Some("{{name}}".to_owned())),
        ]
    );
}
