//! `/v1/teams`: CRUD, unique names, members, and isolation.

use serde_json::json;
use switchboard_test_support::both_backends;

both_backends! {
    async fn teams_and_their_members(app) {
        let team = app.create_team("Support").await;
        let id = team["id"].as_str().unwrap();
        let dup = app.post_json("/v1/teams", json!({ "name": "support" })).await;
        assert_eq!(dup.assert_problem(409, "conflict")["what"], "team_name");

        let res = app.patch_json(&format!("/v1/teams/{id}"), json!({ "description": "First line" })).await;
        assert_eq!(res.assert_status(200)["description"], "First line");
        assert_eq!(app.get(&format!("/v1/teams/{id}")).await.json["name"], "Support");

        let ana = app.create_user("ana@acme.test", "ana-password-1", "agent").await;
        let ana_id = ana["id"].as_str().unwrap();
        let res = app.post_json(&format!("/v1/teams/{id}/members"), json!({ "user_id": ana_id })).await;
        assert_eq!(res.assert_status(201)["id"], ana_id);
        let again = app.post_json(&format!("/v1/teams/{id}/members"), json!({ "user_id": ana_id })).await;
        assert_eq!(again.assert_problem(409, "conflict")["what"], "team_member");
        let members = app.get(&format!("/v1/teams/{id}/members")).await;
        assert_eq!(members.json["data"][0]["id"], ana_id);
        app.get("/v1/teams").await.assert_status(200);

        app.assert_tenant_isolation().await;

        // Another organization's user cannot be put in our team, nor ours in theirs.
        let other = app.other_org().await.clone();
        let res = app.post_json(&format!("/v1/teams/{id}/members"), json!({ "user_id": other.owner_id })).await;
        res.assert_problem(404, "not_found");

        // Deletions as the other organization: refused, and nothing gone.
        for path in [format!("/v1/teams/{id}/members/{ana_id}"), format!("/v1/teams/{id}")] {
            let res = app.call(reqwest::Method::DELETE, &path).bearer(&other.key).send().await;
            res.assert_problem(404, "not_found");
        }
        assert_eq!(app.get(&format!("/v1/teams/{id}/members")).await.json["data"][0]["id"], ana_id);

        app.delete(&format!("/v1/teams/{id}/members/{ana_id}")).await.assert_status(204);
        assert_eq!(app.get(&format!("/v1/teams/{id}/members")).await.json["data"], json!([]));
        app.delete(&format!("/v1/teams/{id}")).await.assert_status(204);
        app.get(&format!("/v1/teams/{id}")).await.assert_problem(404, "not_found");
    }

    async fn teams_paginate_with_cursors(app) {
        for i in 0..5 {
            app.create_team(&format!("Team {i}")).await;
        }
        let first = app.get("/v1/teams?limit=2").await;
        let first = first.assert_status(200).clone();
        assert_eq!(first["data"].as_array().unwrap().len(), 2);
        let mut names: Vec<String> = first["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect();
        let mut cursor = first["next_cursor"].as_str().unwrap().to_owned();
        loop {
            let page = app.get(&format!("/v1/teams?limit=2&cursor={cursor}")).await;
            let page = page.assert_status(200).clone();
            names.extend(page["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => break,
            }
        }
        assert_eq!(names, (0..5).map(|i| format!("Team {i}")).collect::<Vec<_>>());
        app.get("/v1/teams?limit=0").await.assert_problem(422, "validation_failed");
        app.get("/v1/teams?limit=201").await.assert_problem(422, "validation_failed");
        app.get("/v1/teams?cursor=%25%25").await.assert_problem(422, "validation_failed");
        app.assert_tenant_isolation().await;
    }
}
