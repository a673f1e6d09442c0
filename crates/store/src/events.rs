//! Events: every state change worth telling (message received, status changed, conversation
//! created...) recorded in the same transaction as the change, with a stable, time-ordered id.
//! Customer webhooks and the live stream (issue 6) deliver them.

use switchboard_domain::{ChannelId, EventId, OrgId, Timestamp};

use crate::{Page, PageRequest, Result};

/// One recorded event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub org_id: OrgId,
    /// Dotted, e.g. `message.received`, `message.status_changed`, `conversation.created`.
    pub kind: String,
    /// The channel it concerns, for channel-restricted readers.
    pub channel_id: Option<ChannelId>,
    pub payload: serde_json::Value,
    pub created_at: Timestamp,
}

/// Which events a listing returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Only these kinds; empty means all.
    pub kinds: Vec<String>,
    /// Only these channels (events without a channel are included); `None` means all.
    pub only_channels: Option<Vec<ChannelId>>,
}

#[async_trait::async_trait]
pub trait EventStore: Send + Sync {
    /// Oldest first (ascending id): `page.after` resumes after the last event seen.
    async fn list_events(
        &self,
        org: OrgId,
        filter: &EventFilter,
        page: PageRequest,
    ) -> Result<Page<Event>>;
}
