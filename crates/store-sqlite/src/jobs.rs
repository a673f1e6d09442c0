//! The job queue. Every change goes through the single writer, so a claim's `UPDATE ...
//! RETURNING` can never hand the same job to two workers, and a dedup check followed by an insert
//! cannot race with another enqueue.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, params};
use switchboard_domain::{JobId, OrgId, Timestamp};
use switchboard_store::{
    ClaimRequest, EnqueueOutcome, Job, JobFilter, JobOutcome, JobState, JobStore, NewJob, Page,
    PageRequest, Result, StoreError,
};

use crate::SqliteStore;
use crate::codec::{get_int, get_json, get_opt_ts, get_opt_uuid, get_ts, get_uuid, json, ms};
use crate::error::DbResult;

pub(crate) mod claim;
use claim::claim;

const JOB_COLUMNS: &str = "id, org_id, kind, payload, dedup_key, priority, run_at, attempts,
                           max_attempts, state, lease_owner, lease_until, last_error, created_at,
                           updated_at, deferrals";

fn job_from_row(row: &Row<'_>) -> rusqlite::Result<Job> {
    Ok(Job {
        id: JobId(get_uuid(row, 0)?),
        org_id: get_opt_uuid(row, 1)?.map(OrgId),
        kind: row.get(2)?,
        payload: get_json(row, 3)?,
        dedup_key: row.get(4)?,
        priority: get_int(row, 5)?,
        run_at: get_ts(row, 6)?,
        attempts: get_int(row, 7)?,
        max_attempts: get_int(row, 8)?,
        state: crate::codec::get_parsed(row, 9, |s| {
            JobState::parse(s).ok_or_else(|| StoreError::msg(format!("unknown job state {s}")))
        })?,
        lease_owner: row.get(10)?,
        lease_until: get_opt_ts(row, 11)?,
        last_error: row.get(12)?,
        created_at: get_ts(row, 13)?,
        updated_at: get_ts(row, 14)?,
        deferrals: get_int(row, 15)?,
    })
}

/// Inserts one job unless its dedup key is taken, in which case nothing is written.
pub(crate) fn insert(conn: &Connection, job: &NewJob) -> Result<EnqueueOutcome> {
    if let Some(key) = &job.dedup_key {
        let existing: Option<Vec<u8>> = conn
            .prepare_cached("SELECT id FROM jobs WHERE dedup_key = ?1")
            .db()?
            .query_row([key], |r| r.get(0))
            .optional()
            .db()?;
        if let Some(id) = existing {
            let id = uuid::Uuid::from_slice(&id).map_err(StoreError::other)?;
            return Ok(EnqueueOutcome::Duplicate(JobId(id)));
        }
    }
    let now = ms(switchboard_domain::now());
    conn.prepare_cached(
        "INSERT INTO jobs (id, org_id, kind, payload, dedup_key, priority, run_at, attempts,
                           max_attempts, state, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, 'ready', ?9, ?9)",
    )
    .db()?
    .execute(params![
        job.id.0.as_bytes(),
        job.org_id.map(|o| o.0.as_bytes().to_vec()),
        job.kind,
        json(&job.payload),
        job.dedup_key,
        job.priority,
        ms(job.run_at),
        job.max_attempts,
        now
    ])
    .db()?;
    Ok(EnqueueOutcome::Created(job.id))
}

fn finish_one(
    conn: &Connection,
    worker: &str,
    id: JobId,
    outcome: &JobOutcome,
    now: i64,
) -> Result<usize> {
    // A deferral gives the claim's attempt back and counts itself instead. The first one also
    // lifts the job one priority step: it was taken once already, and what it waits for (its
    // sender's reserved slot) is wasted if fresh jobs of its rank crowd it out when it is due.
    let (state, run_at, error, deferred) = match outcome {
        JobOutcome::Done => ("done", None, None, false),
        JobOutcome::Retry { run_at, error } => {
            ("ready", Some(ms(*run_at)), Some(error.as_str()), false)
        }
        JobOutcome::Dead { error } => ("dead", None, Some(error.as_str()), false),
        JobOutcome::Defer { run_at, note } => ("ready", Some(ms(*run_at)), note.as_deref(), true),
    };
    conn.prepare_cached(
        "UPDATE jobs SET state = ?3, run_at = COALESCE(?4, run_at),
                         last_error = COALESCE(?5, last_error),
                         attempts = CASE WHEN ?7 THEN MAX(attempts - 1, 0) ELSE attempts END,
                         deferrals = deferrals + ?7,
                         priority = CASE WHEN ?7 AND deferrals = 0 THEN MIN(priority + 1, 32767)
                                         ELSE priority END,
                         lease_owner = NULL, lease_until = NULL, updated_at = ?6
         WHERE id = ?1 AND state = 'running' AND lease_owner = ?2",
    )
    .db()?
    .execute(params![
        id.0.as_bytes(),
        worker,
        state,
        run_at,
        error,
        now,
        deferred
    ])
    .db()
}

fn release_one(conn: &Connection, worker: &str, id: JobId, now: i64) -> Result<usize> {
    conn.prepare_cached(
        "UPDATE jobs SET state = 'ready', run_at = MIN(run_at, ?3), attempts = MAX(attempts - 1, 0),
                         lease_owner = NULL, lease_until = NULL, updated_at = ?3
         WHERE id = ?1 AND state = 'running' AND lease_owner = ?2",
    )
    .db()?
    .execute(params![id.0.as_bytes(), worker, now])
    .db()
}

/// Dead jobs matching `filter` (and `id`, when given) become ready with a fresh budget.
fn redrive(conn: &Connection, filter: &JobFilter, id: Option<JobId>, now: i64) -> Result<usize> {
    if filter.state.is_some_and(|s| s != JobState::Dead) {
        return Ok(0);
    }
    conn.prepare_cached(
        "UPDATE jobs SET state = 'ready', attempts = 0, deferrals = 0, run_at = ?1,
                         lease_owner = NULL, lease_until = NULL, updated_at = ?1
         WHERE state = 'dead'
           AND (?2 IS NULL OR id = ?2)
           AND (?3 IS NULL OR org_id = ?3)
           AND (?4 IS NULL OR kind = ?4)",
    )
    .db()?
    .execute(params![
        now,
        id.map(|i| i.0.as_bytes().to_vec()),
        filter.org_id.map(|o| o.0.as_bytes().to_vec()),
        filter.kind
    ])
    .db()
}

#[async_trait::async_trait]
impl JobStore for SqliteStore {
    async fn enqueue(&self, jobs: &[NewJob]) -> Result<Vec<EnqueueOutcome>> {
        let jobs = jobs.to_vec();
        self.write_waking(move |conn| jobs.iter().map(|j| insert(conn, j)).collect())
            .await
    }

    async fn claim(&self, req: &ClaimRequest) -> Result<Vec<Job>> {
        let req = req.clone();
        self.write(move |conn| claim(conn, &req)).await
    }

    async fn finish(
        &self,
        worker: &str,
        outcomes: &[(JobId, JobOutcome)],
        now: Timestamp,
    ) -> Result<u64> {
        let worker = worker.to_owned();
        let outcomes = outcomes.to_vec();
        let now = ms(now);
        // Retries make jobs ready again, so this wakes the workers.
        self.write_waking(move |conn| {
            let mut applied = 0;
            for (id, outcome) in &outcomes {
                applied += finish_one(conn, &worker, *id, outcome, now)? as u64;
            }
            Ok(applied)
        })
        .await
    }

    async fn release(&self, worker: &str, ids: &[JobId], now: Timestamp) -> Result<u64> {
        let worker = worker.to_owned();
        let ids = ids.to_vec();
        let now = ms(now);
        self.write_waking(move |conn| {
            let mut released = 0;
            for id in &ids {
                released += release_one(conn, &worker, *id, now)? as u64;
            }
            Ok(released)
        })
        .await
    }

    async fn redrive(&self, filter: &JobFilter, ids: &[JobId], now: Timestamp) -> Result<u64> {
        let filter = filter.clone();
        let ids = ids.to_vec();
        let now = ms(now);
        self.write_waking(move |conn| {
            if ids.is_empty() {
                return Ok(redrive(conn, &filter, None, now)? as u64);
            }
            let mut n = 0;
            for id in &ids {
                n += redrive(conn, &filter, Some(*id), now)? as u64;
            }
            Ok(n)
        })
        .await
    }

    async fn get_job(&self, id: JobId) -> Result<Job> {
        self.read(move |conn| {
            conn.prepare_cached(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"))
                .db()?
                .query_row([id.0.as_bytes()], job_from_row)
                .db()
        })
        .await
    }

    async fn list_jobs(&self, filter: &JobFilter, page: PageRequest) -> Result<Page<Job>> {
        let filter = filter.clone();
        self.read(move |conn| {
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {JOB_COLUMNS} FROM jobs
                     WHERE (?1 IS NULL OR id < ?1)
                       AND (?2 IS NULL OR org_id = ?2)
                       AND (?3 IS NULL OR state = ?3)
                       AND (?4 IS NULL OR kind = ?4)
                     ORDER BY id DESC LIMIT ?5"
                ))
                .db()?
                .query_map(
                    params![
                        page.after.map(|u| u.as_bytes().to_vec()),
                        filter.org_id.map(|o| o.0.as_bytes().to_vec()),
                        filter.state.map(JobState::as_str),
                        filter.kind,
                        page.fetch_limit()
                    ],
                    job_from_row,
                )
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |j| j.id.0))
        })
        .await
    }

    async fn purge_done_jobs(&self, before: Timestamp) -> Result<u64> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached("DELETE FROM jobs WHERE state = 'done' AND updated_at < ?1")
                .db()?
                .execute([ms(before)])
                .db()?;
            Ok(n as u64)
        })
        .await
    }

    async fn wait_for_jobs(&self, timeout: Duration) {
        // The writer leaves a permit after each wake-up, so an enqueue that commits just before
        // this wait begins still ends it at once; the timeout is the fallback poll.
        let _ = tokio::time::timeout(timeout, self.inner.jobs_ready.notified()).await;
    }
}
