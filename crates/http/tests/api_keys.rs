//! `/v1/api-keys`: the secret shown once, prefix visible, scopes and channels never escalated,
//! revoke and rotate, the three distinct refusals, IP allow-lists, and bad input.

use serde_json::json;
use switchboard_test_support::{Auth, both_backends};

both_backends! {
    async fn a_created_key_works_and_is_shown_once(app) {
        let (key, secret) = app
            .create_api_key(json!({ "name": "CI", "scopes": ["teams:read", "teams:manage"] }))
            .await;
        let prefix = key["prefix"].as_str().unwrap();
        assert!(secret.starts_with(&format!("{prefix}_")) && prefix.starts_with("sbk_"));
        assert_eq!(key["scopes"], json!(["teams:read", "teams:manage"]));
        let id = key["id"].as_str().unwrap();

        let shown = app.get(&format!("/v1/api-keys/{id}")).await;
        let shown = shown.assert_status(200);
        assert_eq!(shown["prefix"], prefix);
        assert!(shown.get("secret").is_none() && shown.get("secret_hash").is_none());
        assert!(!shown.to_string().contains(&secret));

        let listed = app.get("/v1/api-keys").await;
        let listed = listed.assert_status(200);
        assert_eq!(listed["data"].as_array().unwrap().len(), 2, "owner key and the new one");
        assert!(!listed.to_string().contains(&secret));

        let res = app.call(reqwest::Method::GET, "/v1/teams").bearer(&secret).send().await;
        res.assert_status(200);
        let used = app.get(&format!("/v1/api-keys/{id}")).await;
        assert!(used.json["last_used_at"].is_string(), "last use recorded: {}", used.text);
        assert_eq!(used.json["last_used_ip"], "127.0.0.1");
        app.assert_tenant_isolation().await;
    }

    async fn missing_scope_expired_key_and_disallowed_ip_are_refused_distinctly(app) {
        let (_, reader) = app.create_api_key(json!({ "name": "r", "scopes": ["teams:read"] })).await;
        let res = app.call(reqwest::Method::POST, "/v1/teams").bearer(&reader)
            .json(json!({ "name": "X" })).send().await;
        let p = res.assert_problem(403, "insufficient_scope");
        assert_eq!(p["scope"], "teams:manage");

        let expired = app.expired_api_key().await;
        let res = app.call(reqwest::Method::GET, "/v1/teams").bearer(&expired).send().await;
        res.assert_problem(401, "api_key_expired");

        let (_, fenced) = app.create_api_key(json!({ "name": "f", "allowed_ips": ["203.0.113.0/24"] })).await;
        let res = app.call(reqwest::Method::GET, "/v1/teams").bearer(&fenced).send().await;
        res.assert_problem(403, "ip_not_allowed");
    }

    async fn unknown_wrong_and_missing_credentials_are_401(app) {
        let none = app.call(reqwest::Method::GET, "/v1/teams").auth(Auth::None).send().await;
        none.assert_problem(401, "unauthenticated");
        let basic = app.call(reqwest::Method::GET, "/v1/teams").auth(Auth::None)
            .header("authorization", "Basic Zm9vOmJhcg==").send().await;
        basic.assert_problem(401, "unauthenticated");
        let junk = app.call(reqwest::Method::GET, "/v1/teams").bearer("nonsense").send().await;
        junk.assert_problem(401, "invalid_api_key");
        let mut wrong = app.org.key.clone();
        wrong.pop();
        wrong.push(if app.org.key.ends_with('a') { 'b' } else { 'a' });
        let res = app.call(reqwest::Method::GET, "/v1/teams").bearer(&wrong).send().await;
        res.assert_problem(401, "invalid_api_key");
    }

    async fn revoked_and_rotated_secrets_stop_at_once(app) {
        let (key, secret) = app.create_api_key(json!({ "name": "old" })).await;
        let id = key["id"].as_str().unwrap();
        let rotated = app.post_json(&format!("/v1/api-keys/{id}/rotate"), json!({})).await;
        let rotated = rotated.assert_status(200).clone();
        let new_secret = rotated["secret"].as_str().unwrap().to_owned();
        assert_ne!(new_secret, secret);
        assert_ne!(rotated["prefix"], key["prefix"]);
        let old = app.call(reqwest::Method::GET, "/v1/me").bearer(&secret).send().await;
        old.assert_problem(401, "invalid_api_key");
        let new = app.call(reqwest::Method::GET, "/v1/me").bearer(&new_secret).send().await;
        assert_eq!(new.assert_status(200)["api_key"]["id"], id);

        let revoked = app.post_json(&format!("/v1/api-keys/{id}/revoke"), json!({})).await;
        assert!(revoked.assert_status(200)["revoked_at"].is_string());
        let res = app.call(reqwest::Method::GET, "/v1/me").bearer(&new_secret).send().await;
        res.assert_problem(401, "api_key_revoked");
        let again = app.post_json(&format!("/v1/api-keys/{id}/rotate"), json!({})).await;
        again.assert_problem(404, "not_found");

        let (other, other_secret) = app.create_api_key(json!({ "name": "deleted" })).await;
        let other_id = other["id"].as_str().unwrap();
        app.delete(&format!("/v1/api-keys/{other_id}")).await.assert_status(204);
        let res = app.call(reqwest::Method::GET, "/v1/me").bearer(&other_secret).send().await;
        res.assert_problem(401, "api_key_revoked");
        app.assert_tenant_isolation().await;
    }

    async fn keys_cannot_escalate(app) {
        let (_, limited) = app
            .create_api_key(json!({ "name": "km", "scopes": ["keys:manage", "teams:read"] }))
            .await;
        let res = app.call(reqwest::Method::POST, "/v1/api-keys").bearer(&limited)
            .json(json!({ "name": "x", "scopes": ["teams:manage"] })).send().await;
        let p = res.assert_problem(403, "scope_escalation");
        assert!(p["detail"].as_str().unwrap().contains("teams:manage"));
        let res = app.call(reqwest::Method::POST, "/v1/api-keys").bearer(&limited)
            .json(json!({ "name": "child" })).send().await;
        assert_eq!(res.assert_status(201)["scopes"], json!(["teams:read", "keys:manage"]));

        let ch = uuid::Uuid::now_v7();
        let (_, narrow) = app
            .create_api_key(json!({ "name": "n", "scopes": ["keys:manage"], "channel_ids": [ch] }))
            .await;
        let res = app.call(reqwest::Method::POST, "/v1/api-keys").bearer(&narrow)
            .json(json!({ "name": "wider", "channel_ids": [uuid::Uuid::now_v7()] })).send().await;
        res.assert_problem(403, "scope_escalation");
        let res = app.call(reqwest::Method::POST, "/v1/api-keys").bearer(&narrow)
            .json(json!({ "name": "inherits" })).send().await;
        assert_eq!(res.assert_status(201)["channel_ids"], json!([ch]));
    }

    async fn bad_key_input_is_refused_and_changes_nothing(app) {
        let before = app.get("/v1/api-keys").await.json;
        let res = app.post_json("/v1/api-keys", json!({ "name": "x", "scopes": ["messages:delete"] })).await;
        let p = res.assert_problem(422, "validation_failed");
        assert_eq!(p["field"], "scopes");
        assert!(p["detail"].as_str().unwrap().contains("messages:delete"));
        let res = app.post_json("/v1/api-keys", json!({ "name": "x", "allowed_ips": ["10.0.0.0/33"] })).await;
        let p = res.assert_problem(422, "validation_failed");
        assert!(p["detail"].as_str().unwrap().contains("10.0.0.0/33"));
        let res = app.post_json("/v1/api-keys", json!({ "name": "x", "allowed_ips": ["fe80::/200"] })).await;
        res.assert_problem(422, "validation_failed");
        let res = app.post_json("/v1/api-keys", json!({ "name": "x", "expires_at": "2001-01-01T00:00:00Z" })).await;
        res.assert_problem(422, "validation_failed");
        let res = app.post_json("/v1/api-keys", json!({ "name": "x", "scope": ["teams:read"] })).await;
        res.assert_problem(422, "validation_failed");
        let res = app.post_json("/v1/api-keys", json!({ "name": "  " })).await;
        res.assert_problem(422, "validation_failed");
        assert_eq!(app.get("/v1/api-keys").await.json, before);
        let audit = app.get("/v1/audit-log?action=api_key.created").await;
        assert_eq!(audit.json["data"].as_array().unwrap().len(), 1, "only the owner key's creation");
    }
}
