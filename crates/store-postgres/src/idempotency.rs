//! Idempotency records: a request claims its key, runs, and stores its answer for replays. The
//! claim is an `INSERT ... ON CONFLICT DO NOTHING`; when the key is taken, the existing row is
//! examined under `FOR UPDATE`, so two requests racing for one key never both start.

use switchboard_domain::Timestamp;
use switchboard_store::{
    IdempotencyBegin, IdempotencyKey, IdempotencyStore, Result, StoreError, StoredResponse,
};
use time::OffsetDateTime;

use crate::PgStore;
use crate::errors::db;

#[derive(sqlx::FromRow)]
struct RecordRow {
    request_hash: Vec<u8>,
    locked_until: OffsetDateTime,
    status: Option<i32>,
    content_type: Option<String>,
    body: Option<Vec<u8>>,
}

#[async_trait::async_trait]
impl IdempotencyStore for PgStore {
    async fn begin_idempotent(
        &self,
        key: &IdempotencyKey,
        request_hash: &[u8],
        now: Timestamp,
        locked_until: Timestamp,
    ) -> Result<IdempotencyBegin> {
        let mut tx = self.begin().await?;
        let claimed = sqlx::query(
            "INSERT INTO idempotency (org_id, principal, key, request_hash, locked_until,
                                      created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING",
        )
        .bind(key.org_id.0)
        .bind(&key.principal)
        .bind(&key.key)
        .bind(request_hash)
        .bind(locked_until)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        if claimed == 1 {
            tx.commit().await.map_err(db)?;
            return Ok(IdempotencyBegin::Started);
        }

        let row: RecordRow = sqlx::query_as(
            "SELECT request_hash, locked_until, status, content_type, body FROM idempotency
             WHERE org_id = $1 AND principal = $2 AND key = $3
             FOR UPDATE",
        )
        .bind(key.org_id.0)
        .bind(&key.principal)
        .bind(&key.key)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        // Deleted between our insert and our look-up (abandoned or purged): the caller may retry.
        .ok_or(StoreError::Busy)?;

        let outcome = match decide(&row, request_hash, now) {
            Decision::Answer(outcome) => outcome,
            Decision::TakeOver => {
                sqlx::query(
                    "UPDATE idempotency
                     SET request_hash = $4, locked_until = $5, created_at = $6
                     WHERE org_id = $1 AND principal = $2 AND key = $3",
                )
                .bind(key.org_id.0)
                .bind(&key.principal)
                .bind(&key.key)
                .bind(request_hash)
                .bind(locked_until)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                IdempotencyBegin::Started
            }
        };
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }

    async fn finish_idempotent(
        &self,
        key: &IdempotencyKey,
        response: &StoredResponse,
        now: Timestamp,
    ) -> Result<()> {
        let finished = sqlx::query(
            "UPDATE idempotency
             SET status = $4, content_type = $5, body = $6, finished_at = $7
             WHERE org_id = $1 AND principal = $2 AND key = $3",
        )
        .bind(key.org_id.0)
        .bind(&key.principal)
        .bind(&key.key)
        .bind(i32::from(response.status))
        .bind(&response.content_type)
        .bind(&response.body)
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(db)?
        .rows_affected();
        if finished == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn abandon_idempotent(&self, key: &IdempotencyKey) -> Result<()> {
        // Only an unfinished claim: a stored answer must keep replaying.
        sqlx::query(
            "DELETE FROM idempotency
             WHERE org_id = $1 AND principal = $2 AND key = $3 AND status IS NULL",
        )
        .bind(key.org_id.0)
        .bind(&key.principal)
        .bind(&key.key)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn purge_idempotency(&self, before: Timestamp) -> Result<u64> {
        let purged = sqlx::query("DELETE FROM idempotency WHERE created_at < $1")
            .bind(before)
            .execute(self.pool())
            .await
            .map_err(db)?
            .rows_affected();
        Ok(purged)
    }
}

enum Decision {
    Answer(IdempotencyBegin),
    TakeOver,
}

/// What an existing record means for a new request with `request_hash` at `now`.
fn decide(row: &RecordRow, request_hash: &[u8], now: Timestamp) -> Decision {
    let same_request = row.request_hash == request_hash;
    match (row.status, same_request) {
        (Some(status), true) => Decision::Answer(IdempotencyBegin::Replay(StoredResponse {
            status: u16::try_from(status).unwrap_or(500),
            content_type: row.content_type.clone().unwrap_or_default(),
            body: row.body.clone().unwrap_or_default(),
        })),
        (Some(_), false) => Decision::Answer(IdempotencyBegin::Mismatch),
        // Unfinished: its claim expired, so whoever held it crashed; the key is free again.
        (None, _) if row.locked_until <= now => Decision::TakeOver,
        (None, true) => Decision::Answer(IdempotencyBegin::InProgress),
        (None, false) => Decision::Answer(IdempotencyBegin::Mismatch),
    }
}
