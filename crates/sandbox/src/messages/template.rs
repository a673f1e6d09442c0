//! `template` sends (PROVIDERS §1.3): the body's shape first (100 / 131009), then against the
//! stored template: missing or unapproved 132001, paused 132015, disabled 132016, wrong parameter
//! counts 132000, named vs positional mismatch 132012, text parameters too long 132005.

use super::content::{MediaIds, location, media};
use super::params::{Checked, Obj, invalid, malformed, non_empty};
use super::template_match::{check_body, check_buttons, check_header};
use crate::graph_error::GraphError;
use crate::templates::Templates;

/// Template names are at most 512 characters (PROVIDERS §1.3).
const NAME_MAX: usize = 512;

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
pub(super) struct Param<'a> {
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub text: Option<&'a str>,
    pub path: String,
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
