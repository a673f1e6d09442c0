//! Sender leases and the purge of pending statuses on SQLite. One process owns a database file,
//! so its node always wins a lease; the same statements still run, so the dispatcher's code is the
//! same on both backends.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, params};
use switchboard_domain::{ChannelId, OrgId, Timestamp};
use switchboard_store::{DispatchStore, Result, SenderLease, StoreError};

use crate::SqliteStore;
use crate::codec::{get_ts, get_uuid, ms};
use crate::error::DbResult;

fn lease_from_row(row: &Row<'_>) -> rusqlite::Result<SenderLease> {
    Ok(SenderLease {
        channel_id: ChannelId(get_uuid(row, 0)?),
        owner: row.get(1)?,
        lease_until: get_ts(row, 2)?,
    })
}

fn get(conn: &Connection, org: OrgId, channel_id: ChannelId) -> Result<Option<SenderLease>> {
    conn.prepare_cached(
        "SELECT channel_id, owner, lease_until FROM sender_leases
         WHERE org_id = ?1 AND channel_id = ?2",
    )
    .db()?
    .query_row(
        params![org.0.as_bytes(), channel_id.0.as_bytes()],
        lease_from_row,
    )
    .optional()
    .db()
}

fn acquire(
    conn: &Connection,
    org: OrgId,
    channel_id: ChannelId,
    node: &str,
    until: i64,
    now: i64,
) -> Result<SenderLease> {
    // `acquired_at` tells a renewal from a takeover: it moves only when the owner changes.
    let taken = conn
        .prepare_cached(
            "INSERT INTO sender_leases (org_id, channel_id, owner, lease_until, acquired_at)
             VALUES (?5, ?1, ?2, ?3, ?4)
             ON CONFLICT (org_id, channel_id) DO UPDATE
                 SET acquired_at = CASE WHEN owner = excluded.owner THEN acquired_at
                                        ELSE excluded.acquired_at END,
                     owner = excluded.owner,
                     lease_until = excluded.lease_until
                 WHERE sender_leases.owner = excluded.owner OR sender_leases.lease_until <= ?4
             RETURNING channel_id, owner, lease_until",
        )
        .db()?
        .query_row(
            params![channel_id.0.as_bytes(), node, until, now, org.0.as_bytes()],
            lease_from_row,
        )
        .optional()
        .db()?;
    match taken {
        Some(lease) => Ok(lease),
        // Held by another node: the row is there, in this same transaction.
        None => get(conn, org, channel_id)?
            .ok_or_else(|| StoreError::msg("sender lease vanished inside its transaction")),
    }
}

#[async_trait::async_trait]
impl DispatchStore for SqliteStore {
    async fn acquire_sender_lease(
        &self,
        org: OrgId,
        channel_id: ChannelId,
        node: &str,
        lease: Duration,
        now: Timestamp,
    ) -> Result<SenderLease> {
        let node = node.to_owned();
        let until = time::Duration::try_from(lease)
            .ok()
            .and_then(|l| now.checked_add(l))
            .map(ms)
            .ok_or_else(|| StoreError::msg("lease too long"))?;
        let now = ms(now);
        self.write(move |conn| acquire(conn, org, channel_id, &node, until, now))
            .await
    }

    async fn sender_lease(&self, org: OrgId, channel_id: ChannelId) -> Result<Option<SenderLease>> {
        self.read(move |conn| get(conn, org, channel_id)).await
    }

    async fn release_sender_lease(
        &self,
        org: OrgId,
        channel_id: ChannelId,
        node: &str,
    ) -> Result<bool> {
        let node = node.to_owned();
        self.write(move |conn| {
            let n = conn
                .prepare_cached(
                    "DELETE FROM sender_leases
                     WHERE org_id = ?1 AND channel_id = ?2 AND owner = ?3",
                )
                .db()?
                .execute(params![org.0.as_bytes(), channel_id.0.as_bytes(), node])
                .db()?;
            Ok(n > 0)
        })
        .await
    }

    async fn purge_pending_statuses(&self, before: Timestamp) -> Result<u64> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached("DELETE FROM pending_statuses WHERE created_at < ?1")
                .db()?
                .execute([ms(before)])
                .db()?;
            Ok(n as u64)
        })
        .await
    }
}
