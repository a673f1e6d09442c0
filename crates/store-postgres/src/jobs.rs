//! The job queue (outbox) on PostgreSQL: claims in one statement with `FOR UPDATE SKIP LOCKED`
//! under a lease, batched finishes, and a NOTIFY in every transaction that makes work available
//! so that workers on every node wake up. Enqueueing itself lives in `enqueue.rs`.

use std::time::Duration;

use switchboard_domain::{JobId, Timestamp};
use switchboard_store::{
    ClaimRequest, EnqueueOutcome, Job, JobFilter, JobOutcome, JobState, JobStore, NewJob, Page,
    PageRequest, Result, StoreError,
};

use crate::PgStore;
use crate::enqueue::insert;
use crate::errors::db;
use crate::job_rows::{COLUMNS, JobRow, to_jobs};

mod claim;

/// The lease's end, in whole milliseconds like every other stored time.
fn lease_end(now: Timestamp, lease: Duration) -> Timestamp {
    let ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 1_000_000);
    now.saturating_add(time::Duration::milliseconds(ms))
}

#[async_trait::async_trait]
impl JobStore for PgStore {
    async fn enqueue(&self, jobs: &[NewJob]) -> Result<Vec<EnqueueOutcome>> {
        let mut tx = self.begin().await?;
        let outcomes = insert(&mut tx, jobs).await?;
        let queued = outcomes
            .iter()
            .any(|o| matches!(o, EnqueueOutcome::Created(_)));
        self.commit_ready(tx, queued).await?;
        Ok(outcomes)
    }

    async fn claim(&self, req: &ClaimRequest) -> Result<Vec<Job>> {
        claim::claim(self, req, lease_end(req.now, req.lease)).await
    }

    async fn finish(
        &self,
        worker: &str,
        outcomes: &[(JobId, JobOutcome)],
        now: Timestamp,
    ) -> Result<u64> {
        if outcomes.is_empty() {
            return Ok(0);
        }
        let mut ids = Vec::with_capacity(outcomes.len());
        let mut states = Vec::with_capacity(outcomes.len());
        let mut run_ats: Vec<Option<Timestamp>> = Vec::with_capacity(outcomes.len());
        let mut errors: Vec<Option<&[u8]>> = Vec::with_capacity(outcomes.len());
        let mut deferred = Vec::with_capacity(outcomes.len());
        for (id, outcome) in outcomes {
            ids.push(id.0);
            let (state, run_at, error) = match outcome {
                JobOutcome::Done => (JobState::Done, None, None),
                JobOutcome::Retry { run_at, error } => {
                    (JobState::Ready, Some(*run_at), Some(error.as_bytes()))
                }
                JobOutcome::Dead { error } => (JobState::Dead, None, Some(error.as_bytes())),
                JobOutcome::Defer { run_at, note } => (
                    JobState::Ready,
                    Some(*run_at),
                    note.as_deref().map(str::as_bytes),
                ),
            };
            states.push(state.as_str());
            run_ats.push(run_at);
            errors.push(error);
            deferred.push(matches!(outcome, JobOutcome::Defer { .. }));
        }
        let mut tx = self.begin().await?;
        // A deferral gives the claim's attempt back and counts itself instead; the first one lifts
        // the job one priority step (see the SQLite store for why).
        let applied = sqlx::query(
            "UPDATE jobs AS j
             SET state = o.state, run_at = COALESCE(o.run_at, j.run_at),
                 last_error = COALESCE(o.error, j.last_error),
                 attempts = CASE WHEN o.deferred THEN GREATEST(j.attempts - 1, 0)
                                 ELSE j.attempts END,
                 deferrals = j.deferrals + CASE WHEN o.deferred THEN 1 ELSE 0 END,
                 priority = CASE WHEN o.deferred AND j.deferrals = 0
                                 THEN LEAST(j.priority + 1, 32767) ELSE j.priority END,
                 lease_owner = NULL, lease_until = NULL, updated_at = $6
             FROM UNNEST($1::uuid[], $2::text[], $3::timestamptz[], $4::bytea[], $7::bool[])
                  AS o(id, state, run_at, error, deferred)
             WHERE j.id = o.id AND j.state = 'running' AND j.lease_owner = $5",
        )
        .bind(ids)
        .bind(states)
        .bind(run_ats)
        .bind(errors)
        .bind(worker)
        .bind(now)
        .bind(deferred)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        let retried = applied > 0
            && outcomes
                .iter()
                .any(|(_, o)| matches!(o, JobOutcome::Retry { .. }));
        self.commit_ready(tx, retried).await?;
        Ok(applied)
    }

    async fn release(&self, worker: &str, ids: &[JobId], now: Timestamp) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        let released = sqlx::query(
            "UPDATE jobs
             SET state = 'ready', attempts = GREATEST(attempts - 1, 0), lease_owner = NULL,
                 lease_until = NULL, run_at = LEAST(run_at, $3), updated_at = $3
             WHERE id = ANY($1) AND state = 'running' AND lease_owner = $2",
        )
        .bind(ids.iter().map(|id| id.0).collect::<Vec<_>>())
        .bind(worker)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        self.commit_ready(tx, released > 0).await?;
        Ok(released)
    }

    async fn redrive(&self, filter: &JobFilter, ids: &[JobId], now: Timestamp) -> Result<u64> {
        // Only dead jobs are redriven: a filter asking for another state matches nothing.
        if filter.state.is_some_and(|s| s != JobState::Dead) {
            return Ok(0);
        }
        let mut tx = self.begin().await?;
        // The filter's organization and kind narrow an explicit id list too, so a tenant-scoped
        // caller can never redrive another organization's jobs by naming them.
        let redriven = sqlx::query(
            "UPDATE jobs
             SET state = 'ready', attempts = 0, deferrals = 0, run_at = $1,
                 lease_owner = NULL, lease_until = NULL, updated_at = $1
             WHERE state = 'dead'
               AND (cardinality($2::uuid[]) = 0 OR id = ANY($2))
               AND ($3::uuid IS NULL OR org_id = $3)
               AND ($4::text IS NULL OR kind = $4)",
        )
        .bind(now)
        .bind(ids.iter().map(|id| id.0).collect::<Vec<_>>())
        .bind(filter.org_id.map(|o| o.0))
        .bind(filter.kind.as_deref())
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        self.commit_ready(tx, redriven > 0).await?;
        Ok(redriven)
    }

    async fn get_job(&self, id: JobId) -> Result<Job> {
        let row: JobRow = sqlx::query_as(&format!("SELECT {COLUMNS} FROM jobs WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound)?;
        row.try_into()
    }

    async fn list_jobs(&self, filter: &JobFilter, page: PageRequest) -> Result<Page<Job>> {
        let rows: Vec<JobRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM jobs
             WHERE ($1::uuid IS NULL OR org_id = $1)
               AND ($2::text IS NULL OR state = $2)
               AND ($3::text IS NULL OR kind = $3)
               AND ($4::uuid IS NULL OR id < $4)
             ORDER BY id DESC
             LIMIT $5"
        ))
        .bind(filter.org_id.map(|o| o.0))
        .bind(filter.state.map(JobState::as_str))
        .bind(filter.kind.as_deref())
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        Ok(Page::from_rows(to_jobs(rows)?, page, |j| j.id.0))
    }

    async fn purge_done_jobs(&self, before: Timestamp) -> Result<u64> {
        let purged = sqlx::query("DELETE FROM jobs WHERE state = 'done' AND updated_at < $1")
            .bind(before)
            .execute(self.pool())
            .await
            .map_err(db)?
            .rows_affected();
        Ok(purged)
    }

    async fn wait_for_jobs(&self, timeout: Duration) {
        // Either way the caller looks for work next, so which one ended the wait does not matter.
        let _ = tokio::time::timeout(timeout, self.inner.wake.notified()).await;
    }
}
