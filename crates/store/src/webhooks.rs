//! Webhook endpoints: where an organization's events are delivered (PRODUCT §12). Secrets are
//! stored sealed by `core`; the store only keeps the bytes.

use switchboard_domain::{ChannelId, OrgId, Timestamp, WebhookEndpointId};

use crate::{Effects, Page, PageRequest, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    pub id: WebhookEndpointId,
    pub org_id: OrgId,
    pub url: String,
    pub description: String,
    /// Event types delivered (`message.received`, `conversation.*`...); empty means all.
    pub event_types: Vec<String>,
    /// Only events of these channels; empty means every channel.
    pub channel_ids: Vec<ChannelId>,
    pub enabled: bool,
    /// `standard` (Standard Webhooks JSON) or `meta` (the provider's raw payload, re-signed).
    pub format: String,
    /// The signing secret, sealed.
    pub secret: Vec<u8>,
    /// During a rotation: the previous secret (sealed), which also signs until `previous_until`.
    pub previous_secret: Option<Vec<u8>>,
    pub previous_until: Option<Timestamp>,
    /// Why the endpoint was disabled by Switchboard (`gone`, `failing`); none when by a person.
    pub disabled_reason: Option<String>,
    /// The first failure of the current run of failures; cleared by a success.
    pub failing_since: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[async_trait::async_trait]
pub trait WebhookStore: Send + Sync {
    async fn create_webhook_endpoint(&self, e: &WebhookEndpoint, effects: &Effects) -> Result<()>;
    /// `NotFound` unless the endpoint is `org`'s.
    async fn get_webhook_endpoint(
        &self,
        org: OrgId,
        id: WebhookEndpointId,
    ) -> Result<WebhookEndpoint>;
    /// Ascending by id.
    async fn list_webhook_endpoints(
        &self,
        org: OrgId,
        page: PageRequest,
    ) -> Result<Page<WebhookEndpoint>>;
    /// Replaces every field but `id`, `org_id` and `created_at`; `NotFound` unless `org`'s.
    async fn update_webhook_endpoint(&self, e: &WebhookEndpoint, effects: &Effects) -> Result<()>;
    async fn delete_webhook_endpoint(
        &self,
        org: OrgId,
        id: WebhookEndpointId,
        effects: &Effects,
    ) -> Result<()>;
}
