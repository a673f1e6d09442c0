//! Helpers of the webhook and event-stream tests: apps whose operator allows loopback receivers,
//! endpoints made through the API, the delivery loop run on demand, signature checks written from
//! the specifications' text (never by calling Switchboard's signer), and a server-sent events
//! reader.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the helpers"
)]

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use switchboard_test_support::{Received, TestApp, header};

/// `both_backends!` for apps that allow loopback webhook receivers.
#[macro_export]
macro_rules! loopback_both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports, reason = "the test body may use anything of the file")]
            use super::*;

            async fn run($app: switchboard_test_support::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = switchboard_test_support::TestApp::with_loopback_webhooks(
                    switchboard_test_support::Backend::Sqlite,
                )
                .await
                .expect("SQLite app");
                run(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = switchboard_test_support::TestApp::with_loopback_webhooks(
                    switchboard_test_support::Backend::Postgres,
                )
                .await
                {
                    run(app).await;
                }
            }
        }
    )*};
}

/// Fans out what is pending and runs the due jobs, until nothing is left to fan out.
pub async fn deliver(app: &TestApp) {
    loop {
        let fanned = app.store.fan_out_events(500).await.expect("fan-out");
        app.run_pending_jobs().await;
        if fanned == 0 {
            break;
        }
    }
}

/// Creates an endpoint from `body` (its `url` defaulted to the receiver at `addr`); answers its
/// id and secret text.
pub async fn endpoint(app: &TestApp, addr: SocketAddr, mut body: Value) -> (String, String) {
    if body.get("url").is_none() {
        body["url"] = json!(format!("http://{addr}/hook"));
    }
    let created = app
        .post_json("/v1/webhook-endpoints", body)
        .await
        .assert_status(201)
        .clone();
    (
        created["id"].as_str().expect("id").to_owned(),
        created["secret"].as_str().expect("secret").to_owned(),
    )
}

/// HMAC-SHA256 by RFC 2104: H((K ^ opad) || H((K ^ ipad) || m)), K padded to the 64-byte block.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = block
        .iter()
        .map(|b| b ^ 0x36)
        .chain(message.iter().copied())
        .collect();
    let inner_hash = Sha256::digest(&inner);
    let outer: Vec<u8> = block
        .iter()
        .map(|b| b ^ 0x5c)
        .chain(inner_hash.iter().copied())
        .collect();
    Sha256::digest(&outer).to_vec()
}

/// The Standard Webhooks check, from its text: the key is the base64 after `whsec_`; the signed
/// content is `{webhook-id}.{webhook-timestamp}.{body}`; the header lists `v1,<base64>` entries
/// separated by spaces, any of which may match.
pub fn standard_signature_ok(secret: &str, headers: &axum::http::HeaderMap, body: &[u8]) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("whsec_ secret"))
        .expect("base64 secret");
    let (id, ts) = (
        header(headers, "webhook-id"),
        header(headers, "webhook-timestamp"),
    );
    let mut content = format!("{id}.{ts}.").into_bytes();
    content.extend_from_slice(body);
    let expected = STANDARD.encode(hmac_sha256(&key, &content));
    header(headers, "webhook-signature")
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|s| s == expected)
}

/// Meta's `X-Hub-Signature-256`, as a WhatsApp bot computes it with `secret` as its app secret.
pub fn hub_signature(secret: &str, body: &[u8]) -> String {
    let hex: String = hmac_sha256(secret.as_bytes(), body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// The `type` of every received Standard Webhooks body, in arrival order.
pub fn kinds(seen: &Received) -> Vec<String> {
    seen.lock()
        .iter()
        .map(|(_, body)| {
            let v: Value = serde_json::from_slice(body).expect("JSON body");
            v["type"].as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

/// The parsed bodies of the received deliveries of `kind`.
pub fn bodies_of(seen: &Received, kind: &str) -> Vec<Value> {
    seen.lock()
        .iter()
        .filter_map(|(_, body)| serde_json::from_slice::<Value>(body).ok())
        .filter(|v| v["type"] == kind)
        .collect()
}

/// One open event stream and what it has received so far.
pub struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    /// Opens `GET {base}/v1/events/stream` with `key`.
    pub async fn open(base: &str, key: &str) -> Stream {
        let response = reqwest::Client::new()
            .get(format!("{base}/v1/events/stream"))
            .bearer_auth(key)
            .send()
            .await
            .expect("the stream opens");
        assert_eq!(response.status(), 200);
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (`event` and parsed `data`), keep-alive comments skipped; `None` when
    /// nothing comes within `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<(String, Value)> {
        tokio::time::timeout(wait, async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let field = |name: &str| {
                        block
                            .lines()
                            .find_map(|l| l.strip_prefix(name))
                            .map(|v| v.trim().to_owned())
                    };
                    if let (Some(event), Some(data)) = (field("event:"), field("data:")) {
                        return (event, serde_json::from_str(&data).expect("JSON data"));
                    }
                    continue;
                }
                let chunk = self
                    .response
                    .chunk()
                    .await
                    .expect("stream reads")
                    .expect("stream open");
                self.buffer.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await
        .ok()
    }

    /// Every event that arrives until `wait` passes without one.
    pub async fn drain(&mut self, wait: Duration) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        while let Some(e) = self.next_within(wait).await {
            out.push(e);
        }
        out
    }
}
