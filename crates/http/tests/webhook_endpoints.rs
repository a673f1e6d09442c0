//! `/v1/webhook-endpoints`: CRUD, the secret shown once, rotation with both signatures during the
//! overlap, the test ping to a real receiver, the SSRF guard on save, restricted keys, isolation.

use serde_json::json;
use switchboard_test_support::{Backend, TestApp, both_backends, header, webhook_receiver};
use switchboard_webhooks::WebhookSecret;

async fn lifecycle(app: TestApp) {
    let (addr, seen) = webhook_receiver(Vec::new()).await;
    let url = format!("http://{addr}/hook");
    let created = app
        .post_json("/v1/webhook-endpoints", json!({
            "url": url, "description": "CRM", "event_types": ["message.received", "conversation.*"],
        }))
        .await;
    let created = created.assert_status(201).clone();
    let id = created["id"].as_str().unwrap().to_owned();
    let secret = WebhookSecret::parse(created["secret"].as_str().expect("secret once")).unwrap();
    assert_eq!(
        (created["enabled"].as_bool(), created["format"].as_str()),
        (Some(true), Some("standard"))
    );
    let read = app
        .get(&format!("/v1/webhook-endpoints/{id}"))
        .await
        .assert_status(200)
        .clone();
    assert!(
        read.get("secret").is_none(),
        "the secret is never shown again: {read}"
    );
    assert_eq!(
        read["event_types"],
        json!(["message.received", "conversation.*"])
    );

    // The ping reaches the receiver, signed with the endpoint's secret.
    let ping = app
        .post_json(&format!("/v1/webhook-endpoints/{id}/ping"), json!({}))
        .await;
    let ping = ping.assert_status(200).clone();
    assert_eq!(
        (ping["success"].as_bool(), ping["status"].as_u64()),
        (Some(true), Some(200)),
        "{ping}"
    );
    assert_eq!(ping["body"], "answered 200");
    {
        let got = seen.lock();
        let (h, body) = got.last().unwrap();
        assert_eq!(
            &header(h, "webhook-id"),
            ping["message_id"].as_str().unwrap()
        );
        let ts: i64 = header(h, "webhook-timestamp").parse().unwrap();
        assert!(secret.verify(
            &header(h, "webhook-id"),
            ts,
            body,
            &header(h, "webhook-signature")
        ));
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(body).unwrap()["type"],
            "webhook.ping"
        );
    }

    // Rotation: a new secret, and during the overlap both sign.
    let rotated = app
        .post_json(
            &format!("/v1/webhook-endpoints/{id}/rotate-secret"),
            json!({"overlap_seconds": 3600}),
        )
        .await
        .assert_status(200)
        .clone();
    let new_secret = WebhookSecret::parse(rotated["secret"].as_str().unwrap()).unwrap();
    assert_ne!(new_secret, secret);
    assert!(rotated["previous_secret_until"].is_string());
    app.post_json(&format!("/v1/webhook-endpoints/{id}/ping"), json!({}))
        .await
        .assert_status(200);
    {
        let got = seen.lock();
        let (h, body) = got.last().unwrap();
        let (mid, ts) = (
            &header(h, "webhook-id"),
            header(h, "webhook-timestamp").parse().unwrap(),
        );
        let sig = &header(h, "webhook-signature");
        assert_eq!(sig.split(' ').count(), 2, "{sig}");
        assert!(new_secret.verify(mid, ts, body, sig) && secret.verify(mid, ts, body, sig));
    }
    let too_long = app
        .post_json(
            &format!("/v1/webhook-endpoints/{id}/rotate-secret"),
            json!({"overlap_seconds": 700000}),
        )
        .await;
    assert_eq!(
        too_long.assert_problem(422, "validation_failed")["field"],
        "overlap_seconds"
    );

    // Update, bad input, listing.
    let patched = app
        .patch_json(
            &format!("/v1/webhook-endpoints/{id}"),
            json!({"enabled": false, "event_types": []}),
        )
        .await
        .assert_status(200)
        .clone();
    assert_eq!(
        (patched["enabled"].as_bool(), patched["event_types"].clone()),
        (Some(false), json!([]))
    );
    for (body, field) in [
        (
            json!({"url": url, "event_types": ["message.exploded"]}),
            "event_types",
        ),
        (json!({"url": url, "format": "xml"}), "format"),
        (json!({"url": url, "secret": "not-a-secret"}), "secret"),
        (
            json!({"url": url, "channel_ids": [uuid::Uuid::now_v7()]}),
            "channel_ids",
        ),
        (json!({"url": "ftp://example.com/x"}), "url"),
    ] {
        let res = app.post_json("/v1/webhook-endpoints", body).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], field);
    }
    let bring_your_own = WebhookSecret::generate().expose();
    let own = app
        .post_json(
            "/v1/webhook-endpoints",
            json!({"url": url, "secret": bring_your_own, "format": "meta"}),
        )
        .await
        .assert_status(201)
        .clone();
    assert_eq!(own["secret"], bring_your_own.as_str());
    let list = app
        .get("/v1/webhook-endpoints")
        .await
        .assert_status(200)
        .clone();
    assert_eq!(list["data"].as_array().unwrap().len(), 2);

    // A key held to channels cannot manage endpoints (they would see every channel's events).
    let ch = app.whatsapp_channel().await;
    let (_, restricted) = app
        .create_api_key(
            json!({"name": "held", "scopes": ["webhooks:manage"], "channel_ids": [ch.id]}),
        )
        .await;
    let res = app
        .call(reqwest::Method::GET, "/v1/webhook-endpoints")
        .bearer(&restricted)
        .send()
        .await;
    res.assert_problem(403, "channel_not_allowed");

    app.assert_tenant_isolation().await;

    app.delete(&format!("/v1/webhook-endpoints/{id}"))
        .await
        .assert_status(204);
    app.get(&format!("/v1/webhook-endpoints/{id}"))
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_sqlite() {
    lifecycle(
        TestApp::with_loopback_webhooks(Backend::Sqlite)
            .await
            .expect("SQLite app"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_postgres() {
    if let Some(app) = TestApp::with_loopback_webhooks(Backend::Postgres).await {
        lifecycle(app).await;
    }
}

both_backends! {
    async fn the_ssrf_guard_refuses_internal_targets_by_default(app) {
        for url in [
            "http://127.0.0.1:9/hook",
            "http://localhost:9/hook",
            "http://[::1]:9/hook",
            "http://[::ffff:127.0.0.1]:9/hook",
            "http://10.0.0.5/hook",
            "http://192.168.1.1/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://[fd00::1]/hook",
            "http://[fe80::1]/hook",
        ] {
            let res = app.post_json("/v1/webhook-endpoints", json!({"url": url})).await;
            let p = res.assert_problem(422, "validation_failed");
            assert_eq!(p["field"], "url", "{url}");
            assert!(p["detail"].as_str().unwrap().contains("address_refused"), "{url}: {p}");
        }
        let list = app.get("/v1/webhook-endpoints").await.assert_status(200).clone();
        assert_eq!(list["data"], json!([]), "nothing was saved");
    }
}
