//! Customers' webhook endpoints (PRODUCT §12): create, read, update, delete, rotate the signing
//! secret with an overlap, and a test ping. The URL passes the SSRF guard when saved (and again at
//! every delivery, in the client's resolver); the secret is sealed with the master key, bound to the
//! endpoint, and shown once.

mod deliver;
mod log;
mod ping;
pub(crate) mod raw;

use std::time::Duration;

use serde_json::json;
use switchboard_domain::{ChannelId, Scope, Timestamp, WebhookEndpointId};
use switchboard_store::{Page, PageRequest, WebhookEndpoint};
use switchboard_webhooks::{AddressGuard, DeliveryClient, WebhookSecret};

pub use deliver::{DISABLE_AFTER, Deliverer};
pub use ping::PingResult;

use crate::{Core, CoreError, CoreResult, Principal, audit};

/// The event types an endpoint may subscribe to; `family.*` subscribes to a whole family.
pub const EVENT_TYPES: &[&str] = &[
    "message.received",
    "message.created",
    "message.status_changed",
    "conversation.created",
    "conversation.updated",
    "conversation.assigned",
    "conversation.resolved",
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "contact.merged",
    "contact.opted_in",
    "contact.opted_out",
    "template.status",
    "channel.status",
    "webhook_endpoint.disabled",
];

/// How long the previous secret keeps signing after a rotation, unless the caller says.
pub const DEFAULT_OVERLAP: Duration = Duration::from_secs(24 * 3600);
/// The longest overlap a caller may ask for.
const MAX_OVERLAP: Duration = Duration::from_secs(7 * 24 * 3600);
const MAX_URL: usize = 2_048;
const MAX_DESCRIPTION: usize = 500;

/// What a caller sends to create an endpoint.
#[derive(Debug, Clone, Default)]
pub struct NewWebhookEndpoint {
    pub url: String,
    pub description: String,
    pub event_types: Vec<String>,
    pub channel_ids: Vec<ChannelId>,
    pub enabled: bool,
    /// `standard` (default) or `meta`.
    pub format: Option<String>,
    /// A `whsec_` secret to use instead of a fresh one (moving from another webhook service).
    pub secret: Option<String>,
}

/// A partial update; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct WebhookEndpointUpdate {
    pub url: Option<String>,
    pub description: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub channel_ids: Option<Vec<ChannelId>>,
    pub enabled: Option<bool>,
    pub format: Option<String>,
}

/// An endpoint with its secret in clear: answered once, on create and on rotation.
#[derive(Debug, Clone)]
pub struct EndpointWithSecret {
    pub endpoint: WebhookEndpoint,
    pub secret: String,
}

impl Core {
    /// The client that delivers to customers, guarded by the operator's allowed ranges.
    pub fn webhook_client(&self) -> DeliveryClient {
        DeliveryClient::with_hosts(
            AddressGuard::new(self.settings.webhook_allowed_ranges.clone()),
            self.settings.webhook_hosts.clone(),
        )
    }

    pub async fn create_webhook_endpoint(
        &self,
        p: &Principal,
        new: NewWebhookEndpoint,
    ) -> CoreResult<EndpointWithSecret> {
        self.require_webhooks(p)?;
        let url = self.checked_url(&new.url).await?;
        let secret = match &new.secret {
            Some(text) => WebhookSecret::parse(text)
                .map_err(|e| CoreError::validation("secret", e.to_string()))?,
            None => WebhookSecret::generate(),
        };
        let now = switchboard_domain::now();
        let id = WebhookEndpointId::new();
        let endpoint = WebhookEndpoint {
            id,
            org_id: p.org(),
            url,
            description: description(&new.description)?,
            event_types: event_types(new.event_types)?,
            channel_ids: self.own_channels(p, new.channel_ids).await?,
            enabled: new.enabled,
            format: format(new.format.as_deref().unwrap_or("standard"))?,
            secret: self.seal_endpoint_secret(id, &secret),
            previous_secret: None,
            previous_until: None,
            disabled_reason: None,
            failing_since: None,
            created_at: now,
            updated_at: now,
        };
        let effects = audit::effects(
            p,
            "webhook_endpoint.created",
            "webhook_endpoint",
            id,
            json!({"url": endpoint.url, "event_types": endpoint.event_types}),
        );
        self.store
            .create_webhook_endpoint(&endpoint, &effects)
            .await?;
        self.forget_meta_endpoints(p.org());
        Ok(EndpointWithSecret {
            endpoint,
            secret: secret.expose(),
        })
    }

    pub async fn get_webhook_endpoint(
        &self,
        p: &Principal,
        id: WebhookEndpointId,
    ) -> CoreResult<WebhookEndpoint> {
        self.require_webhooks(p)?;
        Ok(self.store.get_webhook_endpoint(p.org(), id).await?)
    }

    pub async fn list_webhook_endpoints(
        &self,
        p: &Principal,
        page: PageRequest,
    ) -> CoreResult<Page<WebhookEndpoint>> {
        self.require_webhooks(p)?;
        Ok(self.store.list_webhook_endpoints(p.org(), page).await?)
    }

    pub async fn update_webhook_endpoint(
        &self,
        p: &Principal,
        id: WebhookEndpointId,
        update: WebhookEndpointUpdate,
    ) -> CoreResult<WebhookEndpoint> {
        self.require_webhooks(p)?;
        let mut e = self.store.get_webhook_endpoint(p.org(), id).await?;
        if let Some(url) = &update.url {
            e.url = self.checked_url(url).await?;
        }
        if let Some(d) = &update.description {
            e.description = description(d)?;
        }
        if let Some(types) = update.event_types {
            e.event_types = event_types(types)?;
        }
        if let Some(channels) = update.channel_ids {
            e.channel_ids = self.own_channels(p, channels).await?;
        }
        if let Some(f) = &update.format {
            e.format = format(f)?;
        }
        if let Some(enabled) = update.enabled {
            // A person re-enabling an endpoint Switchboard disabled starts it afresh.
            if enabled && !e.enabled {
                e.disabled_reason = None;
                e.failing_since = None;
            }
            e.enabled = enabled;
        }
        e.updated_at = switchboard_domain::now();
        let effects = audit::effects(
            p,
            "webhook_endpoint.updated",
            "webhook_endpoint",
            id,
            json!({"url": e.url, "enabled": e.enabled, "event_types": e.event_types}),
        );
        self.store.update_webhook_endpoint(&e, &effects).await?;
        self.forget_meta_endpoints(p.org());
        Ok(e)
    }

    pub async fn delete_webhook_endpoint(
        &self,
        p: &Principal,
        id: WebhookEndpointId,
    ) -> CoreResult<()> {
        self.require_webhooks(p)?;
        let effects = audit::effects(
            p,
            "webhook_endpoint.deleted",
            "webhook_endpoint",
            id,
            json!({}),
        );
        self.store
            .delete_webhook_endpoint(p.org(), id, &effects)
            .await?;
        self.forget_meta_endpoints(p.org());
        Ok(())
    }

    /// A new secret; the current one keeps signing beside it for `overlap` (default a day), so
    /// receivers can switch without losing a delivery.
    pub async fn rotate_webhook_secret(
        &self,
        p: &Principal,
        id: WebhookEndpointId,
        overlap: Option<Duration>,
    ) -> CoreResult<EndpointWithSecret> {
        self.require_webhooks(p)?;
        let overlap = overlap.unwrap_or(DEFAULT_OVERLAP);
        if overlap > MAX_OVERLAP {
            return Err(CoreError::validation(
                "overlap_seconds",
                "at most 7 days (604800)",
            ));
        }
        let mut e = self.store.get_webhook_endpoint(p.org(), id).await?;
        let secret = WebhookSecret::generate();
        let now = switchboard_domain::now();
        e.previous_secret = Some(std::mem::replace(
            &mut e.secret,
            self.seal_endpoint_secret(id, &secret),
        ));
        e.previous_until = Some(now + overlap);
        e.updated_at = now;
        let effects = audit::effects(
            p,
            "webhook_endpoint.secret_rotated",
            "webhook_endpoint",
            id,
            json!({"overlap_seconds": overlap.as_secs()}),
        );
        self.store.update_webhook_endpoint(&e, &effects).await?;
        Ok(EndpointWithSecret {
            endpoint: e,
            secret: secret.expose(),
        })
    }

    /// The secrets that sign a delivery now: the current one, and the previous one during its
    /// overlap.
    pub fn endpoint_secrets(
        &self,
        e: &WebhookEndpoint,
        now: Timestamp,
    ) -> CoreResult<Vec<WebhookSecret>> {
        let mut secrets = vec![self.open_endpoint_secret(e.id, &e.secret)?];
        if let (Some(previous), Some(until)) = (&e.previous_secret, e.previous_until)
            && now < until
        {
            secrets.push(self.open_endpoint_secret(e.id, previous)?);
        }
        Ok(secrets)
    }

    fn require_webhooks(&self, p: &Principal) -> CoreResult<()> {
        p.require(Scope::WebhooksManage)?;
        // An endpoint receives events of every channel it is not filtered to, so a caller held
        // to some channels could read the others' traffic through one.
        if !p.channel_ids().is_empty() {
            return Err(CoreError::ChannelNotAllowed(
                "a caller restricted to channels cannot manage webhook endpoints".into(),
            ));
        }
        Ok(())
    }

    async fn checked_url(&self, url: &str) -> CoreResult<String> {
        let url = url.trim();
        if url.is_empty() || url.len() > MAX_URL || url.contains('\0') {
            return Err(CoreError::validation(
                "url",
                "an http(s) URL of at most 2048 bytes",
            ));
        }
        self.webhook_client()
            .check_url(url)
            .await
            .map_err(|e| CoreError::validation("url", format!("{e} ({})", e.code())))?;
        Ok(url.to_owned())
    }

    /// The channel filter, each channel checked to be the organization's.
    async fn own_channels(&self, p: &Principal, ids: Vec<ChannelId>) -> CoreResult<Vec<ChannelId>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            match self.store.get_channel(p.org(), id).await {
                Ok(_) => {}
                Err(switchboard_store::StoreError::NotFound) => {
                    return Err(CoreError::validation(
                        "channel_ids",
                        format!("no channel {}", id.0),
                    ));
                }
                Err(e) => return Err(e.into()),
            }
            if !out.contains(&id) {
                out.push(id);
            }
        }
        Ok(out)
    }

    fn seal_endpoint_secret(&self, id: WebhookEndpointId, secret: &WebhookSecret) -> Vec<u8> {
        self.master_key
            .seal(secret.expose().as_bytes(), &context(id))
    }

    fn open_endpoint_secret(
        &self,
        id: WebhookEndpointId,
        blob: &[u8],
    ) -> CoreResult<WebhookSecret> {
        let bytes = self
            .master_key
            .open(blob, &context(id))
            .map_err(CoreError::internal)?;
        let text = String::from_utf8(bytes).map_err(CoreError::internal)?;
        WebhookSecret::parse(&text).map_err(CoreError::internal)
    }
}

/// The associated data of a sealed endpoint secret: a blob copied to another endpoint fails.
fn context(id: WebhookEndpointId) -> Vec<u8> {
    format!("webhook_endpoint:{}:secret", id.0).into_bytes()
}

fn description(text: &str) -> CoreResult<String> {
    if text.chars().count() > MAX_DESCRIPTION || text.contains('\0') {
        return Err(CoreError::validation(
            "description",
            "at most 500 characters, no NUL",
        ));
    }
    Ok(text.to_owned())
}

fn format(text: &str) -> CoreResult<String> {
    match text {
        "standard" | "meta" => Ok(text.to_owned()),
        _ => Err(CoreError::validation("format", "`standard` or `meta`")),
    }
}

/// Known types and `family.*` wildcards, deduplicated; empty means every type.
fn event_types(types: Vec<String>) -> CoreResult<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(types.len());
    for t in types {
        let known = match t.strip_suffix(".*") {
            Some(family) => EVENT_TYPES
                .iter()
                .any(|k| k.split('.').next() == Some(family)),
            None => EVENT_TYPES.contains(&t.as_str()),
        };
        if !known {
            return Err(CoreError::validation(
                "event_types",
                format!(
                    "unknown event type `{t}`; known: {}",
                    EVENT_TYPES.join(", ")
                ),
            ));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_accept_known_types_and_families_only() {
        let ok = event_types(vec![
            "message.received".into(),
            "conversation.*".into(),
            "message.received".into(),
        ]);
        assert_eq!(ok.unwrap(), vec!["message.received", "conversation.*"]);
        assert!(event_types(vec!["message.exploded".into()]).is_err());
        assert!(event_types(vec!["nothing.*".into()]).is_err());
        assert!(event_types(Vec::new()).unwrap().is_empty());
    }
}
