//! Button guidelines: at most ten, labels of at most 25 characters, quick replies side by side,
//! a URL with at most one variable at its very end, and the one-time-password button only (and
//! always) in authentication templates.

use super::lint::{Findings, Severity, variables};
use super::placeholders::placeholders;
use super::{Button, Examples, TemplateCategory, TemplateSpec};

const MAX_BUTTONS: usize = 10;
const MAX_BUTTON_TEXT: usize = 25;

pub(super) fn lint_buttons(f: &mut Findings, t: &TemplateSpec, path: &str, buttons: &[Button]) {
    let list = format!("{path}.buttons");
    if buttons.is_empty() {
        f.error(
            "buttons_empty",
            &list,
            "remove the buttons component or add a button",
        );
    }
    if buttons.len() > MAX_BUTTONS {
        f.error(
            "too_many_buttons",
            &list,
            format!(
                "{} buttons; at most {MAX_BUTTONS} are allowed",
                buttons.len()
            ),
        );
    }
    let auth = t.category == TemplateCategory::Authentication;
    let mut quick_runs = 0;
    let mut previous_quick = false;
    for (i, b) in buttons.iter().enumerate() {
        let at = format!("{list}[{i}]");
        if let Some(text) = b.text() {
            f.length(
                &format!("{at}.text"),
                text,
                MAX_BUTTON_TEXT,
                "the button label",
            );
            if text.trim().is_empty() {
                f.error(
                    "button_text_required",
                    format!("{at}.text"),
                    "give the button a label",
                );
            }
        }
        let quick = matches!(b, Button::QuickReply { .. });
        if quick && !previous_quick {
            quick_runs += 1;
            if quick_runs == 2 {
                f.error(
                    "quick_replies_not_grouped",
                    &at,
                    "put all quick-reply buttons next to each other, before or after the others",
                );
            }
        }
        previous_quick = quick;
        match b {
            Button::Url { url, example, .. } => url_button(f, t, &at, url, example.as_deref()),
            Button::PhoneNumber { phone_number, .. }
                if crate::E164::parse(phone_number).is_err() =>
            {
                f.error(
                    "phone_number_format",
                    format!("{at}.phone_number"),
                    "write the number in E.164, e.g. +447700900123",
                );
            }
            Button::Otp { .. } if !auth => {
                f.error(
                    "otp_outside_authentication",
                    &at,
                    "one-time-password buttons belong to authentication templates",
                );
            }
            _ => {}
        }
        if auth && !matches!(b, Button::Otp { .. }) {
            f.error(
                "authentication_buttons",
                &at,
                "an authentication template has only its one-time-password button",
            );
        }
    }
    if auth
        && buttons
            .iter()
            .filter(|b| matches!(b, Button::Otp { .. }))
            .count()
            != 1
    {
        f.error(
            "authentication_buttons",
            &list,
            "an authentication template has exactly one one-time-password button",
        );
    }
}

fn url_button(f: &mut Findings, t: &TemplateSpec, at: &str, url: &str, example: Option<&str>) {
    let field = format!("{at}.url");
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        f.error("url_format", &field, "the URL must start with https://");
    }
    if t.category == TemplateCategory::Authentication {
        f.error(
            "authentication_url",
            &field,
            "authentication templates carry no URLs",
        );
    }
    let vars = placeholders(url);
    let len = url.chars().count();
    if let Some(extra) = vars.get(1) {
        f.add(
            "url_variables",
            Severity::Error,
            &field,
            Some(extra.start),
            "a URL holds at most one variable, `{{1}}`, at its end",
        );
    }
    if let Some(v) = vars.first() {
        if v.end != len {
            f.add(
                "url_variables",
                Severity::Error,
                &field,
                Some(v.start),
                "the URL's variable must be its very end",
            );
        }
        if v.key != "1" {
            f.add(
                "url_variables",
                Severity::Error,
                &field,
                Some(v.start),
                "a URL's variable is written `{{1}}`",
            );
        }
        // The example is the whole URL as a customer would get it.
        let examples = example.map(|e| Examples::Positional(vec![e.to_owned()]));
        variables(
            f,
            super::ParameterFormat::Positional,
            &field,
            &vars[..1],
            examples.as_ref(),
            format!("{at}.example"),
        );
    }
}
