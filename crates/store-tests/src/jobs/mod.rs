//! The job queue: enqueue and dedup, claims and leases, outcomes, redrive, listing, purge,
//! concurrency and wake-ups. Split by concern; every scenario is re-exported here.

mod claim;
mod concurrency;
mod queue;

pub use claim::*;
pub use concurrency::*;
pub use queue::*;

use switchboard_domain::Timestamp;
use switchboard_store::{ClaimRequest, Job, Store};

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
