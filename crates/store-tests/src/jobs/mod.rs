//! The job queue: enqueue and dedup, claims and leases, outcomes, redrive, listing, purge,
//! concurrency and wake-ups. Split by concern; every scenario is re-exported here.

mod claim;
mod concurrency;
mod defer;
mod queue;
mod redrive;
mod wake;

pub use claim::*;
pub use concurrency::*;
pub use defer::*;
pub use queue::*;
pub use redrive::*;
pub use wake::*;

use switchboard_domain::Timestamp;
use switchboard_store::{ClaimRequest, Job, JobState, NewJob, Store};

/// A claim by `worker` at `now` with a 30 s lease.
pub(crate) fn claim_req(worker: &str, kinds: &[&str], limit: u32, now: Timestamp) -> ClaimRequest {
    ClaimRequest {
        worker: worker.to_owned(),
        kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
        limit,
        lease: crate::fixtures::secs(30),
        now,
    }
}

pub(crate) async fn claim(
    s: &dyn Store,
    worker: &str,
    kinds: &[&str],
    limit: u32,
    now: Timestamp,
) -> Vec<Job> {
    s.claim(&claim_req(worker, kinds, limit, now))
        .await
        .expect("claim")
}

/// What a fresh job must look like; the store's own clock fills `created_at` and `updated_at`.
pub(crate) fn fresh_job(j: &NewJob, got: &Job) -> Job {
    Job {
        id: j.id,
        org_id: j.org_id,
        kind: j.kind.clone(),
        payload: j.payload.clone(),
        dedup_key: j.dedup_key.clone(),
        priority: j.priority,
        run_at: j.run_at,
        attempts: 0,
        max_attempts: j.max_attempts,
        deferrals: 0,
        state: JobState::Ready,
        lease_owner: None,
        lease_until: None,
        last_error: None,
        created_at: got.created_at,
        updated_at: got.updated_at,
    }
}
