//! Contact work on many rows at once: finding the contacts that hold a batch's keys in one
//! query, writing a batch (a CSV import's chunk) in one transaction with a savepoint per contact,
//! and merging two contacts.

use sqlx::{Acquire, PgConnection};
use switchboard_domain::{ContactId, OrgId};
use switchboard_store::{Contact, ContactKey, ContactWrite, Effects, Result, StoreError};
use uuid::Uuid;

use crate::PgStore;
use crate::contact_rows::{COLUMNS, ContactRow, distinct_tags, json_text, search_key};
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
        let outcome = if w.contact.org_id != org {
            Err(StoreError::NotFound)
        } else if w.insert {
            insert_new(&mut tx, &w.contact).await?
        } else {
            // A nested transaction is a savepoint: a refused update undoes only itself.
            let mut sp = tx.begin().await.map_err(db)?;
            match save_row(&mut sp, &w.contact, false).await {
                Ok(()) => {
                    sp.commit().await.map_err(db)?;
                    Ok(())
                }
                Err(e) => {
                    sp.rollback().await.map_err(db)?;
                    Err(e)
                }
            }
        };
        match outcome {
            Ok(()) => {
                events.extend(w.events.iter().cloned());
                outcomes.push(Ok(()));
            }
            Err(e) => outcomes.push(Err(name_holder(&mut tx, &w.contact, e).await?)),
        }
    }
    events::insert(&mut tx, &events).await?;
    let woke = store.write_effects(&mut tx, effects).await?;
    store.commit(tx, woke).await?;
    Ok(outcomes)
}

/// Inserts a new contact with its tags and attributes in ONE statement, without a savepoint: a
/// key another contact holds makes the insert do nothing (`ON CONFLICT DO NOTHING` covers every
/// unique index) instead of failing the transaction. The savepoint and its release would be
/// two more round trips per row, which is most of a 100,000-row import's time.
async fn insert_new(conn: &mut PgConnection, c: &Contact) -> Result<Result<()>> {
    let tags = distinct_tags(&c.tags);
    let attributes = serde_json::to_string(&c.attributes).map_err(StoreError::other)?;
    let keys: Vec<String> = c.attributes.keys().map(json_text).collect();
    let values: Vec<String> = c.attributes.values().map(json_text).collect();
    let inserted: i64 = sqlx::query_scalar(
        "WITH c AS (
             INSERT INTO contacts (id, org_id, name, email, phone, external_id, address,
                                   birthdate, language, notes, tags, attributes, blocked,
                                   created_at, updated_at, search_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::json, $13, $14, $15, $16)
             ON CONFLICT DO NOTHING
             RETURNING id, org_id),
         t AS (INSERT INTO contact_tags (org_id, contact_id, tag)
               SELECT c.org_id, c.id, x.tag FROM c, UNNEST($11::text[]) AS x(tag)),
         a AS (INSERT INTO contact_attributes (contact_id, key, value)
               SELECT c.id, x.key, x.value FROM c, UNNEST($17::text[], $18::text[]) AS x(key, value))
         SELECT count(*) FROM c",
    )
    .bind(c.id.0)
    .bind(c.org_id.0)
    .bind(c.name.as_deref())
    .bind(c.email.as_ref().map(|e| e.as_str()))
    .bind(c.phone.as_ref().map(|p| p.as_str()))
    .bind(c.external_id.as_deref())
    .bind(c.address.as_deref())
    .bind(c.birthdate)
    .bind(c.language.as_deref())
    .bind(c.notes.as_deref())
    .bind(&tags)
    .bind(attributes)
    .bind(c.blocked)
    .bind(c.created_at)
    .bind(c.updated_at)
    .bind(search_key(c))
    .bind(keys)
    .bind(values)
    .fetch_one(conn)
    .await
    .map_err(db)?;
    Ok(if inserted == 1 {
        Ok(())
    } else {
        // Which key clashed is named by `name_holder`; the first one held is reported.
        Err(StoreError::conflict("contact_key"))
    })
}

/// A key conflict names the contact holding the value, read in the batch's own transaction.
async fn name_holder(conn: &mut PgConnection, c: &Contact, e: StoreError) -> Result<StoreError> {
    let StoreError::Conflict { what, .. } = &e else {
        return Ok(e);
    };
    let keys = [
        (
            "contact_phone",
            "phone",
            c.phone.as_ref().map(|x| x.as_str().to_owned()),
        ),
        (
            "contact_email",
            "email",
            c.email.as_ref().map(|x| x.as_str().to_owned()),
        ),
        ("contact_external_id", "external_id", c.external_id.clone()),
    ];
    for (rule, column, value) in keys {
        // An insert's conflict does not say which key clashed: each is probed in turn.
        if (*what != rule && *what != "contact_key") || value.is_none() {
            continue;
        }
        let holder: Option<Uuid> = sqlx::query_scalar(&format!(
            "SELECT id FROM contacts WHERE org_id = $1 AND {column} = $2 AND id <> $3"
        ))
        .bind(c.org_id.0)
        .bind(value)
        .bind(c.id.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
        if let Some(h) = holder {
            return Ok(StoreError::Conflict {
                what: rule,
                existing: Some(h.to_string()),
            });
        }
    }
    Ok(e)
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
    crate::consent::merge(&mut tx, survivor.org_id, survivor.id, merged).await?;
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
