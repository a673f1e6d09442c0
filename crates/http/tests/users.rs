//! `/v1/users`: members and roles: nobody gives a role above their own, the last owner stays,
//! duplicates conflict, and another organization sees none of it.

use reqwest::Method;
use serde_json::json;
use switchboard_test_support::both_backends;

both_backends! {
    async fn members_are_added_changed_and_removed(app) {
        let ana = app.create_user("ana@acme.test", "ana-password-1", "agent").await;
        assert_eq!(ana["role"], "agent");
        assert_eq!(ana["email"], "ana@acme.test");
        assert_eq!(ana["name"], "ana");
        let id = ana["id"].as_str().unwrap();
        assert_eq!(app.get(&format!("/v1/users/{id}")).await.assert_status(200)["email"], "ana@acme.test");
        let listed = app.get("/v1/users").await;
        assert_eq!(listed.assert_status(200)["data"].as_array().unwrap().len(), 2);

        let ch = uuid::Uuid::now_v7();
        let res = app.patch_json(&format!("/v1/users/{id}"), json!({ "role": "contributor", "channel_ids": [ch] })).await;
        let updated = res.assert_status(200);
        assert_eq!((updated["role"].as_str(), updated["channel_ids"].clone()), (Some("contributor"), json!([ch])));

        let (res, _) = app.login("ana@acme.test", "ana-password-1").await;
        res.assert_status(200);

        let dup = app.post_json("/v1/users", json!({ "email": "ANA@acme.test", "role": "agent" })).await;
        let p = dup.assert_problem(409, "conflict");
        assert_eq!(p["what"], "membership");

        app.assert_tenant_isolation().await;
        let other = app.other_org().await.key.clone();
        let res = app.call(Method::DELETE, &format!("/v1/users/{id}")).bearer(&other).send().await;
        res.assert_problem(404, "not_found");
        app.get(&format!("/v1/users/{id}")).await.assert_status(200);
        app.delete(&format!("/v1/users/{id}")).await.assert_status(204);
        app.get(&format!("/v1/users/{id}")).await.assert_problem(404, "not_found");
        let audit = app.get(&format!("/v1/audit-log?target_type=user&target_id={id}")).await;
        let actions: Vec<_> = audit.json["data"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect();
        assert_eq!(actions, ["member.removed", "member.updated", "member.added"]);
    }

    async fn an_existing_user_joins_another_org_with_their_own_password(app) {
        let other = app.other_org().await.clone();
        let res = app.call(Method::POST, "/v1/users").bearer(&other.key)
            .json(json!({ "email": app.org.owner_email, "role": "agent", "password": "hijack-attempt" })).send().await;
        assert_eq!(res.assert_status(201)["role"], "agent");
        let (res, _) = app.login(&app.org.owner_email, "hijack-attempt").await;
        res.assert_problem(401, "invalid_credentials");
        let (res, _) = app.login(&app.org.owner_email, &app.org.owner_password).await;
        assert_eq!(res.assert_status(200)["org_id"], app.org.id.to_string(), "the first org by default");
        let res = app.call(Method::POST, "/v1/auth/login").auth(switchboard_test_support::Auth::None)
            .json(json!({ "email": app.org.owner_email, "password": app.org.owner_password, "org_id": other.id }))
            .send().await;
        assert_eq!(res.assert_status(200)["org_id"], other.id.to_string());
        let res = app.call(Method::POST, "/v1/auth/login").auth(switchboard_test_support::Auth::None)
            .json(json!({ "email": app.org.owner_email, "password": app.org.owner_password, "org_id": uuid::Uuid::now_v7() }))
            .send().await;
        res.assert_problem(401, "invalid_credentials");
    }

    async fn roles_cannot_escalate_and_the_last_owner_stays(app) {
        let owner = app.org.owner_id;
        let res = app.patch_json(&format!("/v1/users/{owner}"), json!({ "role": "admin" })).await;
        res.assert_problem(409, "last_owner");
        app.delete(&format!("/v1/users/{owner}")).await.assert_problem(409, "last_owner");

        app.create_user("adam@acme.test", "adam-password-1", "admin").await;
        let (_, admin) = app.login("adam@acme.test", "adam-password-1").await;
        let admin = admin.unwrap();
        let res = app.call(Method::POST, "/v1/users").auth(admin.clone())
            .json(json!({ "email": "eve@acme.test", "role": "owner" })).send().await;
        res.assert_problem(403, "role_escalation");
        let res = app.call(Method::PATCH, &format!("/v1/users/{owner}")).auth(admin.clone())
            .json(json!({ "role": "agent" })).send().await;
        res.assert_problem(403, "role_escalation");
        let res = app.call(Method::POST, "/v1/users").auth(admin)
            .json(json!({ "email": "eve@acme.test", "role": "agent" })).send().await;
        res.assert_status(201);

        let second = app.create_user("olga@acme.test", "olga-password-1", "owner").await;
        let res = app.patch_json(&format!("/v1/users/{owner}"), json!({ "role": "admin" })).await;
        assert_eq!(res.assert_status(200)["role"], "admin");
        let sid = second["id"].as_str().unwrap();
        app.delete(&format!("/v1/users/{sid}")).await.assert_problem(409, "last_owner");

        app.create_user("agnes@acme.test", "agnes-password-1", "agent").await;
        let (_, agent) = app.login("agnes@acme.test", "agnes-password-1").await;
        let res = app.call(Method::POST, "/v1/teams").auth(agent.clone().unwrap())
            .json(json!({ "name": "Mine" })).send().await;
        assert_eq!(res.assert_problem(403, "insufficient_scope")["scope"], "teams:manage");
        let res = app.call(Method::GET, "/v1/api-keys").auth(agent.unwrap()).send().await;
        assert_eq!(res.assert_problem(403, "insufficient_scope")["scope"], "keys:manage");

        let (_, agent_key) = app.create_api_key(json!({ "name": "ag", "scopes": ["users:read"] })).await;
        let res = app.call(Method::POST, "/v1/users").bearer(&agent_key)
            .json(json!({ "email": "x@acme.test", "role": "agent" })).send().await;
        assert_eq!(res.assert_problem(403, "insufficient_scope")["scope"], "users:manage");
    }

    async fn bad_member_input_is_refused(app) {
        let res = app.post_json("/v1/users", json!({ "email": "not-an-email", "role": "agent" })).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "email");
        let res = app.post_json("/v1/users", json!({ "email": "a@acme.test", "role": "emperor" })).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["field"], "role");
        let res = app.post_json("/v1/users", json!({ "email": "a@acme.test", "role": "agent", "password": "short" })).await;
        res.assert_problem(422, "validation_failed");
        assert_eq!(app.get("/v1/users").await.json["data"].as_array().unwrap().len(), 1);
    }
}
