//! Contact work on many rows at once: finding the contacts that hold a batch's keys in one
//! query, writing a batch (a CSV import's chunk) in one transaction with a savepoint per contact,
//! and merging two contacts.

use sqlx::{Acquire, PgConnection};
use switchboard_domain::{ContactId, OrgId};
use switchboard_store::{Contact, ContactKey, ContactWrite, Effects, Result, StoreError};
use uuid::Uuid;

use crate::PgStore;
use crate::contact_rows::{COLUMNS, ContactRow};
use crate::contacts::save_row;
use crate::errors::db;
use crate::events;

pub(crate) async fn find(store: &PgStore, org: OrgId, keys: &[ContactKey]) -> Result<Vec<Contact>> {
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
    let rows: Vec<ContactRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM contacts c
         WHERE c.org_id = $1
           AND (c.phone = ANY($2) OR c.email = ANY($3) OR c.external_id = ANY($4))"
    ))
    .bind(org.0)
    .bind(phones)
    .bind(emails)
    .bind(external)
    .fetch_all(store.pool())
    .await
    .map_err(db)?;
    rows.into_iter().map(Contact::try_from).collect()
}

pub(crate) async fn write(
    store: &PgStore,
    org: OrgId,
    writes: &[ContactWrite],
    effects: &Effects,
) -> Result<Vec<Result<()>>> {
    let mut tx = store.begin().await?;
    let mut outcomes = Vec::with_capacity(writes.len());
    // The events of the rows that were written, inserted together at the end (one statement
    // instead of one per row; still in the same transaction).
    let mut events = Vec::new();
    for w in writes {
        // A nested transaction is a savepoint: a refused contact undoes only itself.
        let mut sp = tx.begin().await.map_err(db)?;
        match write_one(&mut sp, org, w).await {
            Ok(()) => {
                sp.commit().await.map_err(db)?;
                events.extend(w.events.iter().cloned());
                outcomes.push(Ok(()));
            }
            Err(e) => {
                sp.rollback().await.map_err(db)?;
                outcomes.push(Err(name_holder(&mut tx, &w.contact, e).await?));
            }
        }
    }
    events::insert(&mut tx, &events).await?;
    let woke = store.write_effects(&mut tx, effects).await?;
    store.commit(tx, woke).await?;
    Ok(outcomes)
}

async fn write_one(conn: &mut PgConnection, org: OrgId, w: &ContactWrite) -> Result<()> {
    if w.contact.org_id != org {
        return Err(StoreError::NotFound);
    }
    save_row(conn, &w.contact, w.insert).await
}

/// A key conflict names the contact holding the value, read in the batch's own transaction.
async fn name_holder(conn: &mut PgConnection, c: &Contact, e: StoreError) -> Result<StoreError> {
    let StoreError::Conflict { what, .. } = &e else {
        return Ok(e);
    };
    let (column, value) = match *what {
        "contact_email" => ("email", c.email.as_ref().map(|x| x.as_str().to_owned())),
        "contact_phone" => ("phone", c.phone.as_ref().map(|x| x.as_str().to_owned())),
        "contact_external_id" => ("external_id", c.external_id.clone()),
        _ => return Ok(e),
    };
    let holder: Option<Uuid> = sqlx::query_scalar(&format!(
        "SELECT id FROM contacts WHERE org_id = $1 AND {column} = $2"
    ))
    .bind(c.org_id.0)
    .bind(value)
    .fetch_optional(conn)
    .await
    .map_err(db)?;
    Ok(StoreError::Conflict {
        what,
        existing: holder.map(|h| h.to_string()),
    })
}

pub(crate) async fn merge(
    store: &PgStore,
    survivor: &Contact,
    merged: ContactId,
    effects: &Effects,
) -> Result<()> {
    let (org, to, from) = (survivor.org_id.0, survivor.id.0, merged.0);
    let mut tx = store.begin().await?;
    // Both rows locked first, in id order, so two merges of the same pair cannot deadlock.
    let found: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT id FROM contacts WHERE org_id = $1 AND id IN ($2, $3)
                               ORDER BY id FOR UPDATE) locked",
    )
    .bind(org)
    .bind(to)
    .bind(from)
    .fetch_one(&mut *tx)
    .await
    .map_err(db)?;
    if found != 2 {
        return Err(StoreError::NotFound);
    }
    for sql in [
        "UPDATE messages SET contact_id = $1 WHERE org_id = $3 AND conversation_id IN
             (SELECT id FROM conversations WHERE contact_id = $2 AND org_id = $3)",
        "UPDATE conversations SET contact_id = $1 WHERE contact_id = $2 AND org_id = $3",
        "UPDATE identities SET contact_id = $1 WHERE contact_id = $2 AND org_id = $3",
        // Tags and attributes rows of `merged` cascade with it; the survivor's are rewritten.
        "DELETE FROM contacts WHERE id = $2 AND org_id = $3",
    ] {
        sqlx::query(sql)
            .bind(to)
            .bind(from)
            .bind(org)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    if let Err(e) = save_row(&mut tx, survivor, false).await {
        drop(tx);
        return Err(e);
    }
    let woke = store.write_effects(&mut tx, effects).await?;
    store.commit(tx, woke).await
}
