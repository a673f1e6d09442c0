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

    /// Takes up to `limit` events not yet fanned out (oldest first, across organizations; on
    /// PostgreSQL rows another node is fanning out are skipped), creates a delivery and its job
    /// ([`WebhookDelivery::job`]) for each endpoint that [`WebhookEndpoint::wants`] one, and marks
    /// the events fanned out, in one transaction. Answers how many events were taken.
    async fn fan_out_events(&self, limit: u32) -> Result<usize>;
    async fn get_webhook_delivery(&self, org: OrgId, id: uuid::Uuid) -> Result<WebhookDelivery>;
    /// An endpoint's deliveries, newest first; `failed_only` keeps those that gave up.
    async fn list_webhook_deliveries(
        &self,
        org: OrgId,
        endpoint: WebhookEndpointId,
        failed_only: bool,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>>;
    /// A delivery's attempts, first to last.
    async fn list_webhook_attempts(
        &self,
        org: OrgId,
        delivery: uuid::Uuid,
    ) -> Result<Vec<WebhookAttempt>>;
    /// Records an attempt with the delivery's new state (and, when it changed, the endpoint's)
    /// and `effects`, in one transaction. `NotFound` when the delivery is gone.
    async fn record_webhook_attempt(
        &self,
        attempt: &WebhookAttempt,
        delivery: &WebhookDelivery,
        endpoint: Option<&WebhookEndpoint>,
        effects: &Effects,
    ) -> Result<()>;
}

/// The job kind that delivers one [`WebhookDelivery`].
pub const DELIVER_KIND: &str = "webhook.deliver";
/// Attempts of a delivery, the first included (about 27 hours of retries, see
/// `switchboard_webhooks::RetrySchedule`).
pub const DELIVERY_ATTEMPTS: u32 = 8;

/// One event for one endpoint: the exact body sent (the same on every retry, so the signature's
/// content never changes) and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// Also the `webhook-id` header (`msg_` and the id's simple form).
    pub id: uuid::Uuid,
    pub org_id: OrgId,
    pub endpoint_id: WebhookEndpointId,
    pub event_id: switchboard_domain::EventId,
    pub event_type: String,
    pub body: String,
    /// `pending`, `succeeded` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl WebhookDelivery {
    /// The `webhook-id` header value.
    pub fn message_id(&self) -> String {
        format!("msg_{}", self.id.simple())
    }

    /// The job that delivers it; replays add a suffix so they never collide with the original.
    pub fn job(&self, replay: Option<&str>) -> crate::NewJob {
        let key = match replay {
            Some(r) => format!("{DELIVER_KIND}:{}:{r}", self.id),
            None => format!("{DELIVER_KIND}:{}", self.id),
        };
        let mut job = crate::NewJob::new(
            Some(self.org_id),
            DELIVER_KIND,
            serde_json::json!({"delivery_id": self.id}),
        )
        .dedup(key);
        job.max_attempts = DELIVERY_ATTEMPTS;
        job
    }
}

/// One try of a delivery, for the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookAttempt {
    pub id: uuid::Uuid,
    pub org_id: OrgId,
    pub delivery_id: uuid::Uuid,
    pub endpoint_id: WebhookEndpointId,
    pub attempt: u32,
    pub at: Timestamp,
    pub response_status: Option<u16>,
    pub duration_ms: u32,
    /// The start of the receiver's answer.
    pub response_body: String,
    /// A stable code when the receiver did not answer (`timeout`, `address_refused`...).
    pub error: Option<String>,
}

impl WebhookEndpoint {
    /// Whether this endpoint receives `e`: enabled, a subscribed type (`family.*` included), and
    /// within its channel filter (an event without a channel passes a filter only when the
    /// endpoint has none).
    ///
    /// A `meta`-format endpoint receives only the providers' raw webhooks (internal
    /// `provider.webhook` events) of its channels, whatever its types; a standard one never does.
    pub fn wants(&self, e: &crate::Event) -> bool {
        if self.is_meta() != e.is_internal() {
            return false;
        }
        let typed = e.is_internal()
            || self.event_types.is_empty()
            || self.event_types.iter().any(|t| match t.strip_suffix(".*") {
                Some(family) => e.kind.split('.').next() == Some(family),
                None => *t == e.kind,
            });
        let channel = self.channel_ids.is_empty()
            || e.channel_id.is_some_and(|c| self.channel_ids.contains(&c));
        self.enabled && self.org_id == e.org_id && typed && channel
    }
}

impl WebhookEndpoint {
    /// Whether the endpoint takes the providers' raw payloads signed the provider's way.
    pub fn is_meta(&self) -> bool {
        self.format == "meta"
    }
}

/// The Standard Webhooks body of an event: `{"type", "timestamp", "data"}`, `data` the event's
/// payload with its id and channel. A provider's raw webhook is sent exactly as it came.
pub fn delivery_body(e: &crate::Event) -> String {
    if let Some(raw) = e.raw_body() {
        return raw.to_owned();
    }
    let timestamp = e
        .created_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    serde_json::json!({
        "type": e.kind,
        "timestamp": timestamp,
        "data": {"event_id": e.id.0, "channel_id": e.channel_id.map(|c| c.0), "object": e.payload},
    })
    .to_string()
}

/// New deliveries for a batch of events: one per (event, endpoint that wants it).
pub fn deliveries_for(
    events: &[crate::Event],
    endpoints: &[WebhookEndpoint],
) -> Vec<WebhookDelivery> {
    let mut out = Vec::new();
    for e in events {
        for endpoint in endpoints.iter().filter(|w| w.wants(e)) {
            out.push(WebhookDelivery {
                id: uuid::Uuid::now_v7(),
                org_id: e.org_id,
                endpoint_id: endpoint.id,
                event_id: e.id,
                event_type: e.kind.clone(),
                body: delivery_body(e),
                status: "pending".to_owned(),
                attempts: 0,
                last_status: None,
                last_error: None,
                created_at: e.created_at,
                updated_at: e.created_at,
            });
        }
    }
    out
}
