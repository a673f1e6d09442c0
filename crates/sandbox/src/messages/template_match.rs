//! A template send's parameters against the stored template: counts (132000), named vs
//! positional (132012), media header kinds (132012), text lengths (132005), button kinds and
//! indexes (131009).

use std::collections::HashSet;

use super::params::{Checked, invalid};
use super::template::Param;
use crate::graph_error::GraphError;
use crate::templates::TemplateSummary;

/// A text parameter of the header: Meta caps the whole header text at 60 characters, so one
/// parameter can never be longer.
const HEADER_PARAM_MAX: usize = 60;
/// A text parameter of the body: Meta caps the rendered body at 1024 characters; not knowing the
/// template's fixed text here, we hold each parameter to that same cap.
const BODY_PARAM_MAX: usize = 1024;
/// A button parameter (URL suffix, payload, coupon code).
const BUTTON_PARAM_MAX: usize = 2000;

pub(super) fn check_header(t: &TemplateSummary, given: &[Param<'_>]) -> Checked<()> {
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

pub(super) fn check_body(t: &TemplateSummary, given: &[Param<'_>]) -> Checked<()> {
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

pub(super) fn check_buttons(
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
