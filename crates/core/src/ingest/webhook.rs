//! `Core::ingest_webhook` (POST /hooks/{channel_id}) and `Core::webhook_handshake` (GET): the
//! provider is the caller, authenticated by the channel's webhook signature or verify token
//! rather than by an API key, and a hook only ever writes into its own channel's organization.

use http::HeaderMap;
use switchboard_connectors::inbound::HandshakeQuery;
use switchboard_connectors::{Connector, WebhookAck};
use switchboard_domain::{ChannelId, ChannelStatus};
use switchboard_store::{Channel, Event, IngestBatch, IngestOutcome, StatusReport};

use super::mapping::{Target, map_events};
use crate::{Core, CoreError, CoreResult};

/// Skipped pieces are logged with the start of their JSON: enough to recognise the shape, never
/// a whole customer message in a log line.
const MAX_LOGGED_RAW: usize = 300;

/// What one webhook did, for the provider's answer and the metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// The connector's protocol name (`whatsapp_cloud`).
    pub provider: &'static str,
    /// New inbound messages stored.
    pub stored: usize,
    /// Inbound messages already stored (a redelivery).
    pub duplicates: usize,
    /// Statuses that moved a message or added a timestamp.
    pub statuses_applied: usize,
    /// Statuses for messages whose provider id is not known yet, kept for later.
    pub statuses_pending: usize,
    /// Pieces left out (unreadable, unknown status, another account); logged.
    pub skipped: usize,
    /// The provider's own answer body (Twilio's empty TwiML), instead of the JSON report.
    pub ack: Option<WebhookAck>,
}

impl Core {
    /// Verifies, parses and stores one provider webhook for `channel_id`.
    ///
    /// Unknown (or deleted) channel: `NotFound`. Disabled channel: `WebhookChannelDisabled`.
    /// Bad or missing signature: `WebhookSignatureInvalid`, nothing stored. A body that is not
    /// the provider's envelope: `WebhookMalformed`. Bad pieces inside a good envelope are logged
    /// and skipped; the rest is stored in one store call before this returns.
    pub async fn ingest_webhook(
        &self,
        channel_id: ChannelId,
        headers: &HeaderMap,
        raw: &[u8],
    ) -> CoreResult<IngestReport> {
        self.ingest_webhook_at(channel_id, None, headers, raw).await
    }

    /// [`Core::ingest_webhook`] for a request whose query string was `query`: providers that
    /// sign the URL they called (Twilio) are checked against the channel's public hook URL with
    /// that query, as the provider saw it.
    pub async fn ingest_webhook_at(
        &self,
        channel_id: ChannelId,
        query: Option<&str>,
        headers: &HeaderMap,
        raw: &[u8],
    ) -> CoreResult<IngestReport> {
        let (channel, connector) = self.hook_target(channel_id).await?;
        let url = self.hook_url(channel.id).map(|base| match query {
            Some(q) if !q.is_empty() => format!("{base}?{q}"),
            _ => base,
        });
        if let Err(e) = connector.verify_request(url.as_deref(), headers, raw) {
            tracing::warn!(
                channel_id = %channel.id.0,
                org_id = %channel.org_id.0,
                reason = %e,
                "webhook refused: signature"
            );
            return Err(CoreError::WebhookSignatureInvalid(e.to_string()));
        }
        let events = connector.parse_webhook(raw).map_err(|e| {
            tracing::warn!(
                channel_id = %channel.id.0,
                org_id = %channel.org_id.0,
                reason = %e.reason,
                "webhook refused: malformed body"
            );
            CoreError::WebhookMalformed(e.reason)
        })?;

        let target = Target {
            org: channel.org_id,
            channel: channel.id,
            kind: channel.kind,
            account: channel.account.as_deref(),
            provider: connector.provider(),
        };
        let mut mapped = map_events(&target, events);
        super::nul::scrub(&mut mapped.batch);
        self.keep_raw(&channel, connector.provider(), raw, &mut mapped.batch)
            .await?;
        for skip in &mapped.skipped {
            let raw = skip.raw.as_ref().map(|v| {
                v.to_string()
                    .chars()
                    .take(MAX_LOGGED_RAW)
                    .collect::<String>()
            });
            tracing::warn!(
                channel_id = %channel.id.0,
                reason = %skip.reason,
                raw = raw.as_deref().unwrap_or(""),
                "webhook piece skipped"
            );
        }
        for notice in &mapped.notices {
            if notice.warn {
                tracing::warn!(channel_id = %channel.id.0, "provider notice: {}", notice.text);
            } else {
                tracing::info!(channel_id = %channel.id.0, "provider notice: {}", notice.text);
            }
        }

        self.resolve_watermarks(&channel, &mut mapped).await?;
        let batch = &mapped.batch;
        let outcome =
            if batch.messages.is_empty() && batch.statuses.is_empty() && batch.events.is_empty() {
                IngestOutcome::default()
            } else {
                self.store.ingest(channel.org_id, channel.id, batch).await?
            };
        self.apply_keywords(&channel, &batch.messages).await?;
        self.proven_working(&channel).await;
        acknowledge_replies(&connector, &mapped.batch);
        Ok(IngestReport {
            ack: connector.webhook_ack(),
            provider: connector.provider(),
            stored: outcome.stored.len(),
            duplicates: outcome.duplicates,
            statuses_applied: outcome.statuses_applied,
            statuses_pending: outcome.statuses_pending,
            skipped: mapped.skipped.len(),
        })
    }

    /// Adds the exact body to the batch, as an internal `provider.webhook` event, when a
    /// meta-format endpoint covers the channel: it is then kept in the ingest's transaction and
    /// forwarded through the delivery jobs like any event.
    async fn keep_raw(
        &self,
        channel: &Channel,
        provider: &str,
        raw: &[u8],
        batch: &mut IngestBatch,
    ) -> CoreResult<()> {
        if !self.keeps_raw_webhooks(channel.org_id, channel.id).await? {
            return Ok(());
        }
        // The provider's envelope parsed, so it is JSON and therefore UTF-8.
        let Ok(body) = std::str::from_utf8(raw) else {
            tracing::warn!(channel_id = %channel.id.0, "raw webhook not UTF-8; not forwarded");
            return Ok(());
        };
        batch.events.push(Event::provider_webhook(
            channel.org_id,
            channel.id,
            provider,
            body,
            switchboard_domain::now(),
        ));
        Ok(())
    }

    /// Turns watermarks into statuses of the messages they cover: the outbound messages to that
    /// customer on this channel, accepted at or before the watermark, not yet at its status.
    async fn resolve_watermarks(
        &self,
        channel: &Channel,
        mapped: &mut super::Mapped,
    ) -> CoreResult<()> {
        for w in std::mem::take(&mut mapped.watermarks) {
            let ids = self
                .store
                .outbound_up_to(channel.org_id, channel.id, &w.to, w.status, w.up_to)
                .await?;
            mapped
                .batch
                .statuses
                .extend(ids.into_iter().map(|id| StatusReport {
                    provider_message_id: id,
                    status: w.status,
                    at: w.up_to,
                    error: None,
                }));
        }
        Ok(())
    }

    /// Answers the provider's verification handshake: the challenge to echo back.
    /// A wrong token, mode or missing challenge: `WebhookHandshakeFailed`.
    pub async fn webhook_handshake(
        &self,
        channel_id: ChannelId,
        query: &HandshakeQuery,
    ) -> CoreResult<String> {
        let (channel, connector) = self.hook_target(channel_id).await?;
        let challenge = connector.handshake(query).map_err(|e| {
            tracing::warn!(
                channel_id = %channel.id.0,
                org_id = %channel.org_id.0,
                reason = %e,
                "webhook handshake refused"
            );
            CoreError::WebhookHandshakeFailed(e.to_string())
        })?;
        self.proven_working(&channel).await;
        Ok(challenge)
    }

    /// The channel a hook is for and its connector. Disabled channels are refused before their
    /// connector is built: an admin turned them off, so nothing they receive may be stored.
    async fn hook_target(
        &self,
        channel_id: ChannelId,
    ) -> CoreResult<(Channel, std::sync::Arc<dyn Connector>)> {
        let channel = self.store.find_channel(channel_id).await?;
        if channel.status == ChannelStatus::Disabled {
            tracing::warn!(channel_id = %channel.id.0, "webhook refused: channel disabled");
            return Err(CoreError::WebhookChannelDisabled);
        }
        let connector = self.connector(&channel).await?;
        Ok((channel, connector))
    }

    /// A verified webhook or handshake proves a new channel's inbound side works: `pending`
    /// becomes `active`. A channel in `error` keeps its error, which is about sending, not
    /// receiving. Failing to record it must not fail the webhook that was already stored.
    async fn proven_working(&self, channel: &Channel) {
        if channel.status != ChannelStatus::Pending {
            return;
        }
        let now = switchboard_domain::now();
        if let Err(e) = self
            .store
            .record_channel_health(channel.org_id, channel.id, None, now)
            .await
        {
            tracing::warn!(channel_id = %channel.id.0, error = %e, "could not mark channel active");
        }
    }
}

/// Hands the stored batch's button replies to the connector for the providers that answer taps
/// (Telegram), in the background: the provider's webhook is answered without waiting for it.
fn acknowledge_replies(connector: &std::sync::Arc<dyn Connector>, batch: &IngestBatch) {
    let replies: Vec<String> = batch
        .messages
        .iter()
        .filter(|m| m.kind == "button_reply")
        .map(|m| m.provider_message_id.clone())
        .collect();
    if replies.is_empty() {
        return;
    }
    let connector = connector.clone();
    tokio::spawn(async move { connector.acknowledge_replies(&replies).await });
}
