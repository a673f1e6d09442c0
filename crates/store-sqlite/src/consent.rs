//! Consent per contact and channel kind. Keyed by the organization: another tenant's contact
//! has no consents to read and cannot be written.

use rusqlite::{Connection, Row, params};
use switchboard_domain::{ContactId, OrgId};
use switchboard_store::{Consent, ConsentStore, Effects, Result, merge_consents};

use crate::SqliteStore;
use crate::codec::{get_opt_ts, get_parsed, get_ts, get_uuid, ms, opt_ms};
use crate::error::DbResult;

fn consent_from_row(row: &Row<'_>) -> rusqlite::Result<Consent> {
    Ok(Consent {
        org_id: OrgId(get_uuid(row, 0)?),
        contact_id: ContactId(get_uuid(row, 1)?),
        channel_kind: get_parsed(row, 2, crate::channels::parse_kind)?,
        opted_in_at: get_opt_ts(row, 3)?,
        opt_in_source: row.get(4)?,
        opted_out_at: get_opt_ts(row, 5)?,
        opt_out_source: row.get(6)?,
        updated_at: get_ts(row, 7)?,
    })
}

pub(crate) fn consents_of(
    conn: &Connection,
    org: OrgId,
    contact: ContactId,
) -> Result<Vec<Consent>> {
    conn.prepare_cached(
        "SELECT org_id, contact_id, channel_kind, opted_in_at, opt_in_source, opted_out_at,
                opt_out_source, updated_at
         FROM contact_consents WHERE org_id = ?1 AND contact_id = ?2 ORDER BY channel_kind",
    )
    .db()?
    .query_map(
        params![org.0.as_bytes(), contact.0.as_bytes()],
        consent_from_row,
    )
    .db()?
    .collect::<rusqlite::Result<Vec<_>>>()
    .db()
}

fn put(conn: &Connection, c: &Consent) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO contact_consents (org_id, contact_id, channel_kind, opted_in_at,
             opt_in_source, opted_out_at, opt_out_source, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (contact_id, channel_kind) DO UPDATE SET
             opted_in_at = excluded.opted_in_at, opt_in_source = excluded.opt_in_source,
             opted_out_at = excluded.opted_out_at, opt_out_source = excluded.opt_out_source,
             updated_at = excluded.updated_at",
    )
    .db()?
    .execute(params![
        c.org_id.0.as_bytes(),
        c.contact_id.0.as_bytes(),
        c.channel_kind.as_str(),
        opt_ms(c.opted_in_at),
        c.opt_in_source,
        opt_ms(c.opted_out_at),
        c.opt_out_source,
        ms(c.updated_at)
    ])
    .db()?;
    Ok(())
}

/// Inside a merge: the survivor's consents become both contacts' combined, the merged one's go.
pub(crate) fn merge(
    conn: &Connection,
    org: OrgId,
    survivor: ContactId,
    merged: ContactId,
) -> Result<()> {
    let combined = merge_consents(
        &consents_of(conn, org, survivor)?,
        &consents_of(conn, org, merged)?,
    );
    conn.prepare_cached(
        "DELETE FROM contact_consents WHERE org_id = ?1 AND contact_id IN (?2, ?3)",
    )
    .db()?
    .execute(params![
        org.0.as_bytes(),
        survivor.0.as_bytes(),
        merged.0.as_bytes()
    ])
    .db()?;
    for c in &combined {
        put(
            conn,
            &Consent {
                contact_id: survivor,
                ..c.clone()
            },
        )?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl ConsentStore for SqliteStore {
    async fn put_consent(&self, c: &Consent, effects: &Effects) -> Result<()> {
        let c = c.clone();
        self.change(effects, move |conn| {
            crate::contact_batch::contact_exists(conn, c.org_id, c.contact_id)?;
            put(conn, &c)
        })
        .await
    }

    async fn list_consents(&self, org: OrgId, contact: ContactId) -> Result<Vec<Consent>> {
        self.read(move |conn| consents_of(conn, org, contact)).await
    }
}
