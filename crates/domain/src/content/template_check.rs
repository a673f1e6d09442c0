//! Validation of a template send (`Template::check`): which parameter kinds each component
//! takes, WhatsApp's per-parameter limits, and that named and positional parameters never mix.

use super::template::{ButtonSubType, Template, TemplateComponent, TemplateParameter};
use super::text_media::MediaRules;
use super::validate::{Checker, Rule, at, item};

/// Meta's cap on a template name.
const MAX_NAME: usize = 512;
/// A header holds at most one variable (PRODUCT §7) and a text header at most 60 characters.
const MAX_HEADER_TEXT_PARAM: usize = 60;
/// The whole body is capped at 1024 characters, so no single parameter can be longer.
const MAX_BODY_TEXT_PARAM: usize = 1024;
/// Quick-reply payloads come back to us in the reply webhook; 256 matches reply-button ids.
const MAX_PAYLOAD: usize = 256;
/// WhatsApp caps a copy-code coupon at 15 characters.
const MAX_COUPON: usize = 15;
/// Templates have at most 10 buttons, indexed from 0.
const MAX_BUTTON_INDEX: u8 = 9;

const PARAM_NO_CAPTION: &str = "a template parameter carries no caption";
const PARAM_DOCUMENT: MediaRules = MediaRules::new(Some(PARAM_NO_CAPTION), None);
const PARAM_OTHER_MEDIA: MediaRules = MediaRules::new(
    Some(PARAM_NO_CAPTION),
    Some("only documents carry a file name"),
);

/// Where a parameter sits decides which kinds it may be.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Header,
    Body,
    Button(ButtonSubType),
}

impl Template {
    pub(crate) fn check(&self, c: &mut Checker) {
        c.text("name", &self.name, MAX_NAME);
        if !self
            .name
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        {
            c.fail(
                "name",
                Rule::Format {
                    expected: "lowercase letters, digits and `_`",
                },
            );
        }
        if !is_language_code(&self.language) {
            c.fail(
                "language",
                Rule::Format {
                    expected: "a language code such as `en` or `en_GB`",
                },
            );
        }
        let (mut headers, mut bodies, mut indices) = (0, 0, Vec::new());
        let mut named: Option<bool> = None;
        for (i, comp) in self.components.iter().enumerate() {
            let path = item("components", i);
            let (place, params) = match comp {
                TemplateComponent::Header { parameters } => {
                    headers += 1;
                    if headers > 1 {
                        c.fail(
                            &path,
                            Rule::NotAllowed {
                                reason: "a template has one header",
                            },
                        );
                    }
                    c.count(&at(&path, "parameters"), parameters.len(), 1, 1);
                    (Place::Header, parameters)
                }
                TemplateComponent::Body { parameters } => {
                    bodies += 1;
                    if bodies > 1 {
                        c.fail(
                            &path,
                            Rule::NotAllowed {
                                reason: "a template has one body",
                            },
                        );
                    }
                    (Place::Body, parameters)
                }
                TemplateComponent::Button {
                    sub_type,
                    index,
                    parameters,
                } => {
                    let index_path = at(&path, "index");
                    if *index > MAX_BUTTON_INDEX {
                        c.fail(
                            &index_path,
                            Rule::Range {
                                min: 0,
                                max: MAX_BUTTON_INDEX.into(),
                            },
                        );
                    } else if indices.contains(index) {
                        c.fail(&index_path, Rule::Unique);
                    }
                    indices.push(*index);
                    c.count(&at(&path, "parameters"), parameters.len(), 1, 1);
                    (Place::Button(*sub_type), parameters)
                }
            };
            for (p, param) in params.iter().enumerate() {
                let p_path = item(&at(&path, "parameters"), p);
                check_parameter(c, &p_path, place, param, &mut named);
            }
        }
    }
}

fn check_parameter(
    c: &mut Checker,
    path: &str,
    place: Place,
    param: &TemplateParameter,
    named: &mut Option<bool>,
) {
    use TemplateParameter as P;
    let allowed = matches!(
        (place, param),
        (
            Place::Header | Place::Body,
            P::Text { .. } | P::Currency { .. } | P::DateTime { .. }
        ) | (Place::Header, P::Image(_) | P::Video(_) | P::Document(_))
            | (Place::Button(ButtonSubType::QuickReply), P::Payload { .. })
            | (
                Place::Button(ButtonSubType::Url),
                P::Text {
                    parameter_name: None,
                    ..
                }
            )
            | (Place::Button(ButtonSubType::CopyCode), P::CouponCode { .. })
    );
    if !allowed {
        let reason = match place {
            Place::Header => "a header takes text, currency, date_time, image, video or document",
            Place::Body => "a body takes text, currency or date_time",
            Place::Button(ButtonSubType::QuickReply) => "a quick_reply button takes a payload",
            Place::Button(ButtonSubType::Url) => "a url button takes an unnamed text",
            Place::Button(ButtonSubType::CopyCode) => "a copy_code button takes a coupon_code",
        };
        c.fail(at(path, "type"), Rule::NotAllowed { reason });
        return;
    }
    match param {
        P::Text {
            text,
            parameter_name,
        } => {
            let max = if place == Place::Header {
                MAX_HEADER_TEXT_PARAM
            } else {
                MAX_BODY_TEXT_PARAM
            };
            c.text(&at(path, "text"), text, max);
            if place == Place::Body && !is_single_line(text) {
                c.fail(
                    at(path, "text"),
                    Rule::Format {
                        expected: "free of new lines, tabs and more than 4 spaces in a row",
                    },
                );
            }
            if matches!(place, Place::Header | Place::Body) {
                check_named(c, path, parameter_name.as_deref(), named);
            }
        }
        P::Currency {
            fallback_value,
            code,
            ..
        } => {
            c.text(
                &at(path, "fallback_value"),
                fallback_value,
                MAX_BODY_TEXT_PARAM,
            );
            if code.len() != 3 || !code.chars().all(|ch| ch.is_ascii_uppercase()) {
                c.fail(
                    at(path, "code"),
                    Rule::Format {
                        expected: "an ISO 4217 code such as `EUR`",
                    },
                );
            }
        }
        P::DateTime { fallback_value } => {
            c.text(
                &at(path, "fallback_value"),
                fallback_value,
                MAX_BODY_TEXT_PARAM,
            );
        }
        P::Image(m) | P::Video(m) => m.check(c, path, PARAM_OTHER_MEDIA),
        P::Document(m) => m.check(c, path, PARAM_DOCUMENT),
        P::Payload { payload } => c.text(&at(path, "payload"), payload, MAX_PAYLOAD),
        P::CouponCode { coupon_code } => c.text(&at(path, "coupon_code"), coupon_code, MAX_COUPON),
    }
}

/// Named and positional parameters cannot be mixed: the first text parameter decides.
fn check_named(c: &mut Checker, path: &str, name: Option<&str>, named: &mut Option<bool>) {
    let is_named = name.is_some();
    match named {
        Some(decided) if *decided != is_named => c.fail(
            at(path, "parameter_name"),
            Rule::NotAllowed {
                reason: "positional and named parameters cannot be mixed",
            },
        ),
        Some(_) => {}
        None => *named = Some(is_named),
    }
    if let Some(n) = name {
        let ok = n.starts_with(|ch: char| ch.is_ascii_lowercase())
            && n.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        if !ok {
            c.fail(
                at(path, "parameter_name"),
                Rule::Format {
                    expected: "a lowercase name of letters, digits and `_`",
                },
            );
        }
    }
}

/// Meta refuses body parameters with new lines, tabs or more than four consecutive spaces.
fn is_single_line(text: &str) -> bool {
    !text.contains(['\n', '\r', '\t']) && !text.contains("     ")
}

/// `en`, `fil`, `en_GB`, `zh_CN`, `es_419`...: 2–3 lowercase letters, then optionally `_` and
/// 2–4 letters or digits.
pub(crate) fn is_language_code(code: &str) -> bool {
    let (lang, region) = match code.split_once('_') {
        Some((l, r)) => (l, Some(r)),
        None => (code, None),
    };
    let lang_ok = (2..=3).contains(&lang.len()) && lang.chars().all(|ch| ch.is_ascii_lowercase());
    let region_ok = region.is_none_or(|r| {
        (2..=4).contains(&r.len()) && r.chars().all(|ch| ch.is_ascii_alphanumeric())
    });
    lang_ok && region_ok
}
