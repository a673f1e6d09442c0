//! Channels: an organization's messaging accounts. Configuration is JSON owned by the channel's
//! protocol module; credentials arrive sealed (encrypted by `core` with the master key) and the
//! store keeps them as opaque bytes. A draft may sit beside the published configuration until it
//! is published.

use switchboard_domain::{ChannelId, ChannelKind, ChannelStatus, OrgId, Timestamp};

use crate::{Effects, Page, PageRequest, Result};

/// One channel as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub id: ChannelId,
    pub org_id: OrgId,
    pub kind: ChannelKind,
    /// The protocol backend, a name from the connectors' registry (e.g. `whatsapp_cloud`).
    pub protocol: String,
    /// Unique within the organization, case-insensitively (`Conflict { what: "channel_name" }`).
    pub name: String,
    pub status: ChannelStatus,
    /// The provider's last refusal (bad token, locked account...), cleared on success.
    pub last_error: Option<String>,
    pub last_error_at: Option<Timestamp>,
    /// The published, non-secret configuration.
    pub config: serde_json::Value,
    /// The published credentials, sealed.
    pub credentials: Vec<u8>,
    /// The draft waiting to be published, if any.
    pub draft: Option<ChannelDraft>,
    /// The secret the provider's webhooks are checked with (verify token, webhook secret), sealed.
    pub webhook_secret: Vec<u8>,
    /// The provider-side identity (phone number id, page id, bot username...), for display and for
    /// finding the channel of a provider-wide webhook. Unique per protocol among live channels
    /// (`Conflict { what: "channel_account" }`).
    pub account: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// An edited configuration not yet live.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelDraft {
    pub config: serde_json::Value,
    /// Sealed; `None` keeps the published credentials.
    pub credentials: Option<Vec<u8>>,
    pub updated_at: Timestamp,
}

/// Which channels a listing returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelFilter {
    pub kind: Option<ChannelKind>,
    pub status: Option<ChannelStatus>,
    /// Only these (an API key restricted to channels); `None` means all.
    pub only: Option<Vec<ChannelId>>,
}

#[async_trait::async_trait]
pub trait ChannelStore: Send + Sync {
    async fn create_channel(&self, channel: &Channel, effects: &Effects) -> Result<()>;
    /// `NotFound` for deleted channels and other organizations' channels.
    async fn get_channel(&self, org: OrgId, id: ChannelId) -> Result<Channel>;
    /// The channel a provider webhook at `/hooks/{id}` is for, whatever its organization;
    /// `NotFound` once deleted.
    async fn find_channel(&self, id: ChannelId) -> Result<Channel>;
    /// The live channel of `protocol` with this provider-side account, whatever its organization.
    async fn find_channel_by_account(&self, protocol: &str, account: &str) -> Result<Channel>;
    /// Ascending by id; deleted channels are left out.
    async fn list_channels(
        &self,
        org: OrgId,
        filter: &ChannelFilter,
        page: PageRequest,
    ) -> Result<Page<Channel>>;
    /// Replaces every mutable field (name, status, errors, config, credentials, draft, secret,
    /// account) of the channel with `channel.id` in `channel.org_id`; `updated_at` is written as given.
    async fn update_channel(&self, channel: &Channel, effects: &Effects) -> Result<()>;
    /// Records the outcome of talking to the provider: `Some(error)` sets the status to `error`
    /// with the message, `None` clears the error and makes a pending or erroring channel active.
    /// Disabled channels stay disabled.
    async fn record_channel_health(
        &self,
        org: OrgId,
        id: ChannelId,
        error: Option<&str>,
        at: Timestamp,
    ) -> Result<()>;
    /// Deletes the channel for good from every listing and lookup; its conversations and
    /// messages stay readable in the organization's history.
    async fn delete_channel(&self, org: OrgId, id: ChannelId, effects: &Effects) -> Result<()>;
}
