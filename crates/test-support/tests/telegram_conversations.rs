//! Telegram end to end through real HTTP with the in-process sandbox, on both backends: creating
//! the channel registers the hub's webhook with the bot; customers write (private chats and a
//! group) and the hub stores their messages; replies through `POST /v1/messages` reach the chat,
//! paced per chat; the secret token, unexpected updates, button taps, edits, flood control,
//! blocked users and bad credentials behave as PROVIDERS §3 says.

mod media_support;

use std::time::{Duration, Instant};

use media_support::{Part, png, upload};

use serde_json::{Value, json};
use switchboard_test_support::{TelegramFixture, TestApp, both_backends};

async fn conversations(app: &TestApp, channel: &TelegramFixture) -> Vec<Value> {
    let page = app
        .get(&format!("/v1/conversations?channel={}", channel.id))
        .await
        .assert_status(200)
        .clone();
    page["data"].as_array().cloned().unwrap_or_default()
}

async fn messages(app: &TestApp, conversation: &Value) -> Vec<Value> {
    let id = conversation["id"].as_str().expect("conversation id");
    let page = app
        .get(&format!("/v1/conversations/{id}/messages"))
        .await
        .assert_status(200)
        .clone();
    page["data"].as_array().cloned().unwrap_or_default()
}

/// Sends `content` to `to`; the message id.
async fn send(
    app: &TestApp,
    channel: &TelegramFixture,
    to: i64,
    content: Value,
    reply_to: Option<&str>,
) -> String {
    let mut body = json!({"from": channel.id, "to": to.to_string(), "content": content});
    if let Some(r) = reply_to {
        body["reply_to"] = json!(r);
    }
    let res = app.post_json("/v1/messages", body).await;
    res.assert_status(202)["messageId"]
        .as_str()
        .expect("messageId")
        .to_owned()
}

async fn message(app: &TestApp, id: &str) -> Value {
    app.get(&format!("/v1/messages/{id}"))
        .await
        .assert_status(200)
        .clone()
}

both_backends! {
    async fn a_private_chat_goes_both_ways(app) {
        let ch = app.telegram_channel().await;
        let sandbox = app.sandbox().await;
        let bot = sandbox.telegram_bot(ch.bot_id);
        // Creating the channel told the bot where to post, with the channel's secret.
        let info = bot.info().await;
        assert_eq!(info["webhook_url"], format!("{}/hooks/{}", app.base_url, ch.id));
        assert_eq!(info["webhook_secret_token"], ch.webhook_secret.as_str());
        let channel = app.get(&format!("/v1/channels/{}", ch.id)).await.assert_status(200).clone();
        assert_eq!(channel["status"], "active", "setWebhook proved the token: {channel}");

        let chat = bot.private_chat("Ada").await;
        let written = bot.customer_writes(chat, "Where is my order?").await;
        let convs = conversations(&app, &ch).await;
        let [conv] = convs.as_slice() else { panic!("one conversation: {convs:?}") };
        let msgs = messages(&app, conv).await;
        let [m] = msgs.as_slice() else { panic!("one message: {msgs:?}") };
        assert_eq!((m["direction"].as_str(), m["kind"].as_str()), (Some("inbound"), Some("text")));
        assert_eq!(m["text"], "Where is my order?");
        let pid = format!("{chat}:{}", written["message_id"]);
        assert_eq!(m["provider_message_id"], pid.as_str());

        // The same update again (Telegram redelivers) stores nothing twice.
        let raw = json!({"update_id": written["update_id"], "message": {"message_id": written["message_id"],
            "from": {"id": chat, "is_bot": false, "first_name": "Ada"},
            "chat": {"id": chat, "type": "private", "first_name": "Ada"}, "date": 1767225600, "text": "Where is my order?"}});
        assert_eq!(bot.update(json!({"raw": raw})).await["delivery_status"], 200);
        assert_eq!(messages(&app, conv).await.len(), 1);

        // The answer quotes the question and reaches the chat; Telegram's answer means `sent`.
        let id = send(&app, &ch, chat, json!({"type": "text", "body": "It ships today."}), Some(&pid)).await;
        app.run_jobs_until_idle().await;
        let sent = message(&app, &id).await;
        assert_eq!(sent["status"], "sent", "{sent}");
        let out = bot.outbox(chat).await;
        let [reply] = out.as_slice() else { panic!("one message in the chat: {out:?}") };
        assert_eq!(reply["text"], "It ships today.");
        assert_eq!(reply["reply_to_message"]["message_id"], written["message_id"]);
        assert_eq!(sent["provider_message_id"], format!("{chat}:{}", reply["message_id"]));
        assert_eq!(messages(&app, conv).await.len(), 2);

        app.assert_tenant_isolation().await;
    }

    async fn a_group_is_one_conversation_with_its_members_named(app) {
        let ch = app.telegram_channel().await;
        let bot = app.sandbox().await.telegram_bot(ch.bot_id);
        let group = bot.group("Acme buyers").await;
        for (id, name, text) in [(61, "Cy", "Hello bot"), (62, "Di", "Me too")] {
            let answer = bot.update(json!({"chat_id": group, "text": text,
                "from": {"id": 6_000_000_000_i64 + id, "first_name": name}})).await;
            assert_eq!(answer["delivery_status"], 200, "{answer}");
        }
        let convs = conversations(&app, &ch).await;
        let [conv] = convs.as_slice() else { panic!("one conversation for the group: {convs:?}") };
        let msgs = messages(&app, conv).await;
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0]["content"]["participant"]["name"], "Cy");
        assert_eq!(msgs[1]["content"]["participant"]["name"], "Di");
        assert_eq!(msgs[1]["content"]["participant"]["id"], "6000000062");

        let id = send(&app, &ch, group, json!({"type": "text", "body": "Welcome both"}), None).await;
        app.run_jobs_until_idle().await;
        assert_eq!(message(&app, &id).await["status"], "sent");
        let out = bot.outbox(group).await;
        assert_eq!(out.len(), 1);
        assert_eq!(out[0]["chat"]["title"], "Acme buyers");
    }

    async fn the_secret_token_is_checked_and_odd_updates_do_no_harm(app) {
        let ch = app.telegram_channel().await;
        let bot = app.sandbox().await.telegram_bot(ch.bot_id);
        let chat = bot.private_chat("Eve").await;
        for secret in ["wrong", "missing"] {
            let answer = bot.update(json!({"chat_id": chat, "text": "sneaky", "secret": secret})).await;
            assert_eq!(answer["delivery_status"], 401, "{secret}: {answer}");
        }
        assert!(conversations(&app, &ch).await.is_empty(), "nothing stored");
        // A hand-made request without the header is refused with a problem document.
        let res = reqwest::Client::new()
            .post(format!("{}/hooks/{}", app.base_url, ch.id))
            .json(&json!({"update_id": 1, "message": {"message_id": 1, "chat": {"id": chat, "type": "private"}, "date": 1767225600, "text": "x"}}))
            .send().await.expect("hub answers");
        assert_eq!(res.status(), 401);
        assert!(res.headers()["content-type"].to_str().unwrap_or_default().contains("problem+json"));

        // An update of a kind we do not read is answered 200 and stored nowhere...
        let poll = bot.update(json!({"raw": {"poll": {"id": "5", "question": "?", "options": []}}})).await;
        assert_eq!(poll["delivery_status"], 200, "{poll}");
        // ...a message we cannot read likewise...
        let broken = bot.update(json!({"raw": {"message": {"message_id": "x"}}})).await;
        assert_eq!(broken["delivery_status"], 200, "{broken}");
        // ...and a body that is not an Update at all is a 400.
        let res = reqwest::Client::new()
            .post(format!("{}/hooks/{}", app.base_url, ch.id))
            .header("X-Telegram-Bot-Api-Secret-Token", &ch.webhook_secret)
            .json(&json!({"hello": "world"}))
            .send().await.expect("hub answers");
        assert_eq!(res.status(), 400);
        // The good ones around them are stored.
        bot.customer_writes(chat, "the real one").await;
        let convs = conversations(&app, &ch).await;
        let [conv] = convs.as_slice() else { panic!("one conversation: {convs:?}") };
        let msgs = messages(&app, conv).await;
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0]["text"], "the real one");
    }

    async fn buttons_taps_edits_and_photos(app) {
        let ch = app.telegram_channel().await;
        let bot = app.sandbox().await.telegram_bot(ch.bot_id);
        let chat = bot.private_chat("Bo").await;
        let id = send(&app, &ch, chat, json!({"type": "reply_buttons", "body": "When shall we call?",
            "buttons": [{"id": "am", "title": "Morning"}, {"id": "pm", "title": "Afternoon"}]}), None).await;
        app.run_jobs_until_idle().await;
        assert_eq!(message(&app, &id).await["status"], "sent");
        let carrier = bot.outbox(chat).await[0]["message_id"].as_i64().expect("message id");
        let tap = bot.update(json!({"chat_id": chat, "callback": {"message_id": carrier, "data": "pm"}})).await;
        assert_eq!(tap["delivery_status"], 200);

        let written = bot.customer_writes(chat, "call me at 3").await;
        let edit = bot.update(json!({"chat_id": chat, "edit_of": written["message_id"], "text": "call me at 4"})).await;
        assert_eq!(edit["delivery_status"], 200);
        let photo = bot.update(json!({"chat_id": chat, "caption": "my receipt",
            "photo": {"data_base64": "aGVsbG8gcGhvdG8=", "mime_type": "image/jpeg"}})).await;
        assert_eq!(photo["delivery_status"], 200);
        app.run_jobs_until_idle().await;

        let convs = conversations(&app, &ch).await;
        let msgs = messages(&app, &convs[0]).await;
        let kinds: Vec<&str> = msgs.iter().filter_map(|m| m["kind"].as_str()).collect();
        assert_eq!(kinds, ["reply_buttons", "button_reply", "text", "system", "image"], "{msgs:?}");
        assert_eq!(msgs[1]["content"], json!({"type": "button_reply", "id": "pm", "title": "Afternoon"}));
        assert_eq!(msgs[3]["content"]["kind"], "message_edited");
        assert_eq!(msgs[3]["content"]["body"], "call me at 4");
        assert_eq!(msgs[3]["reply_to"], format!("{chat}:{}", written["message_id"]));
        // The edit is also shown on the message it changed; its content stays as first received.
        assert_eq!(msgs[2]["text"], "call me at 3");
        assert_eq!(msgs[2]["revisions"].as_array().map(Vec::len), Some(1), "{}", msgs[2]);
        assert_eq!(msgs[2]["revisions"][0]["text"], "call me at 4");
        assert_eq!(msgs[2]["revisions"][0]["deleted"], false);
        assert_eq!(msgs[0]["revisions"], json!([]));
        assert_eq!(msgs[4]["text"], "my receipt");

        // The tap was answered, so the customer's button stops spinning.
        let deadline = Instant::now() + Duration::from_secs(10);
        while bot.answered_callbacks().await.is_empty() {
            assert!(Instant::now() < deadline, "the tap was never answered");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The photo was downloaded through getFile and stored by the hub.
        assert!(msgs[4]["media"].is_object(), "{}", msgs[4]);
    }

    async fn failures_become_codes_and_throttles_wait(app) {
        let ch = app.telegram_channel().await;
        let bot = app.sandbox().await.telegram_bot(ch.bot_id);
        let chat = bot.private_chat("Fay").await;

        // Flood control with retry_after: the message waits and then goes, no attempt spent.
        bot.arm(json!({"method": "sendMessage", "error_code": 429, "retry_after": 1})).await;
        let id = send(&app, &ch, chat, json!({"type": "text", "body": "after the wait"}), None).await;
        app.run_jobs_until_idle().await;
        let m = message(&app, &id).await;
        assert_eq!(m["status"], "sent", "{m}");

        // A burst to one chat is spaced a second apart, so the sandbox never answers 429.
        let start = Instant::now();
        let ids = [
            send(&app, &ch, chat, json!({"type": "text", "body": "one"}), None).await,
            send(&app, &ch, chat, json!({"type": "text", "body": "two"}), None).await,
            send(&app, &ch, chat, json!({"type": "text", "body": "three"}), None).await,
            send(&app, &ch, chat, json!({"type": "text", "body": "four"}), None).await,
        ];
        app.run_jobs_until_idle().await;
        for id in &ids {
            assert_eq!(message(&app, id).await["status"], "sent");
        }
        assert!(start.elapsed() >= Duration::from_secs(2), "paced: {:?}", start.elapsed());
        assert_eq!(bot.outbox(chat).await.len(), 5);

        // Blocked by the user: failed with its own code, not retried.
        bot.update_chat(chat, json!({"blocked": true})).await;
        let id = send(&app, &ch, chat, json!({"type": "text", "body": "hello?"}), None).await;
        app.run_jobs_until_idle().await;
        let m = message(&app, &id).await;
        assert_eq!((m["status"].as_str(), m["error"]["code"].as_str()), (Some("failed"), Some("recipient_blocked")), "{m}");

        // A chat that does not exist.
        let id = send(&app, &ch, 777, json!({"type": "text", "body": "hi"}), None).await;
        app.run_jobs_until_idle().await;
        assert_eq!(message(&app, &id).await["error"]["code"], "invalid_recipient");

        // What Telegram cannot carry is refused at the API.
        let res = app.post_json("/v1/messages", json!({"from": ch.id, "to": chat.to_string(),
            "content": {"type": "template", "name": "x", "language": "en"}})).await;
        assert_eq!(res.status, 422, "{}", res.text);

        // A revoked token: the message fails and the channel shows the error.
        let other = bot.private_chat("Gus").await;
        bot.arm(json!({"error_code": 401, "description": "Unauthorized"})).await;
        let id = send(&app, &ch, other, json!({"type": "text", "body": "hi"}), None).await;
        app.run_jobs_until_idle().await;
        assert_eq!(message(&app, &id).await["error"]["code"], "provider_auth_failed");
        let channel = app.get(&format!("/v1/channels/{}", ch.id)).await.assert_status(200).clone();
        assert_eq!(channel["status"], "error", "{channel}");
        // The connection test (getMe, setWebhook) brings it back.
        let test = app.post_json(&format!("/v1/channels/{}/test", ch.id), json!({})).await;
        assert_eq!(test.assert_status(200)["ok"], true);
    }

    async fn a_regenerated_secret_is_registered_again(app) {
        let ch = app.telegram_channel().await;
        let bot = app.sandbox().await.telegram_bot(ch.bot_id);
        let res = app.post_json(&format!("/v1/channels/{}/regenerate-webhook-secret", ch.id), json!({})).await;
        let fresh = res.assert_status(200)["handoff"]["verify_token"].as_str().expect("new secret").to_owned();
        assert_ne!(fresh, ch.webhook_secret);
        assert_eq!(bot.info().await["webhook_secret_token"], fresh.as_str());
        let chat = bot.private_chat("Hal").await;
        bot.customer_writes(chat, "still reachable").await;
        assert_eq!(conversations(&app, &ch).await.len(), 1);
    }

    async fn a_hub_file_travels_with_the_message_once(app) {
        let ch = app.telegram_channel().await;
        let bot = app.sandbox().await.telegram_bot(ch.bot_id);
        let chat = bot.private_chat("Ivy").await;
        let up = upload(&app, &[Part::File("file", "r.png", "image/png", &png(300))]).await;
        let media_id = up.assert_status(201)["id"].as_str().expect("media id").to_owned();
        let first = send(&app, &ch, chat, json!({"type": "image", "media_id": media_id, "caption": "Your receipt"}), None).await;
        // The second is sent after the first went out: run concurrently, either could go first.
        app.run_jobs_until_idle().await;
        let second = send(&app, &ch, chat, json!({"type": "image", "media_id": media_id}), None).await;
        app.run_jobs_until_idle().await;
        for id in [&first, &second] {
            let m = message(&app, id).await;
            assert_eq!(m["status"], "sent", "{m}");
        }
        let out = bot.outbox(chat).await;
        assert_eq!(out.len(), 2);
        // The bytes went up once (multipart); the second send named Telegram's file_id.
        let largest = |m: &Value| m["photo"][1].clone();
        assert_eq!(largest(&out[0])["file_size"], 300, "{}", out[0]);
        assert_eq!(out[0]["caption"], "Your receipt");
        assert_eq!(largest(&out[0])["file_id"], largest(&out[1])["file_id"]);
    }

    async fn a_refused_registration_keeps_the_channel_in_error(app) {
        let sandbox = app.sandbox().await;
        let (bot_id, token) = sandbox.create_telegram_bot().await;
        let res = app.post_json("/v1/channels", json!({
            "name": "Wrong bot", "protocol": "telegram",
            "config": {"base_url": format!("{}/telegram", sandbox.base_url())},
            "secrets": {"bot_token": format!("{bot_id}:AAwrongwrongwrong")},
        })).await;
        let created = res.assert_status(201).clone();
        assert_eq!(created["status"], "error", "{created}");
        let error = created["last_error"].as_str().expect("last_error");
        assert!(error.contains("webhook registration failed") && error.contains("401"), "{error}");
        assert!(!res.text.contains("AAwrongwrongwrong"), "the token is never answered");
        assert!(sandbox.telegram_bot(bot_id).info().await["webhook_url"].is_null());
        // The right token published: registered, active.
        let path = format!("/v1/channels/{}", created["id"].as_str().expect("id"));
        app.patch_json(&path, json!({"secrets": {"bot_token": token}})).await.assert_status(200);
        let published = app.post_json(&format!("{path}/publish"), json!({})).await;
        assert_eq!(published.assert_status(200)["status"], "active");
        assert!(sandbox.telegram_bot(bot_id).info().await["webhook_url"].is_string());
    }
}
