//! The template guideline linter: what WhatsApp's review refuses (errors) or often refuses
//! (warnings), found before submission with the rule, the place (`components[1].text` and a
//! character offset) and a hint. Errors stop a create; warnings are reported and let through.

use super::lint_buttons::lint_buttons;
use super::lint_style::style;
use super::placeholders::{Placeholder, placeholders};
use super::{Component, Examples, HeaderFormat, ParameterFormat, TemplateCategory, TemplateSpec};
use crate::content::template_check::is_language_code;

/// Meta's limits, in characters (PRODUCT §7).
pub(super) const MAX_BODY: usize = 1024;
pub(super) const MAX_HEADER: usize = 60;
pub(super) const MAX_FOOTER: usize = 60;
pub(super) const MAX_NAME: usize = 512;
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a finding applies: a field of the request and, inside a text, a character offset.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
}

/// One broken guideline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Stable name of the rule, e.g. `variables_not_sequential`.
    pub rule: &'static str,
    pub severity: Severity,
    pub position: Position,
    pub hint: String,
}

/// Whether any finding stops the template.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Collects findings as the linter walks the template.
#[derive(Default)]
pub(super) struct Findings(pub(super) Vec<Finding>);

impl Findings {
    pub(super) fn add(
        &mut self,
        rule: &'static str,
        severity: Severity,
        field: impl Into<String>,
        offset: Option<usize>,
        hint: impl Into<String>,
    ) {
        self.0.push(Finding {
            rule,
            severity,
            position: Position {
                field: field.into(),
                offset,
            },
            hint: hint.into(),
        });
    }

    pub(super) fn error(
        &mut self,
        rule: &'static str,
        field: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.add(rule, Severity::Error, field, None, hint);
    }

    /// `too_long` when `text` has more than `max` characters, pointing at the first one over.
    pub(super) fn length(&mut self, field: &str, text: &str, max: usize, what: &str) {
        let n = text.chars().count();
        if n > max {
            self.add(
                "too_long",
                Severity::Error,
                field,
                Some(max),
                format!("{what} has {n} characters; at most {max} are allowed"),
            );
        }
    }
}

/// Every finding on `t`, errors and warnings, in the order of the template.
pub fn lint(t: &TemplateSpec) -> Vec<Finding> {
    let mut f = Findings::default();
    let name_ok = !t.name.is_empty()
        && t.name.len() <= MAX_NAME
        && t.name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !name_ok {
        f.error(
            "name_format",
            "name",
            "use 1 to 512 lowercase letters, digits and `_`, e.g. `order_ready`",
        );
    }
    if !is_language_code(&t.language) {
        f.error(
            "language_format",
            "language",
            "use a language code such as `en` or `en_GB`",
        );
    }
    let mut seen: Vec<&'static str> = Vec::new();
    for (i, c) in t.components.iter().enumerate() {
        let path = format!("components[{i}]");
        if seen.contains(&c.label()) {
            f.error(
                "component_repeated",
                &path,
                format!("a template has at most one {}", c.label()),
            );
        }
        seen.push(c.label());
        match c {
            Component::Header {
                format,
                text,
                example,
                example_handle,
            } => header(
                &mut f,
                t,
                &path,
                *format,
                text.as_deref(),
                example.as_ref(),
                example_handle.as_deref(),
            ),
            Component::Body { text, example } => body(&mut f, t, &path, text, example.as_ref()),
            Component::Footer { text } => {
                let field = format!("{path}.text");
                f.length(&field, text, MAX_FOOTER, "the footer");
                if let Some(p) = placeholders(text).first() {
                    f.add(
                        "footer_variables",
                        Severity::Error,
                        &field,
                        Some(p.start),
                        "a footer cannot hold variables",
                    );
                }
                style(&mut f, t.category, &field, text);
            }
            Component::Buttons { buttons } => lint_buttons(&mut f, t, &path, buttons),
        }
    }
    if !seen.contains(&"body") {
        f.error(
            "body_required",
            "components",
            "add a body component with the message text",
        );
    }
    f.0
}

fn header(
    f: &mut Findings,
    t: &TemplateSpec,
    path: &str,
    format: HeaderFormat,
    text: Option<&str>,
    example: Option<&Examples>,
    handle: Option<&str>,
) {
    let field = format!("{path}.text");
    match (format, text) {
        (HeaderFormat::Text, None) => f.error(
            "header_text_required",
            &field,
            "a text header needs its `text`",
        ),
        (HeaderFormat::Text, Some(text)) => {
            f.length(&field, text, MAX_HEADER, "the header");
            let vars = placeholders(text);
            if let Some(extra) = vars.get(1) {
                f.add(
                    "header_variables",
                    Severity::Error,
                    &field,
                    Some(extra.start),
                    "a header holds at most one variable",
                );
            }
            variables(
                f,
                t.parameter_format,
                &field,
                &vars,
                example,
                format!("{path}.example"),
            );
            style(f, t.category, &field, text);
        }
        (_, Some(_)) => f.error(
            "header_text_not_allowed",
            &field,
            "only a text header has `text`",
        ),
        (HeaderFormat::Location, None) => {}
        (_, None) => {
            if handle.is_none_or(str::is_empty) {
                f.error(
                    "example_missing",
                    format!("{path}.example_handle"),
                    "a media header needs an uploaded sample's handle for review",
                );
            }
        }
    }
    if t.category == TemplateCategory::Authentication {
        f.error(
            "authentication_header",
            path,
            "authentication templates have no header",
        );
    }
}

fn body(f: &mut Findings, t: &TemplateSpec, path: &str, text: &str, example: Option<&Examples>) {
    let field = format!("{path}.text");
    if text.trim().is_empty() {
        f.error("body_required", &field, "the body needs text");
    }
    f.length(&field, text, MAX_BODY, "the body");
    let vars = placeholders(text);
    variables(
        f,
        t.parameter_format,
        &field,
        &vars,
        example,
        format!("{path}.example"),
    );
    let len = text.trim_end().chars().count();
    let lead = text.chars().take_while(|c| c.is_whitespace()).count();
    if let Some(first) = vars.first().filter(|p| p.start == lead) {
        f.add(
            "variable_at_edge",
            Severity::Warning,
            &field,
            Some(first.start),
            "start the body with words, not a variable",
        );
    }
    if let Some(last) = vars.last().filter(|p| p.end == len) {
        f.add(
            "variable_at_edge",
            Severity::Warning,
            &field,
            Some(last.start),
            "end the body with words, not a variable",
        );
    }
    let chars: Vec<char> = text.chars().collect();
    for pair in vars.windows(2) {
        if chars[pair[0].end..pair[1].start]
            .iter()
            .all(|c| c.is_whitespace())
        {
            f.add(
                "variables_adjacent",
                Severity::Warning,
                &field,
                Some(pair[1].start),
                "put words between two variables",
            );
        }
    }
    style(f, t.category, &field, text);
}

/// The variables of one text: well formed, of the template's format, numbered without gaps,
/// each with an example.
pub(super) fn variables(
    f: &mut Findings,
    format: ParameterFormat,
    field: &str,
    vars: &[Placeholder],
    example: Option<&Examples>,
    example_field: String,
) {
    let (mut numbered, mut named) = (Vec::new(), 0);
    for p in vars {
        match (p.number(), p.is_named()) {
            (Some(n), _) => numbered.push(n),
            (None, true) => named += 1,
            (None, false) => {
                f.add("variable_format", Severity::Error, field, Some(p.start), format!("`{{{{{}}}}}` is not a variable: write `{{{{1}}}}` or `{{{{first_name}}}}` without spaces", p.key));
                continue;
            }
        }
        let wrong_kind = match format {
            ParameterFormat::Positional => p.number().is_none(),
            ParameterFormat::Named => p.number().is_some(),
        };
        if wrong_kind {
            f.add(
                "variable_format",
                Severity::Error,
                field,
                Some(p.start),
                format!(
                    "`{{{{{}}}}}` does not match the template's parameter_format `{}`",
                    p.key,
                    format.as_str()
                ),
            );
        }
        if example
            .and_then(|e| e.value(&p.key))
            .is_none_or(|v| v.trim().is_empty())
        {
            f.add(
                "example_missing",
                Severity::Error,
                &example_field,
                None,
                format!("give an example value for `{{{{{}}}}}`", p.key),
            );
        }
    }
    if !numbered.is_empty() && named > 0 {
        f.add(
            "variables_mixed",
            Severity::Error,
            field,
            vars.first().map(|p| p.start),
            "use either numbered or named variables, not both",
        );
    }
    let mut sorted = numbered.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if let Some(&max) = sorted.last() {
        let missing: Vec<String> = (1..=max)
            .filter(|n| !sorted.contains(n))
            .map(|n| format!("{{{{{n}}}}}"))
            .collect();
        if !missing.is_empty() {
            let at = vars.iter().find(|p| {
                p.number()
                    .is_some_and(|n| n > 1 && !sorted.contains(&(n - 1)))
            });
            f.add(
                "variables_not_sequential",
                Severity::Error,
                field,
                at.map(|p| p.start),
                format!(
                    "variables must run {{{{1}}}} to {{{{{max}}}}} without gaps; missing {}",
                    missing.join(", ")
                ),
            );
        }
    }
}
