//! `Idempotency-Key` replays and refusals, and per-key rate limits.

use reqwest::Method;
use serde_json::json;
use switchboard_test_support::{Backend, TestApp, TestOptions, both_backends};

both_backends! {
    async fn the_same_key_and_body_replay_the_first_answer(app) {
        let first = app.call(Method::POST, "/v1/teams").header("idempotency-key", "k-1")
            .json(json!({ "name": "Once" })).send().await;
        let created = first.assert_status(201).clone();
        let again = app.call(Method::POST, "/v1/teams").header("idempotency-key", "k-1")
            .json(json!({ "name": "Once" })).send().await;
        assert_eq!(again.status, 201);
        assert_eq!(again.json, created);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(app.get("/v1/teams").await.json["data"].as_array().unwrap().len(), 1);

        let other_body = app.call(Method::POST, "/v1/teams").header("idempotency-key", "k-1")
            .json(json!({ "name": "Twice" })).send().await;
        other_body.assert_problem(422, "idempotency_key_reused");

        // Refusals are replayed too: the first answer, whatever it was.
        let dup = app.call(Method::POST, "/v1/teams").header("idempotency-key", "k-2")
            .json(json!({ "name": "Once" })).send().await;
        dup.assert_problem(409, "conflict");
        let dup_again = app.call(Method::POST, "/v1/teams").header("idempotency-key", "k-2")
            .json(json!({ "name": "Once" })).send().await;
        assert_eq!(dup_again.json, dup.json);

        // Keys are per caller: another key's `k-1` is its own.
        let (_, other_key) = app.create_api_key(json!({ "name": "second" })).await;
        let res = app.call(Method::POST, "/v1/teams").bearer(&other_key).header("idempotency-key", "k-1")
            .json(json!({ "name": "Second" })).send().await;
        res.assert_status(201);
        app.assert_tenant_isolation().await;
    }

    async fn a_replayed_key_creation_never_shows_the_secret_again(app) {
        let body = json!({ "name": "replayed" });
        let first = app.call(Method::POST, "/v1/api-keys").header("idempotency-key", "key-1")
            .json(body.clone()).send().await;
        let first = first.assert_status(201).clone();
        assert!(first["secret"].as_str().unwrap().starts_with("sbk_"));
        let again = app.call(Method::POST, "/v1/api-keys").header("idempotency-key", "key-1")
            .json(body).send().await;
        let again = again.assert_status(201);
        assert_eq!((&again["id"], &again["prefix"]), (&first["id"], &first["prefix"]));
        assert!(again["secret"].is_null(), "secrets are not stored for replays: {again}");
        assert_eq!(app.get("/v1/api-keys").await.json["data"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn a_key_still_running_answers_409_and_an_abandoned_one_runs_again() {
    use switchboard_core::{KeyPrincipal, Origin, Principal};
    use switchboard_domain::{ApiKeyId, OrgId};
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    // The same caller as the owner key, claiming the key as a concurrent first request would.
    let owner = Principal::ApiKey(KeyPrincipal {
        key_id: ApiKeyId(app.org.key_id),
        org_id: OrgId(app.org.id),
        scopes: vec![],
        channel_ids: vec![],
        origin: Origin::default(),
    });
    let body = json!({ "name": "Busy" });
    let hash = switchboard_http::idempotency::request_hash(
        &Method::POST,
        "/v1/teams",
        body.to_string().as_bytes(),
    );
    let begun = app
        .core
        .begin_idempotent(&owner, "busy-1", &hash)
        .await
        .unwrap();
    assert_eq!(begun, switchboard_store::IdempotencyBegin::Started);
    let res = app
        .call(Method::POST, "/v1/teams")
        .header("idempotency-key", "busy-1")
        .json(body.clone())
        .send()
        .await;
    res.assert_problem(409, "idempotency_in_progress");
    assert_eq!(app.get("/v1/teams").await.json["data"], json!([]));
    app.core.abandon_idempotent(&owner, "busy-1").await.unwrap();
    let res = app
        .call(Method::POST, "/v1/teams")
        .header("idempotency-key", "busy-1")
        .json(body)
        .send()
        .await;
    res.assert_status(201);
}

#[tokio::test]
async fn keys_are_rate_limited_per_key() {
    let mut options = TestOptions::default();
    options.http.rate_limit_per_minute = 3;
    let app = TestApp::spawn_with(Backend::Sqlite, options)
        .await
        .expect("app");
    for left in [2, 1, 0] {
        let res = app.get("/v1/orgs/current").await;
        res.assert_status(200);
        assert_eq!(res.header("ratelimit-limit"), Some("3"));
        assert_eq!(
            res.header("ratelimit-remaining"),
            Some(left.to_string().as_str())
        );
    }
    let res = app.get("/v1/orgs/current").await;
    res.assert_problem(429, "rate_limited");
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry), "{retry}");
    assert_eq!(res.header("ratelimit-remaining"), Some("0"));
    let other = app.other_org().await.key.clone();
    let res = app
        .call(Method::GET, "/v1/orgs/current")
        .bearer(&other)
        .send()
        .await;
    res.assert_status(200);
}
