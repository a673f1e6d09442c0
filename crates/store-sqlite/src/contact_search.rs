//! The contact listing and its filters: a case-insensitive substring of the searchable fields
//! (`instr` on a key lower-cased in Rust, so no LIKE wildcard in the query can act as one), every
//! one of some tags, an attribute equal to a JSON value, blocked, and having an identity on a
//! channel. Every value is a bound parameter.

use std::sync::LazyLock;

use rusqlite::types::Value;
use rusqlite::{Connection, params};
use switchboard_domain::OrgId;
use switchboard_store::{Contact, ContactFilter, Page, PageRequest, Result};

use crate::codec::json;
use crate::contacts::{CONTACT_COLUMNS, contact_from_row};
use crate::error::DbResult;

/// The type name `json_each` gives a value and the SQL value it compares equal to.
fn attribute_match(v: &serde_json::Value) -> (&'static str, Value) {
    use serde_json::Value as J;
    match v {
        J::Null => ("null", Value::Null),
        J::Bool(true) => ("true", Value::Null),
        J::Bool(false) => ("false", Value::Null),
        J::Number(n) => match n.as_i64() {
            Some(i) => ("integer", Value::Integer(i)),
            None => ("real", Value::Real(n.as_f64().unwrap_or(f64::NAN))),
        },
        J::String(s) => ("text", Value::Text(s.clone())),
        J::Array(_) => ("array", Value::Text(json(v))),
        J::Object(_) => ("object", Value::Text(json(v))),
    }
}

/// Contacts ascending by id; every filter optional (a NULL parameter leaves it out).
pub(crate) static LIST_CONTACTS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts c
         WHERE c.org_id = ?1
           AND (?2 IS NULL OR c.id > ?2)
           AND (?3 IS NULL OR instr(c.search_key, ?3) > 0)
           AND NOT EXISTS (SELECT 1 FROM json_each(?4) t WHERE NOT EXISTS (
               SELECT 1 FROM contact_tags ct WHERE ct.contact_id = c.id AND ct.tag = t.value))
           AND (?5 IS NULL OR EXISTS (
               SELECT 1 FROM json_each(c.attributes) a
               WHERE a.key = ?5 AND a.type = ?6
                 AND (?6 IN ('null', 'true', 'false') OR a.value = ?7)))
           AND (?8 IS NULL OR c.blocked = ?8)
           AND (?9 IS NULL OR EXISTS (
               SELECT 1 FROM identities i WHERE i.contact_id = c.id AND i.channel_id = ?9))
         ORDER BY c.id LIMIT ?10"
    )
});

pub(crate) fn list(
    conn: &Connection,
    org: OrgId,
    f: &ContactFilter,
    page: PageRequest,
) -> Result<Page<Contact>> {
    let after = page.after.map(|u| u.as_bytes().to_vec());
    // `instr` on the lower-cased search key: a substring test with no wildcards to escape.
    let query = f.query.as_ref().map(|q| q.to_lowercase());
    let tags = (!f.tags.is_empty()).then(|| json(&f.tags));
    let (attr_key, attr_type, attr_value) = match &f.attribute {
        Some((k, v)) => {
            let (t, v) = attribute_match(v);
            (Some(k.clone()), Some(t), v)
        }
        None => (None, None, Value::Null),
    };
    let rows = conn
        .prepare_cached(&LIST_CONTACTS)
        .db()?
        .query_map(
            params![
                org.0.as_bytes(),
                after,
                query,
                tags,
                attr_key,
                attr_type,
                attr_value,
                f.blocked,
                f.channel.map(|c| c.0.as_bytes().to_vec()),
                page.fetch_limit()
            ],
            contact_from_row,
        )
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    Ok(Page::from_rows(rows, page, |c| c.id.0))
}
