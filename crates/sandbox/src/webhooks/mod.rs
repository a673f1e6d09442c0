//! Webhooks to the hub: Meta's JSON (non-ASCII escaped as `\uXXXX`), signed with
//! `X-Hub-Signature-256` over the exact bytes sent, retried with backoff while the hub does not
//! answer 200, and logged for `GET /sandbox/v1/deliveries`.
//!
//! Callers build a `value` and call [`Webhooks::deliver`]; delivery happens in background tasks,
//! so a slow or dead hub never holds up the API that triggered the webhook.

mod envelope;
mod json;
mod log;
mod retry;
mod routes;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hmac::{Hmac, Mac as _};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::config::{SandboxConfig, WebhookDelivery, WhatsAppAccount};

pub(crate) use envelope::{envelope, number_value, unix_now};
pub(crate) use json::to_meta_json;
pub(crate) use log::{Delivery, DeliveryState};
pub(crate) use routes::{control_account, control_body, routes};

use log::DeliveryLog;

/// Webhooks in flight at once. Beyond this, deliveries wait their turn in their own tasks: the
/// hub sees bounded concurrency, and the API that queued them never waits.
const MAX_IN_FLIGHT: usize = 64;

/// How a webhook is signed: properly, not at all, or with a wrong key (to test the hub's refusal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signing {
    Good,
    Unsigned,
    Bad,
}

/// The delivery engine and its log.
pub(crate) struct Webhooks {
    client: reqwest::Client,
    policy: WebhookDelivery,
    in_flight: Arc<Semaphore>,
    log: DeliveryLog,
    shutdown: CancellationToken,
}

impl Webhooks {
    pub(crate) fn new(config: &SandboxConfig, shutdown: CancellationToken) -> anyhow::Result<Self> {
        let policy = config.whatsapp.webhooks.clone();
        let client = reqwest::Client::builder()
            // What Meta's webhook requests announce themselves as.
            .user_agent("facebookexternalua")
            .timeout(Duration::from_millis(policy.timeout_ms.max(1)))
            .build()?;
        Ok(Self {
            client,
            policy,
            in_flight: Arc::new(Semaphore::new(MAX_IN_FLIGHT)),
            log: DeliveryLog::new(),
            shutdown,
        })
    }

    /// Sends `payload` (a whole envelope) to the account's webhook URL, signed; returns the
    /// delivery id. Must be called from within the runtime.
    pub(crate) fn deliver(
        &self,
        account: &WhatsAppAccount,
        field: &str,
        payload: &Value,
    ) -> String {
        self.deliver_with(account, field, payload, Signing::Good)
    }

    /// [`Webhooks::deliver`] with a chosen signing.
    pub(crate) fn deliver_with(
        &self,
        account: &WhatsAppAccount,
        field: &str,
        payload: &Value,
        signing: Signing,
    ) -> String {
        let body = to_meta_json(payload);
        let signature = match signing {
            Signing::Good => Some(signature(account.app_secret.as_bytes(), &body)),
            // Any key but the right one: the hub must refuse it.
            Signing::Bad => Some(signature(
                format!("not-{}", account.app_secret).as_bytes(),
                &body,
            )),
            Signing::Unsigned => None,
        };
        let url = account.webhook_url.clone().filter(|u| !u.is_empty());
        // Always ASCII, so this never loses anything.
        let text = String::from_utf8_lossy(&body).into_owned();
        self.dispatch(&account.phone_number_id, url, field, text, signature)
    }

    /// Sends `payload` signed with `app_secret` to `url`, logged under `account` (a Page or
    /// Instagram account id; the log's `phone_number_id`). For the Messenger and Instagram
    /// emulation, whose accounts are not WhatsApp numbers.
    pub(crate) fn deliver_for(
        &self,
        account: &str,
        url: Option<String>,
        app_secret: &str,
        field: &str,
        payload: &Value,
        signing: Signing,
    ) -> String {
        let body = to_meta_json(payload);
        let signature = match signing {
            Signing::Good => Some(signature(app_secret.as_bytes(), &body)),
            Signing::Bad => Some(signature(format!("not-{app_secret}").as_bytes(), &body)),
            Signing::Unsigned => None,
        };
        let url = url.filter(|u| !u.is_empty());
        let text = String::from_utf8_lossy(&body).into_owned();
        self.dispatch(account, url, field, text, signature)
    }

    /// Sends a logged delivery again, the same bytes with the same signature, as a new delivery
    /// (Meta redelivers; hubs must dedupe). `None` when the id is not in the log.
    pub(crate) fn replay(&self, id: &str) -> Option<String> {
        let old = self.log.find(id)?;
        Some(self.dispatch(
            &old.phone_number_id,
            old.url,
            &old.field,
            old.body,
            old.signature,
        ))
    }

    /// Logs a delivery and, when there is a URL, starts its attempts.
    fn dispatch(
        &self,
        phone_number_id: &str,
        url: Option<String>,
        field: &str,
        body: String,
        signature: Option<String>,
    ) -> String {
        let id = self.log.next_id();
        let bytes = Bytes::copy_from_slice(body.as_bytes());
        let record = self.log.push(Delivery {
            id: id.clone(),
            phone_number_id: phone_number_id.to_owned(),
            url: url.clone(),
            field: field.to_owned(),
            body,
            signature: signature.clone(),
            attempts: Vec::new(),
            state: if url.is_some() {
                DeliveryState::Pending
            } else {
                DeliveryState::NoUrl
            },
        });
        if let Some(url) = url {
            tokio::spawn(retry::deliver(retry::Job {
                client: self.client.clone(),
                policy: self.policy.clone(),
                in_flight: self.in_flight.clone(),
                shutdown: self.shutdown.clone(),
                record,
                url,
                body: bytes,
                signature,
            }));
        }
        id
    }

    /// The log, filtered.
    pub(crate) fn deliveries(
        &self,
        phone_number_id: Option<&str>,
        state: Option<DeliveryState>,
    ) -> Vec<Delivery> {
        self.log.list(phone_number_id, state)
    }

    /// The client used for the hub (also for the GET handshake).
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// `sha256=<lowercase hex HMAC-SHA256(secret, body)>`.
pub(crate) fn signature(secret: &[u8], body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256>>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_a_known_vector() {
        // RFC 4231 test case 2.
        let sig = signature(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
