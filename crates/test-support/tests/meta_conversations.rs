//! Messenger and Instagram end to end through real HTTP with the in-process sandbox: a customer
//! writes (the sandbox signs Meta's `page` / `instagram` webhook), the message is stored; a reply
//! through `POST /v1/messages` reaches the sandbox's Send API, and its delivery and read
//! watermarks move the reply to `read`. The 24-hour window is refused before queueing.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchboard_domain::{MessageId, OrgId};
use switchboard_test_support::{TestApp, both_backends};

const PSID: &str = "24000000000001";

/// The only conversation of the channel.
async fn conversation(app: &TestApp, channel: uuid::Uuid) -> Value {
    let list = app
        .get(&format!("/v1/conversations?channel={channel}"))
        .await
        .assert_status(200)
        .clone();
    let data = list["data"].as_array().cloned().unwrap_or_default();
    let [one] = data.as_slice() else {
        panic!("one conversation: {list}")
    };
    one.clone()
}

async fn messages(app: &TestApp, conversation: &str) -> Vec<Value> {
    let page = app
        .get(&format!("/v1/conversations/{conversation}/messages"))
        .await
        .assert_status(200)
        .clone();
    page["data"].as_array().cloned().unwrap_or_default()
}

async fn wait_for_status(app: &TestApp, id: &str, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let m = app
            .get(&format!("/v1/messages/{id}"))
            .await
            .assert_status(200)
            .clone();
        if m["status"] == status {
            return m;
        }
        assert!(Instant::now() < deadline, "never reached {status}: {m}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn reply(app: &TestApp, from: uuid::Uuid, body: Value) -> Value {
    app.post_json(
        "/v1/messages",
        body.as_object()
            .map(|b| {
                let mut b = b.clone();
                b.insert("from".into(), json!(from));
                b.insert("to".into(), json!(PSID));
                Value::Object(b)
            })
            .unwrap(),
    )
    .await
    .assert_status(202)
    .clone()
}

both_backends! {
    async fn a_messenger_conversation_both_ways_with_watermarks(app) {
        let ch = app.messenger_channel().await;
        let sb = app.sandbox().await;
        let wrote = sb.meta_inbound(json!({"account_id": ch.account_id, "from": PSID,
            "message": {"text": "Is my order on its way?"}}), 200).await;
        let mid = wrote["mid"].as_str().expect("mid");

        let conv = conversation(&app, ch.id).await;
        let conv_id = conv["id"].as_str().expect("id").to_owned();
        let msgs = messages(&app, &conv_id).await;
        let [m] = msgs.as_slice() else { panic!("one message: {msgs:?}") };
        assert_eq!(m["direction"], "inbound");
        assert_eq!(m["provider_message_id"], mid);
        assert_eq!(m["content"], json!({"type": "text", "body": "Is my order on its way?"}));

        // A quick-reply answer and a postback are button replies.
        sb.meta_inbound(json!({"account_id": ch.account_id, "from": PSID,
            "message": {"text": "Yes", "quick_reply": {"payload": "CONFIRM"}}}), 200).await;
        sb.meta_inbound(json!({"account_id": ch.account_id, "from": PSID,
            "postback": {"mid": "m_pb1", "title": "Track", "payload": "TRACK"}}), 200).await;
        let msgs = messages(&app, &conv_id).await;
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert_eq!(msgs[1]["content"], json!({"type": "button_reply", "id": "CONFIRM", "title": "Yes"}));
        assert_eq!(msgs[2]["content"]["id"], "TRACK");

        let sent = reply(&app, ch.id, json!({"content": {"type": "reply_buttons", "body": "Track it?",
            "buttons": [{"id": "yes", "title": "Yes"}, {"id": "no", "title": "No"}]}})).await;
        let id = sent["messageId"].as_str().expect("messageId").to_owned();
        assert!(app.run_pending_jobs().await >= 1);
        let outbox = sb.meta_outbox(&ch.account_id).await;
        let [out] = outbox.as_slice() else { panic!("one send: {outbox:?}") };
        assert_eq!(out["body"]["messaging_type"], "RESPONSE");
        assert_eq!(out["body"]["recipient"]["id"], PSID);
        assert_eq!(out["body"]["message"]["quick_replies"][0]["payload"], "yes");
        assert_eq!(out["body"]["message"]["metadata"], id.as_str());
        let after = app.get(&format!("/v1/messages/{id}")).await.assert_status(200).clone();
        assert_eq!(after["provider_message_id"], out["id"]);

        // Delivery, then read watermark: the reply ends read, with both timestamps.
        let read = wait_for_status(&app, &id, "read").await;
        assert!(read["delivered_at"].is_string() && read["read_at"].is_string(), "{read}");

        app.assert_tenant_isolation().await;
    }

    async fn an_instagram_conversation_both_ways(app) {
        let ch = app.instagram_channel().await;
        let sb = app.sandbox().await;
        let wrote = sb.meta_inbound(json!({"account_id": ch.account_id, "from": PSID,
            "message": {"text": "Love the new drop ✨", "attachments": [
                {"type": "image", "payload": {"data_base64": "aGVsbG8gbWVkaWE=", "mime_type": "image/png"}}]}}), 200).await;
        assert!(wrote["mid"].is_string());
        let conv = conversation(&app, ch.id).await;
        let msgs = messages(&app, conv["id"].as_str().expect("id")).await;
        assert_eq!(msgs[0]["kind"], "image", "{msgs:?}");
        assert_eq!(msgs[0]["text"], "Love the new drop ✨", "the text rides as the caption");

        // The attachment URL expires at Meta: the hub fetches the bytes at once and keeps them.
        let org = OrgId(app.org.id);
        let message = MessageId(msgs[0]["id"].as_str().unwrap().parse().unwrap());
        app.run_pending_jobs().await;
        let rows = app.store.media_of_messages(org, &[message]).await.expect("media rows");
        let [row] = rows.as_slice() else { panic!("one media row: {rows:?}") };
        assert_eq!((row.mime.as_str(), row.size), ("image/png", 11));

        let sent = reply(&app, ch.id, json!({"content": {"type": "text", "body": "Thank you! ❤️"}})).await;
        let id = sent["messageId"].as_str().expect("messageId").to_owned();
        app.run_pending_jobs().await;
        let outbox = sb.meta_outbox(&ch.account_id).await;
        assert_eq!(outbox.len(), 1, "{outbox:?}");
        assert_eq!(outbox[0]["body"]["message"]["text"], "Thank you! ❤️");
        // Instagram reports no deliveries: the seen event (a mid) moves it straight to read.
        let read = wait_for_status(&app, &id, "read").await;
        assert!(read["read_at"].is_string(), "{read}");

        // Instagram text is at most 1000 bytes: refused by the connector, not queued for ever.
        let long = "é".repeat(600);
        let sent = reply(&app, ch.id, json!({"content": {"type": "text", "body": long}})).await;
        app.run_pending_jobs().await;
        let failed = wait_for_status(&app, sent["messageId"].as_str().unwrap(), "failed").await;
        assert_eq!(failed["error"]["code"], "invalid_content", "{failed}");

        app.assert_tenant_isolation().await;
    }

    async fn edits_and_deletions_are_shown_on_their_message(app) {
        let ch = app.messenger_channel().await;
        let sb = app.sandbox().await;
        let wrote = sb.meta_inbound(json!({"account_id": ch.account_id, "from": PSID,
            "message": {"text": "Deliver on Monday"}}), 200).await;
        let mid = wrote["mid"].as_str().expect("mid").to_owned();
        let edit = json!({"account_id": ch.account_id, "from": PSID,
            "message_edit": {"mid": mid, "text": "Deliver on Tuesday", "num_edit": 1}});
        sb.meta_inbound(edit.clone(), 200).await;
        // Meta redelivers: the same edit is recorded once.
        sb.meta_inbound(edit, 200).await;
        sb.meta_inbound(json!({"account_id": ch.account_id, "from": PSID,
            "message": {"mid": mid, "is_deleted": true}}), 200).await;

        let conv = conversation(&app, ch.id).await;
        let msgs = messages(&app, conv["id"].as_str().expect("id")).await;
        let kinds: Vec<&str> = msgs.iter().filter_map(|m| m["kind"].as_str()).collect();
        assert_eq!(kinds, ["text", "system", "system"], "{msgs:?}");
        let original = &msgs[0];
        assert_eq!(original["text"], "Deliver on Monday", "the content stays as received");
        let revisions = original["revisions"].as_array().expect("revisions");
        assert_eq!(revisions.len(), 2, "{original}");
        assert_eq!(revisions[0]["text"], "Deliver on Tuesday");
        assert_eq!(revisions[0]["deleted"], false);
        assert_eq!(revisions[1]["deleted"], true);
        assert!(revisions[1].get("text").is_none(), "{original}");
        assert_eq!(msgs[1]["reply_to"], mid.as_str());
        assert_eq!(msgs[2]["content"]["kind"], "message_deleted");

        app.assert_tenant_isolation().await;
    }

    async fn the_window_is_refused_before_queueing_and_a_tag_opens_it(app) {
        let ch = app.messenger_channel().await;
        let sb = app.sandbox().await;
        let two_days_ago = (time::OffsetDateTime::now_utc() - time::Duration::days(2)).unix_timestamp() * 1000;
        sb.meta_inbound(json!({"account_id": ch.account_id, "from": PSID, "timestamp_ms": two_days_ago,
            "message": {"text": "Hello?"}}), 200).await;

        let res = app.post_json("/v1/messages", json!({"from": ch.id, "to": PSID,
            "content": {"type": "text", "body": "Sorry for the wait"}})).await;
        let p = res.assert_problem(422, "window_closed").clone();
        assert_eq!(p["allowed_tag"], "human_agent", "{p}");
        assert!(p["detail"].as_str().is_some_and(|d| d.contains("human_agent")), "{p}");
        assert_eq!(sb.meta_outbox(&ch.account_id).await.len(), 0, "nothing queued or sent");

        let res = app.post_json("/v1/messages", json!({"from": ch.id, "to": PSID, "tag": "vip",
            "content": {"type": "text", "body": "x"}})).await;
        res.assert_problem(422, "invalid_tag");

        let sent = reply(&app, ch.id, json!({"tag": "human_agent",
            "content": {"type": "text", "body": "Sorry for the wait"}})).await;
        app.run_pending_jobs().await;
        let outbox = sb.meta_outbox(&ch.account_id).await;
        assert_eq!(outbox.len(), 1, "{outbox:?}");
        assert_eq!(outbox[0]["body"]["messaging_type"], "MESSAGE_TAG");
        assert_eq!(outbox[0]["body"]["tag"], "HUMAN_AGENT");
        wait_for_status(&app, sent["messageId"].as_str().unwrap(), "read").await;
    }

    async fn provider_errors_fail_the_message_with_stable_codes(app) {
        let ch = app.messenger_channel().await;
        let sb = app.sandbox().await;
        sb.meta_inbound(json!({"account_id": ch.account_id, "from": PSID, "message": {"text": "hi"}}), 200).await;
        for (code, subcode, expected) in [
            (10, Some(2_018_278), "window_closed"),
            (100, Some(2_018_001), "invalid_recipient"),
            (551, None, "recipient_unavailable"),
        ] {
            sb.meta_fault(&ch.account_id, code, subcode).await;
            let sent = reply(&app, ch.id, json!({"content": {"type": "text", "body": "x"}})).await;
            app.run_pending_jobs().await;
            let failed = wait_for_status(&app, sent["messageId"].as_str().unwrap(), "failed").await;
            assert_eq!(failed["error"]["code"], expected, "{failed}");
            assert_eq!(failed["error"]["provider_code"], code.to_string(), "{failed}");
        }
    }

    async fn bad_signatures_and_other_pages_store_nothing(app) {
        let ch = app.messenger_channel().await;
        let sb = app.sandbox().await;
        for signing in ["bad", "unsigned"] {
            sb.meta_inbound(json!({"account_id": ch.account_id, "from": PSID, "signing": signing,
                "message": {"text": "forged"}}), 401).await;
        }
        let list = app.get(&format!("/v1/conversations?channel={}", ch.id)).await.assert_status(200).clone();
        assert_eq!(list["data"].as_array().map(Vec::len), Some(0), "{list}");
    }
}
