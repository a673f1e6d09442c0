//! `/v1/channels` refusals and records: validation problems with field paths, scopes, keys
//! restricted to channels (404 for the others, as for another organization's ids), the audit
//! trail without secrets, idempotent creation without the verify token at rest, and the protocols.

use reqwest::Method;
use serde_json::{Value, json};
use switchboard_test_support::both_backends;

fn fields(problem: &Value) -> Vec<String> {
    let mut f: Vec<String> = problem["errors"]
        .as_array()
        .expect("errors list")
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    f.sort();
    f
}

both_backends! {
    async fn every_configuration_problem_is_answered_with_its_path(app) {
        let res = app.post_json("/v1/channels", json!({
            "name": "WA",
            "protocol": "whatsapp_cloud",
            "config": {"base_url": "ftp://nowhere", "phone_number_id": "12x", "colour": "blue"},
            "secrets": {"access_token": ""},
        })).await;
        let p = res.assert_problem(422, "validation_failed");
        assert_eq!(fields(p), [
            "config.base_url", "config.colour", "config.phone_number_id", "config.waba_id",
            "secrets.access_token", "secrets.app_secret",
        ]);
        let res = app.post_json("/v1/channels", json!({
            "name": "WA", "protocol": "fax", "config": {}, "secrets": {},
        })).await;
        assert_eq!(fields(res.assert_problem(422, "validation_failed")), ["protocol"]);
        let res = app.post_json("/v1/channels", json!({
            "name": " ", "protocol": "whatsapp_cloud", "config": {}, "secrets": {},
        })).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "name");

        // A draft is checked too, merged with the current secrets.
        let ch = app.whatsapp_channel().await;
        let res = app.patch_json(&format!("/v1/channels/{}", ch.id),
            json!({"config": {"phone_number_id": "1"}, "secrets": {"app_secret": null}})).await;
        assert_eq!(fields(res.assert_problem(422, "validation_failed")),
            ["config.waba_id", "secrets.app_secret"]);
        assert!(app.get(&format!("/v1/channels/{}", ch.id)).await.json["draft"].is_null());

        let protocols = app.get("/v1/protocols").await;
        let list = protocols.assert_status(200).as_array().unwrap().clone();
        assert_eq!(list[0]["name"], "whatsapp_cloud");
        assert_eq!(list[1]["name"], "whatsapp_bsp");
        assert!(list[0]["capabilities"]["content"].as_array().unwrap().contains(&json!("template")));
        assert!(list[0]["secret_fields"].as_array().unwrap().iter().any(|f| f["name"] == "access_token"));
    }

    async fn restricted_keys_see_only_their_channels(app) {
        let a = app.whatsapp_channel().await;
        let b = app.whatsapp_channel().await;
        let (_, key) = app.create_api_key(json!({
            "name": "line A",
            "scopes": ["channels:read", "channels:manage"],
            "channel_ids": [a.id],
        })).await;
        let as_key = |m: Method, path: String| app.call(m, &path).bearer(&key);
        let list = as_key(Method::GET, "/v1/channels".into()).send().await;
        let ids: Vec<&Value> = list.assert_status(200)["data"].as_array().unwrap().iter().map(|c| &c["id"]).collect();
        assert_eq!(ids, [&json!(a.id.to_string())]);
        as_key(Method::GET, format!("/v1/channels/{}", a.id)).send().await.assert_status(200);
        for (m, path) in [
            (Method::GET, format!("/v1/channels/{}", b.id)),
            (Method::PATCH, format!("/v1/channels/{}", b.id)),
            (Method::POST, format!("/v1/channels/{}/test", b.id)),
            (Method::POST, format!("/v1/channels/{}/disable", b.id)),
            (Method::POST, format!("/v1/channels/{}/regenerate-webhook-secret", b.id)),
            (Method::DELETE, format!("/v1/channels/{}", b.id)),
        ] {
            let res = as_key(m, path).json(json!({"name": "taken over"})).send().await;
            res.assert_problem(404, "not_found");
        }
        let res = as_key(Method::POST, "/v1/channels".into())
            .json(json!({"name": "new", "protocol": "whatsapp_cloud", "config": {}, "secrets": {}}))
            .send().await;
        res.assert_problem(403, "channel_not_allowed");
        assert_eq!(app.get(&format!("/v1/channels/{}", b.id)).await.json["status"], "pending");

        // Read-only keys read, never change.
        let (_, reader) = app.create_api_key(json!({"name": "reader", "scopes": ["channels:read"]})).await;
        app.call(Method::GET, &format!("/v1/channels/{}", b.id)).bearer(&reader).send().await.assert_status(200);
        let res = app.call(Method::POST, &format!("/v1/channels/{}/disable", b.id)).bearer(&reader).send().await;
        assert_eq!(res.assert_problem(403, "insufficient_scope")["scope"], "channels:manage");
        app.assert_tenant_isolation().await;
    }

    async fn changes_are_audited_without_secrets_and_creation_is_idempotent(app) {
        let ch = app.whatsapp_channel().await;
        let path = format!("/v1/channels/{}", ch.id);
        app.patch_json(&path, json!({"secrets": {"access_token": "rotated-token-0123456789"}})).await.assert_status(200);
        app.post_json(&format!("{path}/publish"), json!({})).await.assert_status(200);
        app.post_json(&format!("{path}/disable"), json!({})).await.assert_status(200);
        let audit = app.get(&format!("/v1/audit-log?target_type=channel&target_id={}", ch.id)).await;
        let entries = audit.assert_status(200)["data"].as_array().unwrap().clone();
        let mut actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
        actions.sort_unstable();
        assert_eq!(actions, ["channel.created", "channel.disabled", "channel.published", "channel.updated"]);
        for secret in [ch.access_token.as_str(), ch.app_secret.as_str(), ch.verify_token.as_str(), "rotated-token-0123456789"] {
            assert!(!audit.text.contains(secret), "secret in the audit log: {}", audit.text);
        }
        let updated = entries.iter().find(|e| e["action"] == "channel.updated").unwrap();
        assert_eq!(updated["details"]["draft_secret_fields"], json!(["access_token"]));

        // A retried create answers the first channel, without its verify token.
        let sandbox = app.sandbox().await;
        let account = sandbox.create_account(json!({})).await;
        let body = json!({
            "name": "Retried",
            "protocol": "whatsapp_cloud",
            "config": {"base_url": sandbox.base_url(), "phone_number_id": account["phone_number_id"], "waba_id": account["waba_id"]},
            "secrets": {"access_token": account["access_token"], "app_secret": account["app_secret"]},
        });
        let first = app.call(Method::POST, "/v1/channels").header("Idempotency-Key", "create-1").json(body.clone()).send().await;
        let first = first.assert_status(201).clone();
        assert_eq!(first["handoff"]["verify_token_revealed"], true);
        let again = app.call(Method::POST, "/v1/channels").header("Idempotency-Key", "create-1").json(body).send().await;
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(again.assert_status(201)["id"], first["id"]);
        assert!(again.json["handoff"].is_null(), "{}", again.text);
        assert!(!again.text.contains(first["handoff"]["verify_token"].as_str().unwrap()));
    }
}
