//! Enqueueing: a batch of jobs inserted in one `UNNEST` statement, inside the caller's
//! transaction, with dedup keys answered by the job that already holds them.

use std::collections::{HashMap, HashSet};

use sqlx::PgConnection;
use switchboard_domain::JobId;
use switchboard_store::{EnqueueOutcome, NewJob, Result, StoreError};
use uuid::Uuid;

use crate::errors::db;

/// Inserts jobs in one statement; a job whose dedup key is taken (by an existing row or an earlier
/// job of the same batch) is skipped and answered with the holder's id. Concurrent enqueues of
/// one key are safe: the unique index makes the later insert wait for the earlier transaction and
/// then skip, and the look-up that follows sees the committed holder. Rows go in by dedup key (then
/// batch order, so the first of a batch's twins wins): every transaction takes key locks in the
/// same order, so two batches sharing keys wait for each other instead of deadlocking.
pub(crate) async fn insert(
    conn: &mut PgConnection,
    jobs: &[NewJob],
) -> Result<Vec<EnqueueOutcome>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let now = switchboard_domain::now();
    let inserted: Vec<Uuid> = sqlx::query_scalar(
        "INSERT INTO jobs (id, org_id, kind, payload, dedup_key, priority, run_at, max_attempts,
                           created_at, updated_at)
         SELECT id, org_id, kind, payload::json, dedup_key, priority, run_at, max_attempts, $9, $9
         FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int2[],
                     $7::timestamptz[], $8::int8[])
              WITH ORDINALITY AS j(id, org_id, kind, payload, dedup_key, priority, run_at,
                                   max_attempts, ord)
         ORDER BY dedup_key, ord
         ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
         RETURNING id",
    )
    .bind(jobs.iter().map(|j| j.id.0).collect::<Vec<_>>())
    .bind(
        jobs.iter()
            .map(|j| j.org_id.map(|o| o.0))
            .collect::<Vec<_>>(),
    )
    .bind(jobs.iter().map(|j| j.kind.as_str()).collect::<Vec<_>>())
    // Sent as JSON text, where NUL is the escape `\u0000`, and cast to `json` by the server.
    .bind(
        jobs.iter()
            .map(|j| j.payload.to_string())
            .collect::<Vec<_>>(),
    )
    .bind(
        jobs.iter()
            .map(|j| j.dedup_key.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(jobs.iter().map(|j| j.priority).collect::<Vec<_>>())
    .bind(jobs.iter().map(|j| j.run_at).collect::<Vec<_>>())
    .bind(
        jobs.iter()
            .map(|j| i64::from(j.max_attempts))
            .collect::<Vec<_>>(),
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;

    let inserted: HashSet<Uuid> = inserted.into_iter().collect();
    if inserted.len() == jobs.len() {
        return Ok(jobs.iter().map(|j| EnqueueOutcome::Created(j.id)).collect());
    }
    let skipped_keys: Vec<&str> = jobs
        .iter()
        .filter(|j| !inserted.contains(&j.id.0))
        .filter_map(|j| j.dedup_key.as_deref())
        .collect();
    let holders: HashMap<String, Uuid> =
        sqlx::query_as("SELECT dedup_key, id FROM jobs WHERE dedup_key = ANY($1)")
            .bind(&skipped_keys)
            .fetch_all(&mut *conn)
            .await
            .map_err(db)?
            .into_iter()
            .collect();
    jobs.iter()
        .map(|j| {
            if inserted.contains(&j.id.0) {
                return Ok(EnqueueOutcome::Created(j.id));
            }
            j.dedup_key
                .as_deref()
                .and_then(|k| holders.get(k))
                .map(|id| EnqueueOutcome::Duplicate(JobId(*id)))
                // The holder was purged between the insert and the look-up: rare enough that the
                // caller can simply try again.
                .ok_or(StoreError::Busy)
        })
        .collect()
}
