//! `/v1/orgs/current`, `/v1/me` and `/v1/audit-log`.

use reqwest::Method;
use serde_json::json;
use switchboard_test_support::both_backends;

both_backends! {
    async fn the_org_is_read_and_renamed_with_an_audit_entry(app) {
        let org = app.get("/v1/orgs/current").await;
        assert_eq!(org.assert_status(200)["name"], "Acme");
        let other = app.other_org().await.clone();
        let taken = app.patch_json("/v1/orgs/current", json!({ "name": "globex" })).await;
        assert_eq!(taken.assert_problem(409, "conflict")["what"], "org_name");
        let res = app.patch_json("/v1/orgs/current", json!({ "name": "Acme Corp" })).await;
        assert_eq!(res.assert_status(200)["name"], "Acme Corp");

        let (_, admin_key) = app.create_api_key(json!({ "name": "a", "scopes": ["org:read"] })).await;
        let res = app.call(Method::PATCH, "/v1/orgs/current").bearer(&admin_key).json(json!({ "name": "Evil" })).send().await;
        assert_eq!(res.assert_problem(403, "insufficient_scope")["scope"], "org:manage");

        let audit = app.get("/v1/audit-log?action=org.renamed").await;
        let entry = &audit.assert_status(200)["data"][0];
        assert_eq!(entry["actor_type"], "api_key");
        assert_eq!(entry["actor_id"], app.org.key_id.to_string());
        assert_eq!(entry["details"], json!({ "before": "Acme", "after": "Acme Corp" }));
        assert_eq!(entry["ip"], "127.0.0.1");
        assert!(entry["request_id"].is_string());
        let theirs = app.call(Method::GET, "/v1/orgs/current").bearer(&other.key).send().await;
        assert_eq!(theirs.json["name"], "Globex");
        app.assert_tenant_isolation().await;
    }

    async fn settings_change_alone_with_an_audit_entry(app) {
        let org = app.get("/v1/orgs/current").await.assert_status(200).clone();
        assert_eq!(org["settings"], json!({ "link_sms_and_whatsapp": false }));
        let res = app.patch_json("/v1/orgs/current",
            json!({ "settings": { "link_sms_and_whatsapp": true } })).await;
        let changed = res.assert_status(200).clone();
        assert_eq!(changed["settings"]["link_sms_and_whatsapp"], true);
        assert_eq!(changed["name"], "Acme", "the name is left as it was");
        let unknown = app.patch_json("/v1/orgs/current", json!({ "settings": { "colour": "red" } })).await;
        unknown.assert_problem(422, "validation_failed");
        let empty = app.patch_json("/v1/orgs/current", json!({ "name": "Acme 2", "settings": {} })).await;
        assert_eq!(empty.assert_status(200)["settings"]["link_sms_and_whatsapp"], true);

        let audit = app.get("/v1/audit-log?action=org.settings_changed").await;
        let entries = audit.assert_status(200)["data"].as_array().unwrap().clone();
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0]["details"], json!({ "link_sms_and_whatsapp": true }));
        let (_, reader) = app.create_api_key(json!({ "name": "r", "scopes": ["org:read"] })).await;
        let res = app.call(Method::PATCH, "/v1/orgs/current").bearer(&reader)
            .json(json!({ "settings": { "link_sms_and_whatsapp": false } })).send().await;
        res.assert_problem(403, "insufficient_scope");
        let other = app.other_org().await.clone();
        let theirs = app.call(Method::GET, "/v1/orgs/current").bearer(&other.key).send().await;
        assert_eq!(theirs.json["settings"]["link_sms_and_whatsapp"], false, "their own settings");
        app.assert_tenant_isolation().await;
    }

    async fn the_audit_log_filters_and_never_shows_secrets(app) {
        let (key, secret) = app.create_api_key(json!({ "name": "k" })).await;
        let key_id = key["id"].as_str().unwrap();
        app.create_team("Sales").await;
        let all = app.get("/v1/audit-log").await;
        let all = all.assert_status(200).clone();
        assert!(!all.to_string().contains(&secret));
        let actions: Vec<_> = all["data"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect();
        assert_eq!(&actions[..2], ["team.created", "api_key.created"], "newest first");
        let by_target = app.get(&format!("/v1/audit-log?target_type=api_key&target_id={key_id}")).await;
        assert_eq!(by_target.json["data"].as_array().unwrap().len(), 1);
        let by_actor = app.get(&format!("/v1/audit-log?actor_type=api_key&actor_id={}", app.org.key_id)).await;
        assert_eq!(by_actor.json["data"].as_array().unwrap().len(), 2);
        let system = app.get("/v1/audit-log?actor_type=system").await;
        assert!(system.json["data"].as_array().unwrap().iter().any(|e| e["action"] == "org.created"));
        let page = app.get("/v1/audit-log?limit=1").await;
        assert!(page.json["next_cursor"].is_string());
        app.get("/v1/audit-log?actor_type=robot").await.assert_problem(422, "validation_failed");
        let (_, no_audit) = app.create_api_key(json!({ "name": "n", "scopes": ["teams:read"] })).await;
        let res = app.call(Method::GET, "/v1/audit-log").bearer(&no_audit).send().await;
        assert_eq!(res.assert_problem(403, "insufficient_scope")["scope"], "audit:read");
        app.assert_tenant_isolation().await;
    }

    async fn me_describes_the_caller(app) {
        let me = app.get("/v1/me").await;
        let me = me.assert_status(200);
        assert_eq!(me["org"]["id"], app.org.id.to_string());
        assert_eq!(me["api_key"]["id"], app.org.key_id.to_string());
        assert!(me["scopes"].as_array().unwrap().len() > 20);
        app.assert_tenant_isolation().await;
    }
}

/// `switchboard org create` goes through `Core::create_org`.
#[tokio::test]
async fn org_creation_refuses_taken_names_and_weak_owner_passwords() {
    use switchboard_core::{CoreError, NewOwner};
    use switchboard_domain::{Email, Name, Secret};
    let app = switchboard_test_support::TestApp::spawn(switchboard_test_support::Backend::Sqlite)
        .await
        .expect("app");
    let err = app
        .core
        .create_org(Name::parse("ACME").unwrap(), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, CoreError::Conflict { what: "org_name" }),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "org_name is already taken");
    let weak = NewOwner {
        email: Email::parse("boss@initech.test").unwrap(),
        name: None,
        password: Secret::new("short".into()),
    };
    let err = app
        .core
        .create_org(Name::parse("Initech").unwrap(), Some(weak))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "validation_failed");
    // Nothing was written: the name is still free.
    let made = app
        .core
        .create_org(Name::parse("Initech").unwrap(), None)
        .await
        .unwrap();
    assert_eq!(
        made.api_key.key.scopes.len(),
        switchboard_domain::Scope::ALL.len()
    );
    assert!(made.api_key.secret.expose().starts_with("sbk_"));
}
