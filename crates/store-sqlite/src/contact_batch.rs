//! Contact work on many rows at once: finding the contacts that hold a batch's keys in one read,
//! writing a batch (a CSV import's chunk) in one unit of work with a savepoint per contact, and
//! merging two contacts.

use rusqlite::{Connection, params};
use switchboard_domain::{ContactId, OrgId};
use switchboard_store::{Contact, ContactKey, ContactWrite, Result, StoreError};

use crate::contacts::{CONTACT_COLUMNS, contact_from_row, insert, update};
use crate::error::DbResult;
use crate::{events, one_row};

/// The contacts holding any of `keys`. The values go in as one JSON array per column, so the
/// statement stays the same however many keys there are (and is bound, never spliced).
pub(crate) fn find(conn: &Connection, org: OrgId, keys: &[ContactKey]) -> Result<Vec<Contact>> {
    let mut phones = Vec::new();
    let mut emails = Vec::new();
    let mut external = Vec::new();
    for key in keys {
        match key {
            ContactKey::Phone(p) => phones.push(p.as_str().to_owned()),
            ContactKey::Email(e) => emails.push(e.as_str().to_lowercase()),
            ContactKey::ExternalId(x) => external.push(x.clone()),
        }
    }
    let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE org_id = ?1 AND (
                 phone IN (SELECT value FROM json_each(?2))
              OR email IN (SELECT value FROM json_each(?3))
              OR external_id IN (SELECT value FROM json_each(?4)))"
        ))
        .db()?;
    let rows = stmt
        .query_map(
            params![
                org.0.as_bytes(),
                json(&phones),
                json(&emails),
                json(&external)
            ],
            contact_from_row,
        )
        .db()?;
    rows.collect::<rusqlite::Result<Vec<_>>>().db()
}

/// Each write in its own savepoint (nested in the writer's unit), so one refused contact undoes
/// only itself.
pub(crate) fn write(
    conn: &Connection,
    org: OrgId,
    writes: &[ContactWrite],
) -> Result<Vec<Result<()>>> {
    let mut outcomes = Vec::with_capacity(writes.len());
    for w in writes {
        conn.execute_batch("SAVEPOINT contact_write").db()?;
        let outcome = write_one(conn, org, w);
        if outcome.is_ok() {
            conn.execute_batch("RELEASE contact_write").db()?;
        } else {
            conn.execute_batch("ROLLBACK TO contact_write; RELEASE contact_write")
                .db()?;
        }
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

fn write_one(conn: &Connection, org: OrgId, w: &ContactWrite) -> Result<()> {
    if w.contact.org_id != org {
        return Err(StoreError::NotFound);
    }
    if w.insert {
        insert(conn, &w.contact)?;
    } else {
        update(conn, &w.contact)?;
    }
    for event in &w.events {
        events::insert(conn, event)?;
    }
    Ok(())
}

/// Moves `merged`'s history to the survivor, deletes it, then saves the survivor (after the
/// delete, so the keys it takes over from `merged` are free).
pub(crate) fn merge(conn: &Connection, survivor: &Contact, merged: ContactId) -> Result<()> {
    let org = survivor.org_id.0.as_bytes();
    let (to, from) = (survivor.id.0.as_bytes(), merged.0.as_bytes());
    contact_exists(conn, survivor.org_id, survivor.id)?;
    contact_exists(conn, survivor.org_id, merged)?;
    crate::consent::merge(conn, survivor.org_id, survivor.id, merged)?;
    // Messages first: they are found through the conversations that still name `merged`.
    for sql in [
        "UPDATE messages SET contact_id = ?1 WHERE org_id = ?3 AND conversation_id IN
             (SELECT id FROM conversations WHERE contact_id = ?2 AND org_id = ?3)",
        "UPDATE conversations SET contact_id = ?1 WHERE contact_id = ?2 AND org_id = ?3",
        "UPDATE identities SET contact_id = ?1 WHERE contact_id = ?2 AND org_id = ?3",
        "DELETE FROM contact_tags WHERE contact_id = ?2 AND org_id = ?3",
        "DELETE FROM contacts WHERE id = ?2 AND org_id = ?3",
    ] {
        conn.prepare_cached(sql)
            .db()?
            .execute(params![to, from, org])
            .db()?;
    }
    update(conn, survivor)
}

/// `NotFound` unless `id` is a contact of `org`.
pub(crate) fn contact_exists(conn: &Connection, org: OrgId, id: ContactId) -> Result<()> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM contacts WHERE id = ?1 AND org_id = ?2")
        .db()?
        .query_row(params![id.0.as_bytes(), org.0.as_bytes()], |r| r.get(0))
        .db()?;
    one_row(usize::try_from(n).unwrap_or(0))
}
