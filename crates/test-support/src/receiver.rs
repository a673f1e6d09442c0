//! A customer's webhook receiver for tests: an HTTP server on loopback that answers a script of
//! statuses (then 200) and records every request, and an app whose operator allows loopback
//! webhook targets (the SSRF guard refuses them otherwise).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use parking_lot::Mutex;

use crate::{Backend, TestApp, TestOptions};

/// Every request the receiver got: headers and body.
pub type Received = Arc<Mutex<Vec<(HeaderMap, Vec<u8>)>>>;

/// Starts a receiver at `http://{addr}/hook` answering `script` in order, then 200; each answer's
/// body is `answered {status}`.
pub async fn webhook_receiver(script: Vec<u16>) -> (SocketAddr, Received) {
    let seen: Received = Arc::default();
    let script = Arc::new(Mutex::new(script));
    let s = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let (s, script) = (s.clone(), script.clone());
            async move {
                s.lock().push((headers, body.to_vec()));
                let next = {
                    let mut script = script.lock();
                    if script.is_empty() {
                        200
                    } else {
                        script.remove(0)
                    }
                };
                let status = StatusCode::from_u16(next).unwrap_or(StatusCode::OK);
                (status, format!("answered {next}")).into_response()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the receiver");
    let addr = listener.local_addr().expect("receiver address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, seen)
}

/// A header of a received request, or "".
pub fn header(h: &HeaderMap, name: &str) -> String {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    /// An app whose operator allows loopback webhook targets (`127.0.0.0/8`), where the tests'
    /// receivers live.
    pub async fn with_loopback_webhooks(backend: Backend) -> Option<TestApp> {
        let mut options = TestOptions::default();
        options.core.webhook_allowed_ranges = vec!["127.0.0.0/8".parse().expect("a range")];
        TestApp::spawn_with(backend, options).await
    }
}
