//! Translation between the hub's template model and the connectors': a spec becomes the
//! provider-neutral `NewTemplate` to submit, and a listed provider template (Meta's component
//! JSON) becomes the hub's components again, so synced templates are checked like created ones.

use serde_json::Value;
use switchboard_connectors::templates as wire;
use switchboard_domain::templates::{
    Button, Component, Examples, HeaderFormat, OtpType, ParameterFormat, TemplateCategory,
    TemplateSpec,
};

/// The spec in the connectors' terms.
pub(super) fn new_template(t: &TemplateSpec) -> wire::NewTemplate {
    wire::NewTemplate {
        name: t.name.clone(),
        language: t.language.clone(),
        category: match t.category {
            TemplateCategory::Marketing => wire::TemplateCategory::Marketing,
            TemplateCategory::Utility => wire::TemplateCategory::Utility,
            TemplateCategory::Authentication => wire::TemplateCategory::Authentication,
        },
        parameter_format: match t.parameter_format {
            ParameterFormat::Positional => wire::ParameterFormat::Positional,
            ParameterFormat::Named => wire::ParameterFormat::Named,
        },
        components: t.components.iter().map(component).collect(),
    }
}

fn examples(e: &Examples) -> wire::Examples {
    match e {
        Examples::Positional(v) => wire::Examples::Positional(v.clone()),
        Examples::Named(m) => {
            wire::Examples::Named(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        }
    }
}

fn component(c: &Component) -> wire::ComponentSpec {
    match c {
        Component::Header {
            format,
            text,
            example,
            example_handle,
        } => {
            let media = |format| wire::ComponentSpec::MediaHeader {
                format,
                example_handle: example_handle.clone(),
            };
            match format {
                HeaderFormat::Text => wire::ComponentSpec::TextHeader {
                    text: text.clone().unwrap_or_default(),
                    example: example.as_ref().map(examples),
                },
                HeaderFormat::Image => media(wire::MediaHeaderFormat::Image),
                HeaderFormat::Video => media(wire::MediaHeaderFormat::Video),
                HeaderFormat::Document => media(wire::MediaHeaderFormat::Document),
                HeaderFormat::Location => wire::ComponentSpec::LocationHeader,
            }
        }
        Component::Body { text, example } => wire::ComponentSpec::Body {
            text: text.clone(),
            example: example.as_ref().map(examples),
        },
        Component::Footer { text } => wire::ComponentSpec::Footer { text: text.clone() },
        Component::Buttons { buttons } => {
            wire::ComponentSpec::Buttons(buttons.iter().map(button).collect())
        }
    }
}

fn button(b: &Button) -> wire::ButtonSpec {
    match b {
        Button::QuickReply { text } => wire::ButtonSpec::QuickReply { text: text.clone() },
        Button::Url { text, url, example } => wire::ButtonSpec::Url {
            text: text.clone(),
            url: url.clone(),
            example: example.clone(),
        },
        Button::PhoneNumber { text, phone_number } => wire::ButtonSpec::PhoneNumber {
            text: text.clone(),
            phone_number: phone_number.clone(),
        },
        Button::CopyCode { example } => wire::ButtonSpec::CopyCode {
            example: example.clone(),
        },
        Button::Otp { otp_type, text } => wire::ButtonSpec::Otp {
            otp_type: match otp_type {
                OtpType::CopyCode => "COPY_CODE",
                OtpType::OneTap => "ONE_TAP",
                OtpType::ZeroTap => "ZERO_TAP",
            },
            text: text.clone(),
        },
    }
}

/// Meta's components (`[{"type": "BODY", "text": ...}]`) as the hub's; `None` when a part is
/// not understood (the raw components are then kept as they are, and sends are not checked).
pub(super) fn components_of(v: &Value) -> Option<Vec<Component>> {
    v.as_array()?.iter().map(provider_component).collect()
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// Named examples: `[{"param_name": "first_name", "example": "Maya"}]`.
fn named(v: Option<&Value>) -> Option<Examples> {
    let pairs = v?
        .as_array()?
        .iter()
        .map(|p| Some((text(p, "param_name")?, text(p, "example")?)));
    pairs.collect::<Option<_>>().map(Examples::Named)
}

fn provider_component(c: &Value) -> Option<Component> {
    let kind = text(c, "type")?.to_ascii_uppercase();
    let example = c.get("example");
    Some(match kind.as_str() {
        "HEADER" => {
            let format = match text(c, "format")?.to_ascii_uppercase().as_str() {
                "TEXT" => HeaderFormat::Text,
                "IMAGE" => HeaderFormat::Image,
                "VIDEO" => HeaderFormat::Video,
                "DOCUMENT" => HeaderFormat::Document,
                "LOCATION" => HeaderFormat::Location,
                _ => return None,
            };
            let handle = strings(example.and_then(|e| e.get("header_handle")))
                .and_then(|h| h.into_iter().next());
            let example = strings(example.and_then(|e| e.get("header_text")))
                .map(Examples::Positional)
                .or_else(|| named(example.and_then(|e| e.get("header_text_named_params"))));
            Component::Header {
                format,
                text: text(c, "text"),
                example,
                example_handle: handle,
            }
        }
        "BODY" => {
            // Meta keeps a list of example sets; the first is the one that was submitted.
            let positional = example
                .and_then(|e| e.get("body_text"))
                .and_then(Value::as_array)
                .and_then(|sets| strings(sets.first()))
                .map(Examples::Positional);
            Component::Body {
                text: text(c, "text")?,
                example: positional
                    .or_else(|| named(example.and_then(|e| e.get("body_text_named_params")))),
            }
        }
        "FOOTER" => Component::Footer {
            text: text(c, "text")?,
        },
        "BUTTONS" => Component::Buttons {
            buttons: c
                .get("buttons")?
                .as_array()?
                .iter()
                .map(provider_button)
                .collect::<Option<_>>()?,
        },
        _ => return None,
    })
}

fn provider_button(b: &Value) -> Option<Button> {
    Some(match text(b, "type")?.to_ascii_uppercase().as_str() {
        "QUICK_REPLY" => Button::QuickReply {
            text: text(b, "text")?,
        },
        "URL" => Button::Url {
            text: text(b, "text")?,
            url: text(b, "url")?,
            example: strings(b.get("example")).and_then(|e| e.into_iter().next()),
        },
        "PHONE_NUMBER" => Button::PhoneNumber {
            text: text(b, "text")?,
            phone_number: text(b, "phone_number")?,
        },
        "COPY_CODE" => Button::CopyCode {
            example: text(b, "example")
                .or_else(|| strings(b.get("example")).and_then(|e| e.into_iter().next()))?,
        },
        "OTP" => Button::Otp {
            otp_type: match text(b, "otp_type")?.to_ascii_uppercase().as_str() {
                "COPY_CODE" => OtpType::CopyCode,
                "ONE_TAP" => OtpType::OneTap,
                "ZERO_TAP" => OtpType::ZeroTap,
                _ => return None,
            },
            text: text(b, "text"),
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn metas_components_read_back_as_the_hubs() {
        let meta = json!([
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}", "example": {"header_text": ["A-17"]}},
            {"type": "BODY", "text": "Hi {{1}}.", "example": {"body_text": [["Maya"]]}},
            {"type": "FOOTER", "text": "Acme"},
            {"type": "BUTTONS", "buttons": [
                {"type": "URL", "text": "Track", "url": "https://a.test/{{1}}", "example": ["https://a.test/x"]},
                {"type": "QUICK_REPLY", "text": "Thanks"},
                {"type": "OTP", "otp_type": "COPY_CODE"}]}
        ]);
        let spec: Vec<Component> = serde_json::from_value(json!([
            {"type": "header", "format": "text", "text": "Order {{1}}", "example": ["A-17"]},
            {"type": "body", "text": "Hi {{1}}.", "example": ["Maya"]},
            {"type": "footer", "text": "Acme"},
            {"type": "buttons", "buttons": [
                {"type": "url", "text": "Track", "url": "https://a.test/{{1}}", "example": "https://a.test/x"},
                {"type": "quick_reply", "text": "Thanks"},
                {"type": "otp", "otp_type": "copy_code"}]}
        ]))
        .unwrap();
        assert_eq!(components_of(&meta), Some(spec));
        assert_eq!(components_of(&json!([{"type": "CAROUSEL"}])), None);
    }
}
