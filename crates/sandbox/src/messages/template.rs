//! `template` sends (PROVIDERS §1.3): the body's shape first (100 / 131009), then against the
//! stored template: missing or unapproved 132001, paused 132015, disabled 132016, wrong parameter
//! counts 132000, named vs positional mismatch 132012, text parameters too long 132005.

use std::collections::HashSet;

use super::content::{MediaIds, location, media};
use super::params::{Checked, Obj, invalid, malformed, non_empty};
use crate::graph_error::GraphError;
use crate::templates::{TemplateSummary, Templates};

/// Template names are at most 512 characters (PROVIDERS §1.3).
const NAME_MAX: usize = 512;
/// A text parameter of the header: Meta caps the whole header text at 60 characters, so one
/// parameter can never be longer.
const HEADER_PARAM_MAX: usize = 60;
/// A text parameter of the body: Meta caps the rendered body at 1024 characters; not knowing the
/// template's fixed text here, we hold each parameter to that same cap.
const BODY_PARAM_MAX: usize = 1024;
/// A button parameter (URL suffix, payload, coupon code).
const BUTTON_PARAM_MAX: usize = 2000;

/// Parameter types and the key each carries its value in.
const PARAM_TYPES: [&str; 10] = [
    "text",
    "currency",
    "date_time",
    "image",
    "video",
    "document",
    "location",
    "payload",
    "coupon_code",
    "action",
];

/// A checked parameter: its type, its name when named, its text when it has one.
struct Param<'a> {
    kind: &'a str,
    name: Option<&'a str>,
    text: Option<&'a str>,
    path: String,
}

/// Checks a template send and returns the pricing category (lower case) of the template.
pub(crate) fn template(
    root: &Obj<'_>,
    waba_id: &str,
    templates: &Templates,
    store: &MediaIds<'_>,
) -> Checked<String> {
    let t = root.req_obj("template")?;
    t.only(&["name", "language", "namespace", "components"])?;
    let name = t.req_text("name", NAME_MAX)?;
    let language = t.req_obj("language")?;
    language.only(&["code", "policy"])?;
    let code = language.req_str("code")?;
    non_empty(&language.at("code"), code)?;
    if let Some(policy) = language.opt_str("policy")?
        && policy != "deterministic"
    {
        return Err(invalid(format!(
            "Param {} must be deterministic",
            language.at("policy")
        )));
    }
    let mut header = None;
    let mut body = None;
    let mut buttons = Vec::new();
    let components = if t.has("components") {
        t.objects("components", 0, 20)?
    } else {
        Vec::new()
    };
    for c in &components {
        c.only(&["type", "sub_type", "index", "parameters"])?;
        let kind = c.req_str("type")?.to_ascii_lowercase();
        let params = params(c, store)?;
        let slot = match kind.as_str() {
            "header" => &mut header,
            "body" => &mut body,
            "button" => {
                let sub_type = c.req_str("sub_type")?.to_ascii_lowercase();
                buttons.push((index(c)?, sub_type, params, c.path().to_owned()));
                continue;
            }
            other => {
                return Err(invalid(format!(
                    "Param {} must be one of {{header, body, button}}, got {other}",
                    c.at("type")
                )));
            }
        };
        if slot.is_some() {
            return Err(invalid(format!(
                "Param {} repeats the {kind} component",
                c.path()
            )));
        }
        *slot = Some(params);
    }

    let Some(found) = templates.lookup(waba_id, name, code) else {
        return Err(GraphError::code(
            132_001,
            format!("template name ({name}) does not exist in {code}"),
        ));
    };
    match found.status.as_str() {
        "APPROVED" => {}
        "PAUSED" => {
            return Err(GraphError::code(
                132_015,
                format!("Template {name} is paused"),
            ));
        }
        "DISABLED" => {
            return Err(GraphError::code(
                132_016,
                format!("Template {name} is disabled"),
            ));
        }
        other => {
            return Err(GraphError::code(
                132_001,
                format!("template name ({name}) in {code} is not approved (status {other})"),
            ));
        }
    }
    check_header(&found, header.as_deref().unwrap_or_default())?;
    check_body(&found, body.as_deref().unwrap_or_default())?;
    check_buttons(&found, &buttons)?;
    Ok(found.category.to_ascii_lowercase())
}

/// The parameters of a component, each checked for its own shape.
fn params<'a>(c: &Obj<'a>, store: &MediaIds<'_>) -> Checked<Vec<Param<'a>>> {
    if !c.has("parameters") {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for p in c.objects("parameters", 0, 100)? {
        let kind = p.req_str("type")?;
        let kind_lower = kind.to_ascii_lowercase();
        let Some(key) = PARAM_TYPES.iter().find(|k| **k == kind_lower) else {
            return Err(invalid(format!(
                "Param {} has an invalid value: {kind}",
                p.at("type")
            )));
        };
        p.only(&["type", "parameter_name", key])?;
        let name = p.opt_str("parameter_name")?;
        let text = match *key {
            "text" | "payload" | "coupon_code" => Some(p.req_str(key)?),
            "currency" => {
                let cur = p.req_obj(key)?;
                cur.only(&["fallback_value", "code", "amount_1000"])?;
                cur.req_str("code")?;
                cur.req_number("amount_1000")?;
                Some(cur.req_str("fallback_value")?)
            }
            "date_time" => {
                let dt = p.req_obj(key)?;
                dt.only(&["fallback_value"])?;
                Some(dt.req_str("fallback_value")?)
            }
            "image" | "video" | "document" => {
                media(&p, key, store)?;
                None
            }
            "location" => {
                location(&p)?;
                None
            }
            _ => {
                p.req_obj(key)?;
                None
            }
        };
        out.push(Param {
            kind: key,
            name,
            text,
            path: p.path().to_owned(),
        });
    }
    Ok(out)
}

/// A button's `index`: a number or a numeric string.
fn index(c: &Obj<'_>) -> Checked<usize> {
    let path = c.at("index");
    match c.get("index") {
        None => Err(malformed(format!("Param {path} is required"))),
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| invalid(format!("Param {path} must be a non-negative integer"))),
        Some(serde_json::Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| invalid(format!("Param {path} must be a non-negative integer"))),
        Some(_) => Err(malformed(format!(
            "Param {path} must be a number or a string"
        ))),
    }
}

fn check_header(t: &TemplateSummary, given: &[Param<'_>]) -> Checked<()> {
    match t.header_format.as_deref() {
        Some("TEXT") | None => {
            expect_count("header", t.header_params, given.len())?;
            text_lengths(given, HEADER_PARAM_MAX)?;
            formats(t, given)
        }
        Some(format) => {
            expect_count("header", 1, given.len())?;
            let wanted = format.to_ascii_lowercase();
            match given.first() {
                Some(p) if p.kind != wanted => Err(GraphError::code(
                    132_012,
                    format!(
                        "Param {} must be {wanted} like the template's header, got {}",
                        p.path, p.kind
                    ),
                )),
                _ => Ok(()),
            }
        }
    }
}

fn check_body(t: &TemplateSummary, given: &[Param<'_>]) -> Checked<()> {
    expect_count("body", t.body_params, given.len())?;
    text_lengths(given, BODY_PARAM_MAX)?;
    formats(t, given)?;
    if t.parameter_format.eq_ignore_ascii_case("NAMED") {
        let wanted: HashSet<&str> = t.body_param_names.iter().map(String::as_str).collect();
        let got: HashSet<&str> = given.iter().filter_map(|p| p.name).collect();
        if wanted != got {
            let mut missing: Vec<&str> = wanted.difference(&got).copied().collect();
            missing.sort_unstable();
            return Err(GraphError::code(
                132_000,
                format!(
                    "body parameter names do not match the template's; missing: {}",
                    missing.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Named templates need `parameter_name` on every parameter, positional ones none. Meta answers a
/// mix-up with 132012 (parameter format mismatch) rather than a generic 100, so clients can tell
/// it from a malformed body: we do the same.
fn formats(t: &TemplateSummary, given: &[Param<'_>]) -> Checked<()> {
    let named = t.parameter_format.eq_ignore_ascii_case("NAMED");
    for p in given
        .iter()
        .filter(|p| p.kind != "image" && p.kind != "video" && p.kind != "document")
    {
        if named != p.name.is_some() {
            return Err(GraphError::code(
                132_012,
                format!(
                    "Param {} {} parameter_name: the template uses {} parameters",
                    p.path,
                    if named { "needs a" } else { "must not have a" },
                    if named { "named" } else { "positional" }
                ),
            ));
        }
    }
    Ok(())
}

fn check_buttons(
    t: &TemplateSummary,
    given: &[(usize, String, Vec<Param<'_>>, String)],
) -> Checked<()> {
    let mut seen = HashSet::new();
    for (index, sub_type, params, path) in given {
        let Some(button) = t.buttons.get(*index) else {
            return Err(invalid(format!(
                "Param {path}['index'] is {index} but the template has {} buttons",
                t.buttons.len()
            )));
        };
        // A one-time-password button is sent as Meta documents it: sub_type `url`.
        let same_kind = button.sub_type.eq_ignore_ascii_case(sub_type)
            || (button.sub_type == "otp" && sub_type == "url");
        if !same_kind {
            return Err(invalid(format!(
                "Param {path}['sub_type'] is {sub_type} but the template's button {index} is {}",
                button.sub_type
            )));
        }
        if !seen.insert(*index) {
            return Err(invalid(format!("Param {path} repeats button {index}")));
        }
        // A quick reply's payload is optional: none or one.
        let optional = button.sub_type == "quick_reply" && params.len() <= 1;
        if !optional {
            expect_count(&format!("button {index}"), button.params, params.len())?;
        }
        text_lengths(params, BUTTON_PARAM_MAX)?;
    }
    for (index, button) in t.buttons.iter().enumerate() {
        if button.params > 0 && !seen.contains(&index) {
            expect_count(&format!("button {index}"), button.params, 0)?;
        }
    }
    Ok(())
}

fn expect_count(what: &str, expected: usize, got: usize) -> Checked<()> {
    if expected == got {
        Ok(())
    } else {
        Err(GraphError::code(
            132_000,
            format!(
                "number of localizable_params ({got}) does not match the expected number of params ({expected}) in the {what}"
            ),
        ))
    }
}

fn text_lengths(given: &[Param<'_>], max: usize) -> Checked<()> {
    for p in given {
        if let Some(text) = p.text
            && text.len() > max
            && text.chars().count() > max
        {
            return Err(GraphError::code(
                132_005,
                format!("Param {} is longer than {max} characters", p.path),
            ));
        }
    }
    Ok(())
}
