//! What the dispatcher needs beyond messages and jobs: sender leases, which make one node at a
//! time own a sender (a channel) so that its rate limit, kept in that node's memory, holds across
//! the cluster (DESIGN "Jobs"); and the purge of statuses whose message never got its receipt.

use std::time::Duration;

use switchboard_domain::{ChannelId, OrgId, Timestamp};

use crate::Result;

/// Who owns a sender, until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderLease {
    pub channel_id: ChannelId,
    /// The owning node's id (its job runner's worker id).
    pub owner: String,
    /// After this instant anyone may take the sender over.
    pub lease_until: Timestamp,
}

impl SenderLease {
    /// Whether `node` holds it.
    pub fn is_held_by(&self, node: &str) -> bool {
        self.owner == node
    }
}

/// Leases are kept per organization like every tenant row: a sender named with another
/// organization's id is a different (unrelated) sender.
#[async_trait::async_trait]
pub trait DispatchStore: Send + Sync {
    /// Takes or renews `channel_id`'s lease for `node` until `now + lease`, atomically: it
    /// succeeds when nobody holds the sender, `node` already does, or the holder's lease ended
    /// at or before `now`. Answers the lease as it stands afterwards: `node`'s on success, the
    /// other holder's (unchanged) otherwise.
    async fn acquire_sender_lease(
        &self,
        org: OrgId,
        channel_id: ChannelId,
        node: &str,
        lease: Duration,
        now: Timestamp,
    ) -> Result<SenderLease>;

    /// The sender's lease, if one was ever taken (it may have run out).
    async fn sender_lease(&self, org: OrgId, channel_id: ChannelId) -> Result<Option<SenderLease>>;

    /// Gives `node`'s lease of `channel_id` up (nothing when another node holds it), so another
    /// node need not wait for it to run out. Answers whether a lease was given up.
    async fn release_sender_lease(
        &self,
        org: OrgId,
        channel_id: ChannelId,
        node: &str,
    ) -> Result<bool>;

    /// Deletes statuses still waiting for their message's receipt that arrived before `before`
    /// (a status whose message never came is noise after a while). Returns how many.
    async fn purge_pending_statuses(&self, before: Timestamp) -> Result<u64>;
}
