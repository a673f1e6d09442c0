//! The workflow event kinds (conversation updated / assigned / resolved, channel status, template
//! status, contact opted out) reach an endpoint subscribed to them, signed, and not one subscribed
//! to other kinds; a meta-format endpoint receives the provider's exact webhook body, re-signed
//! with `X-Hub-Signature-256`, for its channels only, while standard endpoints and the live
//! stream never see it.

mod inbound_support;
mod webhook_support;

use std::time::Duration;

use inbound_support::{CUSTOMER, Sandbox, conversations};
use serde_json::{Value, json};
use switchboard_test_support::{header, webhook_receiver};
use webhook_support::{
    Stream, bodies_of, deliver, endpoint, hub_signature, kinds, standard_signature_ok,
};

/// Meta's template review webhook for a business account.
fn template_review(waba: &str, status: &str, reason: &str) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": waba,
            "time": 1_763_870_400,
            "changes": [{
                "field": "message_template_status_update",
                "value": {
                    "event": status,
                    "message_template_id": 774_411,
                    "message_template_name": "order_update",
                    "message_template_language": "en_US",
                    "reason": reason,
                },
            }],
        }],
    })
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

loopback_both_backends! {
    async fn workflow_events_reach_the_endpoints_subscribed_to_them(app) {
        let (all_addr, all) = webhook_receiver(Vec::new()).await;
        let (msg_addr, msgs) = webhook_receiver(Vec::new()).await;
        let workflow = json!([
            "conversation.updated", "conversation.assigned", "conversation.resolved",
            "channel.status", "template.status", "contact.opted_out",
        ]);
        let (_, secret) = endpoint(&app, all_addr, json!({"event_types": workflow})).await;
        endpoint(&app, msg_addr, json!({"event_types": ["message.received"]})).await;

        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        // The first webhook proves the new channel works: pending -> active.
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hello").await;
        let conversation = conversations(&app, ch.id).await.remove(0);
        let path = format!("/v1/conversations/{}", conversation["id"].as_str().unwrap());
        app.patch_json(&path, json!({"priority": "urgent", "assignee_id": app.org.owner_id}))
            .await
            .assert_status(200);
        app.patch_json(&path, json!({"status": "resolved"})).await.assert_status(200);
        // Nothing moves: no event.
        app.patch_json(&path, json!({"status": "resolved"})).await.assert_status(200);
        for verb in ["disable", "enable"] {
            app.post_json(&format!("/v1/channels/{}/{verb}", ch.id), json!({}))
                .await
                .assert_status(200);
        }
        // A template review (which also proves the re-enabled channel works: pending -> active).
        let review = template_review(&ch.waba_id, "REJECTED", "INVALID_FORMAT");
        let answered = sb.webhook(&ch.phone_number_id, review, json!(true)).await;
        assert_eq!(answered["attempts"][0]["status"], 200, "{answered}");
        // The customer writes into the resolved conversation: Switchboard reopens it.
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "One more thing").await;
        let contact = conversation["contact_id"].as_str().unwrap();
        app.post_json(
            &format!("/v1/contacts/{contact}/consent"),
            json!({"channel_kind": "whatsapp", "opted_in": false, "source": "STOP"}),
        )
        .await
        .assert_status(200);
        deliver(&app).await;

        assert_eq!(
            sorted(kinds(&all)),
            sorted(
                [
                    "channel.status", "channel.status", "channel.status", "channel.status",
                    "conversation.updated", "conversation.updated", "conversation.updated",
                    "conversation.assigned",
                    "conversation.resolved", "template.status", "contact.opted_out",
                ]
                .map(String::from)
                .to_vec()
            ),
        );
        assert_eq!(
            kinds(&msgs),
            ["message.received", "message.received"],
            "the other endpoint: its kind only"
        );
        for (headers, body) in all.lock().iter() {
            assert!(standard_signature_ok(&secret, headers, body), "signed");
        }

        let moves: Vec<(Value, Value)> = bodies_of(&all, "channel.status")
            .iter()
            .map(|b| (b["data"]["object"]["from"].clone(), b["data"]["object"]["to"].clone()))
            .collect();
        for step in [("pending", "active"), ("active", "disabled"), ("disabled", "pending")] {
            assert!(moves.contains(&(json!(step.0), json!(step.1))), "{step:?} in {moves:?}");
        }
        let assigned = &bodies_of(&all, "conversation.assigned")[0]["data"]["object"];
        assert_eq!(assigned["assignee_id"], json!(app.org.owner_id));
        assert_eq!(assigned["previous"]["assignee_id"], Value::Null);
        assert_eq!(assigned["by"]["type"], "api_key");
        let updates = bodies_of(&all, "conversation.updated");
        let changes: Vec<&Value> = updates.iter().map(|u| &u["data"]["object"]["changes"]).collect();
        assert!(changes.contains(&&json!({"priority": "urgent", "assignee_id": app.org.owner_id})), "{changes:?}");
        assert!(changes.contains(&&json!({"status": "resolved"})), "{changes:?}");
        let reopened = updates
            .iter()
            .map(|u| &u["data"]["object"])
            .find(|o| o["changes"] == json!({"status": "open"}))
            .expect("the reopening told");
        assert_eq!((&reopened["by"]["type"], &reopened["status"]), (&json!("system"), &json!("open")));
        let resolved = &bodies_of(&all, "conversation.resolved")[0]["data"];
        assert_eq!(resolved["object"]["previous_status"], "open");
        assert_eq!(resolved["channel_id"], json!(ch.id));
        let template = &bodies_of(&all, "template.status")[0]["data"]["object"];
        assert_eq!(
            (&template["name"], &template["status"], &template["reason"], &template["template_id"]),
            (&json!("order_update"), &json!("REJECTED"), &json!("INVALID_FORMAT"), &json!("774411"))
        );
    }

    async fn a_meta_format_endpoint_gets_the_providers_exact_body_for_its_channels(app) {
        let (meta_addr, meta) = webhook_receiver(Vec::new()).await;
        let (std_addr, standard) = webhook_receiver(Vec::new()).await;
        let (ch, other) = (app.whatsapp_channel().await, app.whatsapp_channel().await);
        let (meta_id, secret) = endpoint(
            &app,
            meta_addr,
            json!({"format": "meta", "channel_ids": [ch.id], "description": "the old bot"}),
        )
        .await;
        endpoint(&app, std_addr, json!({})).await;
        let mut stream = Stream::open(&app.base_url, &app.org.key).await;

        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Where is my order?").await;
        sb.customer_writes(&other.phone_number_id, CUSTOMER, "Not for the bot").await;
        let review = template_review(&ch.waba_id, "APPROVED", "NONE");
        sb.webhook(&ch.phone_number_id, review, json!(true)).await;
        deliver(&app).await;

        // Exactly the bytes the provider posted to this channel's hook, in order.
        let sent: Vec<String> = sb
            .deliveries(&ch.phone_number_id)
            .await
            .iter()
            .map(|d| d["body"].as_str().expect("body").to_owned())
            .collect();
        assert_eq!(sent.len(), 2, "two webhooks to the bot's channel");
        let got = meta.lock().clone();
        let mut bodies: Vec<String> =
            got.iter().map(|(_, b)| String::from_utf8(b.clone()).unwrap()).collect();
        bodies.sort();
        let mut expected = sent.clone();
        expected.sort();
        assert_eq!(bodies, expected, "the raw bodies, nothing of the other channel");
        for (headers, body) in &got {
            assert_eq!(header(headers, "x-hub-signature-256"), hub_signature(&secret, body));
            assert_eq!(header(headers, "content-type"), "application/json");
            assert_eq!(header(headers, "webhook-signature"), "", "not the standard scheme");
        }
        // Through the same delivery log as every delivery.
        let log = app
            .get(&format!("/v1/webhook-endpoints/{meta_id}/deliveries"))
            .await
            .assert_status(200)
            .clone();
        let log = log["data"].as_array().unwrap();
        assert_eq!(log.len(), 2, "{log:?}");
        assert!(log.iter().all(|d| d["status"] == "succeeded" && d["attempts"] == 1), "{log:?}");

        // The standard endpoint and the stream never see the raw bodies.
        let standard_kinds = kinds(&standard);
        assert!(standard_kinds.contains(&"message.received".to_owned()));
        assert!(!standard_kinds.iter().any(|k| k.is_empty() || k == "provider.webhook"), "{standard_kinds:?}");
        let streamed: Vec<String> =
            stream.drain(Duration::from_secs(2)).await.into_iter().map(|(k, _)| k).collect();
        assert!(streamed.contains(&"message.received".to_owned()), "{streamed:?}");
        assert!(!streamed.iter().any(|k| k == "provider.webhook"), "{streamed:?}");
    }
}
