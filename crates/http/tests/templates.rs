//! `/v1/templates` end to end against the sandbox: a template is linted, submitted, and approved
//! (or rejected with its reason) by the sandbox's signed status webhook; bad templates are
//! refused with the rule and where; sync, preview, delete, template sends, and isolation.

use std::time::Duration;

use serde_json::{Value, json};
use switchboard_test_support::{TestApp, both_backends};

fn order_ready(channel: &impl ToString, name: &str) -> Value {
    json!({
        "channel_id": channel.to_string(),
        "name": name,
        "language": "en_GB",
        "category": "utility",
        "components": [
            {"type": "header", "format": "text", "text": "Order {{1}}", "example": ["A-17"]},
            {"type": "body", "text": "Hi {{1}}, your order is ready at {{2}}.", "example": ["Maya", "Leeds"]},
            {"type": "footer", "text": "Acme Stores"},
            {"type": "buttons", "buttons": [
                {"type": "url", "text": "Track it", "url": "https://acme.test/t/{{1}}", "example": "https://acme.test/t/a17"},
                {"type": "quick_reply", "text": "Thanks"}]}
        ]
    })
}

/// Waits for the sandbox's review webhook to move the template out of `pending`.
async fn reviewed(app: &TestApp, id: &str) -> Value {
    for _ in 0..100 {
        let t = app
            .get(&format!("/v1/templates/{id}"))
            .await
            .assert_status(200)
            .clone();
        if t["status"] != "pending" {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("template {id} was never reviewed");
}

fn sent_params() -> Value {
    json!([
        {"type": "header", "parameters": [{"type": "text", "text": "A-17"}]},
        {"type": "body", "parameters": [{"type": "text", "text": "Maya"}, {"type": "text", "text": "Leeds"}]},
        {"type": "button", "sub_type": "url", "index": 0, "parameters": [{"type": "text", "text": "a17"}]}
    ])
}

both_backends! {
    async fn a_template_is_linted_submitted_and_approved_by_the_webhook(app) {
        let ch = app.whatsapp_channel().await;
        let created = app.post_json("/v1/templates", order_ready(&ch.id, "order_ready")).await;
        let created = created.assert_status(201).clone();
        assert_eq!(created["status"], "pending");
        assert_eq!(created["warnings"], json!([]));
        assert!(created["provider_template_id"].is_string(), "{created}");
        let id = created["id"].as_str().unwrap().to_owned();

        // Sends wait for the approval.
        let send = json!({"from": ch.id, "to": "447700900123", "content": {"type": "template",
            "name": "order_ready", "language": "en_GB", "components": sent_params()}});
        let refused = app.post_json("/v1/messages", send.clone()).await;
        assert_eq!(refused.assert_problem(422, "template_not_approved")["template_status"], "pending");

        let approved = reviewed(&app, &id).await;
        assert_eq!((approved["status"].as_str(), approved["rejection_reason"].as_str()), (Some("approved"), None));

        // The same name and language again on the channel: a conflict, and the provider never asked.
        app.post_json("/v1/templates", order_ready(&ch.id, "order_ready")).await.assert_problem(409, "conflict");

        // Preview: fitting parameters render; missing and extra ones are named with their place.
        let preview = app.post_json(&format!("/v1/templates/{id}/preview"), json!({"components": sent_params()})).await;
        let preview = preview.assert_status(200).clone();
        assert_eq!(preview["header"], "Order A-17");
        assert_eq!(preview["body"], "Hi Maya, your order is ready at Leeds.");
        assert_eq!(preview["buttons"], json!(["Track it (https://acme.test/t/a17)", "Thanks"]));
        let wrong = json!({"components": [
            {"type": "header", "parameters": [{"type": "text", "text": "A-17"}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Maya"}, {"type": "text", "text": "Leeds"}, {"type": "text", "text": "extra"}]}
        ]});
        let res = app.post_json(&format!("/v1/templates/{id}/preview"), wrong.clone()).await;
        let errors = res.assert_problem(422, "template_parameters_invalid")["errors"].clone();
        let told: Vec<_> = errors.as_array().unwrap().iter()
            .map(|e| (e["rule"].as_str().unwrap(), e["component"].as_str().unwrap(), e["parameter"].as_str().unwrap_or("")))
            .collect();
        assert_eq!(told, [("parameter_extra", "body", "{{3}}"), ("parameter_missing", "buttons[0]", "{{1}}")]);

        // A send with the wrong parameters is refused before it is queued; the right ones go.
        let mut bad_send = send.clone();
        bad_send["content"]["components"] = wrong["components"].clone();
        app.post_json("/v1/messages", bad_send).await.assert_problem(422, "template_parameters_invalid");
        app.post_json("/v1/messages", send).await.assert_status(202);

        // Listing with filters.
        let list = app.get(&format!("/v1/templates?channel_id={}&status=approved&name=order_ready&language=en_GB", ch.id)).await;
        assert_eq!(list.assert_status(200)["data"][0]["id"], id.as_str());
        assert_eq!(app.get("/v1/templates?status=rejected").await.assert_status(200)["data"], json!([]));
        app.get("/v1/templates?status=lost").await.assert_problem(422, "validation_failed");

        app.assert_tenant_isolation().await;

        // Deleted at the provider and here.
        app.delete(&format!("/v1/templates/{id}")).await.assert_status(204);
        app.get(&format!("/v1/templates/{id}")).await.assert_problem(404, "not_found");
        let sync = app.post_json(&format!("/v1/templates/sync?channel_id={}", ch.id), json!({})).await;
        assert_eq!(sync.assert_status(200)["listed"], 0, "the provider no longer has it");
    }

    async fn a_rejection_arrives_with_its_reason(app) {
        let ch = app.whatsapp_channel().await;
        // The sandbox rejects names containing "reject".
        let created = app.post_json("/v1/templates", order_ready(&ch.id, "order_reject_me")).await;
        let id = created.assert_status(201)["id"].as_str().unwrap().to_owned();
        let rejected = reviewed(&app, &id).await;
        assert_eq!((rejected["status"].as_str(), rejected["rejection_reason"].as_str()), (Some("rejected"), Some("INVALID_FORMAT")));
        let send = json!({"from": ch.id, "to": "447700900123", "content": {"type": "template",
            "name": "order_reject_me", "language": "en_GB", "components": sent_params()}});
        app.post_json("/v1/messages", send).await.assert_problem(422, "template_not_approved");
        app.assert_tenant_isolation().await;
    }

    async fn bad_templates_are_refused_with_the_rule_and_where(app) {
        let ch = app.whatsapp_channel().await;
        let body = |text: String, example: Value| {
            let mut t = order_ready(&ch.id, "bad_one");
            t["components"][1] = json!({"type": "body", "text": text, "example": example});
            t
        };
        let mut long_button = order_ready(&ch.id, "bad_one");
        long_button["components"][3]["buttons"][1]["text"] = json!("x".repeat(40));
        let cases = [
            (body("Hi {{1}} and {{3}} there.".into(), json!(["a", "b", "c"])), "variables_not_sequential", "components[1].text", json!(13)),
            (body(format!("Hi {{{{1}}}} {}.", "y".repeat(2000)), json!(["a"])), "too_long", "components[1].text", json!(1024)),
            (long_button, "too_long", "components[3].buttons[1].text", json!(25)),
        ];
        for (template, rule, field, offset) in cases {
            let res = app.post_json("/v1/templates", template.clone()).await;
            let errors = res.assert_problem(422, "template_invalid")["errors"].clone();
            let first = &errors[0];
            assert_eq!((first["rule"].as_str(), first["severity"].as_str()), (Some(rule), Some("error")), "{errors}");
            assert_eq!((first["position"]["field"].as_str(), &first["position"]["offset"]), (Some(field), &offset), "{errors}");
            assert!(first["hint"].as_str().is_some_and(|h| !h.is_empty()));
            // The same verdict on demand, with nothing stored.
            let lint = app.post_json("/v1/templates/lint", template).await;
            let lint = lint.assert_status(200).clone();
            assert_eq!((lint["valid"].as_bool(), lint["findings"][0]["rule"].as_str()), (Some(false), Some(rule)));
        }
        let gap = app.post_json("/v1/templates/lint", body("Hi {{1}} and {{3}} there.".into(), json!(["a", "b", "c"]))).await;
        assert!(gap.assert_status(200)["findings"][0]["hint"].as_str().unwrap().contains("missing {{2}}"));
        assert_eq!(app.get("/v1/templates").await.assert_status(200)["data"], json!([]), "nothing was stored");
        let graph = format!("{}/v21.0/{}/message_templates", app.sandbox().await.base_url(), ch.waba_id);
        let at_provider: Value = reqwest::Client::new().get(&graph).bearer_auth(&ch.access_token)
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(at_provider["data"], json!([]), "the provider never saw them: {at_provider}");

        // Warnings do not stop a create; they come back with it.
        let warned = app.post_json("/v1/templates/lint", body("{{1}}, your order is ready at {{2}}".into(), json!(["a", "b"]))).await;
        let warned = warned.assert_status(200).clone();
        assert_eq!(warned["valid"], true);
        let rules: Vec<_> = warned["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
        assert_eq!(rules, ["variable_at_edge", "variable_at_edge"]);

        app.post_json("/v1/templates", json!({"channel_id": ch.id, "name": "x"})).await.assert_problem(422, "validation_failed");
        app.assert_tenant_isolation().await;
    }

    async fn sync_brings_in_templates_made_at_the_provider(app) {
        let ch = app.whatsapp_channel().await;
        let graph = format!("{}/v21.0/{}/message_templates", app.sandbox().await.base_url(), ch.waba_id);
        let made = reqwest::Client::new().post(&graph).bearer_auth(&ch.access_token)
            .json(&json!({"name": "welcome", "language": "en", "category": "MARKETING",
                "components": [{"type": "BODY", "text": "Welcome, {{1}}!", "example": {"body_text": [["Maya"]]}}]}))
            .send().await.unwrap();
        assert!(made.status().is_success(), "{}", made.text().await.unwrap());
        app.post_json("/v1/templates", order_ready(&ch.id, "order_ready")).await.assert_status(201);

        let sync = app.post_json(&format!("/v1/templates/sync?channel_id={}", ch.id), json!({})).await;
        let sync = sync.assert_status(200).clone();
        assert_eq!((sync["listed"].as_u64(), sync["added"].as_u64()), (Some(2), Some(1)));
        let list = app.get(&format!("/v1/templates?channel_id={}&name=welcome", ch.id)).await.assert_status(200).clone();
        let welcome = &list["data"][0];
        assert_eq!((welcome["category"].as_str(), welcome["language"].as_str()), (Some("marketing"), Some("en")));
        assert_eq!(welcome["components"], json!([{"type": "body", "text": "Welcome, {{1}}!", "example": ["Maya"]}]));
        // Synced templates preview like created ones.
        let id = welcome["id"].as_str().unwrap();
        let preview = app.post_json(&format!("/v1/templates/{id}/preview"),
            json!({"components": [{"type": "body", "parameters": [{"type": "text", "text": "Tom"}]}]})).await;
        assert_eq!(preview.assert_status(200)["body"], "Welcome, Tom!");
        // A second sync adds nothing.
        let again = app.post_json(&format!("/v1/templates/sync?channel_id={}", ch.id), json!({})).await;
        assert_eq!(again.assert_status(200)["added"], 0);
        app.post_json("/v1/templates/sync?channel_id=nope", json!({})).await.assert_problem(422, "validation_failed");
        app.assert_tenant_isolation().await;
    }
}
