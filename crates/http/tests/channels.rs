//! `/v1/channels` lifecycle against the sandbox, on both protocols: create (verify token shown
//! once), masked reads, draft and publish, test connection with good and bad credentials,
//! disable / enable, regenerate, delete; credentials never in any answer.

use serde_json::{Value, json};
use switchboard_test_support::{TestApp, both_backends};

/// Every answer of the test must pass this: no secret of the channel anywhere in the text.
fn assert_no_secrets(text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "secret `{s}` in an answer: {text}");
    }
}

async fn post(app: &TestApp, path: &str) -> Value {
    let res = app.post_json(path, json!({})).await;
    res.assert_status(200).clone()
}

both_backends! {
    async fn a_cloud_channel_from_create_to_delete(app) {
        let ch = app.whatsapp_channel().await;
        let secrets = [ch.access_token.as_str(), ch.app_secret.as_str()];
        let path = format!("/v1/channels/{}", ch.id);
        assert_eq!(ch.json["status"], "pending");
        assert_eq!(ch.json["kind"], "whatsapp");
        assert_eq!(ch.json["protocol"], "whatsapp_cloud");
        assert_eq!(ch.json["account"], ch.phone_number_id.as_str());
        assert_eq!(ch.json["config"]["api_version"], "v21.0", "defaults are stored");
        assert_eq!(ch.json["config"]["messages_per_second"], 80);
        assert_eq!(ch.json["handoff"]["verify_token_revealed"], true);
        assert!(ch.verify_token.len() >= 32, "{}", ch.verify_token);
        let inbound = ch.json["handoff"]["inbound_url"].as_str().unwrap();
        assert_eq!(inbound, format!("{}/hooks/{}", app.base_url, ch.id));
        assert!(ch.json["handoff"]["instructions"].as_array().unwrap().len() >= 3);
        assert_no_secrets(&ch.json.to_string(), &secrets);

        let got = app.get(&path).await;
        let body = got.assert_status(200).clone();
        assert_no_secrets(&got.text, &secrets);
        assert_no_secrets(&got.text, &[ch.verify_token.as_str()]);
        assert_eq!(body["handoff"]["verify_token_revealed"], false);
        assert_eq!(body["handoff"]["verify_token"], format!("••••{}", &ch.verify_token[ch.verify_token.len() - 4..]));
        let masked = body["secrets"]["access_token"].as_str().unwrap();
        assert!(masked.starts_with("••••") && ch.access_token.ends_with(masked.trim_start_matches('•')), "{masked}");
        assert!(body["secrets"]["app_secret"].is_string());
        assert!(body["draft"].is_null());
        let list = app.get("/v1/channels").await;
        assert_eq!(list.assert_status(200)["data"][0]["id"], ch.id.to_string());
        assert_no_secrets(&list.text, &secrets);

        let tested = post(&app, &format!("{path}/test")).await;
        assert_eq!(tested["ok"], true, "{tested}");
        assert_eq!(tested["channel"]["status"], "active");
        assert!(tested["channel"]["last_error"].is_null());

        // A draft: renamed at once, the new token waits for publish.
        let res = app.patch_json(&path, json!({"name": "Sales line", "secrets": {"access_token": "not-the-token-at-all"}})).await;
        let drafted = res.assert_status(200).clone();
        assert_no_secrets(&res.text, &["not-the-token-at-all"]);
        assert_eq!(drafted["name"], "Sales line");
        assert_eq!(drafted["draft"]["secrets"]["access_token"], "••••-all");
        assert_eq!(drafted["secrets"]["access_token"], masked, "published secrets unchanged");
        assert_eq!(post(&app, &format!("{path}/test")).await["ok"], true, "the draft is not live");

        let published = post(&app, &format!("{path}/publish")).await;
        assert!(published["draft"].is_null());
        assert_eq!(published["status"], "pending");
        assert_eq!(published["secrets"]["access_token"], "••••-all");
        let tested = post(&app, &format!("{path}/test")).await;
        assert_eq!(tested["ok"], false);
        assert_eq!(tested["channel"]["status"], "error");
        let last_error = tested["channel"]["last_error"].as_str().unwrap();
        assert!(last_error.contains("190"), "{last_error}");
        assert!(tested["channel"]["last_error_at"].is_string());
        app.post_json(&format!("{path}/publish"), json!({})).await
            .assert_problem(422, "validation_failed");

        // Back to the right token: active again.
        app.patch_json(&path, json!({"secrets": {"access_token": ch.access_token}})).await.assert_status(200);
        post(&app, &format!("{path}/publish")).await;
        assert_eq!(post(&app, &format!("{path}/test")).await["channel"]["status"], "active");

        assert_eq!(post(&app, &format!("{path}/disable")).await["status"], "disabled");
        let tested = post(&app, &format!("{path}/test")).await;
        assert_eq!(tested["channel"]["status"], "disabled", "a test never re-enables");
        assert_eq!(post(&app, &format!("{path}/enable")).await["status"], "pending");

        let regenerated = post(&app, &format!("{path}/regenerate-webhook-secret")).await;
        let token = regenerated["handoff"]["verify_token"].as_str().unwrap();
        assert_eq!(regenerated["handoff"]["verify_token_revealed"], true);
        assert_ne!(token, ch.verify_token);
        assert!(!app.get(&path).await.text.contains(token));

        app.assert_tenant_isolation().await;

        let res = app.delete(&path).await;
        assert_eq!(res.status, 204);
        app.get(&path).await.assert_problem(404, "not_found");
        assert_eq!(app.get("/v1/channels").await.json["data"], json!([]));
    }

    async fn a_bsp_channel_is_tested_with_its_api_key(app) {
        let sandbox = app.sandbox().await;
        let account = sandbox.create_account(json!({})).await;
        let key = account["api_key"].as_str().unwrap().to_owned();
        let create = |name: &str, api_key: String| json!({
            "name": name,
            "protocol": "whatsapp_bsp",
            "config": {"base_url": sandbox.base_url(), "phone_number_id": account["phone_number_id"]},
            "secrets": {"api_key": api_key, "app_secret": account["app_secret"]},
        });
        let res = app.post_json("/v1/channels", create("BSP", key.clone())).await;
        let ch = res.assert_status(201).clone();
        assert_no_secrets(&res.text, &[key.as_str()]);
        assert_eq!(ch["config"]["api_key_header"], "D360-API-KEY");
        let id = ch["id"].as_str().unwrap();
        let tested = post(&app, &format!("/v1/channels/{id}/test")).await;
        assert_eq!(tested["ok"], true, "{tested}");
        assert_eq!(tested["channel"]["status"], "active");

        // Another channel on the same number is refused; a wrong key is an error on test.
        let dup = app.post_json("/v1/channels", create("BSP again", key.clone())).await;
        assert_eq!(dup.assert_problem(409, "conflict")["what"], "channel_account");
        let other = sandbox.create_account(json!({})).await;
        let mut same_name = create("bsp", key.clone());
        same_name["config"]["phone_number_id"] = other["phone_number_id"].clone();
        let dup = app.post_json("/v1/channels", same_name).await;
        assert_eq!(dup.assert_problem(409, "conflict")["what"], "channel_name");
        let res = app.post_json("/v1/channels", json!({
            "name": "BSP wrong key",
            "protocol": "whatsapp_bsp",
            "config": {"base_url": sandbox.base_url(), "phone_number_id": other["phone_number_id"]},
            "secrets": {"api_key": "wrong-key", "app_secret": "s"},
        })).await;
        let id = res.assert_status(201)["id"].as_str().unwrap().to_owned();
        let tested = post(&app, &format!("/v1/channels/{id}/test")).await;
        assert_eq!(tested["ok"], false);
        assert_eq!(tested["channel"]["status"], "error");
        assert!(tested["error"].is_string());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_public_base_url_names_the_inbound_url() {
    let mut options = switchboard_test_support::TestOptions::default();
    options.http.public_base_url = Some("https://hub.example.test/".into());
    let app = TestApp::spawn_with(switchboard_test_support::Backend::Sqlite, options)
        .await
        .expect("SQLite app");
    let ch = app.whatsapp_channel().await;
    assert_eq!(
        ch.json["handoff"]["inbound_url"],
        format!("https://hub.example.test/hooks/{}", ch.id)
    );
}
