//! The edge itself: problem documents for malformed, mistyped and oversized bodies, unknown routes,
//! request ids, probes, metrics and the OpenAPI document.

use reqwest::Method;
use serde_json::json;
use switchboard_test_support::{Auth, Backend, TestApp, TestOptions, both_backends};

both_backends! {
    async fn malformed_json_and_wrong_content_type_change_nothing(app) {
        let res = app.call(Method::POST, "/v1/teams").raw("application/json", "{\"name\": ").send().await;
        res.assert_problem(400, "malformed_json");
        let res = app.call(Method::POST, "/v1/teams").raw("text/plain", "{\"name\": \"A\"}").send().await;
        res.assert_problem(415, "unsupported_media_type");
        let res = app.post_json("/v1/teams", json!({ "name": "A", "colour": "red" })).await;
        let p = res.assert_problem(422, "validation_failed");
        assert!(p["detail"].as_str().unwrap().contains("colour"));
        let res = app.post_json("/v1/teams", json!({ "name": 5 })).await;
        res.assert_problem(422, "validation_failed");
        assert_eq!(app.get("/v1/teams").await.json["data"], json!([]));
    }

    async fn oversized_bodies_are_413(app) {
        let big = "x".repeat(1024 * 1024 + 10);
        let res = app.post_json("/v1/teams", json!({ "name": "A", "description": big })).await;
        res.assert_problem(413, "payload_too_large");
        let res = app.call(Method::POST, "/v1/teams").header("idempotency-key", "big")
            .json(json!({ "name": "A", "description": big })).send().await;
        res.assert_problem(413, "payload_too_large");
        assert_eq!(app.get("/v1/teams").await.json["data"], json!([]));
    }

    async fn unknown_routes_and_ids_are_problems(app) {
        app.get("/v1/nothing-here").await.assert_problem(404, "not_found");
        app.get("/v1/teams/not-a-uuid").await.assert_problem(404, "not_found");
        app.get(&format!("/v1/teams/{}", uuid::Uuid::now_v7())).await.assert_problem(404, "not_found");
        let res = app.call(Method::PUT, "/v1/teams").send().await;
        res.assert_problem(405, "method_not_allowed");
    }

    async fn request_ids_are_kept_or_made(app) {
        let res = app.call(Method::GET, "/v1/orgs/current").header("x-request-id", "req-abc-1").send().await;
        assert_eq!(res.header("x-request-id"), Some("req-abc-1"));
        let res = app.get("/v1/orgs/current").await;
        let made = res.header("x-request-id").unwrap();
        assert!(uuid::Uuid::parse_str(made).is_ok(), "{made}");
        let res = app.call(Method::GET, "/v1/orgs/current").auth(Auth::None).send().await;
        assert!(res.header("x-request-id").is_some(), "errors carry the id too");
    }

    async fn probes_answer(app) {
        let res = app.call(Method::GET, "/healthz").auth(Auth::None).send().await;
        assert_eq!(res.assert_status(200)["status"], "ok");
        let res = app.call(Method::GET, "/readyz").auth(Auth::None).send().await;
        assert_eq!(res.assert_status(200)["status"], "ready");
    }
}

#[tokio::test]
async fn readyz_is_503_when_the_store_is_down() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    app.store.close().await;
    let res = app
        .call(Method::GET, "/readyz")
        .auth(Auth::None)
        .send()
        .await;
    res.assert_problem(503, "not_ready");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    app.get("/v1/orgs/current").await.assert_status(200);
    app.get(&format!("/v1/teams/{}", uuid::Uuid::now_v7()))
        .await;
    let res = app
        .call(Method::GET, "/metrics")
        .auth(Auth::None)
        .send()
        .await;
    assert_eq!(res.status, 200);
    assert!(
        res.text
            .lines()
            .any(|l| l.starts_with("http_requests_total")
                && l.contains("route=\"/v1/orgs/current\"")
                && l.contains("status=\"200\"")),
        "{}",
        res.text
    );
    assert!(
        res.text.contains("route=\"/v1/teams/{id}\""),
        "routes are templates, not paths"
    );
    assert!(res.text.contains("http_request_duration_seconds"));
}

#[tokio::test]
async fn the_openapi_document_covers_the_api() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let res = app
        .call(Method::GET, "/v1/openapi.json")
        .auth(Auth::None)
        .send()
        .await;
    let doc = res.assert_status(200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/v1/orgs/current",
        "/v1/auth/login",
        "/v1/auth/logout",
        "/v1/auth/password",
        "/v1/me",
        "/v1/users",
        "/v1/users/{id}",
        "/v1/teams",
        "/v1/teams/{id}",
        "/v1/teams/{id}/members",
        "/v1/teams/{id}/members/{user_id}",
        "/v1/api-keys",
        "/v1/api-keys/{id}",
        "/v1/api-keys/{id}/revoke",
        "/v1/api-keys/{id}/rotate",
        "/v1/audit-log",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    let listing = &doc["paths"]["/v1/teams"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["$ref"];
    assert_eq!(listing, "#/components/schemas/PageOf_TeamView");
    let mut refs = Vec::new();
    collect_refs(doc, &mut refs);
    assert!(refs.len() > 20);
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .expect("a schema reference");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling reference {r}"
        );
    }
}

#[tokio::test]
async fn a_smaller_body_limit_is_honoured() {
    let mut options = TestOptions::default();
    options.http.body_limit_bytes = 64;
    let app = TestApp::spawn_with(Backend::Sqlite, options)
        .await
        .expect("app");
    let res = app
        .post_json(
            "/v1/teams",
            json!({ "name": "A", "description": "y".repeat(100) }),
        )
        .await;
    let p = res.assert_problem(413, "payload_too_large");
    assert_eq!(p["limit_bytes"], 64);
    app.post_json("/v1/teams", json!({ "name": "A" }))
        .await
        .assert_status(201);
}

#[tokio::test]
async fn failures_are_opaque_5xx_problems() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    app.store.close().await;
    let res = app
        .post_json("/v1/teams", json!({ "name": "After close" }))
        .await;
    let p = res.assert_problem(500, "internal");
    // The cause goes to the log (with the request id), never to the client.
    assert_eq!(
        p["detail"],
        "the server failed; the request id identifies it in the logs"
    );
    assert!(res.header("x-request-id").is_some());
}

fn collect_refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(o) => {
            if let Some(r) = o.get("$ref").and_then(|r| r.as_str()) {
                out.push(r.to_owned());
            }
            o.values().for_each(|x| collect_refs(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}
