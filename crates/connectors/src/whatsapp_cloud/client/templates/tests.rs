//! The create body is Meta's format for every component, example and button kind.

use serde_json::json;

use super::*;
use crate::templates::TemplateCategory;

#[test]
fn positional_template_with_every_component() {
    let t = NewTemplate {
        name: "order_ready".into(),
        language: "en_GB".into(),
        category: TemplateCategory::Utility,
        parameter_format: ParameterFormat::Positional,
        components: vec![
            ComponentSpec::TextHeader {
                text: "Order {{1}}".into(),
                example: Some(Examples::Positional(vec!["7".into()])),
            },
            ComponentSpec::Body {
                text: "Hi {{1}}, order {{2}} is ready.".into(),
                example: Some(Examples::Positional(vec!["Ada".into(), "7".into()])),
            },
            ComponentSpec::Footer {
                text: "Reply STOP to opt out".into(),
            },
            ComponentSpec::Buttons(vec![
                ButtonSpec::QuickReply {
                    text: "Stop".into(),
                },
                ButtonSpec::Url {
                    text: "Track".into(),
                    url: "https://example.com/t/{{1}}".into(),
                    example: Some("https://example.com/t/7".into()),
                },
                ButtonSpec::PhoneNumber {
                    text: "Call".into(),
                    phone_number: "+447700900001".into(),
                },
                ButtonSpec::CopyCode {
                    example: "SAVE10".into(),
                },
            ]),
        ],
    };
    assert_eq!(
        create_body(&t),
        json!({"name": "order_ready", "language": "en_GB", "category": "UTILITY",
            "parameter_format": "POSITIONAL", "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["7"]}},
            {"type": "BODY", "text": "Hi {{1}}, order {{2}} is ready.",
             "example": {"body_text": [["Ada", "7"]]}},
            {"type": "FOOTER", "text": "Reply STOP to opt out"},
            {"type": "BUTTONS", "buttons": [
                {"type": "QUICK_REPLY", "text": "Stop"},
                {"type": "URL", "text": "Track", "url": "https://example.com/t/{{1}}",
                 "example": ["https://example.com/t/7"]},
                {"type": "PHONE_NUMBER", "text": "Call", "phone_number": "+447700900001"},
                {"type": "COPY_CODE", "example": "SAVE10"}]}]})
    );
}

#[test]
fn named_template_with_a_media_header() {
    let t = NewTemplate {
        name: "welcome".into(),
        language: "en".into(),
        category: TemplateCategory::Marketing,
        parameter_format: ParameterFormat::Named,
        components: vec![
            ComponentSpec::MediaHeader {
                format: MediaHeaderFormat::Image,
                example_handle: Some("4::aW1n".into()),
            },
            ComponentSpec::Body {
                text: "Welcome {{first_name}}".into(),
                example: Some(Examples::Named(vec![("first_name".into(), "Ada".into())])),
            },
        ],
    };
    assert_eq!(
        create_body(&t),
        json!({"name": "welcome", "language": "en", "category": "MARKETING",
            "parameter_format": "NAMED", "components": [
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1n"]}},
            {"type": "BODY", "text": "Welcome {{first_name}}",
             "example": {"body_text_named_params": [{"param_name": "first_name", "example": "Ada"}]}}]})
    );
}

#[test]
fn listed_templates_need_id_name_and_status() {
    let ok = json!({"id": 5, "name": "a", "language": "en", "status": "APPROVED",
                    "category": "UTILITY", "rejected_reason": "NONE", "components": []});
    let info = template_info(&ok).unwrap();
    assert_eq!((info.id.as_str(), info.rejected_reason), ("5", None));
    assert!(template_info(&json!({"name": "a", "status": "APPROVED"})).is_none());
    assert!(template_info(&json!("garbage")).is_none());
}
