//! Twilio SMS and WhatsApp-through-Twilio end to end, on SQLite and PostgreSQL: a customer writes
//! through the sandbox (a signed form webhook, answered with empty TwiML after the commit), the
//! hub stores it, an agent's reply goes out through `POST /v1/messages` and the dispatcher, and the
//! sandbox's signed status callbacks move it to delivered (and read on WhatsApp). STOP records the
//! opt-out in the contact's consent; Twilio's 21610 is mirrored there too; forged webhooks are
//! refused with nothing stored.

mod media_support;
mod outbound_support;

use media_support::{Part, id_of, png, upload};
use outbound_support::wait_for_status;
use serde_json::{Value, json};
use switchboard_test_support::{TestApp, TwilioFixture, both_backends};

const CUSTOMER: &str = "+447700900123";
const EMPTY_TWIML: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#;

/// The customer writes `body`; the hub must have taken it (200, empty TwiML).
async fn customer_writes(app: &TestApp, ch: &TwilioFixture, body: &str, channel: &str) -> Value {
    let answer = app
        .sandbox()
        .await
        .twilio_inbound(json!({
            "account_sid": ch.account_sid, "from": CUSTOMER, "body": body, "channel": channel,
            "profile_name": "Ada",
        }))
        .await;
    assert_eq!(answer["status"], 200, "{answer}");
    assert_eq!(answer["content_type"], "text/xml", "{answer}");
    assert_eq!(answer["answer"], EMPTY_TWIML);
    answer
}

/// The conversations of the channel, newest first.
async fn conversations(app: &TestApp, ch: &TwilioFixture) -> Vec<Value> {
    let page = app
        .get("/v1/conversations")
        .await
        .assert_status(200)
        .clone();
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["channel_id"] == ch.id.to_string())
        .cloned()
        .collect()
}

async fn messages_of(app: &TestApp, conversation: &str) -> Vec<Value> {
    let page = app
        .get(&format!("/v1/conversations/{conversation}/messages"))
        .await
        .assert_status(200)
        .clone();
    page["data"].as_array().unwrap().clone()
}

async fn reply(app: &TestApp, ch: &TwilioFixture, to: &str, content: Value) -> String {
    let res = app
        .post_json(
            "/v1/messages",
            json!({"from": ch.id, "to": to, "content": content}),
        )
        .await;
    let sent = res.assert_status(202).clone();
    sent["messageId"].as_str().expect("messageId").to_owned()
}

both_backends! {
    async fn an_sms_conversation_runs_both_ways_with_statuses(app) {
        let ch = app.twilio_channel("twilio_sms").await;
        let inbound = customer_writes(&app, &ch, "Where is my order?", "sms").await;
        let convs = conversations(&app, &ch).await;
        assert_eq!(convs.len(), 1, "{convs:?}");
        let conversation = convs[0]["id"].as_str().unwrap().to_owned();
        let stored = messages_of(&app, &conversation).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0]["direction"], "inbound");
        assert_eq!(stored[0]["text"], "Where is my order?");
        assert_eq!(stored[0]["provider_message_id"], inbound["message_sid"]);

        let id = reply(&app, &ch, CUSTOMER, json!({"type": "text", "body": "It ships today."})).await;
        assert!(app.run_pending_jobs().await >= 1);
        let outbox = app.sandbox().await.twilio_outbox(&ch.account_sid).await;
        assert_eq!(outbox.len(), 1, "{outbox:?}");
        let sent = &outbox[0]["resource"];
        assert_eq!((sent["to"].as_str(), sent["from"].as_str()), (Some(CUSTOMER), Some(ch.phone_number.as_str())));
        assert_eq!(sent["body"], "It ships today.");
        assert_eq!(outbox[0]["status_callback"], ch.hook_url.as_str());

        let delivered = wait_for_status(&app, &id, "delivered").await;
        assert_eq!(delivered["provider_message_id"], sent["sid"]);
        assert_eq!(delivered["send_notes"], json!({"sms_segments": 1, "sms_encoding": "gsm7"}));
        assert!(delivered["sent_at"].is_string() && delivered["delivered_at"].is_string(), "{delivered}");
        assert_eq!(delivered["conversation_id"], conversation.as_str());
        // Every callback the hub got was accepted (queued is acknowledged and changes nothing).
        let callbacks = app.sandbox().await.twilio_callbacks(&ch.account_sid).await;
        assert!(callbacks.iter().all(|c| c["status"] == 200), "{callbacks:?}");
        app.assert_tenant_isolation().await;
    }

    async fn whatsapp_through_twilio_runs_both_ways_up_to_read(app) {
        let ch = app.twilio_channel("twilio_whatsapp").await;
        customer_writes(&app, &ch, "Hola", "whatsapp").await;
        let convs = conversations(&app, &ch).await;
        assert_eq!(convs.len(), 1, "{convs:?}");
        let id = reply(&app, &ch, "447700900123", json!({"type": "reply_buttons", "body": "Which size?",
            "buttons": [{"id": "s", "title": "Small"}, {"id": "l", "title": "Large"}]})).await;
        app.run_pending_jobs().await;
        let outbox = app.sandbox().await.twilio_outbox(&ch.account_sid).await;
        assert_eq!(outbox[0]["resource"]["to"], "whatsapp:+447700900123");
        assert_eq!(outbox[0]["resource"]["body"], "Which size?\n\n1. Small\n2. Large");
        let read = wait_for_status(&app, &id, "read").await;
        assert_eq!(read["conversation_id"], convs[0]["id"]);
        // The downgrade is on the message, for agents and API clients to see.
        assert_eq!(read["send_notes"]["downgraded"], "reply_buttons sent as numbered text", "{read}");
        assert_eq!(read["content"]["type"], "reply_buttons", "what was asked for is kept");
    }

    async fn a_failed_delivery_carries_twilios_code(app) {
        let ch = app.twilio_channel("twilio_sms").await;
        let id = reply(&app, &ch, "+447700900999", json!({"type": "text", "body": "hello?"})).await;
        app.run_pending_jobs().await;
        let failed = wait_for_status(&app, &id, "failed").await;
        assert_eq!(failed["error"]["code"], "recipient_unreachable", "{failed}");
        assert_eq!(failed["error"]["provider_code"], "30003");
    }

    async fn stop_opts_out_and_twilios_block_is_mirrored(app) {
        let ch = app.twilio_channel("twilio_sms").await;
        customer_writes(&app, &ch, "Hi", "sms").await;
        customer_writes(&app, &ch, "STOP", "sms").await;
        let convs = conversations(&app, &ch).await;
        let conversation = convs[0]["id"].as_str().unwrap().to_owned();
        let stored = messages_of(&app, &conversation).await;
        assert_eq!(stored.len(), 2, "the keyword is stored as a message too");
        let contact = stored[0]["contact_id"].as_str().unwrap().to_owned();
        let consent = app.get(&format!("/v1/contacts/{contact}/consent")).await.assert_status(200).clone();
        let sms = consent["data"].as_array().unwrap().iter().find(|c| c["channel_kind"] == "sms")
            .cloned().unwrap_or_else(|| panic!("{consent}"));
        assert!(sms["opted_out_at"].is_string(), "{sms}");
        assert_eq!(sms["opt_out_source"], "keyword");

        // Twilio blocks the pair: the send fails with 21610, and the contact stays opted out.
        let id = reply(&app, &ch, CUSTOMER, json!({"type": "text", "body": "One more thing"})).await;
        app.run_pending_jobs().await;
        let failed = wait_for_status(&app, &id, "failed").await;
        assert_eq!(failed["error"]["code"], "recipient_opted_out", "{failed}");
        assert_eq!(failed["error"]["provider_code"], "21610");

        customer_writes(&app, &ch, "start", "sms").await;
        let consent = app.get(&format!("/v1/contacts/{contact}/consent")).await.assert_status(200).clone();
        let sms = consent["data"].as_array().unwrap().iter().find(|c| c["channel_kind"] == "sms").cloned().unwrap();
        assert_eq!(sms["opt_in_source"], "keyword", "{sms}");
    }

    async fn files_go_to_twilio_as_signed_public_links(app) {
        let ch = app.twilio_channel("twilio_sms").await;
        let bytes = png(2048);
        let up = upload(&app, &[
            Part::Text("channel_id", &ch.id.to_string()),
            Part::File("file", "receipt.png", "image/png", &bytes),
        ]).await;
        let media = id_of(up.assert_status(201));
        let id = reply(&app, &ch, CUSTOMER, json!({"type": "image", "media_id": media, "caption": "Your receipt"})).await;
        app.run_pending_jobs().await;
        let outbox = app.sandbox().await.twilio_outbox(&ch.account_sid).await;
        assert_eq!(outbox.len(), 1, "{outbox:?}");
        let link = outbox[0]["media_urls"][0].as_str().expect("a MediaUrl").to_owned();
        assert!(link.starts_with(&format!("{}/media/{media}?", app.base_url)), "{link}");
        assert_eq!(outbox[0]["resource"]["body"], "Your receipt");
        // Twilio fetches it without credentials, as anyone holding the link may.
        let fetched = reqwest::get(&link).await.expect("fetch");
        assert_eq!(fetched.status(), 200);
        assert_eq!(&fetched.bytes().await.unwrap()[..], &bytes[..]);
        wait_for_status(&app, &id, "delivered").await;
    }

    async fn forged_webhooks_are_refused_and_nothing_is_stored(app) {
        let ch = app.twilio_channel("twilio_sms").await;
        for signing in ["bad", "none"] {
            let answer = app.sandbox().await.twilio_inbound(json!({
                "account_sid": ch.account_sid, "from": CUSTOMER, "body": "let me in", "signing": signing,
            })).await;
            assert_eq!(answer["status"], 401, "{signing}: {answer}");
            let problem: Value = serde_json::from_str(answer["answer"].as_str().unwrap()).unwrap();
            assert_eq!(problem["code"], "webhook_signature_invalid");
        }
        assert!(conversations(&app, &ch).await.is_empty());
    }
}
