//! Whether a send's parameters fit a stored template: every variable of the header, body and
//! URL buttons gets exactly one value (by position, or by `parameter_name` in named templates),
//! media headers get their media, and nothing is left over. When they fit, the text the customer
//! will see is rendered (the preview).

use super::placeholders::placeholders;
use super::{Button, Component, HeaderFormat, ParameterFormat, TemplateSpec};
use crate::content::{ButtonSubType, TemplateComponent, TemplateParameter};

/// One parameter missing, left over or of the wrong kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FitProblem {
    /// `parameter_missing`, `parameter_extra` or `parameter_kind`.
    pub rule: &'static str,
    /// `header`, `body` or `buttons[2]`.
    pub component: String,
    /// The variable concerned, e.g. `{{2}}` or `{{first_name}}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    pub hint: String,
}

/// The message as the customer will see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rendered {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    pub body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// Button labels, with a URL button's filled URL after its label.
    pub buttons: Vec<String>,
}

struct Fit<'a> {
    format: ParameterFormat,
    problems: Vec<FitProblem>,
    sent: &'a [TemplateComponent],
}

impl<'a> Fit<'a> {
    fn problem(
        &mut self,
        rule: &'static str,
        component: &str,
        parameter: Option<String>,
        hint: String,
    ) {
        self.problems.push(FitProblem {
            rule,
            component: component.to_owned(),
            parameter,
            hint,
        });
    }

    /// Fills the variables of `text` from `params`, reporting what is missing or extra.
    fn fill(&mut self, component: &str, text: &str, params: &[TemplateParameter]) -> String {
        let vars = placeholders(text);
        let mut keys: Vec<String> = Vec::new();
        for v in &vars {
            if !keys.contains(&v.key) {
                keys.push(v.key.clone());
            }
        }
        let format = self.format;
        let value = |key: &str| -> Option<String> {
            match format {
                ParameterFormat::Positional => {
                    let i = key.parse::<usize>().ok()?.checked_sub(1)?;
                    params.get(i).and_then(text_of)
                }
                ParameterFormat::Named => params
                    .iter()
                    .find(|p| name_of(p) == Some(key))
                    .and_then(text_of),
            }
        };
        let mut out = text.to_owned();
        let mut missing = Vec::new();
        for key in &keys {
            match value(key) {
                Some(v) => out = out.replace(&format!("{{{{{key}}}}}"), &v),
                None => missing.push(key.clone()),
            }
        }
        for key in missing {
            self.problem(
                "parameter_missing",
                component,
                Some(format!("{{{{{key}}}}}")),
                format!("give a value for `{{{{{key}}}}}`"),
            );
        }
        match self.format {
            ParameterFormat::Positional => {
                let wanted = keys
                    .iter()
                    .filter_map(|k| k.parse::<usize>().ok())
                    .max()
                    .unwrap_or(0);
                for n in wanted..params.len() {
                    self.problem("parameter_extra", component, Some(format!("{{{{{}}}}}", n + 1)), format!("the template's {component} has {wanted} variable(s); parameter {} has no place", n + 1));
                }
            }
            ParameterFormat::Named => {
                for p in params {
                    let name = name_of(p).unwrap_or("");
                    if !keys.iter().any(|k| k == name) {
                        self.problem(
                            "parameter_extra",
                            component,
                            Some(format!("{{{{{name}}}}}")),
                            format!("the template's {component} has no variable `{{{{{name}}}}}`"),
                        );
                    }
                }
            }
        }
        out
    }

    fn sent_header(&self) -> Option<&'a [TemplateParameter]> {
        let sent: &'a [TemplateComponent] = self.sent;
        sent.iter().find_map(|c| match c {
            TemplateComponent::Header { parameters } => Some(parameters.as_slice()),
            _ => None,
        })
    }

    fn sent_body(&self) -> &'a [TemplateParameter] {
        let sent: &'a [TemplateComponent] = self.sent;
        sent.iter()
            .find_map(|c| match c {
                TemplateComponent::Body { parameters } => Some(parameters.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }

    fn sent_button(&self, index: usize) -> Option<(ButtonSubType, &'a [TemplateParameter])> {
        let sent: &'a [TemplateComponent] = self.sent;
        sent.iter().find_map(|c| match c {
            TemplateComponent::Button {
                sub_type,
                index: i,
                parameters,
            } if usize::from(*i) == index => Some((*sub_type, parameters.as_slice())),
            _ => None,
        })
    }
}

/// Checks `sent` against `spec`; the rendered message when every parameter fits.
pub fn fit(spec: &TemplateSpec, sent: &[TemplateComponent]) -> Result<Rendered, Vec<FitProblem>> {
    let mut f = Fit {
        format: spec.parameter_format,
        problems: Vec::new(),
        sent,
    };
    let mut rendered = Rendered {
        header: None,
        body: String::new(),
        footer: None,
        buttons: Vec::new(),
    };
    let (mut has_header, mut button_count) = (false, 0);
    for c in &spec.components {
        match c {
            Component::Header {
                format: HeaderFormat::Text,
                text,
                ..
            } => {
                has_header = true;
                let params = f.sent_header().unwrap_or(&[]);
                rendered.header = Some(f.fill("header", text.as_deref().unwrap_or(""), params));
            }
            Component::Header { format, .. } => {
                has_header = true;
                let kind = format!("{format:?}").to_lowercase();
                let given = f.sent_header().and_then(|p| p.first());
                let fits = matches!(
                    (format, given),
                    (HeaderFormat::Image, Some(TemplateParameter::Image(_)))
                        | (HeaderFormat::Video, Some(TemplateParameter::Video(_)))
                        | (HeaderFormat::Document, Some(TemplateParameter::Document(_)))
                        | (HeaderFormat::Location, _)
                );
                if !fits {
                    let rule = if given.is_some() {
                        "parameter_kind"
                    } else {
                        "parameter_missing"
                    };
                    f.problem(
                        rule,
                        "header",
                        None,
                        format!("the header takes one {kind} parameter"),
                    );
                }
                rendered.header = Some(format!("[{kind}]"));
            }
            Component::Body { text, .. } => {
                let params = f.sent_body();
                rendered.body = f.fill("body", text, params);
            }
            Component::Footer { text } => rendered.footer = Some(text.clone()),
            Component::Buttons { buttons } => {
                button_count = buttons.len();
                for (i, b) in buttons.iter().enumerate() {
                    rendered.buttons.push(button(&mut f, i, b));
                }
            }
        }
    }
    if !has_header && f.sent_header().is_some() {
        f.problem(
            "parameter_extra",
            "header",
            None,
            "the template has no header variable".into(),
        );
    }
    for c in sent {
        if let TemplateComponent::Button { index, .. } = c
            && usize::from(*index) >= button_count
        {
            f.problem(
                "parameter_extra",
                &format!("buttons[{index}]"),
                None,
                format!("the template has {button_count} button(s)"),
            );
        }
    }
    if f.problems.is_empty() {
        Ok(rendered)
    } else {
        Err(f.problems)
    }
}

/// One button: checks its parameter and answers its label as shown.
fn button(f: &mut Fit<'_>, i: usize, b: &Button) -> String {
    let at = format!("buttons[{i}]");
    let given = f.sent_button(i);
    let wanted = match b {
        Button::Url { url, .. } if !placeholders(url).is_empty() => Some(ButtonSubType::Url),
        Button::CopyCode { .. } => Some(ButtonSubType::CopyCode),
        Button::QuickReply { .. } => given.map(|_| ButtonSubType::QuickReply),
        _ => None,
    };
    match (wanted, given) {
        (Some(w), Some((s, _))) if w != s => {
            f.problem(
                "parameter_kind",
                &at,
                None,
                format!("this button takes a {w:?} parameter"),
            );
        }
        (Some(ButtonSubType::Url), None) => {
            f.problem(
                "parameter_missing",
                &at,
                Some("{{1}}".into()),
                "give the URL's suffix".into(),
            );
        }
        (Some(ButtonSubType::CopyCode), None) => {
            f.problem(
                "parameter_missing",
                &at,
                None,
                "give the coupon code".into(),
            );
        }
        (None, Some(_)) => f.problem(
            "parameter_extra",
            &at,
            None,
            "this button takes no parameter".into(),
        ),
        _ => {}
    }
    match b {
        Button::Url { text, url, .. } => {
            // A URL's suffix is always `{{1}}`, whatever the body's parameter format.
            let format = std::mem::replace(&mut f.format, ParameterFormat::Positional);
            // Without a parameter the suffix was already reported missing above.
            let filled = match given {
                Some((_, params)) if !placeholders(url).is_empty() => f.fill(&at, url, params),
                _ => url.clone(),
            };
            f.format = format;
            format!("{text} ({filled})")
        }
        Button::QuickReply { text } | Button::PhoneNumber { text, .. } => text.clone(),
        Button::CopyCode { .. } => "Copy code".to_owned(),
        Button::Otp { text, .. } => text.clone().unwrap_or_else(|| "Copy code".to_owned()),
    }
}

fn text_of(p: &TemplateParameter) -> Option<String> {
    match p {
        TemplateParameter::Text { text, .. } => Some(text.clone()),
        TemplateParameter::Currency { fallback_value, .. }
        | TemplateParameter::DateTime { fallback_value } => Some(fallback_value.clone()),
        TemplateParameter::Payload { payload } => Some(payload.clone()),
        TemplateParameter::CouponCode { coupon_code } => Some(coupon_code.clone()),
        _ => None,
    }
}

fn name_of(p: &TemplateParameter) -> Option<&str> {
    match p {
        TemplateParameter::Text { parameter_name, .. } => parameter_name.as_deref(),
        _ => None,
    }
}
