//! A measurement, not a test of speed (ignored; it asserts only that everything arrived): a burst
//! of events committed at once, fanned out and delivered by the real job runner (claims in
//! batches, concurrent attempts) to one fast local receiver; prints the drain rate. Run it with
//! `cargo nextest run --release -p switchboard-test-support --test webhook_throughput
//! --run-ignored only --no-capture` (add `SWITCHBOARD_BURST=20000` for another size).

mod webhook_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;
use switchboard_domain::{Name, OrgId, TeamId};
use switchboard_jobs::{Runner, RunnerConfig};
use switchboard_store::{Effects, Event, Team};
use switchboard_test_support::{Backend, TestApp};
use tokio_util::sync::CancellationToken;

async fn measure(backend: Backend) {
    let burst: usize = std::env::var("SWITCHBOARD_BURST")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    let Some(app) = TestApp::with_loopback_webhooks(backend).await else {
        return;
    };
    let got = Arc::new(AtomicUsize::new(0));
    let counter = got.clone();
    let receiver = axum::Router::new().route(
        "/hook",
        axum::routing::post(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::Relaxed);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    webhook_support::endpoint(&app, addr, json!({"event_types": ["contact.created"]})).await;

    // The burst: one transaction of `burst` events.
    let org = OrgId(app.org.id);
    let now = switchboard_domain::now();
    let mut effects = Effects::none();
    for i in 0..burst {
        let payload = json!({"contact_id": uuid::Uuid::now_v7(), "name": format!("Customer {i}")});
        effects
            .events
            .push(Event::new(org, "contact.created", None, payload, now));
    }
    let team = Team {
        id: TeamId::new(),
        org_id: org,
        name: Name::parse("Burst").unwrap(),
        description: String::new(),
        created_at: now,
    };
    app.store.create_team(&team, &effects).await.unwrap();

    let stop = CancellationToken::new();
    let started = Instant::now();
    let store = app.store.clone();
    let fan_stop = stop.clone();
    let fan_out = tokio::spawn(async move {
        while !fan_stop.is_cancelled() {
            if store.fan_out_events(500).await.unwrap() == 0 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });
    let runner = Runner::new(app.store.clone(), RunnerConfig::default())
        .register(app.core.webhook_deliverer());
    let token = stop.clone();
    let workers = tokio::spawn(async move { runner.run(token).await });
    let deadline = started + Duration::from_secs(600);
    while got.load(Ordering::Relaxed) < burst {
        assert!(
            Instant::now() < deadline,
            "only {} of {burst} arrived",
            got.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let elapsed = started.elapsed();
    stop.cancel();
    let _ = tokio::join!(fan_out, workers);
    println!(
        "{backend:?}: {burst} deliveries in {:.2} s = {:.0}/s",
        elapsed.as_secs_f64(),
        burst as f64 / elapsed.as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement; run it on purpose, in a release build"]
async fn a_burst_drains_to_a_fast_receiver_sqlite() {
    measure(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement; run it on purpose, in a release build"]
async fn a_burst_drains_to_a_fast_receiver_postgres() {
    measure(Backend::Postgres).await;
}
