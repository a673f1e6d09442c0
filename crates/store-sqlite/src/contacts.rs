//! Contacts and their identities. E-mail, phone and external id are unique per organization;
//! a duplicate is reported with the id of the contact that holds the value, which the unique
//! indexes alone cannot tell, so each write checks first (the single writer makes the check and
//! the write one step). Tags are mirrored into `contact_tags` for "has every tag" filters.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use switchboard_domain::{ChannelId, ContactId, E164, Email, OrgId};
use switchboard_store::{
    Contact, ContactFilter, ContactKey, ContactStore, ContactWrite, Effects, Event, Identity, Page,
    PageRequest, Result, StoreError,
};

use crate::codec::{get_json, get_parsed, get_ts, get_uuid, json, ms};
use crate::error::DbResult;
use crate::events;
use crate::{SqliteStore, contact_batch, contact_search, identities, one_row};

pub(crate) const CONTACT_COLUMNS: &str = "id, org_id, name, email, phone, external_id, address,
                                          birthdate, language, notes, tags, attributes, blocked,
                                          created_at, updated_at";

const DATE: &[time::format_description::BorrowedFormatItem<'_>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub(crate) fn contact_from_row(row: &Row<'_>) -> rusqlite::Result<Contact> {
    let birthdate: Option<String> = row.get(7)?;
    Ok(Contact {
        id: ContactId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        name: row.get(2)?,
        email: opt_parsed(row, 3, Email::parse)?,
        phone: opt_parsed(row, 4, E164::parse)?,
        external_id: row.get(5)?,
        address: row.get(6)?,
        birthdate: match birthdate {
            Some(_) => Some(get_parsed(row, 7, |s| time::Date::parse(s, DATE))?),
            None => None,
        },
        language: row.get(8)?,
        notes: row.get(9)?,
        tags: get_json(row, 10)?,
        attributes: get_json(row, 11)?,
        blocked: row.get(12)?,
        created_at: get_ts(row, 13)?,
        updated_at: get_ts(row, 14)?,
    })
}

fn opt_parsed<T, E: std::error::Error + Send + Sync + 'static>(
    row: &Row<'_>,
    idx: usize,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> rusqlite::Result<Option<T>> {
    let v: Option<String> = row.get(idx)?;
    match v {
        Some(_) => get_parsed(row, idx, parse).map(Some),
        None => Ok(None),
    }
}

/// Tags once each, in the order first given.
fn distinct(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for t in tags {
        if !out.contains(t) {
            out.push(t.clone());
        }
    }
    out
}

/// What the free-text filter searches: the searchable fields lower-cased (in Rust, so that
/// non-ASCII letters fold too), one per line.
fn search_key(c: &Contact) -> String {
    [
        c.name.as_deref(),
        c.email.as_ref().map(|e| e.as_str()),
        c.phone.as_ref().map(|p| p.as_str()),
        c.external_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::to_lowercase)
    .collect::<Vec<_>>()
    .join("\n")
}

/// Refuses a value another contact of the organization already has, naming that contact.
fn check_unique(conn: &Connection, c: &Contact) -> Result<()> {
    let keys: [(&str, Option<&str>, &'static str); 3] = [
        (
            "email",
            c.email.as_ref().map(|e| e.as_str()),
            "contact_email",
        ),
        (
            "phone",
            c.phone.as_ref().map(|p| p.as_str()),
            "contact_phone",
        ),
        (
            "external_id",
            c.external_id.as_deref(),
            "contact_external_id",
        ),
    ];
    for (column, value, what) in keys {
        let Some(value) = value else { continue };
        let existing = conn
            .prepare_cached(&format!(
                "SELECT id FROM contacts WHERE org_id = ?1 AND {column} = ?2 AND id <> ?3"
            ))
            .db()?
            .query_row(
                params![c.org_id.0.as_bytes(), value, c.id.0.as_bytes()],
                |r| get_uuid(r, 0),
            )
            .optional()
            .db()?;
        if let Some(id) = existing {
            return Err(StoreError::Conflict {
                what,
                existing: Some(id.to_string()),
            });
        }
    }
    Ok(())
}

/// The column values of a contact, in `CONTACT_COLUMNS` order followed by `search_key`.
fn values(c: &Contact) -> Vec<Value> {
    let text = |s: Option<&str>| s.map_or(Value::Null, |s| Value::Text(s.to_owned()));
    vec![
        Value::Blob(c.id.0.as_bytes().to_vec()),
        Value::Blob(c.org_id.0.as_bytes().to_vec()),
        text(c.name.as_deref()),
        text(c.email.as_ref().map(|e| e.as_str())),
        text(c.phone.as_ref().map(|p| p.as_str())),
        text(c.external_id.as_deref()),
        text(c.address.as_deref()),
        c.birthdate
            .and_then(|d| d.format(DATE).ok())
            .map_or(Value::Null, Value::Text),
        text(c.language.as_deref()),
        text(c.notes.as_deref()),
        Value::Text(json(&distinct(&c.tags))),
        Value::Text(json(&c.attributes)),
        Value::Integer(i64::from(c.blocked)),
        Value::Integer(ms(c.created_at)),
        Value::Integer(ms(c.updated_at)),
        Value::Text(search_key(c)),
    ]
}

fn write_tags(conn: &Connection, c: &Contact) -> Result<()> {
    conn.prepare_cached("DELETE FROM contact_tags WHERE contact_id = ?1")
        .db()?
        .execute([c.id.0.as_bytes()])
        .db()?;
    let mut insert = conn
        .prepare_cached("INSERT INTO contact_tags (org_id, contact_id, tag) VALUES (?1, ?2, ?3)")
        .db()?;
    for tag in distinct(&c.tags) {
        insert
            .execute(params![c.org_id.0.as_bytes(), c.id.0.as_bytes(), tag])
            .db()?;
    }
    Ok(())
}

/// Inserts a contact (checked for duplicates) with its tags: also used by ingest and outbound
/// acceptance when an address has no contact yet.
pub(crate) fn insert(conn: &Connection, c: &Contact) -> Result<()> {
    check_unique(conn, c)?;
    conn.prepare_cached(&format!(
        "INSERT INTO contacts ({CONTACT_COLUMNS}, search_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
    ))
    .db()?
    .execute(rusqlite::params_from_iter(values(c)))
    .db()?;
    write_tags(conn, c)
}

pub(crate) fn update(conn: &Connection, c: &Contact) -> Result<()> {
    check_unique(conn, c)?;
    // created_at (?14) is not mutable: bound with the rest, used by nothing.
    let changed = conn
        .prepare_cached(
            "UPDATE contacts SET name = ?3, email = ?4, phone = ?5, external_id = ?6,
                    address = ?7, birthdate = ?8, language = ?9, notes = ?10, tags = ?11,
                    attributes = ?12, blocked = ?13, updated_at = ?15, search_key = ?16
             WHERE id = ?1 AND org_id = ?2",
        )
        .db()?
        .execute(rusqlite::params_from_iter(values(c)))
        .db()?;
    one_row(changed)?;
    write_tags(conn, c)
}

/// Gives a contact that has no name the platform's profile name (and makes it searchable),
/// telling it as `contact.updated`.
pub(crate) fn set_name_if_missing(
    conn: &Connection,
    org: OrgId,
    id: ContactId,
    name: &str,
    at: switchboard_domain::Timestamp,
) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE contacts SET name = ?2, updated_at = ?3,
                    search_key = CASE WHEN search_key = '' THEN ?4
                                      ELSE ?4 || char(10) || search_key END
             WHERE id = ?1 AND name IS NULL",
        )
        .db()?
        .execute(params![id.0.as_bytes(), name, ms(at), name.to_lowercase()])
        .db()?;
    if changed == 1 {
        events::insert(conn, &Event::contact_named(org, id, name, at))?;
    }
    Ok(())
}

/// What deleting a contact (?1 of org ?2) deletes before the contact itself, children first:
/// the events, messages and timelines of its conversations, then the conversations, identities
/// and tags.
pub(crate) const DELETE_HISTORY: [&str; 6] = [
    "DELETE FROM events WHERE conversation_id IN
         (SELECT id FROM conversations WHERE contact_id = ?1 AND org_id = ?2)",
    "DELETE FROM messages WHERE conversation_id IN
         (SELECT id FROM conversations WHERE contact_id = ?1 AND org_id = ?2)",
    "DELETE FROM conversation_events WHERE conversation_id IN
         (SELECT id FROM conversations WHERE contact_id = ?1 AND org_id = ?2)",
    "DELETE FROM conversations WHERE contact_id = ?1 AND org_id = ?2",
    "DELETE FROM identities WHERE contact_id = ?1 AND org_id = ?2",
    "DELETE FROM contact_tags WHERE contact_id = ?1 AND org_id = ?2",
];

fn delete(conn: &Connection, org: OrgId, id: ContactId) -> Result<()> {
    let ids = params![id.0.as_bytes(), org.0.as_bytes()];
    for sql in DELETE_HISTORY {
        conn.prepare_cached(sql).db()?.execute(ids).db()?;
    }
    let changed = conn
        .prepare_cached("DELETE FROM contacts WHERE id = ?1 AND org_id = ?2")
        .db()?
        .execute(ids)
        .db()?;
    one_row(changed)
}

#[async_trait::async_trait]
impl ContactStore for SqliteStore {
    async fn create_contact(&self, contact: &Contact, effects: &Effects) -> Result<()> {
        let c = contact.clone();
        self.change(effects, move |conn| insert(conn, &c)).await
    }

    async fn get_contact(&self, org: OrgId, id: ContactId) -> Result<Contact> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = ?1 AND org_id = ?2"
            ))
            .db()?
            .query_row(params![id.0.as_bytes(), org.0.as_bytes()], contact_from_row)
            .db()
        })
        .await
    }

    async fn find_contact(&self, org: OrgId, key: &ContactKey) -> Result<Contact> {
        let (column, value) = match key {
            ContactKey::Phone(p) => ("phone", p.as_str().to_owned()),
            ContactKey::Email(e) => ("email", e.as_str().to_lowercase()),
            ContactKey::ExternalId(x) => ("external_id", x.clone()),
        };
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts WHERE org_id = ?1 AND {column} = ?2"
            ))
            .db()?
            .query_row(params![org.0.as_bytes(), value], contact_from_row)
            .db()
        })
        .await
    }

    async fn list_contacts(
        &self,
        org: OrgId,
        filter: &ContactFilter,
        page: PageRequest,
    ) -> Result<Page<Contact>> {
        let filter = filter.clone();
        self.read(move |conn| contact_search::list(conn, org, &filter, page))
            .await
    }

    async fn update_contact(&self, contact: &Contact, effects: &Effects) -> Result<()> {
        let c = contact.clone();
        self.change(effects, move |conn| update(conn, &c)).await
    }

    async fn delete_contact(&self, org: OrgId, id: ContactId, effects: &Effects) -> Result<()> {
        self.change(effects, move |conn| delete(conn, org, id))
            .await
    }

    async fn list_identities(&self, org: OrgId, contact: ContactId) -> Result<Vec<Identity>> {
        self.read(move |conn| identities::of_contact(conn, org, contact))
            .await
    }

    async fn contact_of_address(
        &self,
        org: OrgId,
        channel: ChannelId,
        address: &str,
    ) -> Result<ContactId> {
        let address = address.to_owned();
        self.read(move |conn| identities::contact_of(conn, org, channel, &address))
            .await
    }

    async fn find_contacts(&self, org: OrgId, keys: &[ContactKey]) -> Result<Vec<Contact>> {
        let keys = keys.to_vec();
        self.read(move |conn| contact_batch::find(conn, org, &keys))
            .await
    }

    async fn write_contacts(
        &self,
        org: OrgId,
        writes: &[ContactWrite],
        effects: &Effects,
    ) -> Result<Vec<Result<()>>> {
        let writes = writes.to_vec();
        self.change(effects, move |conn| {
            contact_batch::write(conn, org, &writes)
        })
        .await
    }

    async fn merge_contacts(
        &self,
        survivor: &Contact,
        merged: ContactId,
        effects: &Effects,
    ) -> Result<()> {
        let c = survivor.clone();
        self.change(effects, move |conn| contact_batch::merge(conn, &c, merged))
            .await
    }
}
