//! Idempotency records. `begin` runs on the writer, so checking the existing row and claiming
//! the key happen in one step that no other request can interleave with.

use rusqlite::{Connection, OptionalExtension, params};
use switchboard_domain::Timestamp;
use switchboard_store::{
    IdempotencyBegin, IdempotencyKey, IdempotencyStore, Result, StoredResponse,
};

use crate::codec::{get_int, ms};
use crate::error::DbResult;
use crate::{SqliteStore, one_row};

/// What `begin` needs to know about an existing record.
struct Existing {
    request_hash: Vec<u8>,
    locked_until: i64,
    response: Option<StoredResponse>,
}

fn existing(conn: &Connection, key: &IdempotencyKey) -> Result<Option<Existing>> {
    conn.prepare_cached(
        "SELECT request_hash, locked_until, status, content_type, body FROM idempotency
         WHERE org_id = ?1 AND principal = ?2 AND key = ?3",
    )
    .db()?
    .query_row(
        params![key.org_id.0.as_bytes(), key.principal, key.key],
        |row| {
            let status: Option<i64> = row.get(2)?;
            let response = match status {
                Some(_) => Some(StoredResponse {
                    status: get_int(row, 2)?,
                    content_type: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    body: row.get::<_, Option<Vec<u8>>>(4)?.unwrap_or_default(),
                }),
                None => None,
            };
            Ok(Existing {
                request_hash: row.get(0)?,
                locked_until: row.get(1)?,
                response,
            })
        },
    )
    .optional()
    .db()
}

fn begin(
    conn: &Connection,
    key: &IdempotencyKey,
    request_hash: &[u8],
    now: i64,
    locked_until: i64,
) -> Result<IdempotencyBegin> {
    let claim = match existing(conn, key)? {
        None => {
            "INSERT INTO idempotency (org_id, principal, key, request_hash, locked_until, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
        }
        Some(e) => match (e.response, e.request_hash == request_hash) {
            (Some(r), true) => return Ok(IdempotencyBegin::Replay(r)),
            (Some(_), false) => return Ok(IdempotencyBegin::Mismatch),
            // Unfinished and its claim expired: whoever held it crashed, so the key is free again
            // (whatever request it was for).
            (None, _) if e.locked_until <= now => {
                "UPDATE idempotency SET request_hash = ?4, locked_until = ?5, created_at = ?6
                 WHERE org_id = ?1 AND principal = ?2 AND key = ?3"
            }
            (None, true) => return Ok(IdempotencyBegin::InProgress),
            (None, false) => return Ok(IdempotencyBegin::Mismatch),
        },
    };
    conn.prepare_cached(claim)
        .db()?
        .execute(params![
            key.org_id.0.as_bytes(),
            key.principal,
            key.key,
            request_hash,
            locked_until,
            now
        ])
        .db()?;
    Ok(IdempotencyBegin::Started)
}

#[async_trait::async_trait]
impl IdempotencyStore for SqliteStore {
    async fn begin_idempotent(
        &self,
        key: &IdempotencyKey,
        request_hash: &[u8],
        now: Timestamp,
        locked_until: Timestamp,
    ) -> Result<IdempotencyBegin> {
        let key = key.clone();
        let hash = request_hash.to_vec();
        let (now, locked_until) = (ms(now), ms(locked_until));
        self.write(move |conn| begin(conn, &key, &hash, now, locked_until))
            .await
    }

    async fn finish_idempotent(
        &self,
        key: &IdempotencyKey,
        response: &StoredResponse,
        now: Timestamp,
    ) -> Result<()> {
        let key = key.clone();
        let r = response.clone();
        self.write(move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE idempotency SET status = ?4, content_type = ?5, body = ?6,
                                            finished_at = ?7
                     WHERE org_id = ?1 AND principal = ?2 AND key = ?3",
                )
                .db()?
                .execute(params![
                    key.org_id.0.as_bytes(),
                    key.principal,
                    key.key,
                    r.status,
                    r.content_type,
                    r.body,
                    ms(now)
                ])
                .db()?;
            one_row(changed)
        })
        .await
    }

    async fn abandon_idempotent(&self, key: &IdempotencyKey) -> Result<()> {
        let key = key.clone();
        self.write(move |conn| {
            // Only an unfinished claim: a finished answer must keep replaying.
            conn.prepare_cached(
                "DELETE FROM idempotency
                 WHERE org_id = ?1 AND principal = ?2 AND key = ?3 AND status IS NULL",
            )
            .db()?
            .execute(params![key.org_id.0.as_bytes(), key.principal, key.key])
            .db()?;
            Ok(())
        })
        .await
    }

    async fn purge_idempotency(&self, before: Timestamp) -> Result<u64> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached("DELETE FROM idempotency WHERE created_at < ?1")
                .db()?
                .execute([ms(before)])
                .db()?;
            Ok(n as u64)
        })
        .await
    }
}
