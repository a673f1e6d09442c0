//! Housekeeping as ordinary jobs: finished jobs, old idempotency records and statuses still
//! waiting for a receipt that never came are purged once an hour. The schedule enqueues with a
//! dedup key per hour, so several nodes enqueue it once.

use std::sync::Arc;
use std::time::Duration;

use switchboard_jobs::{JobError, JobHandler, Runner};
use switchboard_store::{Job, NewJob, Store};
use tokio_util::sync::CancellationToken;

pub const PURGE_KIND: &str = "maintenance.purge";
/// Done jobs are kept a week for inspection; then their rows (and dedup keys) go.
const KEEP_DONE_JOBS: Duration = Duration::from_secs(7 * 24 * 3600);
/// Clients retry for minutes or hours, not days; a day covers every sane retry policy.
const KEEP_IDEMPOTENCY: Duration = Duration::from_secs(24 * 3600);
const EVERY: Duration = Duration::from_secs(3600);

/// `keep_pending_statuses`: how long a status may wait for its message's receipt
/// (`[jobs] keep_pending_statuses`).
pub fn register(runner: Runner, store: Arc<dyn Store>, keep_pending_statuses: Duration) -> Runner {
    runner.register(Purge {
        store,
        keep_pending_statuses,
    })
}

struct Purge {
    store: Arc<dyn Store>,
    keep_pending_statuses: Duration,
}

#[async_trait::async_trait]
impl JobHandler for Purge {
    fn kind(&self) -> &'static str {
        PURGE_KIND
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let now = switchboard_domain::now();
        let store = &self.store;
        let jobs = store
            .purge_done_jobs(now - KEEP_DONE_JOBS)
            .await
            .map_err(|e| JobError::retry(e.to_string()))?;
        let keys = store
            .purge_idempotency(now - KEEP_IDEMPOTENCY)
            .await
            .map_err(|e| JobError::retry(e.to_string()))?;
        let statuses = store
            .purge_pending_statuses(now - self.keep_pending_statuses)
            .await
            .map_err(|e| JobError::retry(e.to_string()))?;
        tracing::info!(
            job_id = %job.id,
            purged_jobs = jobs,
            purged_idempotency = keys,
            purged_pending_statuses = statuses,
            "maintenance purge done"
        );
        Ok(())
    }
}

/// Enqueues the purge every hour until shutdown.
pub async fn schedule(store: Arc<dyn Store>, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = shutdown.cancelled() => return,
        }
        let hour = switchboard_domain::now().unix_timestamp() / 3600;
        let job = NewJob::new(None, PURGE_KIND, serde_json::json!({}))
            .dedup(format!("{PURGE_KIND}:{hour}"));
        if let Err(e) = store.enqueue(&[job]).await {
            tracing::warn!(error = %e, "could not schedule maintenance");
        }
    }
}
