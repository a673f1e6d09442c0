//! The baseline: a bare axum server that parses a JSON body and answers it back. Whatever the hub
//! does beyond this (authentication, validation, the durable commit) is what the ratios measure.
//! It is also the customers' webhook receiver of the webhooks scenario: `/hook` counts what it
//! gets and `/hook/stats` says how many arrived between which instants.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use parking_lot::Mutex;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::children::announce;

/// Deliveries received: how many, first and last (microseconds since the epoch).
#[derive(Debug, Default)]
struct Tally {
    count: u64,
    first_us: u64,
    last_us: u64,
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

pub async fn serve() -> anyhow::Result<()> {
    let tally = Arc::new(Mutex::new(Tally::default()));
    let app = Router::new()
        .route(
            "/echo",
            post(|Json(body): Json<Value>| async { Json(body) }),
        )
        .route("/hook", post(hook))
        .route("/hook/stats", get(stats))
        .with_state(tally);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    announce(listener.local_addr()?);
    let stop = switchboard::shutdown_on_signals();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { stop.cancelled().await })
        .await?;
    Ok(())
}

async fn hook(State(tally): State<Arc<Mutex<Tally>>>, body: axum::body::Bytes) -> &'static str {
    let at = now_us();
    let mut t = tally.lock();
    if t.count == 0 {
        t.first_us = at;
    }
    t.count += 1;
    t.last_us = at;
    drop(body);
    "ok"
}

async fn stats(State(tally): State<Arc<Mutex<Tally>>>) -> Json<Value> {
    let t = tally.lock();
    Json(json!({"count": t.count, "first_us": t.first_us, "last_us": t.last_us}))
}
