//! The `webhook.deliver` job: one attempt of one delivery, recorded in the delivery log with the
//! delivery's and the endpoint's new state. A 2xx within 15 s succeeds; 410 disables the endpoint
//! at once; anything else retries on the ladder of [`RetrySchedule`] (`Retry-After` honoured), and
//! an endpoint failing for 5 days is disabled. A disabled or deleted endpoint's deliveries stop.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use switchboard_domain::OrgId;
use switchboard_jobs::{JobError, JobHandler};
use switchboard_store::{
    DELIVER_KIND, Effects, Event, Job, StoreError, WebhookAttempt, WebhookDelivery, WebhookEndpoint,
};
use switchboard_webhooks::signature::signature_header;
use switchboard_webhooks::{DeliveryError, RetrySchedule};
use uuid::Uuid;

use crate::Core;

/// Failing this long in a row disables an endpoint.
pub const DISABLE_AFTER: Duration = Duration::from_secs(5 * 24 * 3600);

#[derive(Debug, Deserialize)]
struct Payload {
    delivery_id: Uuid,
}

/// The `webhook.deliver` handler, to register with the job runner.
pub struct Deliverer {
    core: Core,
    client: switchboard_webhooks::DeliveryClient,
}

impl Core {
    pub fn webhook_deliverer(&self) -> Deliverer {
        Deliverer {
            core: self.clone(),
            client: self.webhook_client(),
        }
    }
}

/// How one attempt ended.
enum Outcome {
    Success,
    /// 410: the receiver says the endpoint is gone for good.
    Gone,
    Failed {
        retry_after: Option<Duration>,
    },
}

#[async_trait::async_trait]
impl JobHandler for Deliverer {
    fn kind(&self) -> &'static str {
        DELIVER_KIND
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let org = job
            .org_id
            .ok_or_else(|| JobError::permanent("a delivery job without an organization"))?;
        let p: Payload = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::permanent(format!("malformed delivery payload: {e}")))?;
        let store = &self.core.store;
        let delivery = match store.get_webhook_delivery(org, p.delivery_id).await {
            Ok(d) => d,
            Err(StoreError::NotFound) => return Ok(()), // its endpoint was deleted
            Err(e) => return Err(JobError::retry(e.to_string())),
        };
        let endpoint = match store.get_webhook_endpoint(org, delivery.endpoint_id).await {
            Ok(e) => e,
            Err(StoreError::NotFound) => return Ok(()),
            Err(e) => return Err(JobError::retry(e.to_string())),
        };
        if !endpoint.enabled {
            return Err(JobError::permanent("the endpoint is disabled"));
        }
        self.attempt(org, delivery, endpoint, job.attempts, job.max_attempts)
            .await
    }
}

impl Deliverer {
    async fn attempt(
        &self,
        org: OrgId,
        mut delivery: WebhookDelivery,
        mut endpoint: WebhookEndpoint,
        attempt: u32,
        max_attempts: u32,
    ) -> Result<(), JobError> {
        let now = switchboard_domain::now();
        let secrets = self
            .core
            .endpoint_secrets(&endpoint, now)
            .map_err(|e| JobError::retry(e.to_string()))?;
        let body = delivery.body.clone();
        let headers = if endpoint.is_meta() {
            // The provider's own scheme, so a bot written for it verifies us unchanged. It has
            // room for one signature: the current secret's, also during a rotation's overlap.
            vec![
                ("content-type", "application/json".to_owned()),
                (
                    "x-hub-signature-256",
                    secrets[0].hub_signature(body.as_bytes()),
                ),
            ]
        } else {
            let (id, ts) = (delivery.message_id(), now.unix_timestamp());
            let signature = signature_header(
                &secrets.iter().collect::<Vec<_>>(),
                &id,
                ts,
                body.as_bytes(),
            );
            vec![
                ("content-type", "application/json".to_owned()),
                ("webhook-id", id),
                ("webhook-timestamp", ts.to_string()),
                ("webhook-signature", signature),
            ]
        };
        let answer = self.client.post(&endpoint.url, &headers, body.into()).await;
        let mut log = WebhookAttempt {
            id: Uuid::now_v7(),
            org_id: org,
            delivery_id: delivery.id,
            endpoint_id: endpoint.id,
            attempt,
            at: now,
            response_status: None,
            duration_ms: 0,
            response_body: String::new(),
            error: None,
        };
        let outcome = match &answer {
            Ok(a) => {
                log.response_status = Some(a.status);
                log.duration_ms = u32::try_from(a.duration.as_millis()).unwrap_or(u32::MAX);
                // PostgreSQL text refuses NUL; the log keeps what a person can read anyway.
                log.response_body = a.body.replace('\0', "\u{FFFD}");
                match a.status {
                    200..=299 => Outcome::Success,
                    410 => Outcome::Gone,
                    _ => Outcome::Failed {
                        retry_after: a.retry_after,
                    },
                }
            }
            Err(e) => {
                log.error = Some(e.code().to_owned());
                log.response_body = e.to_string();
                Outcome::Failed { retry_after: None }
            }
        };
        delivery.attempts = attempt;
        delivery.last_status = log.response_status;
        delivery.last_error = log.error.clone();
        delivery.updated_at = now;
        let (endpoint_changed, effects, result) = match outcome {
            Outcome::Success => {
                delivery.status = "succeeded".to_owned();
                let changed = endpoint.failing_since.take().is_some();
                (changed, Effects::none(), Ok(()))
            }
            Outcome::Gone => {
                delivery.status = "failed".to_owned();
                let effects = disable(&mut endpoint, "gone", now);
                (
                    true,
                    effects,
                    Err(JobError::permanent("the receiver answered 410 Gone")),
                )
            }
            Outcome::Failed { retry_after } => {
                let since = *endpoint.failing_since.get_or_insert(now);
                let first_failure = since == now;
                let why = failure_text(&answer);
                if now - since >= DISABLE_AFTER {
                    delivery.status = "failed".to_owned();
                    let effects = disable(&mut endpoint, "failing", now);
                    (true, effects, Err(JobError::permanent(why)))
                } else {
                    let next = RetrySchedule.next_delay(attempt, retry_after);
                    if attempt >= max_attempts || next.is_none() {
                        delivery.status = "failed".to_owned();
                    }
                    let result = match next {
                        Some(after) => Err(JobError::retry_after(why, after)),
                        None => Err(JobError::permanent(why)),
                    };
                    (first_failure, Effects::none(), result)
                }
            }
        };
        if endpoint_changed {
            endpoint.updated_at = now;
        }
        let changed = endpoint_changed.then_some(&endpoint);
        self.core
            .store
            .record_webhook_attempt(&log, &delivery, changed, &effects)
            .await
            .map_err(|e| JobError::retry(format!("recording the attempt: {e}")))?;
        result
    }
}

/// Disables `endpoint` (`gone` or `failing`) and answers the event that says so.
fn disable(
    endpoint: &mut WebhookEndpoint,
    reason: &str,
    now: switchboard_domain::Timestamp,
) -> Effects {
    endpoint.enabled = false;
    endpoint.disabled_reason = Some(reason.to_owned());
    let payload = json!({"endpoint_id": endpoint.id.0, "url": endpoint.url, "reason": reason});
    Effects::none().with_event(Event::new(
        endpoint.org_id,
        "webhook_endpoint.disabled",
        None,
        payload,
        now,
    ))
}

fn failure_text(answer: &Result<switchboard_webhooks::client::Answer, DeliveryError>) -> String {
    match answer {
        Ok(a) => format!("the receiver answered {}", a.status),
        Err(e) => e.to_string(),
    }
}
