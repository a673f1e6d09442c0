//! Checks a template as Meta does on creation and edit (PROVIDERS §1.3): name, language,
//! category, and each component with its limits, placeholders and required examples. Answers the
//! normalised components (types and formats in upper case) and what sends are checked against.

use serde_json::{Map, Value};

use super::placeholders::{Found, find};
use super::{ButtonSummary, TemplateSummary};
use crate::graph_error::GraphError;

/// A template that passed validation.
#[derive(Debug, Clone)]
pub(super) struct Checked {
    pub components: Value,
    pub summary: TemplateSummary,
}

fn bad(details: impl Into<String>) -> GraphError {
    GraphError::invalid_parameter(details)
}

/// The template name: lowercase letters, digits and `_`, 1..=512.
pub(super) fn name(body: &Map<String, Value>) -> Result<String, GraphError> {
    let name = required_str(body, "name")?;
    let ok = name.len() <= 512
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(bad(
            "Param name must be at most 512 characters of lowercase letters, digits and underscores",
        ));
    }
    Ok(name.to_owned())
}

/// A language code such as `en`, `en_US`, `pt_BR`.
pub(super) fn language(body: &Map<String, Value>) -> Result<String, GraphError> {
    let lang = required_str(body, "language")?;
    let ok = lang.len() <= 8
        && lang
            .split('_')
            .all(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    if !ok {
        return Err(bad(format!(
            "Param language {lang} is not a valid language code"
        )));
    }
    Ok(lang.to_owned())
}

/// MARKETING, UTILITY or AUTHENTICATION (any case in, upper case out).
pub(super) fn category(body: &Map<String, Value>) -> Result<String, GraphError> {
    let cat = required_str(body, "category")?.to_ascii_uppercase();
    if !matches!(cat.as_str(), "MARKETING" | "UTILITY" | "AUTHENTICATION") {
        return Err(bad(
            "Param category must be one of MARKETING, UTILITY, AUTHENTICATION",
        ));
    }
    Ok(cat)
}

fn required_str<'a>(body: &'a Map<String, Value>, key: &str) -> Result<&'a str, GraphError> {
    body.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad(format!("Param {key} is required")))
}

/// The components, checked. `named` comes from `parameter_format`.
pub(super) fn components(
    value: Option<&Value>,
    parameter_format: Option<&Value>,
    category: &str,
) -> Result<Checked, GraphError> {
    let named = match parameter_format.map(|v| v.as_str().map(str::to_ascii_uppercase)) {
        None => false,
        Some(Some(f)) if f == "POSITIONAL" => false,
        Some(Some(f)) if f == "NAMED" => true,
        Some(_) => return Err(bad("Param parameter_format must be POSITIONAL or NAMED")),
    };
    let list = value
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| bad("Param components is required and must be a non-empty array"))?;
    let mut summary = TemplateSummary {
        id: String::new(),
        status: String::new(),
        category: category.to_owned(),
        parameter_format: if named { "NAMED" } else { "POSITIONAL" }.to_owned(),
        header_format: None,
        header_params: 0,
        body_params: 0,
        body_param_names: Vec::new(),
        buttons: Vec::new(),
    };
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, component) in list.iter().enumerate() {
        let Some(c) = component.as_object() else {
            return Err(bad(format!("Param components[{i}] must be an object")));
        };
        let kind = c
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_ascii_uppercase)
            .ok_or_else(|| bad(format!("Param components[{i}]['type'] is required")))?;
        if seen.contains(&kind) {
            return Err(bad(format!("Only one {kind} component is allowed")));
        }
        let mut c = c.clone();
        c.insert("type".into(), Value::String(kind.clone()));
        match kind.as_str() {
            "HEADER" => header(&mut c, named, &mut summary)?,
            "BODY" => body(&c, named, category, &mut summary)?,
            "FOOTER" => {
                let text = text_of(&c, "FOOTER", 60, true)?.unwrap_or_default();
                if text.contains("{{") {
                    return Err(bad("FOOTER cannot have placeholders"));
                }
            }
            "BUTTONS" => buttons(&mut c, &mut summary)?,
            other => {
                return Err(bad(format!(
                    "Param components[{i}]['type'] {other} must be HEADER, BODY, FOOTER or BUTTONS"
                )));
            }
        }
        seen.push(kind);
        out.push(Value::Object(c));
    }
    if !seen.iter().any(|k| k == "BODY") {
        return Err(bad("A BODY component is required"));
    }
    Ok(Checked {
        components: Value::Array(out),
        summary,
    })
}

/// `text` of a component, at most `max` characters; `None` when absent and not `required`.
fn text_of(
    c: &Map<String, Value>,
    kind: &str,
    max: usize,
    required: bool,
) -> Result<Option<String>, GraphError> {
    match c.get("text") {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            let n = s.chars().count();
            if n > max {
                return Err(bad(format!(
                    "{kind} text is {n} characters; the maximum is {max}"
                )));
            }
            Ok(Some(s.clone()))
        }
        None if !required => Ok(None),
        _ => Err(bad(format!("{kind} text is required"))),
    }
}

fn header(
    c: &mut Map<String, Value>,
    named: bool,
    summary: &mut TemplateSummary,
) -> Result<(), GraphError> {
    let format = c
        .get("format")
        .and_then(Value::as_str)
        .map(str::to_ascii_uppercase)
        .ok_or_else(|| bad("HEADER format is required"))?;
    c.insert("format".into(), Value::String(format.clone()));
    let example = c.get("example");
    match format.as_str() {
        "TEXT" => {
            let text = text_of(c, "HEADER", 60, true)?.unwrap_or_default();
            let found = find(&text, named, "HEADER").map_err(bad)?;
            if found.count() > 1 {
                return Err(bad("HEADER text can have at most one placeholder"));
            }
            if found.count() == 1 {
                let key = if named {
                    "header_text_named_params"
                } else {
                    "header_text"
                };
                let given = example
                    .and_then(|e| e.get(key))
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty());
                if !given {
                    return Err(bad(format!(
                        "HEADER has a placeholder, so example.{key} is required"
                    )));
                }
            }
            summary.header_params = found.count();
        }
        "IMAGE" | "VIDEO" | "DOCUMENT" => {
            let handle = example
                .and_then(|e| e.get("header_handle"))
                .and_then(Value::as_array)
                .is_some_and(|a| a.first().and_then(Value::as_str).is_some());
            if !handle {
                return Err(bad(format!(
                    "HEADER format {format} requires example.header_handle"
                )));
            }
        }
        "LOCATION" => {}
        other => {
            return Err(bad(format!(
                "HEADER format {other} must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION"
            )));
        }
    }
    summary.header_format = Some(format);
    Ok(())
}

fn body(
    c: &Map<String, Value>,
    named: bool,
    category: &str,
    summary: &mut TemplateSummary,
) -> Result<(), GraphError> {
    // Authentication templates have a fixed body Meta writes itself (the code and the security
    // recommendation), so their BODY may carry no text.
    let text = text_of(c, "BODY", 1024, category != "AUTHENTICATION")?.unwrap_or_default();
    let found = find(&text, named, "BODY").map_err(bad)?;
    let example = c.get("example");
    match &found {
        Found::Positional(list) if !list.is_empty() => {
            let row = example
                .and_then(|e| e.get("body_text"))
                .and_then(|b| b.get(0))
                .and_then(Value::as_array);
            if row.is_none_or(|r| r.len() != list.len()) {
                return Err(bad(format!(
                    "BODY has {} placeholders, so example.body_text must be a list with one list of {} examples",
                    list.len(),
                    list.len()
                )));
            }
        }
        Found::Named(names) if !names.is_empty() => {
            let given: Vec<&str> = example
                .and_then(|e| e.get("body_text_named_params"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|p| p.get("param_name").and_then(Value::as_str))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(missing) = names.iter().find(|n| !given.contains(&n.as_str())) {
                return Err(bad(format!(
                    "BODY placeholder {{{{{missing}}}}} needs an example in example.body_text_named_params"
                )));
            }
            summary.body_param_names = names.clone();
        }
        _ => {}
    }
    summary.body_params = found.count();
    Ok(())
}

/// The buttons and Meta's limits: 10 in all, 2 URL, 1 phone number, 1 copy code, 1 flow.
fn buttons(c: &mut Map<String, Value>, summary: &mut TemplateSummary) -> Result<(), GraphError> {
    let Some(list) = c.get_mut("buttons").and_then(Value::as_array_mut) else {
        return Err(bad("BUTTONS requires a buttons array"));
    };
    if list.is_empty() || list.len() > 10 {
        return Err(bad("BUTTONS must have between 1 and 10 buttons"));
    }
    let mut counts = [0usize; 6];
    for (i, button) in list.iter_mut().enumerate() {
        let Some(b) = button.as_object_mut() else {
            return Err(bad(format!("buttons[{i}] must be an object")));
        };
        let kind = b
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_ascii_uppercase)
            .ok_or_else(|| bad(format!("buttons[{i}]['type'] is required")))?;
        b.insert("type".into(), Value::String(kind.clone()));
        let (slot, max, params) = super::buttons::check(b, &kind, i)?;
        counts[slot] += 1;
        if counts[slot] > max {
            return Err(bad(format!("At most {max} {kind} buttons are allowed")));
        }
        summary.buttons.push(ButtonSummary {
            sub_type: kind.to_ascii_lowercase(),
            params,
        });
    }
    Ok(())
}
