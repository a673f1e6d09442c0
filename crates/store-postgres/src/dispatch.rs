//! Sender leases and the purge of pending statuses on PostgreSQL. A lease is taken or renewed in
//! one `INSERT .. ON CONFLICT DO UPDATE .. WHERE` statement, so two nodes racing for a sender
//! cannot both win: the row lock of the conflicting insert orders them.

use std::time::Duration;

use switchboard_domain::{ChannelId, OrgId, Timestamp};
use switchboard_store::{DispatchStore, Result, SenderLease, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::db;

#[derive(sqlx::FromRow)]
struct LeaseRow {
    channel_id: Uuid,
    owner: String,
    lease_until: OffsetDateTime,
}

impl From<LeaseRow> for SenderLease {
    fn from(r: LeaseRow) -> Self {
        SenderLease {
            channel_id: ChannelId(r.channel_id),
            owner: r.owner,
            lease_until: r.lease_until,
        }
    }
}

/// Stored times are whole milliseconds, like every other time the store keeps.
fn lease_end(now: Timestamp, lease: Duration) -> Timestamp {
    let ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 1_000_000);
    now.saturating_add(time::Duration::milliseconds(ms))
}

#[async_trait::async_trait]
impl DispatchStore for PgStore {
    async fn acquire_sender_lease(
        &self,
        org: OrgId,
        channel_id: ChannelId,
        node: &str,
        lease: Duration,
        now: Timestamp,
    ) -> Result<SenderLease> {
        // When another node holds the sender, the upsert returns nothing, and the holder is read
        // by a second statement: under READ COMMITTED it sees a row committed after the first
        // began. The row can only disappear in between by its holder releasing it, so one more
        // round then takes it.
        for _ in 0..3 {
            let taken: Option<LeaseRow> = sqlx::query_as(
                "INSERT INTO sender_leases AS l (org_id, channel_id, owner, lease_until,
                                                 acquired_at)
                 VALUES ($5, $1, $2, $3, $4)
                 ON CONFLICT (org_id, channel_id) DO UPDATE
                     SET acquired_at = CASE WHEN l.owner = excluded.owner THEN l.acquired_at
                                            ELSE excluded.acquired_at END,
                         owner = excluded.owner,
                         lease_until = excluded.lease_until
                     WHERE l.owner = excluded.owner OR l.lease_until <= $4
                 RETURNING channel_id, owner, lease_until",
            )
            .bind(channel_id.0)
            .bind(node)
            .bind(lease_end(now, lease))
            .bind(now)
            .bind(org.0)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?;
            if let Some(row) = taken {
                return Ok(row.into());
            }
            if let Some(held) = self.sender_lease(org, channel_id).await? {
                return Ok(held);
            }
        }
        Err(StoreError::msg(
            "sender lease kept changing hands; try again",
        ))
    }

    async fn sender_lease(&self, org: OrgId, channel_id: ChannelId) -> Result<Option<SenderLease>> {
        let row: Option<LeaseRow> = sqlx::query_as(
            "SELECT channel_id, owner, lease_until FROM sender_leases
             WHERE org_id = $1 AND channel_id = $2",
        )
        .bind(org.0)
        .bind(channel_id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        Ok(row.map(Into::into))
    }

    async fn release_sender_lease(
        &self,
        org: OrgId,
        channel_id: ChannelId,
        node: &str,
    ) -> Result<bool> {
        let released = sqlx::query(
            "DELETE FROM sender_leases WHERE org_id = $1 AND channel_id = $2 AND owner = $3",
        )
        .bind(org.0)
        .bind(channel_id.0)
        .bind(node)
        .execute(self.pool())
        .await
        .map_err(db)?
        .rows_affected();
        Ok(released > 0)
    }

    async fn purge_pending_statuses(&self, before: Timestamp) -> Result<u64> {
        let purged = sqlx::query("DELETE FROM pending_statuses WHERE created_at < $1")
            .bind(before)
            .execute(self.pool())
            .await
            .map_err(db)?
            .rows_affected();
        Ok(purged)
    }
}
