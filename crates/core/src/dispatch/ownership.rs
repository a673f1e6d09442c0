//! Which node dispatches a sender's messages. Each node keeps its senders' rate limiters in
//! memory, so with several nodes a sender's limit holds only if one node at a time sends for it:
//! that node holds the sender's lease in the store (DESIGN "Jobs"). A node that claims a dispatch
//! job of a sender another node owns puts the job back for a moment instead of sending.
//!
//! Leases are remembered here, so the hot path does not write per message: the owner renews once
//! half its lease is spent, and a node that saw another's lease asks again at most once a second
//! per sender. A node that stops gracefully gives its leases up (taken over within a second); one
//! that crashes stops renewing, and another takes its senders over once their leases run out. On
//! SQLite there is one node, and it always wins (after a crash, once its previous life's leases
//! ran out). Nodes' clocks must agree to well within half a lease (15 s).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use switchboard_domain::{ChannelId, OrgId, Timestamp};
use switchboard_store::{SenderLease, Store, StoreError};

/// How long a lease lasts: long enough that renewals are rare (one write per sender every 15 s),
/// short enough that a dead node's senders move on quickly.
pub const DEFAULT_SENDER_LEASE: Duration = Duration::from_secs(30);
/// How long a job of another node's sender waits before it is tried again: short, so the job
/// soon reaches the owner (or finds the sender free) rather than waiting out a whole lease.
const OTHERS_RETRY: Duration = Duration::from_secs(1);
/// Past a lease's end, so the retry finds it run out rather than a hair before.
const PAST_END: Duration = Duration::from_millis(50);

/// What a node may do with a sender now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ownership {
    /// This node holds the sender's lease: send.
    Mine,
    /// Another node does: put the job back for `retry_in`.
    Theirs { owner: String, retry_in: Duration },
}

type Key = (OrgId, ChannelId);

/// A lease as last seen, and until when that is good enough to answer from.
#[derive(Debug, Clone)]
struct Remembered {
    lease: SenderLease,
    fresh_until: Timestamp,
}

/// One node's view of the sender leases.
pub struct Senders {
    store: Arc<dyn Store>,
    lease: Duration,
    known: Mutex<HashMap<Key, Remembered>>,
    /// One store call per sender at a time: when a lease needs renewing, the sender's jobs
    /// running at that moment wait for one renewal instead of each writing its own.
    asking: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
}

/// Past this many remembered senders, those whose leases ran out are forgotten, so a node that
/// once sent for many senders does not keep them all.
const PRUNE_ABOVE: usize = 10_000;

impl Senders {
    pub fn new(store: Arc<dyn Store>, lease: Duration) -> Self {
        Self {
            store,
            lease: lease.max(Duration::from_secs(1)),
            known: Mutex::new(HashMap::new()),
            asking: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `node` may send for `channel` now, taking or renewing the lease when needed.
    pub async fn check(
        &self,
        org: OrgId,
        channel: ChannelId,
        node: &str,
    ) -> Result<Ownership, StoreError> {
        let key = (org, channel);
        if let Some(answer) = self.remembered(key, node) {
            return Ok(answer);
        }
        let gate = self.asking.lock().entry(key).or_default().clone();
        let _turn = gate.lock().await;
        // Whoever held the gate before us may just have renewed or learned the lease.
        if let Some(answer) = self.remembered(key, node) {
            return Ok(answer);
        }
        let now = switchboard_domain::now();
        let lease = self
            .store
            .acquire_sender_lease(org, channel, node, self.lease, now)
            .await?;
        let answer = if lease.is_held_by(node) {
            Ownership::Mine
        } else {
            theirs(lease.clone(), remaining(&lease, now))
        };
        // Ours: good until half spent. Another node's: re-asked after a second at most, so a
        // lease given up early is noticed soon.
        let fresh_until = if lease.is_held_by(node) {
            lease.lease_until - self.lease / 2
        } else {
            lease.lease_until.min(now + OTHERS_RETRY)
        };
        let mut known = self.known.lock();
        if known.len() > PRUNE_ABOVE {
            known.retain(|_, r| r.lease.lease_until > now);
            self.asking.lock().retain(|k, _| known.contains_key(k));
        }
        known.insert(key, Remembered { lease, fresh_until });
        Ok(answer)
    }

    /// The answer from memory, while memory is fresh enough (see `check`).
    fn remembered(&self, key: Key, node: &str) -> Option<Ownership> {
        let known = self.known.lock().get(&key).cloned()?;
        let now = switchboard_domain::now();
        if now >= known.fresh_until {
            return None;
        }
        Some(if known.lease.is_held_by(node) {
            Ownership::Mine
        } else {
            let left = remaining(&known.lease, now);
            theirs(known.lease, left)
        })
    }
}

impl Senders {
    /// Gives up every lease `node` holds (it stops), so other nodes take its senders at once.
    pub async fn release_all(&self, node: &str) {
        let held: Vec<Key> = {
            let mut known = self.known.lock();
            let held = known
                .iter()
                .filter(|(_, r)| r.lease.is_held_by(node))
                .map(|(c, _)| *c)
                .collect();
            known.clear();
            held
        };
        for (org, channel) in held {
            if let Err(e) = self.store.release_sender_lease(org, channel, node).await {
                tracing::warn!(channel_id = %channel, error = %e, "could not release a sender lease; it will run out");
            }
        }
    }
}

/// How much of `lease` is left at `now` (zero once it ran out).
fn remaining(lease: &SenderLease, now: Timestamp) -> Duration {
    Duration::try_from(lease.lease_until - now).unwrap_or(Duration::ZERO)
}

fn theirs(lease: SenderLease, left: Duration) -> Ownership {
    Ownership::Theirs {
        owner: lease.owner,
        retry_in: (left + PAST_END).min(OTHERS_RETRY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_nodes_job_comes_back_soon_or_just_after_the_lease() {
        let now = switchboard_domain::now();
        let lease = |secs: i64| SenderLease {
            channel_id: ChannelId::new(),
            owner: "b".into(),
            lease_until: now + time::Duration::seconds(secs),
        };
        let retry = |l: SenderLease| match theirs(l.clone(), remaining(&l, now)) {
            Ownership::Theirs { retry_in, owner } => {
                assert_eq!(owner, "b");
                retry_in
            }
            Ownership::Mine => unreachable!(),
        };
        assert_eq!(retry(lease(20)), OTHERS_RETRY);
        assert_eq!(retry(lease(0)), PAST_END);
        assert_eq!(remaining(&lease(-5), now), Duration::ZERO);
    }
}
