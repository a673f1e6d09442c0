//! The editable fields of a contact as a caller sends them (raw text), their validation, and how a
//! set of them applies to a stored contact. One place for the rules, so the API, upserts and (later)
//! CSV import refuse exactly the same input with the same field names.

use std::collections::BTreeMap;

use switchboard_domain::{E164, Email};
use switchboard_store::Contact;

use crate::{CoreError, CoreResult};

/// A change to a contact: `None` leaves a field alone, `Some(None)` clears it, `Some(Some(v))`
/// sets it. On create, absent and cleared mean the same (empty).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactFields {
    pub name: Option<Option<String>>,
    /// E.164 with its `+`; separators (spaces, dashes, dots, parentheses) are tolerated.
    pub phone: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub external_id: Option<Option<String>>,
    pub address: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<Option<String>>,
    /// A BCP 47 tag such as `en-GB`.
    pub language: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    /// Replaces the tags; `Some(None)` removes them all.
    pub tags: Option<Option<Vec<String>>>,
    /// Merged into the attributes: a key set to JSON `null` is removed. `Some(None)` removes
    /// every attribute.
    pub attributes: Option<Option<BTreeMap<String, serde_json::Value>>>,
    pub blocked: Option<bool>,
}

const MAX_NAME: usize = 200;
const MAX_EXTERNAL_ID: usize = 200;
const MAX_ADDRESS: usize = 1_000;
const MAX_NOTES: usize = 10_000;
const MAX_TAGS: usize = 50;
const MAX_TAG: usize = 64;
const MAX_ATTRIBUTES: usize = 100;
const MAX_ATTRIBUTE_NAME: usize = 64;
/// Attributes are for segmentation, not for documents: the JSON of all of them stays small.
const MAX_ATTRIBUTES_BYTES: usize = 16 * 1024;

impl ContactFields {
    /// Checks every present field and writes it into `c`. Nothing is written when a field is
    /// refused, because the caller throws `c` away on error.
    pub fn apply(self, c: &mut Contact) -> CoreResult<()> {
        if let Some(v) = self.name {
            c.name = v.map(|s| text("name", &s, MAX_NAME)).transpose()?.flatten();
        }
        if let Some(v) = self.phone {
            c.phone = v.as_deref().map(phone).transpose()?;
        }
        if let Some(v) = self.email {
            c.email = v.as_deref().map(email).transpose()?;
        }
        if let Some(v) = self.external_id {
            c.external_id = v.as_deref().map(external_id).transpose()?;
        }
        if let Some(v) = self.address {
            c.address = v
                .map(|s| text("address", &s, MAX_ADDRESS))
                .transpose()?
                .flatten();
        }
        if let Some(v) = self.birthdate {
            c.birthdate = v.as_deref().map(birthdate).transpose()?;
        }
        if let Some(v) = self.language {
            c.language = v.as_deref().map(language).transpose()?;
        }
        if let Some(v) = self.notes {
            c.notes = v
                .map(|s| text("notes", &s, MAX_NOTES))
                .transpose()?
                .flatten();
        }
        if let Some(v) = self.tags {
            c.tags = tags(v.unwrap_or_default())?;
        }
        if let Some(v) = self.attributes {
            match v {
                None => c.attributes.clear(),
                Some(changes) => merge_attributes(&mut c.attributes, changes)?,
            }
        }
        if let Some(b) = self.blocked {
            c.blocked = b;
        }
        Ok(())
    }
}

/// Free text, trimmed; empty means "none". Control characters other than line breaks and tabs
/// are refused: they only ever arrive by mistake and break CSV exports.
fn text(field: &str, raw: &str, max: usize) -> CoreResult<Option<String>> {
    let s = raw.trim();
    if s.chars().count() > max {
        return Err(CoreError::validation(
            field,
            format!("{field} is longer than {max} characters"),
        ));
    }
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(CoreError::validation(
            field,
            format!("{field} contains a control character"),
        ));
    }
    Ok((!s.is_empty()).then(|| s.to_owned()))
}

pub(crate) fn phone(raw: &str) -> CoreResult<E164> {
    E164::parse(raw).map_err(|e| {
        CoreError::validation(
            "phone",
            format!("{e} (numbers are stored in E.164, e.g. +447700900123)"),
        )
    })
}

pub(crate) fn email(raw: &str) -> CoreResult<Email> {
    Email::parse(raw).map_err(|e| CoreError::validation("email", e.to_string()))
}

pub(crate) fn external_id(raw: &str) -> CoreResult<String> {
    let s = raw.trim();
    if s.is_empty() || s.chars().count() > MAX_EXTERNAL_ID || s.chars().any(char::is_control) {
        return Err(CoreError::validation(
            "external_id",
            format!(
                "external_id must be 1 to {MAX_EXTERNAL_ID} characters without control characters"
            ),
        ));
    }
    Ok(s.to_owned())
}

fn birthdate(raw: &str) -> CoreResult<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(raw.trim(), format).map_err(|_| {
        CoreError::validation(
            "birthdate",
            format!("`{raw}` is not a date written YYYY-MM-DD"),
        )
    })
}

/// A BCP 47 language tag in its common shape: a 2-3 letter language, then subtags of 1-8 letters
/// or digits joined by `-` (`en`, `en-GB`, `zh-Hant-TW`). Not a registry check.
fn language(raw: &str) -> CoreResult<String> {
    let s = raw.trim();
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !first_ok || !rest_ok || s.len() > 35 {
        return Err(CoreError::validation(
            "language",
            format!("`{raw}` is not a language tag such as `en` or `en-GB`"),
        ));
    }
    Ok(s.to_owned())
}

/// Trimmed, distinct (first spelling kept), in the order given.
fn tags(raw: Vec<String>) -> CoreResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = t.trim();
        if t.is_empty() || t.chars().count() > MAX_TAG || t.chars().any(char::is_control) {
            return Err(CoreError::validation(
                "tags",
                format!("each tag must be 1 to {MAX_TAG} characters without control characters"),
            ));
        }
        if !out.iter().any(|have| have == t) {
            out.push(t.to_owned());
        }
    }
    if out.len() > MAX_TAGS {
        return Err(CoreError::validation(
            "tags",
            format!("a contact carries at most {MAX_TAGS} tags"),
        ));
    }
    Ok(out)
}

/// An attribute name: what `attr.<name>=` filters by, so it stays simple.
pub(crate) fn attribute_name(field: &str, name: &str) -> CoreResult<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_ATTRIBUTE_NAME
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(CoreError::validation(
            field,
            format!(
                "attribute name `{name}` must be 1 to {MAX_ATTRIBUTE_NAME} letters, digits, `_` or `-`"
            ),
        ))
    }
}

fn merge_attributes(
    into: &mut BTreeMap<String, serde_json::Value>,
    changes: BTreeMap<String, serde_json::Value>,
) -> CoreResult<()> {
    for (name, value) in changes {
        attribute_name("attributes", &name)?;
        if value.is_null() {
            into.remove(&name);
        } else {
            into.insert(name, value);
        }
    }
    if into.len() > MAX_ATTRIBUTES {
        return Err(CoreError::validation(
            "attributes",
            format!("a contact carries at most {MAX_ATTRIBUTES} attributes"),
        ));
    }
    let size = serde_json::to_vec(&*into).map_or(usize::MAX, |v| v.len());
    if size > MAX_ATTRIBUTES_BYTES {
        return Err(CoreError::validation(
            "attributes",
            format!("the attributes take more than {MAX_ATTRIBUTES_BYTES} bytes of JSON"),
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
