//! Webhook delivery end to end: committed events fan out to the endpoints that want them, each
//! delivery is signed (the same `webhook-id` and body on every attempt), retried after a failure,
//! logged attempt by attempt, replayable; a 410 disables the endpoint and an event says so.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::json;
use switchboard_store::{EventFilter, PageRequest};
use switchboard_test_support::{Backend, TestApp, header, webhook_receiver};
use switchboard_webhooks::WebhookSecret;

/// Fans out what is pending and runs the due jobs.
async fn deliver(app: &TestApp) {
    while app.store.fan_out_events(500).await.expect("fan-out") > 0 {}
    app.run_pending_jobs().await;
}

async fn endpoint(
    app: &TestApp,
    addr: SocketAddr,
    types: serde_json::Value,
) -> (String, WebhookSecret) {
    let created = app
        .post_json(
            "/v1/webhook-endpoints",
            json!({"url": format!("http://{addr}/hook"), "event_types": types}),
        )
        .await
        .assert_status(201)
        .clone();
    let secret = WebhookSecret::parse(created["secret"].as_str().unwrap()).unwrap();
    (created["id"].as_str().unwrap().to_owned(), secret)
}

async fn retried_logged_and_replayed(app: TestApp) {
    let (addr, seen) = webhook_receiver(vec![503]).await;
    let (id, secret) = endpoint(&app, addr, json!(["contact.*"])).await;
    let contact = app
        .post_json(
            "/v1/contacts",
            json!({"name": "Ada", "email": "ada@example.com"}),
        )
        .await;
    let contact_id = contact.assert_status(201)["id"].clone();
    // Not subscribed: a team change is audited but is no event; a message is another type.
    app.create_team("Support").await;
    deliver(&app).await;
    assert_eq!(seen.lock().len(), 1, "the first attempt");

    let list = app
        .get(&format!("/v1/webhook-endpoints/{id}/deliveries"))
        .await
        .assert_status(200)
        .clone();
    let [d] = list["data"].as_array().unwrap().as_slice() else {
        panic!("one delivery: {list}")
    };
    assert_eq!(
        (
            d["status"].as_str(),
            d["attempts"].as_u64(),
            d["last_status"].as_u64()
        ),
        (Some("pending"), Some(1), Some(503))
    );
    assert_eq!(d["event_type"], "contact.created");
    assert_eq!(d["body"]["data"]["object"]["contact_id"], contact_id);
    let delivery = d["id"].as_str().unwrap().to_owned();

    // The retry comes about 5 s later (the ladder's first step); poll until it has run.
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        app.run_pending_jobs().await;
        if seen.lock().len() >= 2 {
            break;
        }
    }
    {
        let got = seen.lock();
        assert_eq!(got.len(), 2, "retried once");
        let ((h1, b1), (h2, b2)) = (&got[0], &got[1]);
        assert_eq!(
            header(h1, "webhook-id"),
            header(h2, "webhook-id"),
            "one id across retries"
        );
        assert_eq!(b1, b2, "one body across retries");
        for (h, b) in [(h1, b1), (h2, b2)] {
            let ts: i64 = header(h, "webhook-timestamp").parse().unwrap();
            assert!(secret.verify(
                &header(h, "webhook-id"),
                ts,
                b,
                &header(h, "webhook-signature")
            ));
        }
    }
    let one = app
        .get(&format!("/v1/webhook-endpoints/{id}/deliveries/{delivery}"))
        .await
        .assert_status(200)
        .clone();
    assert_eq!(one["status"], "succeeded");
    let log: Vec<_> = one["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["response_status"].as_u64())
        .collect();
    assert_eq!(log, vec![Some(503), Some(200)]);
    assert_eq!(one["attempt_log"][0]["response_body"], "answered 503");

    // Replay: one more attempt with the same id.
    app.post_json(
        &format!("/v1/webhook-endpoints/{id}/deliveries/{delivery}/replay"),
        json!({}),
    )
    .await
    .assert_status(202);
    deliver(&app).await;
    assert_eq!(seen.lock().len(), 3);
    let failed = app
        .post_json(
            &format!("/v1/webhook-endpoints/{id}/replay"),
            json!({"since": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(failed.assert_status(202)["replayed"], 0, "nothing failed");
    let bad = app
        .get(&format!("/v1/webhook-endpoints/{id}/deliveries?status=odd"))
        .await;
    bad.assert_problem(422, "validation_failed");

    // Another organization's events never reach this endpoint.
    let other = app.other_org().await.clone();
    let res = app
        .call(reqwest::Method::POST, "/v1/contacts")
        .bearer(&other.key)
        .json(json!({"name": "Theirs", "email": "theirs@example.com"}))
        .send()
        .await;
    res.assert_status(201);
    deliver(&app).await;
    assert_eq!(seen.lock().len(), 3, "nothing of the other organization");

    app.assert_tenant_isolation().await;
}

async fn gone_disables_the_endpoint(app: TestApp) {
    let (addr, seen) = webhook_receiver(vec![410]).await;
    let (id, _) = endpoint(&app, addr, json!([])).await;
    app.post_json(
        "/v1/contacts",
        json!({"name": "Ada", "email": "ada@example.com"}),
    )
    .await
    .assert_status(201);
    deliver(&app).await;
    let e = app
        .get(&format!("/v1/webhook-endpoints/{id}"))
        .await
        .assert_status(200)
        .clone();
    assert_eq!(
        (e["enabled"].as_bool(), e["disabled_reason"].as_str()),
        (Some(false), Some("gone")),
        "{e}"
    );
    let list = app
        .get(&format!(
            "/v1/webhook-endpoints/{id}/deliveries?status=failed"
        ))
        .await
        .assert_status(200)
        .clone();
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
    let org = switchboard_domain::OrgId(app.org.id);
    let filter = EventFilter {
        kinds: vec!["webhook_endpoint.disabled".into()],
        only_channels: None,
    };
    let events = app
        .store
        .list_events(org, &filter, PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(events.items.len(), 1, "an event says so");
    assert_eq!(events.items[0].payload["reason"], "gone");

    // Disabled: later events make no deliveries; re-enabling starts afresh.
    app.post_json(
        "/v1/contacts",
        json!({"name": "Bob", "email": "bob@example.com"}),
    )
    .await
    .assert_status(201);
    deliver(&app).await;
    assert_eq!(seen.lock().len(), 1);
    let e = app
        .patch_json(
            &format!("/v1/webhook-endpoints/{id}"),
            json!({"enabled": true}),
        )
        .await
        .assert_status(200)
        .clone();
    assert_eq!(e["disabled_reason"], json!(null));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_logged_and_replayed_sqlite() {
    retried_logged_and_replayed(
        TestApp::with_loopback_webhooks(Backend::Sqlite)
            .await
            .expect("SQLite app"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_logged_and_replayed_postgres() {
    if let Some(app) = TestApp::with_loopback_webhooks(Backend::Postgres).await {
        retried_logged_and_replayed(app).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gone_disables_the_endpoint_sqlite() {
    gone_disables_the_endpoint(
        TestApp::with_loopback_webhooks(Backend::Sqlite)
            .await
            .expect("SQLite app"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gone_disables_the_endpoint_postgres() {
    if let Some(app) = TestApp::with_loopback_webhooks(Backend::Postgres).await {
        gone_disables_the_endpoint(app).await;
    }
}
