//! A tiny hub for webhook tests: an axum receiver on 127.0.0.1:0 that uses only the connector
//! contract (`handshake`, `verify_webhook` on the raw bytes, `parse_webhook`) and hands parsed
//! events to the test; the sandbox's default account posts its webhooks to it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use switchboard_connectors::Connector;
use switchboard_connectors::inbound::{DeliveryState, HandshakeQuery, InboundEvent, StatusEvent};
use switchboard_connectors::whatsapp_cloud::client::{WhatsAppCloud, WhatsAppCloudConfig};
use switchboard_sandbox::SandboxConfig;
use tokio::sync::mpsc;

use super::Env;

/// The hub side: the channel's connector, where parsed events go, and counts of refusals.
pub struct Hub {
    pub connector: Arc<dyn Connector>,
    pub events: mpsc::UnboundedSender<InboundEvent>,
    pub refused: AtomicUsize,
    /// Answer 500 to this many deliveries first, to make the sandbox retry.
    pub fail_first: AtomicUsize,
}

async fn handshake(
    State(hub): State<Arc<Hub>>,
    Query(q): Query<HandshakeQuery>,
) -> (StatusCode, String) {
    match hub.connector.handshake(&q) {
        Ok(challenge) => (StatusCode::OK, challenge),
        Err(e) => (StatusCode::FORBIDDEN, e.to_string()),
    }
}

async fn receive(State(hub): State<Arc<Hub>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if hub.connector.verify_webhook(&headers, &body).is_err() {
        hub.refused.fetch_add(1, Ordering::SeqCst);
        return StatusCode::UNAUTHORIZED;
    }
    let failing = hub.fail_first.load(Ordering::SeqCst);
    if failing > 0 {
        hub.fail_first.store(failing - 1, Ordering::SeqCst);
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    match hub.connector.parse_webhook(&body) {
        Ok(events) => {
            for e in events {
                let _ = hub.events.send(e);
            }
            StatusCode::OK
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

/// A sandbox whose default account posts its webhooks to a hub receiver.
pub struct Setup {
    pub env: Env,
    pub hub: Arc<Hub>,
    pub events: mpsc::UnboundedReceiver<InboundEvent>,
}

impl Setup {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let hook = format!("http://{}/hooks/wa", listener.local_addr().unwrap());
        let mut config = SandboxConfig::default();
        config.whatsapp.accounts[0].webhook_url = Some(hook);
        config.whatsapp.statuses.sent_after_ms = 10;
        config.whatsapp.statuses.delivered_after_ms = Some(20);
        config.whatsapp.statuses.read_after_ms = Some(30);
        config.whatsapp.webhooks.first_retry_ms = 20;
        config.whatsapp.templates.review_after_ms = 20;
        let a = config.whatsapp.accounts[0].clone();
        // The hub knows the channel's secrets; its base URL does not matter for verifying.
        let verifier = WhatsAppCloudConfig::graph(
            "http://127.0.0.1:9",
            &a.phone_number_id,
            &a.waba_id,
            "unused",
        )
        .with_webhook_secrets(&a.app_secret, &a.verify_token);
        let (tx, rx) = mpsc::unbounded_channel();
        let hub = Arc::new(Hub {
            connector: Arc::new(WhatsAppCloud::new(verifier, reqwest::Client::new()).unwrap()),
            events: tx,
            refused: AtomicUsize::new(0),
            fail_first: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/hooks/wa", get(handshake).post(receive))
            .with_state(hub.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            env: Env::start(config).await,
            hub,
            events: rx,
        }
    }

    /// The next event matching `pick`, skipping others; panics after a few seconds.
    pub async fn next<T>(&mut self, mut pick: impl FnMut(InboundEvent) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let event = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .expect("the webhook arrived in time")
                .expect("hub alive");
            if let Some(found) = pick(event) {
                return found;
            }
        }
    }

    pub async fn next_status(&mut self, wamid: &str, state: DeliveryState) -> StatusEvent {
        self.next(|e| match e {
            InboundEvent::Status(s) if s.provider_message_id == wamid && s.status == state => {
                Some(s)
            }
            _ => None,
        })
        .await
    }
}
