//! The job queue (outbox). Jobs are enqueued inside the transaction of the change that implies
//! them (see [`crate::Effects`]), claimed in batches under a time-limited lease, and finished as
//! done, retried later, or dead. A lease that runs out makes the job claimable again, so a crashed
//! node's work comes back by itself.

use std::time::Duration;

use switchboard_domain::{JobId, OrgId, Timestamp};

use crate::{Page, PageRequest, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    Ready,
    Running,
    Done,
    Dead,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Ready => "ready",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "ready" => JobState::Ready,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "dead" => JobState::Dead,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub id: JobId,
    /// `None` for installation-wide work (maintenance).
    pub org_id: Option<OrgId>,
    /// Which handler runs it, e.g. `message.dispatch`.
    pub kind: String,
    pub payload: serde_json::Value,
    /// At most one job with this key exists at a time (any state, until purged).
    pub dedup_key: Option<String>,
    /// Higher runs first among jobs that are due.
    pub priority: i16,
    pub run_at: Timestamp,
    pub max_attempts: u32,
}

impl NewJob {
    /// A job due now with priority 0 and the default attempt budget.
    pub fn new(org_id: Option<OrgId>, kind: impl Into<String>, payload: serde_json::Value) -> Self {
        Self {
            id: JobId::new(),
            org_id,
            kind: kind.into(),
            payload,
            dedup_key: None,
            priority: 0,
            run_at: switchboard_domain::now(),
            // Enough retries to ride out a provider outage of a day or so with exponential backoff.
            max_attempts: 20,
        }
    }

    pub fn dedup(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }

    pub fn at(mut self, run_at: Timestamp) -> Self {
        self.run_at = run_at;
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: JobId,
    pub org_id: Option<OrgId>,
    pub kind: String,
    pub payload: serde_json::Value,
    pub dedup_key: Option<String>,
    pub priority: i16,
    pub run_at: Timestamp,
    /// Claims so far, including the current one, less those deferred or released.
    pub attempts: u32,
    pub max_attempts: u32,
    /// Times the job was put back for later without counting an attempt
    /// ([`JobOutcome::Defer`]): lets a handler bound waits that must not go on for ever.
    pub deferrals: u32,
    pub state: JobState,
    pub lease_owner: Option<String>,
    pub lease_until: Option<Timestamp>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnqueueOutcome {
    Created(JobId),
    /// A job with the same dedup key already exists; nothing was written for this one.
    Duplicate(JobId),
}

impl EnqueueOutcome {
    pub fn id(self) -> JobId {
        match self {
            EnqueueOutcome::Created(id) | EnqueueOutcome::Duplicate(id) => id,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClaimRequest {
    /// The claiming worker's identity (node and worker); only it may finish what it claimed.
    pub worker: String,
    /// Only these kinds; empty means any.
    pub kinds: Vec<String>,
    pub limit: u32,
    pub lease: Duration,
    pub now: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    Done,
    /// Back to `ready`, due at `run_at`.
    Retry {
        run_at: Timestamp,
        error: String,
    },
    /// Given up; stays for inspection and redrive.
    Dead {
        error: String,
    },
    /// Not failed, only not now (the sender's rate, another node owning the sender): back to
    /// `ready`, due at `run_at`, with the attempt this claim counted given back and `deferrals`
    /// counted instead. The first deferral lifts the job's priority one step, so when it is due
    /// it goes before fresh jobs of its former rank (a reserved slot must not pass unused). `note`, when given, becomes `last_error` so an operator sees why a job
    /// waits.
    Defer {
        run_at: Timestamp,
        note: Option<String>,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    pub org_id: Option<OrgId>,
    pub state: Option<JobState>,
    pub kind: Option<String>,
}

#[async_trait::async_trait]
pub trait JobStore: Send + Sync {
    /// Enqueues outside any other change (changes pass their jobs in [`crate::Effects`]).
    /// One outcome per job, in order.
    async fn enqueue(&self, jobs: &[NewJob]) -> Result<Vec<EnqueueOutcome>>;

    /// Atomically leases up to `limit` jobs that are `ready` and due, or `running` with a lease
    /// that ran out; sets `state = running`, the lease, and `attempts += 1`. Two concurrent claims
    /// never return the same job. Higher priority first, then earlier `run_at`.
    async fn claim(&self, req: &ClaimRequest) -> Result<Vec<Job>>;

    /// Applies outcomes in one transaction. An outcome whose job is no longer leased to `worker`
    /// (its lease ran out and someone else took it) is ignored. Returns how many were applied.
    async fn finish(
        &self,
        worker: &str,
        outcomes: &[(JobId, JobOutcome)],
        now: Timestamp,
    ) -> Result<u64>;

    /// Hands leases back unfinished (graceful shutdown): `ready` again at once, and the attempt
    /// does not count. Returns how many were released.
    async fn release(&self, worker: &str, ids: &[JobId], now: Timestamp) -> Result<u64>;

    /// Makes dead jobs `ready` again with a fresh attempt budget (and no deferrals counted): those
    /// in `ids`, or every dead job matching `filter` when `ids` is empty. Returns how many.
    async fn redrive(&self, filter: &JobFilter, ids: &[JobId], now: Timestamp) -> Result<u64>;

    async fn get_job(&self, id: JobId) -> Result<Job>;
    /// Newest first.
    async fn list_jobs(&self, filter: &JobFilter, page: PageRequest) -> Result<Page<Job>>;
    /// Deletes `done` jobs last updated before `before` (freeing their dedup keys).
    async fn purge_done_jobs(&self, before: Timestamp) -> Result<u64>;

    /// Resolves when jobs may have become available (an enqueue committed here, or a NOTIFY from
    /// another node) or after `timeout`, whichever is first. Workers poll on timeout, so a lost
    /// wake-up only delays work.
    async fn wait_for_jobs(&self, timeout: Duration);
}
