//! `interactive` sends (PROVIDERS §1.2): reply buttons, lists and CTA URLs with every limit Meta
//! enforces. Other interactive kinds Meta has (flows, products…) are not emulated: 131051.

use std::collections::HashSet;

use super::content::{MediaIds, media};
use super::params::{Checked, Obj, invalid};
use crate::graph_error::GraphError;

/// Body of buttons and CTA URL messages.
const BODY_MAX: usize = 1024;
/// Body of lists (Meta's list page; some clients cap lists at 1024 too).
const LIST_BODY_MAX: usize = 4096;
/// Header text and footer text.
const HEADER_FOOTER_MAX: usize = 60;
const BUTTON_ID_MAX: usize = 256;
const BUTTON_TITLE_MAX: usize = 20;
const LIST_BUTTON_MAX: usize = 20;
const SECTIONS_MAX: usize = 10;
const SECTION_TITLE_MAX: usize = 24;
/// Rows across all sections (the docs disagree; PROVIDERS treats 10 as a total).
const ROWS_MAX: usize = 10;
const ROW_ID_MAX: usize = 200;
const ROW_TITLE_MAX: usize = 24;
const ROW_DESCRIPTION_MAX: usize = 72;
const CTA_DISPLAY_TEXT_MAX: usize = 20;

/// Interactive kinds Meta offers that the sandbox does not emulate.
const NOT_EMULATED: [&str; 8] = [
    "product",
    "product_list",
    "catalog_message",
    "flow",
    "location_request_message",
    "address_message",
    "call_permission_request",
    "carousel",
];

/// Checks the `interactive` object.
pub(crate) fn interactive(root: &Obj<'_>, store: &MediaIds<'_>) -> Checked<()> {
    let it = root.req_obj("interactive")?;
    it.only(&["type", "header", "body", "footer", "action"])?;
    match it.req_str("type")? {
        "button" => {
            header(&it, true, store)?;
            body_and_footer(&it, BODY_MAX)?;
            buttons(&it)
        }
        "list" => {
            header(&it, false, store)?;
            body_and_footer(&it, LIST_BODY_MAX)?;
            list(&it)
        }
        "cta_url" => {
            header(&it, true, store)?;
            body_and_footer(&it, BODY_MAX)?;
            cta_url(&it)
        }
        kind if NOT_EMULATED.contains(&kind) => Err(GraphError::code(
            131_051,
            format!("Interactive type {kind} is not supported by the sandbox"),
        )),
        kind => Err(invalid(format!(
            "Param interactive['type'] must be one of {{button, list, cta_url}}, got {kind}"
        ))),
    }
}

/// `header`: text (≤ 60), or image/video/document when `media_allowed`.
fn header(it: &Obj<'_>, media_allowed: bool, store: &MediaIds<'_>) -> Checked<()> {
    let Some(h) = it.opt_obj("header")? else {
        return Ok(());
    };
    let kind = h.req_str("type")?;
    match kind {
        "text" => {
            h.only(&["type", "text"])?;
            h.req_text("text", HEADER_FOOTER_MAX)?;
            Ok(())
        }
        "image" | "video" | "document" if media_allowed => {
            h.only(&["type", kind])?;
            media(&h, kind, store)
        }
        _ => Err(invalid(format!(
            "Param {} must be {}, got {kind}",
            h.at("type"),
            if media_allowed {
                "one of {text, image, video, document}"
            } else {
                "text"
            }
        ))),
    }
}

/// `body.text` required up to `body_max`; `footer.text` up to 60.
fn body_and_footer(it: &Obj<'_>, body_max: usize) -> Checked<()> {
    let body = it.req_obj("body")?;
    body.only(&["text"])?;
    body.req_text("text", body_max)?;
    if let Some(footer) = it.opt_obj("footer")? {
        footer.only(&["text"])?;
        footer.req_text("text", HEADER_FOOTER_MAX)?;
    }
    Ok(())
}

/// Reply buttons: 1–3, ids ≤ 256 unique without surrounding spaces, titles ≤ 20 unique.
fn buttons(it: &Obj<'_>) -> Checked<()> {
    let action = it.req_obj("action")?;
    action.only(&["buttons"])?;
    let mut ids = HashSet::new();
    let mut titles = HashSet::new();
    for button in action.objects("buttons", 1, 3)? {
        button.only(&["type", "reply"])?;
        let kind = button.req_str("type")?;
        if kind != "reply" {
            return Err(invalid(format!(
                "Param {} must be reply, got {kind}",
                button.at("type")
            )));
        }
        let reply = button.req_obj("reply")?;
        reply.only(&["id", "title"])?;
        let id = reply.req_text("id", BUTTON_ID_MAX)?;
        if id.trim() != id {
            return Err(invalid(format!(
                "Param {} must not have leading or trailing spaces",
                reply.at("id")
            )));
        }
        let title = reply.req_text("title", BUTTON_TITLE_MAX)?;
        unique(&mut ids, id, &reply.at("id"))?;
        unique(&mut titles, title, &reply.at("title"))?;
    }
    Ok(())
}

/// Lists: button label ≤ 20, 1–10 sections (titled when more than one), 1–10 rows in total.
fn list(it: &Obj<'_>) -> Checked<()> {
    let action = it.req_obj("action")?;
    action.only(&["button", "sections"])?;
    action.req_text("button", LIST_BUTTON_MAX)?;
    let sections = action.objects("sections", 1, SECTIONS_MAX)?;
    let several = sections.len() > 1;
    let mut ids = HashSet::new();
    let mut rows_total = 0;
    for section in &sections {
        section.only(&["title", "rows"])?;
        if several {
            section.req_text("title", SECTION_TITLE_MAX)?;
        } else {
            section.opt_text("title", SECTION_TITLE_MAX)?;
        }
        let rows = section.objects("rows", 1, ROWS_MAX)?;
        rows_total += rows.len();
        for row in rows {
            row.only(&["id", "title", "description"])?;
            let id = row.req_text("id", ROW_ID_MAX)?;
            row.req_text("title", ROW_TITLE_MAX)?;
            row.opt_text("description", ROW_DESCRIPTION_MAX)?;
            unique(&mut ids, id, &row.at("id"))?;
        }
    }
    if rows_total > ROWS_MAX {
        return Err(invalid(format!(
            "Param {} must have at most {ROWS_MAX} rows in total",
            action.at("sections")
        )));
    }
    Ok(())
}

/// CTA URL: `action.name` is `cta_url`, `display_text` ≤ 20, `url` http(s).
fn cta_url(it: &Obj<'_>) -> Checked<()> {
    let action = it.req_obj("action")?;
    action.only(&["name", "parameters"])?;
    let name = action.req_str("name")?;
    if name != "cta_url" {
        return Err(invalid(format!(
            "Param {} must be cta_url, got {name}",
            action.at("name")
        )));
    }
    let params = action.req_obj("parameters")?;
    params.only(&["display_text", "url"])?;
    params.req_text("display_text", CTA_DISPLAY_TEXT_MAX)?;
    let url = params.req_str("url")?;
    super::params::http_url(&params.at("url"), url)
}

/// 131009 when `value` was already seen at another element.
fn unique<'a>(seen: &mut HashSet<&'a str>, value: &'a str, path: &str) -> Checked<()> {
    if seen.insert(value) {
        Ok(())
    } else {
        Err(invalid(format!(
            "Param {path} must be unique, \"{value}\" is repeated"
        )))
    }
}
