//! The inbound pipeline end to end through real HTTP with the in-process sandbox: a customer
//! writes in, the sandbox posts Meta's signed webhook to `/hooks/{channel_id}`, and the contact,
//! its identity, the conversation and the message exist; redeliveries store nothing twice; a
//! batch with a bad piece keeps the good ones.

mod inbound_support;

use inbound_support::{
    CUSTOMER, Sandbox, conversations, envelope, messages, post_hook, text_message,
};
use serde_json::{Value, json};
use switchboard_test_support::both_backends;

both_backends! {
    async fn a_customer_writes_in_and_contact_conversation_and_message_appear(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        let wamid = sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Where is my order?").await;

        let convs = conversations(&app, ch.id).await;
        let [conv] = convs.as_slice() else { panic!("one conversation: {convs:?}") };
        assert_eq!(conv["status"], "open");
        let one = app
            .get(&format!("/v1/conversations/{}", conv["id"].as_str().expect("id")))
            .await
            .assert_status(200)
            .clone();
        assert!(one["window_open_until"].is_string(), "the customer opened the window: {one}");
        let contact_id = conv["contact_id"].as_str().expect("contact_id");

        let contact = app.get(&format!("/v1/contacts/{contact_id}")).await.assert_status(200).clone();
        assert_eq!(contact["phone"], format!("+{CUSTOMER}"), "{contact}");
        let identities = app
            .get(&format!("/v1/contacts/{contact_id}/identities"))
            .await
            .assert_status(200)
            .clone();
        let identities = identities["data"].as_array().or(identities.as_array()).cloned().unwrap_or_default();
        let [identity] = identities.as_slice() else { panic!("one identity: {identities:?}") };
        assert_eq!(identity["address"], CUSTOMER);
        assert_eq!(identity["profile_name"], "Ada Lovelace");
        assert_eq!(identity["channel_id"].as_str(), Some(ch.id.to_string().as_str()));

        let msgs = messages(&app, conv["id"].as_str().expect("id")).await;
        let [m] = msgs.as_slice() else { panic!("one message: {msgs:?}") };
        assert_eq!(m["direction"], "inbound");
        assert_eq!(m["status"], "received");
        assert_eq!(m["kind"], "text");
        assert_eq!(m["text"], "Where is my order?");
        assert_eq!(m["content"], json!({"type": "text", "body": "Where is my order?"}));
        assert_eq!(m["provider_message_id"], wamid.as_str());

        // The second message joins the same conversation; an image keeps its caption as text.
        sb.customer_sends(&ch.phone_number_id, CUSTOMER, json!({
            "type": "image",
            "image": {"data_base64": "aGVsbG8=", "mime_type": "image/png", "caption": "Receipt"},
        })).await;
        assert_eq!(conversations(&app, ch.id).await.len(), 1);
        let msgs = messages(&app, conv["id"].as_str().expect("id")).await;
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert_eq!(msgs[1]["kind"], "image");
        assert_eq!(msgs[1]["text"], "Receipt");
        assert_eq!(msgs[1]["content"]["type"], "media");
        assert_eq!(msgs[1]["content"]["mime_type"], "image/png");

        // A verified inbound proves the channel's webhook side works.
        let channel = app.get(&format!("/v1/channels/{}", ch.id)).await.assert_status(200).clone();
        assert_eq!(channel["status"], "active", "{channel}");

        app.assert_tenant_isolation().await;
    }

    async fn the_same_webhook_twice_stores_one_message(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hello?").await;
        let sent = sb.deliveries(&ch.phone_number_id).await;
        let first = sent.last().expect("a delivery").clone();

        // The provider delivers the same bytes with the same signature again.
        let body = first["body"].as_str().expect("body");
        let signature = first["signature"].as_str().expect("signature");
        let again = post_hook(&app, ch.id, body, Some(signature)).await;
        let report = again.assert_status(200).clone();
        assert_eq!(report["stored"], 0, "{report}");
        assert_eq!(report["duplicates"], 1, "{report}");

        // And the sandbox replays it once more, through its own delivery path.
        let replay = sb
            .control(
                reqwest::Method::POST,
                &format!("/sandbox/v1/deliveries/{}/replay", first["id"].as_str().expect("id")),
                None,
            )
            .await;
        let replayed = sb.first_attempt(replay["delivery_id"].as_str().expect("delivery_id")).await;
        assert_eq!(replayed["attempts"][0]["status"], 200);

        let convs = conversations(&app, ch.id).await;
        assert_eq!(convs.len(), 1);
        let msgs = messages(&app, convs[0]["id"].as_str().expect("id")).await;
        assert_eq!(msgs.len(), 1, "one message after three deliveries: {msgs:?}");
    }

    async fn a_batch_with_a_bad_piece_stores_the_good_ones(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        let broken = json!({"from": CUSTOMER, "timestamp": "1763870400", "type": "text"});
        let bad_sender = json!({
            "from": "12", "id": "wamid.bad-sender", "timestamp": "1763870400", "type": "text",
            "text": {"body": "from nowhere"},
        });
        let payload = envelope(&ch.phone_number_id, vec![
            text_message("wamid.good-1", "first"),
            broken,
            bad_sender,
            text_message("wamid.good-2", "second"),
        ]);
        let delivery = sb.webhook(&ch.phone_number_id, payload, Value::Bool(true)).await;
        assert_eq!(delivery["attempts"][0]["status"], 200, "{delivery}");

        let convs = conversations(&app, ch.id).await;
        assert_eq!(convs.len(), 1, "{convs:?}");
        let msgs = messages(&app, convs[0]["id"].as_str().expect("id")).await;
        let ids: Vec<&str> = msgs.iter().filter_map(|m| m["provider_message_id"].as_str()).collect();
        assert_eq!(ids, ["wamid.good-1", "wamid.good-2"]);

        // The hub's own answer says what it kept and what it skipped.
        let body = delivery["body"].as_str().expect("body");
        let signature = delivery["signature"].as_str().expect("signature");
        let report = post_hook(&app, ch.id, body, Some(signature)).await.assert_status(200).clone();
        assert_eq!(report["duplicates"], 2, "{report}");
        assert_eq!(report["skipped"], 2, "{report}");
    }
}
