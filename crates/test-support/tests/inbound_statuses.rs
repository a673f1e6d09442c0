//! Status webhooks end to end: statuses for an outbound message arrive from the sandbox in any
//! order (read before delivered before sent, repeats, a late failure) and the message ends at
//! `read` with every timestamp kept; a status that races ahead of the dispatcher's receipt waits
//! and is applied when the receipt is recorded; another organization's hook changes nothing here.

mod inbound_support;

use inbound_support::{CUSTOMER, Sandbox, conversations, envelope, post_hook, text_message};
use serde_json::{Value, json};
use switchboard_domain::{ChannelId, MessageId, MessageStatus, OrgId, Sender};
use switchboard_store::{Effects, OutboundRequest};
use switchboard_test_support::{TestApp, both_backends};
use uuid::Uuid;

/// An outbound message as the send path stores it, handed to the provider as `wamid`.
async fn outbound(app: &TestApp, channel: Uuid, wamid: Option<&str>) -> MessageId {
    let org = OrgId(app.org.id);
    let id = MessageId::new();
    let request = OutboundRequest {
        id,
        channel_id: ChannelId(channel),
        to: CUSTOMER.to_owned(),
        kind: "text".to_owned(),
        content: json!({"type": "text", "body": "Your order ships today."}),
        text: Some("Your order ships today.".to_owned()),
        reply_to: None,
        sender: Sender::System,
        created_at: switchboard_domain::now(),
    };
    app.store
        .accept_outbound(org, &request, &Effects::none())
        .await
        .expect("accept");
    if let Some(wamid) = wamid {
        app.store
            .record_receipt(org, id, wamid, switchboard_domain::now())
            .await
            .expect("receipt");
    }
    id
}

async fn message(app: &TestApp, id: MessageId) -> Value {
    app.get(&format!("/v1/messages/{}", id.0))
        .await
        .assert_status(200)
        .clone()
}

both_backends! {
    async fn statuses_in_any_order_end_at_read_with_every_timestamp(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        let id = outbound(&app, ch.id, Some("wamid.out-1")).await;
        let t0 = time::OffsetDateTime::now_utc().unix_timestamp();

        for (status, at) in [("read", t0 + 3), ("delivered", t0 + 2), ("read", t0 + 3), ("sent", t0 + 1)] {
            let d = sb.status(&ch.phone_number_id, "wamid.out-1", status, at).await;
            assert_eq!(d["attempts"][0]["status"], 200, "{status}: {d}");
        }
        let m = message(&app, id).await;
        assert_eq!(m["status"], "read", "{m}");
        for key in ["sent_at", "delivered_at", "read_at"] {
            assert!(m[key].is_string(), "{key} kept: {m}");
        }
        // A late failure report does not undo a read message.
        let d = sb.status(&ch.phone_number_id, "wamid.out-1", "failed", t0 + 4).await;
        assert_eq!(d["attempts"][0]["status"], 200);
        assert_eq!(message(&app, id).await["status"], "read");
    }

    async fn a_failure_keeps_the_providers_code_and_a_stable_one(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        let id = outbound(&app, ch.id, Some("wamid.out-f")).await;
        let body = json!({
            "phone_number_id": ch.phone_number_id, "message_id": "wamid.out-f",
            "recipient": CUSTOMER, "status": "failed", "error_code": 131047,
        });
        let answer = sb.control(reqwest::Method::POST, "/sandbox/v1/statuses", Some(body)).await;
        sb.first_attempt(answer["delivery_id"].as_str().expect("delivery_id")).await;
        let m = message(&app, id).await;
        assert_eq!(m["status"], "failed", "{m}");
        assert_eq!(m["error"]["code"], "window_closed", "{m}");
        assert_eq!(m["error"]["provider_code"], "131047", "{m}");
        assert!(m["failed_at"].is_string(), "{m}");
    }

    async fn a_status_before_the_receipt_waits_for_it(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        let t0 = time::OffsetDateTime::now_utc().unix_timestamp();
        // The webhook raced the dispatcher: the provider id is not known yet.
        let d = sb.status(&ch.phone_number_id, "wamid.early", "delivered", t0).await;
        assert_eq!(d["attempts"][0]["status"], 200, "kept for later, not refused: {d}");
        let report = post_hook(
            &app,
            ch.id,
            d["body"].as_str().expect("body"),
            d["signature"].as_str(),
        )
        .await
        .assert_status(200)
        .clone();
        assert_eq!(report["statuses_pending"], 1, "{report}");

        let id = outbound(&app, ch.id, None).await;
        assert_eq!(message(&app, id).await["status"], "enqueued");
        let org = OrgId(app.org.id);
        let stored = app
            .store
            .record_receipt(org, id, "wamid.early", switchboard_domain::now())
            .await
            .expect("receipt");
        assert_eq!(stored.status, MessageStatus::Delivered, "the waiting status applied");
    }

    async fn a_hook_files_only_its_own_numbers_traffic_in_its_own_org(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "only for Acme").await;
        let convs = conversations(&app, ch.id).await;
        assert_eq!(convs.len(), 1);
        // Recorded for the isolation replay: the other organization gets 404 for it.
        app.get(&format!("/v1/conversations/{}", convs[0]["id"].as_str().expect("id")))
            .await
            .assert_status(200);

        let other = app.other_org().await.clone();
        let theirs = app
            .call(reqwest::Method::GET, "/v1/conversations")
            .bearer(&other.key)
            .send()
            .await;
        let theirs = theirs.assert_status(200).clone();
        assert_eq!(theirs["data"], json!([]), "the other organization sees nothing: {theirs}");

        // Correctly signed for this channel, but about another number: skipped, not filed here.
        let stranger = envelope("999999999999", vec![text_message("wamid.stranger", "hi")]);
        let d = sb.webhook(&ch.phone_number_id, stranger, Value::Bool(true)).await;
        assert_eq!(d["attempts"][0]["status"], 200, "{d}");
        let report = post_hook(&app, ch.id, d["body"].as_str().expect("body"), d["signature"].as_str())
            .await
            .assert_status(200)
            .clone();
        assert_eq!(report["skipped"], 1, "{report}");
        assert_eq!(report["stored"], 0, "{report}");
        assert_eq!(conversations(&app, ch.id).await.len(), 1);

        app.assert_tenant_isolation().await;
    }
}
