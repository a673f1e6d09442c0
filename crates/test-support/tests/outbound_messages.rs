//! The outbound pipeline end to end through real HTTP with the in-process sandbox: `POST
//! /v1/messages` answers 202 at once, the dispatcher (run by `run_pending_jobs`) hands the message
//! to the sandbox, the receipt records the provider's id, and the provider's verdicts (window
//! closed, transient outage, revoked token) end up on the message and the channel.

mod outbound_support;

use outbound_support::{Sandbox, send_text, wait_for_status};
use serde_json::json;
use switchboard_test_support::both_backends;

const CUSTOMER: &str = "447700900123";

both_backends! {
    async fn a_reply_reaches_the_customer_and_is_tracked(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Where is my order?").await;

        let res = send_text(&app, ch.id, &format!("+{CUSTOMER}"), "It ships today.").await;
        let sent = res.assert_status(202).clone();
        assert_eq!(sent["status"], "enqueued");
        let id = sent["messageId"].as_str().expect("messageId").to_owned();
        let conversation = sent["conversationId"].as_str().expect("conversationId").to_owned();

        let before = app.get(&format!("/v1/messages/{id}")).await.assert_status(200).clone();
        assert_eq!(before["status"], "enqueued");
        assert_eq!(before["direction"], "outbound");
        assert_eq!(before["kind"], "text");
        assert_eq!(before["content"], json!({"type": "text", "body": "It ships today."}));
        assert_eq!(before["provider_message_id"], json!(null));
        assert_eq!(before["sender"], json!({"type": "api_key", "id": app.org.key_id}));
        assert_eq!(before["conversation_id"], conversation.as_str());
        assert_eq!(before["channel_id"], ch.id.to_string());

        assert!(app.run_pending_jobs().await >= 1);
        let outbox = sb.outbox(&ch.phone_number_id).await;
        assert_eq!(outbox.len(), 1, "one send: {outbox:?}");
        assert_eq!(outbox[0]["wa_id"], CUSTOMER);
        assert_eq!(outbox[0]["body"]["text"]["body"], "It ships today.");
        // The message id rides along, so status webhooks can be matched even before the receipt.
        assert_eq!(outbox[0]["body"]["biz_opaque_callback_data"], id.as_str());

        let after = app.get(&format!("/v1/messages/{id}")).await.assert_status(200).clone();
        assert_eq!(after["provider_message_id"], outbox[0]["id"]);
        assert_eq!(after["error"], json!(null));

        // The sandbox's status webhooks move it on to read.
        let read = wait_for_status(&app, &id, "read").await;
        assert!(read["sent_at"].is_string() && read["read_at"].is_string(), "{read}");

        let page = app
            .get(&format!("/v1/conversations/{conversation}/messages"))
            .await
            .assert_status(200)
            .clone();
        let ids: Vec<&str> = page["data"].as_array().expect("data").iter()
            .filter_map(|m| m["id"].as_str()).collect();
        assert!(ids.contains(&id.as_str()), "{page}");
        // Oldest first: the customer's question comes before the answer.
        assert_eq!(page["data"][0]["direction"], "inbound", "{page}");
        assert_eq!(ids.last(), Some(&id.as_str()));

        app.assert_tenant_isolation().await;
    }

    async fn bad_requests_are_precise_problems(app) {
        let ch = app.whatsapp_channel().await;
        let to_field = send_text(&app, ch.id, "not-a-number", "hi").await;
        let p = to_field.assert_problem(422, "invalid_recipient");
        assert_eq!(p["field"], "to");
        assert!(p["expected"].as_str().is_some_and(|e| e.contains("country code")), "{p}");

        let buttons: Vec<_> = (0..4).map(|i| json!({"id": format!("b{i}"), "title": "Pick"})).collect();
        let res = app.post_json("/v1/messages", json!({
            "from": ch.id, "to": CUSTOMER,
            "content": {"type": "reply_buttons", "body": " ", "buttons": buttons},
        })).await;
        let p = res.assert_problem(422, "invalid_content").clone();
        let paths: Vec<&str> = p["errors"].as_array().expect("errors").iter()
            .filter_map(|e| e["path"].as_str()).collect();
        assert!(paths.contains(&"content.body") && paths.contains(&"content.buttons"), "{p}");
        assert!(p["errors"].as_array().expect("errors").iter().all(|e| e["rule"].is_string()));

        let res = app.post_json("/v1/messages", json!({
            "from": ch.id, "to": CUSTOMER, "content": {"type": "fax", "body": "x"},
        })).await;
        res.assert_problem(422, "validation_failed");
        let res = app.post_json("/v1/messages", json!({
            "from": ch.id, "to": CUSTOMER, "content": {"type": "text", "body": "x"}, "cc": "y",
        })).await;
        res.assert_problem(422, "validation_failed");

        // Unknown channel, another organization's channel: the same 404.
        send_text(&app, uuid::Uuid::now_v7(), CUSTOMER, "hi").await.assert_problem(404, "not_found");
        let other = app.other_org().await.clone();
        app.call(reqwest::Method::POST, "/v1/messages")
            .bearer(&other.key)
            .json(json!({"from": ch.id, "to": CUSTOMER, "content": {"type": "text", "body": "hi"}}))
            .send().await
            .assert_problem(404, "not_found");

        // A key limited to another channel sees this one as missing; a key without the scope
        // is refused with the scope named.
        let second = app.whatsapp_channel().await;
        let (_, limited) = app.create_api_key(json!({
            "name": "limited", "scopes": ["messages:send", "messages:read"],
            "channel_ids": [second.id],
        })).await;
        let body = json!({"from": ch.id, "to": CUSTOMER, "content": {"type": "text", "body": "hi"}});
        app.call(reqwest::Method::POST, "/v1/messages").bearer(&limited).json(body.clone())
            .send().await.assert_problem(404, "not_found");
        let (_, reader) = app.create_api_key(json!({"name": "reader", "scopes": ["messages:read"]})).await;
        let p = app.call(reqwest::Method::POST, "/v1/messages").bearer(&reader).json(body.clone())
            .send().await;
        assert_eq!(p.assert_problem(403, "insufficient_scope")["scope"], "messages:send");

        // The limited key does not see this channel's messages either (the customer wrote, so
        // the window is open).
        Sandbox::of(&app).await.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        let sent = app.post_json("/v1/messages", body).await.assert_status(202).clone();
        let id = sent["messageId"].as_str().expect("id");
        app.call(reqwest::Method::GET, &format!("/v1/messages/{id}")).bearer(&limited)
            .send().await.assert_problem(404, "not_found");
        let conv = sent["conversationId"].as_str().expect("conversation");
        app.call(reqwest::Method::GET, &format!("/v1/conversations/{conv}/messages"))
            .bearer(&limited).send().await.assert_problem(404, "not_found");

        // A disabled channel refuses to send.
        app.post_json(&format!("/v1/channels/{}/disable", ch.id), json!({})).await.assert_status(200);
        send_text(&app, ch.id, CUSTOMER, "hi").await.assert_problem(409, "channel_disabled");
    }

    async fn a_closed_window_is_refused_first_and_the_providers_refusal_fails_with_both_codes(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        // The customer never wrote: refused before anything is queued; a template would go.
        let refused = send_text(&app, ch.id, CUSTOMER, "Hello out of the blue").await;
        let p = refused.assert_problem(422, "window_closed").clone();
        assert_eq!(p["allowed_content"], "template", "{p}");
        assert!(p["detail"].as_str().unwrap_or_default().contains("template"), "{p}");

        // The provider can still refuse (its own count of the window): the message fails with
        // Switchboard's code and Meta's.
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        sb.arm_fault(&ch.phone_number_id, 131047).await;
        let sent = send_text(&app, ch.id, CUSTOMER, "Hello again").await;
        let id = sent.assert_status(202)["messageId"].as_str().expect("id").to_owned();
        app.run_pending_jobs().await;
        let m = app.get(&format!("/v1/messages/{id}")).await.assert_status(200).clone();
        assert_eq!(m["status"], "failed", "{m}");
        assert_eq!(m["error"]["code"], "window_closed");
        assert_eq!(m["error"]["provider_code"], "131047");
        assert!(m["error"]["provider_text"].is_string());
        assert!(m["failed_at"].is_string());
        assert!(sb.outbox(&ch.phone_number_id).await.is_empty());
        // A final refusal is not retried: the job is done.
        let filter = switchboard_store::JobFilter {
            kind: Some("message.dispatch".into()),
            state: Some(switchboard_store::JobState::Done),
            ..Default::default()
        };
        let done = app.store.list_jobs(&filter, Default::default()).await.expect("jobs").items;
        assert_eq!(done.len(), 1);
    }

    async fn a_transient_error_is_retried_then_sent(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        sb.arm_fault(&ch.phone_number_id, 131000).await;
        let sent = send_text(&app, ch.id, CUSTOMER, "Thanks for waiting").await;
        let id = sent.assert_status(202)["messageId"].as_str().expect("id").to_owned();

        app.run_pending_jobs().await;
        let filter = switchboard_store::JobFilter {
            kind: Some("message.dispatch".into()),
            ..Default::default()
        };
        let jobs = app.store.list_jobs(&filter, Default::default()).await.expect("jobs").items;
        assert_eq!(jobs.len(), 1);
        assert_eq!((jobs[0].state, jobs[0].attempts), (switchboard_store::JobState::Ready, 1));
        assert!(jobs[0].last_error.as_deref().is_some_and(|e| e.contains("131000")), "{jobs:?}");
        let m = app.get(&format!("/v1/messages/{id}")).await.assert_status(200).clone();
        assert_eq!((m["status"].as_str(), &m["provider_message_id"]), (Some("enqueued"), &json!(null)));
        assert!(sb.outbox(&ch.phone_number_id).await.is_empty());

        // The retry is due after the runner's backoff (5 s with jitter).
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while sb.outbox(&ch.phone_number_id).await.is_empty() {
            assert!(std::time::Instant::now() < deadline, "never retried");
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            app.run_pending_jobs().await;
        }
        let m = app.get(&format!("/v1/messages/{id}")).await.assert_status(200).clone();
        assert!(m["provider_message_id"].is_string(), "{m}");
        assert_eq!(sb.outbox(&ch.phone_number_id).await.len(), 1);
    }

    async fn a_revoked_token_fails_the_message_and_flags_the_channel(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        sb.arm_fault(&ch.phone_number_id, 190).await;
        let sent = send_text(&app, ch.id, CUSTOMER, "Hello").await;
        let id = sent.assert_status(202)["messageId"].as_str().expect("id").to_owned();
        app.run_pending_jobs().await;
        let m = app.get(&format!("/v1/messages/{id}")).await.assert_status(200).clone();
        assert_eq!(m["status"], "failed");
        assert_eq!(m["error"]["code"], "provider_auth_failed");
        assert_eq!(m["error"]["provider_code"], "190");
        let channel = app.get(&format!("/v1/channels/{}", ch.id)).await.assert_status(200).clone();
        assert_eq!(channel["status"], "error", "{channel}");
        assert!(channel["last_error"].as_str().is_some_and(|e| e.contains("provider_auth_failed")), "{channel}");
    }

    async fn an_idempotent_retry_sends_once(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        let body = json!({"from": ch.id, "to": CUSTOMER, "content": {"type": "text", "body": "Once"}});
        let first = app.call(reqwest::Method::POST, "/v1/messages")
            .header("Idempotency-Key", "send-once-1").json(body.clone()).send().await;
        let first = first.assert_status(202).clone();
        let again = app.call(reqwest::Method::POST, "/v1/messages")
            .header("Idempotency-Key", "send-once-1").json(body).send().await;
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(again.assert_status(202)["messageId"], first["messageId"]);

        app.run_pending_jobs().await;
        let conv = first["conversationId"].as_str().expect("conversation");
        let page = app.get(&format!("/v1/conversations/{conv}/messages")).await.assert_status(200).clone();
        let outbound = page["data"].as_array().expect("data").iter()
            .filter(|m| m["direction"] == "outbound").count();
        assert_eq!(outbound, 1, "{page}");
        assert_eq!(sb.outbox(&ch.phone_number_id).await.len(), 1);
    }

    async fn a_dispatch_run_again_after_the_send_does_nothing(app) {
        // A node that dies after the provider accepted the message but before finishing the job:
        // the job runs again, sees the provider id, and sends nothing.
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        let sent = send_text(&app, ch.id, CUSTOMER, "Only once").await;
        let id = sent.assert_status(202)["messageId"].as_str().expect("id").to_owned();
        app.run_pending_jobs().await;
        assert_eq!(sb.outbox(&ch.phone_number_id).await.len(), 1);

        let payload = json!({"message_id": id, "org_id": app.org.id, "channel_id": ch.id, "to": CUSTOMER});
        let job = switchboard_store::NewJob::new(
            Some(switchboard_domain::OrgId(app.org.id)), "message.dispatch", payload,
        );
        app.store.enqueue(&[job]).await.expect("enqueue a second dispatch");
        app.run_pending_jobs().await;
        let filter = switchboard_store::JobFilter {
            kind: Some("message.dispatch".into()),
            state: Some(switchboard_store::JobState::Done),
            ..Default::default()
        };
        let done = app.store.list_jobs(&filter, Default::default()).await.expect("jobs").items;
        assert_eq!(done.len(), 2, "both dispatch runs finished: {done:?}");
        assert_eq!(sb.outbox(&ch.phone_number_id).await.len(), 1, "sent twice");
    }
}

both_backends! {
    async fn the_senders_rate_spaces_the_sends(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        // Four per second: six sends need at least five intervals of 250 ms.
        let mut config = ch.json["config"].clone();
        config["messages_per_second"] = json!(4);
        let path = format!("/v1/channels/{}", ch.id);
        app.patch_json(&path, json!({"config": config})).await.assert_status(200);
        app.post_json(&format!("{path}/publish"), json!({})).await.assert_status(200);
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Tell me everything").await;
        for i in 0..6 {
            send_text(&app, ch.id, CUSTOMER, &format!("part {i}")).await.assert_status(202);
        }
        let started = std::time::Instant::now();
        app.run_jobs_until_idle().await;
        let took = started.elapsed();
        assert_eq!(sb.outbox(&ch.phone_number_id).await.len(), 6);
        assert!(took >= std::time::Duration::from_millis(1200), "not spaced: {took:?}");
    }
}
