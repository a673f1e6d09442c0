//! The delivery log: an endpoint's deliveries with their attempts, and replays (one delivery, or
//! every failed one since a time), each a fresh job so the original's history stays as it was.

use switchboard_domain::{Timestamp, WebhookEndpointId};
use switchboard_store::{Page, PageRequest, WebhookAttempt, WebhookDelivery};
use uuid::Uuid;

use crate::{Core, CoreError, CoreResult, Principal};

/// Deliveries replayed per request at most (a caller pages through larger replays with `since`).
const MAX_REPLAY: usize = 1_000;

impl Core {
    pub async fn list_webhook_deliveries(
        &self,
        p: &Principal,
        endpoint: WebhookEndpointId,
        failed_only: bool,
        page: PageRequest,
    ) -> CoreResult<Page<WebhookDelivery>> {
        self.get_webhook_endpoint(p, endpoint).await?;
        Ok(self
            .store
            .list_webhook_deliveries(p.org(), endpoint, failed_only, page)
            .await?)
    }

    /// One delivery of the endpoint, with its attempts.
    pub async fn get_webhook_delivery(
        &self,
        p: &Principal,
        endpoint: WebhookEndpointId,
        id: Uuid,
    ) -> CoreResult<(WebhookDelivery, Vec<WebhookAttempt>)> {
        self.get_webhook_endpoint(p, endpoint).await?;
        let delivery = self.store.get_webhook_delivery(p.org(), id).await?;
        if delivery.endpoint_id != endpoint {
            return Err(CoreError::NotFound);
        }
        let attempts = self.store.list_webhook_attempts(p.org(), id).await?;
        Ok((delivery, attempts))
    }

    /// Delivers one delivery again, now.
    pub async fn replay_webhook_delivery(
        &self,
        p: &Principal,
        endpoint: WebhookEndpointId,
        id: Uuid,
    ) -> CoreResult<()> {
        let (delivery, _) = self.get_webhook_delivery(p, endpoint, id).await?;
        let replay = Uuid::now_v7().to_string();
        self.store.enqueue(&[delivery.job(Some(&replay))]).await?;
        Ok(())
    }

    /// Delivers again every failed delivery of the endpoint created at or after `since`; answers
    /// how many.
    pub async fn replay_failed_webhooks(
        &self,
        p: &Principal,
        endpoint: WebhookEndpointId,
        since: Timestamp,
    ) -> CoreResult<usize> {
        self.get_webhook_endpoint(p, endpoint).await?;
        let replay = Uuid::now_v7().to_string();
        let mut jobs = Vec::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        'pages: loop {
            let found = self
                .store
                .list_webhook_deliveries(p.org(), endpoint, true, page)
                .await?;
            for d in &found.items {
                // Newest first: the first one older than `since` ends the walk.
                if d.created_at < since {
                    break 'pages;
                }
                if jobs.len() >= MAX_REPLAY {
                    break 'pages;
                }
                jobs.push(d.job(Some(&replay)));
            }
            match found.next {
                Some(next) => page.after = Some(next),
                None => break,
            }
        }
        self.store.enqueue(&jobs).await?;
        Ok(jobs.len())
    }
}
