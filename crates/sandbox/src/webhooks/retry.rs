//! One webhook's delivery: attempts until the hub answers 200, with doubling delays between them,
//! at most `max_attempts`, abandoned (left `pending`) when the sandbox shuts down.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::CONTENT_TYPE;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::log::{Attempt, DeliveryState, SharedDelivery};
use crate::config::WebhookDelivery;

/// Everything a delivery task needs, owned.
pub(super) struct Job {
    pub client: reqwest::Client,
    pub policy: WebhookDelivery,
    pub in_flight: Arc<Semaphore>,
    pub shutdown: CancellationToken,
    pub record: SharedDelivery,
    pub url: String,
    pub body: Bytes,
    pub signature: Option<String>,
}

/// The delay before attempt `n + 1` after `n` failed ones (`n` ≥ 1): `first · 2^(n-1)`, capped.
pub(super) fn backoff(policy: &WebhookDelivery, failed: u32) -> Duration {
    let factor = 1u64 << failed.saturating_sub(1).min(32);
    let ms = policy
        .first_retry_ms
        .saturating_mul(factor)
        .min(policy.max_delay_ms);
    Duration::from_millis(ms)
}

/// Runs the attempts.
pub(super) async fn deliver(job: Job) {
    let max_attempts = job.policy.max_attempts.max(1);
    for attempt in 1..=max_attempts {
        let outcome = tokio::select! {
            outcome = attempt_once(&job) => outcome,
            () = job.shutdown.cancelled() => return,
        };
        let delivered = outcome.status == Some(200);
        tracing::debug!(url = %job.url, attempt, status = ?outcome.status, error = ?outcome.error, "webhook attempt");
        {
            let mut record = job.record.lock();
            record.attempts.push(outcome);
            if delivered {
                record.state = DeliveryState::Delivered;
            } else if attempt == max_attempts {
                record.state = DeliveryState::Failed;
                tracing::warn!(id = %record.id, url = %job.url, attempts = attempt, "webhook given up");
            }
        }
        if delivered || attempt == max_attempts {
            return;
        }
        tokio::select! {
            () = tokio::time::sleep(backoff(&job.policy, attempt)) => {}
            () = job.shutdown.cancelled() => return,
        }
    }
}

/// One POST, waiting for a free slot first so the hub never sees more than the cap at once.
async fn attempt_once(job: &Job) -> Attempt {
    let Ok(_permit) = job.in_flight.acquire().await else {
        return Attempt::now(None, Some("sandbox shutting down".to_owned()));
    };
    let mut request = job
        .client
        .post(&job.url)
        .header(CONTENT_TYPE, "application/json")
        .body(job.body.clone());
    if let Some(signature) = &job.signature {
        request = request.header("X-Hub-Signature-256", signature);
    }
    match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            // Read the answer so the connection can be reused; its content does not matter.
            let _ = response.bytes().await;
            Attempt::now(Some(status), None)
        }
        Err(e) => Attempt::now(None, Some(error_chain(&e))),
    }
}

/// The error and its causes, as one line (reqwest's top-level message alone says little).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = WebhookDelivery {
            timeout_ms: 1,
            first_retry_ms: 100,
            max_delay_ms: 700,
            max_attempts: 10,
        };
        let ms: Vec<u128> = (1..=6).map(|n| backoff(&policy, n).as_millis()).collect();
        assert_eq!(ms, [100, 200, 400, 700, 700, 700]);
        assert_eq!(backoff(&policy, u32::MAX).as_millis(), 700);
    }
}
