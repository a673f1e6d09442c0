//! The worker loop: claim a batch, run each job on its own task (bounded concurrency), hand the
//! outcomes to a finisher that writes them back in batches, and sleep on the store's wake-up
//! signal (with polling as the fallback) when nothing is due.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard_domain::{JobId, Timestamp};
use switchboard_store::{ClaimRequest, Job, JobOutcome, Store, StoreError};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::attempt::run_one;
use crate::finisher::finish_loop;
use crate::{Backoff, JobHandler};

#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Unique per runner across the cluster: only the lease holder may finish a job.
    pub worker_id: String,
    /// Jobs running at once on this runner.
    pub concurrency: usize,
    /// Jobs taken per claim; one claim per batch keeps the database round-trips per job low.
    pub batch_size: u32,
    /// How long a claimed job stays ours. A job still running after `lease - LEASE_MARGIN` is
    /// stopped and retried, so a lease never runs out under a live worker.
    pub lease: Duration,
    /// Fallback wake-up when no notification comes (a lost NOTIFY, a job whose `run_at` arrives).
    pub poll_interval: Duration,
    /// On shutdown, how long running jobs may finish before they are stopped and handed back.
    pub shutdown_grace: Duration,
    pub backoff: Backoff,
}

/// Time kept between a job's timeout and its lease's end, so the failure is recorded by us rather
/// than the job being reclaimed under our feet.
pub(crate) const LEASE_MARGIN: Duration = Duration::from_secs(5);

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            worker_id: default_worker_id(),
            concurrency: 32,
            batch_size: 32,
            lease: Duration::from_secs(300),
            poll_interval: Duration::from_secs(1),
            shutdown_grace: Duration::from_secs(10),
            backoff: Backoff::default(),
        }
    }
}

fn default_worker_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".into());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

/// Runs the registered handlers over the store's queue.
#[derive(Clone)]
pub struct Runner {
    store: Arc<dyn Store>,
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
    config: RunnerConfig,
}

pub(crate) type Finished = (JobId, JobOutcome);

impl Runner {
    pub fn new(store: Arc<dyn Store>, config: RunnerConfig) -> Self {
        Self {
            store,
            handlers: HashMap::new(),
            config,
        }
    }

    /// Adds a handler; a second one for the same kind replaces the first.
    pub fn register(mut self, handler: impl JobHandler) -> Self {
        self.handlers.insert(handler.kind(), Arc::new(handler));
        self
    }

    pub fn worker_id(&self) -> &str {
        &self.config.worker_id
    }

    fn claim_request(&self, limit: u32) -> ClaimRequest {
        let mut kinds: Vec<String> = self.handlers.keys().map(|k| (*k).to_owned()).collect();
        kinds.sort();
        ClaimRequest {
            worker: self.config.worker_id.clone(),
            kinds,
            limit,
            lease: self.config.lease,
            now: switchboard_domain::now(),
        }
    }

    /// Claims and runs every job that is due, batch after batch, until none is left; returns how
    /// many ran. Tests use it to drain the queue deterministically instead of sleeping.
    pub async fn run_pending(&self) -> Result<usize, StoreError> {
        let mut ran = 0;
        loop {
            let jobs = self
                .store
                .claim(&self.claim_request(self.config.batch_size))
                .await?;
            if jobs.is_empty() {
                return Ok(ran);
            }
            ran += jobs.len();
            let mut set = JoinSet::new();
            for job in jobs {
                set.spawn(run_one(self.handler_for(&job), job, self.config.clone()));
            }
            let mut outcomes = Vec::new();
            while let Some(done) = set.join_next().await {
                outcomes.push(done.map_err(StoreError::other)?);
            }
            self.store
                .finish(&self.config.worker_id, &outcomes, switchboard_domain::now())
                .await?;
        }
    }

    fn handler_for(&self, job: &Job) -> Option<Arc<dyn JobHandler>> {
        self.handlers.get(job.kind.as_str()).cloned()
    }

    /// Works until `shutdown` is cancelled, then stops claiming, gives running jobs
    /// `shutdown_grace` to finish, and hands the rest back to the queue.
    pub async fn run(&self, shutdown: CancellationToken) {
        let (tx, rx) = mpsc::unbounded_channel::<Finished>();
        let finisher = tokio::spawn(finish_loop(
            self.store.clone(),
            self.config.worker_id.clone(),
            rx,
        ));
        let mut running: JoinSet<Finished> = JoinSet::new();
        let mut ids: HashMap<tokio::task::Id, JobId> = HashMap::new();
        // The earliest time a job this runner put back is due again: idle waits end then
        // instead of at the next poll, so a job deferred to its sender's slot runs on time.
        let mut next_due: Option<Timestamp> = None;
        tracing::info!(worker = %self.config.worker_id, kinds = ?self.claim_request(0).kinds, "job runner started");

        while !shutdown.is_cancelled() {
            while let Some(done) = running.try_join_next_with_id() {
                earliest(&mut next_due, forward(done, &mut ids, &tx));
            }
            let free = self.config.concurrency.saturating_sub(running.len());
            if free == 0 {
                tokio::select! {
                    Some(done) = running.join_next_with_id() => earliest(&mut next_due, forward(done, &mut ids, &tx)),
                    () = shutdown.cancelled() => {}
                }
                continue;
            }
            let limit = self
                .config
                .batch_size
                .min(u32::try_from(free).unwrap_or(u32::MAX));
            match self.store.claim(&self.claim_request(limit)).await {
                Ok(jobs) if !jobs.is_empty() => {
                    for job in jobs {
                        let id = job.id;
                        let handle = running.spawn(run_one(
                            self.handler_for(&job),
                            job,
                            self.config.clone(),
                        ));
                        ids.insert(handle.id(), id);
                    }
                }
                Ok(_) => {
                    let wait = idle_wait(&mut next_due, self.config.poll_interval);
                    tokio::select! {
                        () = self.store.wait_for_jobs(wait) => {}
                        Some(done) = running.join_next_with_id() => earliest(&mut next_due, forward(done, &mut ids, &tx)),
                        () = shutdown.cancelled() => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "claiming jobs failed; retrying after the poll interval");
                    tokio::select! {
                        () = tokio::time::sleep(self.config.poll_interval) => {}
                        () = shutdown.cancelled() => {}
                    }
                }
            }
        }

        self.drain(running, ids, &tx).await;
        drop(tx);
        if let Err(e) = finisher.await {
            tracing::error!(error = %e, "job finisher stopped abnormally");
        }
        for handler in self.handlers.values() {
            handler.stopped(&self.config.worker_id).await;
        }
        tracing::info!(worker = %self.config.worker_id, "job runner stopped");
    }

    /// The shutdown half: wait out the grace period, stop what is left, release its leases.
    async fn drain(
        &self,
        mut running: JoinSet<Finished>,
        mut ids: HashMap<tokio::task::Id, JobId>,
        tx: &mpsc::UnboundedSender<Finished>,
    ) {
        let deadline = Instant::now() + self.config.shutdown_grace;
        while !running.is_empty() {
            match tokio::time::timeout_at(deadline.into(), running.join_next_with_id()).await {
                Ok(Some(done)) => {
                    forward(done, &mut ids, tx);
                }
                Ok(None) | Err(_) => break,
            }
        }
        running.abort_all();
        // A task that completed just before the abort still yields its outcome here; only the
        // ones really stopped are handed back, so nothing is both finished and released.
        while let Some(done) = running.join_next_with_id().await {
            forward(done, &mut ids, tx);
        }
        let unfinished: Vec<JobId> = ids.into_values().collect();
        if unfinished.is_empty() {
            return;
        }
        match self
            .store
            .release(
                &self.config.worker_id,
                &unfinished,
                switchboard_domain::now(),
            )
            .await
        {
            Ok(n) => tracing::info!(released = n, "handed unfinished jobs back to the queue"),
            Err(e) => {
                tracing::warn!(error = %e, "could not hand jobs back; their leases will expire")
            }
        }
    }
}

/// Sends a finished task's outcome on; a task stopped by `abort` keeps its id in `ids` for release.
fn forward(
    done: Result<(tokio::task::Id, Finished), tokio::task::JoinError>,
    ids: &mut HashMap<tokio::task::Id, JobId>,
    tx: &mpsc::UnboundedSender<Finished>,
) -> Option<Timestamp> {
    match done {
        Ok((task, finished)) => {
            ids.remove(&task);
            let due = match &finished.1 {
                JobOutcome::Retry { run_at, .. } | JobOutcome::Defer { run_at, .. } => {
                    Some(*run_at)
                }
                JobOutcome::Done | JobOutcome::Dead { .. } => None,
            };
            let _ = tx.send(finished);
            due
        }
        Err(e) if e.is_panic() => {
            if let Some(id) = ids.remove(&e.id()) {
                tracing::error!(job_id = %id, "job handler panicked");
                // A panic is a bug, not a transient failure: keep the job for inspection.
                let _ = tx.send((
                    id,
                    JobOutcome::Dead {
                        error: "handler panicked".into(),
                    },
                ));
            }
            None
        }
        Err(_) => None,
    }
}

/// Keeps the earlier of `next_due` and `due`.
fn earliest(next_due: &mut Option<Timestamp>, due: Option<Timestamp>) {
    if let Some(due) = due {
        *next_due = Some(next_due.map_or(due, |d| d.min(due)));
    }
}

/// How long an idle runner waits before claiming again: the poll interval, or less when a job it
/// put back is due sooner. A due time already past is forgotten after one short nap (the claim
/// that found nothing may have raced the finisher writing the job back).
fn idle_wait(next_due: &mut Option<Timestamp>, poll: Duration) -> Duration {
    let Some(due) = *next_due else {
        return poll;
    };
    let left = due - switchboard_domain::now();
    if left <= time::Duration::ZERO {
        *next_due = None;
        return Duration::from_millis(5).min(poll);
    }
    Duration::try_from(left).unwrap_or(poll).min(poll)
}
