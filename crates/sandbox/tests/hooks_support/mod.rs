//! Shared by the webhook, media and template tests: a small hub on 127.0.0.1:0 that records every
//! webhook (raw bytes and headers) and answers what a test tells it, and a sandbox pointed at it
//! with tiny delays.

#![allow(dead_code, reason = "each test file uses a different part")]

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac as _};
use parking_lot::Mutex;
use serde_json::Value;
use sha2::Sha256;
use switchboard_sandbox::config::WhatsAppAccount;
use switchboard_sandbox::{Sandbox, SandboxConfig};

pub const TOKEN: &str = switchboard_sandbox::config::DEFAULT_ACCESS_TOKEN;
pub const SECRET: &str = switchboard_sandbox::config::DEFAULT_APP_SECRET;
pub const NUMBER: &str = switchboard_sandbox::config::DEFAULT_PHONE_NUMBER_ID;
pub const WABA: &str = switchboard_sandbox::config::DEFAULT_WABA_ID;
pub const API_KEY: &str = switchboard_sandbox::config::DEFAULT_API_KEY;

/// One webhook as the hub received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub body: Bytes,
    pub signature: Option<String>,
    pub content_type: Option<String>,
    pub user_agent: Option<String>,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("webhook body is JSON")
    }
}

#[derive(Default)]
struct HubState {
    received: Mutex<Vec<Received>>,
    /// Status codes to answer next, in order; 200 once empty.
    answers: Mutex<VecDeque<u16>>,
    verify_token: Mutex<String>,
    /// How long each POST takes to answer, in ms (a slow hub).
    delay_ms: std::sync::atomic::AtomicU64,
    in_flight: std::sync::atomic::AtomicUsize,
    max_in_flight: std::sync::atomic::AtomicUsize,
}

/// The fake hub.
pub struct Hub {
    pub url: String,
    state: Arc<HubState>,
}

impl Hub {
    pub async fn start() -> Self {
        let state = Arc::new(HubState::default());
        *state.verify_token.lock() = switchboard_sandbox::config::DEFAULT_VERIFY_TOKEN.to_owned();
        let app = Router::new()
            .route("/hooks", post(receive).get(verify))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, state }
    }

    /// The next answers, then 200s.
    pub fn answer_next(&self, codes: &[u16]) {
        self.state.answers.lock().extend(codes);
    }

    /// Makes every POST take this long to answer.
    pub fn answer_slowly(&self, ms: u64) {
        self.state.delay_ms.store(ms, Ordering::SeqCst);
    }

    /// The most POSTs that were being answered at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    pub fn expect_verify_token(&self, token: &str) {
        *self.state.verify_token.lock() = token.to_owned();
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.received.lock().clone()
    }

    /// Waits (up to 10 s) until at least `n` webhooks arrived, and answers all of them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        wait_until(|| self.state.received.lock().len() >= n).await;
        self.received()
    }

    /// The received webhooks' JSON whose first change has this field.
    pub fn of_field(&self, field: &str) -> Vec<Value> {
        self.received()
            .iter()
            .map(Received::json)
            .filter(|v| v["entry"][0]["changes"][0]["field"] == field)
            .collect()
    }
}

async fn receive(
    State(state): State<Arc<HubState>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let delay = state.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    state.in_flight.fetch_sub(1, Ordering::SeqCst);
    state.received.lock().push(Received {
        body,
        signature: header("x-hub-signature-256"),
        content_type: header("content-type"),
        user_agent: header("user-agent"),
    });
    let code = state.answers.lock().pop_front().unwrap_or(200);
    StatusCode::from_u16(code).unwrap()
}

async fn verify(
    State(state): State<Arc<HubState>>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> (StatusCode, String) {
    let token_ok = q.get("hub.verify_token") == Some(&*state.verify_token.lock());
    match (q.get("hub.mode").map(String::as_str), token_ok) {
        (Some("subscribe"), true) => (
            StatusCode::OK,
            q.get("hub.challenge").cloned().unwrap_or_default(),
        ),
        _ => (StatusCode::FORBIDDEN, String::new()),
    }
}

/// Polls `done` every 20 ms for up to 10 s.
pub async fn wait_until(mut done: impl FnMut() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("condition not met within 10 s");
}

/// A configuration with tiny delays whose default account posts to `webhook_url`.
pub fn config(webhook_url: Option<&str>) -> SandboxConfig {
    let mut config = SandboxConfig::default();
    let w = &mut config.whatsapp;
    w.accounts = vec![WhatsAppAccount {
        webhook_url: webhook_url.map(str::to_owned),
        ..WhatsAppAccount::default()
    }];
    w.webhooks.first_retry_ms = 20;
    w.webhooks.max_delay_ms = 80;
    w.webhooks.max_attempts = 3;
    w.webhooks.timeout_ms = 2_000;
    w.statuses.sent_after_ms = 30;
    w.statuses.delivered_after_ms = Some(60);
    w.statuses.read_after_ms = Some(90);
    w.templates.review_after_ms = 50;
    config
}

pub async fn sandbox(webhook_url: Option<&str>) -> Sandbox {
    Sandbox::start(config(webhook_url)).await.unwrap()
}

/// The signature computed here, independently of the sandbox's code.
pub fn expected_signature(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256>>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// POSTs JSON to the sandbox; answers the status and the JSON body.
pub async fn post_json(sandbox: &Sandbox, path: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", sandbox.base_url()))
        .bearer_auth(TOKEN)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn get_json(sandbox: &Sandbox, path: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", sandbox.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The sandbox's log entries for this number.
pub async fn deliveries(sandbox: &Sandbox) -> Vec<Value> {
    let (status, list) = get_json(
        sandbox,
        &format!("/sandbox/v1/deliveries?phone_number_id={NUMBER}"),
    )
    .await;
    assert_eq!(status, 200);
    list.as_array().cloned().unwrap_or_default()
}

/// Waits until the delivery with this id leaves `pending`, and answers it.
pub async fn settled(sandbox: &Sandbox, id: &str) -> Value {
    for _ in 0..500 {
        let found = deliveries(sandbox)
            .await
            .into_iter()
            .find(|d| d["id"] == id);
        if let Some(d) = found.filter(|d| d["state"] != "pending") {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("delivery {id} still pending after 10 s");
}
