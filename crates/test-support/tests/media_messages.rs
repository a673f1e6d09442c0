//! Media in messages end to end: an uploaded file sent by its Switchboard id reaches the sandbox
//! as an upload plus a message carrying the provider's media id, uploaded once per channel
//! however often it is sent; unknown, foreign or unfit media ids are refused at send; and a
//! customer's image ends up as a media row with a working link on the message.

mod inbound_support;
mod media_support;

use inbound_support::{CUSTOMER, Sandbox, conversations, messages};
use media_support::{Part, fetch, id_of, png, upload, webp};
use reqwest::Method;
use serde_json::{Value, json};
use switchboard_domain::{ChannelId, OrgId};
use switchboard_store::ProviderUpload;
use switchboard_test_support::{TestApp, both_backends};
use uuid::Uuid;

async fn send(app: &TestApp, from: Uuid, content: Value) -> switchboard_test_support::TestResponse {
    app.post_json(
        "/v1/messages",
        json!({"from": from, "to": CUSTOMER, "content": content}),
    )
    .await
}

/// What the number sent, oldest first.
async fn outbox(sb: &Sandbox, number: &str) -> Vec<Value> {
    let path = format!("/sandbox/v1/outbox?phone_number_id={number}");
    let list = sb.control(Method::GET, &path, None).await;
    list["data"].as_array().cloned().unwrap_or_default()
}

/// The sandbox's record of an uploaded file, asked with the number's token as Graph would be.
async fn provider_media(app: &TestApp, token: &str, id: &str) -> Value {
    let url = format!("{}/v21.0/{id}", app.sandbox().await.base_url());
    let res = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("sandbox");
    assert_eq!(res.status(), 200, "the sandbox has the upload");
    res.json().await.expect("media info")
}

both_backends! {
    async fn an_uploaded_image_is_sent_by_the_providers_id_and_uploaded_once(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Send me the receipt").await;
        let bytes = png(2048);
        let up = upload(&app, &[
            Part::Text("channel_id", &ch.id.to_string()),
            Part::File("file", "receipt.png", "image/png", &bytes),
        ]).await;
        let media = id_of(up.assert_status(201));

        let image = |caption: &str| json!({"type": "image", "media_id": media, "caption": caption});
        let first = send(&app, ch.id, image("First")).await;
        let first = first.assert_status(202)["messageId"].as_str().expect("id").to_owned();
        // Three more to three other customers, all before any dispatch: their dispatches run side
        // by side (one batch of jobs) and upload the file once between them.
        for (i, caption) in ["Again", "And again", "Last"].into_iter().enumerate() {
            let to = format!("44770090020{i}");
            sb.customer_writes(&ch.phone_number_id, &to, "Me too").await;
            let body = json!({"from": ch.id, "to": to, "content": image(caption)});
            app.post_json("/v1/messages", body).await.assert_status(202);
        }
        assert!(app.run_pending_jobs().await >= 4);
        let sent: Vec<Value> = outbox(&sb, &ch.phone_number_id).await.into_iter()
            .filter(|e| e["type"] == "image").collect();
        assert_eq!(sent.len(), 4, "{sent:?}");
        let provider_id = sent[0]["body"]["image"]["id"].as_str().expect("image id").to_owned();
        assert_ne!(provider_id, media, "the provider's id, not Switchboard's");
        for e in &sent {
            assert_eq!(e["body"]["image"]["id"], provider_id.as_str(), "uploaded once: {sent:?}");
        }
        let captions: Vec<&str> = sent.iter().filter_map(|e| e["body"]["image"]["caption"].as_str()).collect();
        assert!(captions.contains(&"First") && captions.contains(&"Last"), "{captions:?}");
        let info = provider_media(&app, &ch.access_token, &provider_id).await;
        assert_eq!(info["file_size"], 2048);
        assert_eq!(info["mime_type"], "image/png");

        // The stored message keeps what the client sent: Switchboard's id.
        let stored = app.get(&format!("/v1/messages/{first}")).await.assert_status(200).clone();
        assert_eq!(stored["content"]["media_id"], media.as_str());
        assert!(stored["provider_message_id"].is_string(), "{stored}");

        // A header's media is resolved the same way, from the same cached upload.
        send(&app, ch.id, json!({
            "type": "reply_buttons", "body": "Is this your receipt?",
            "header": {"type": "image", "media_id": media},
            "buttons": [{"id": "yes", "title": "Yes"}, {"id": "no", "title": "No"}],
        })).await.assert_status(202);
        assert!(app.run_pending_jobs().await >= 1);
        let buttons = outbox(&sb, &ch.phone_number_id).await.into_iter()
            .find(|e| e["type"] == "interactive").expect("the buttons were sent");
        assert_eq!(buttons["body"]["interactive"]["header"]["image"]["id"], provider_id.as_str());
    }

    async fn an_expired_provider_upload_is_uploaded_again(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        let up = upload(&app, &[Part::File("file", "r.png", "image/png", &png(300))]).await;
        let media = id_of(up.assert_status(201));
        // The provider forgot an earlier upload (WhatsApp keeps them 30 days).
        let now = switchboard_domain::now();
        let stale = ProviderUpload {
            media_id: media.parse().expect("uuid"),
            channel_id: ChannelId(ch.id),
            provider_media_id: "999000111".into(),
            uploaded_at: now - time::Duration::days(31),
            expires_at: now - time::Duration::days(1),
        };
        app.store.put_provider_upload(OrgId(app.org.id), &stale).await.expect("stale upload");
        send(&app, ch.id, json!({"type": "image", "media_id": media})).await.assert_status(202);
        assert!(app.run_pending_jobs().await >= 1);
        let sent = outbox(&sb, &ch.phone_number_id).await;
        let image = sent.iter().find(|e| e["type"] == "image").expect("sent");
        let id = image["body"]["image"]["id"].as_str().expect("id");
        assert_ne!(id, "999000111", "not the expired upload");
        assert_eq!(provider_media(&app, &ch.access_token, id).await["file_size"], 300);
    }

    async fn media_ids_are_checked_when_the_message_is_sent(app) {
        let ch = app.whatsapp_channel().await;
        // The customer wrote, so the files that pass their checks may go as free-form messages.
        Sandbox::of(&app).await.customer_writes(&ch.phone_number_id, CUSTOMER, "Hi").await;
        let unknown = Uuid::now_v7().to_string();
        let p = send(&app, ch.id, json!({"type": "image", "media_id": unknown})).await;
        p.assert_problem(422, "unknown_media");
        // A provider's own id (not a UUID) keeps its old meaning and passes.
        send(&app, ch.id, json!({"type": "image", "media_id": "1234567890"})).await.assert_status(202);

        // Uploaded without a channel under the generic limits; too big for WhatsApp's stickers.
        let sticker = upload(&app, &[Part::File("file", "s.webp", "image/webp", &webp(150 * 1024))]).await;
        let sticker = id_of(sticker.assert_status(201));
        let p = send(&app, ch.id, json!({"type": "sticker", "media_id": sticker})).await;
        p.assert_problem(413, "media_too_large");
        let doc = upload(&app, &[Part::File("file", "n.txt", "text/plain", b"notes\n")]).await;
        let doc = id_of(doc.assert_status(201));
        let p = send(&app, ch.id, json!({"type": "image", "media_id": doc})).await;
        p.assert_problem(415, "unsupported_media_type");
        send(&app, ch.id, json!({"type": "document", "media_id": doc})).await.assert_status(202);

        // A key limited to one channel cannot send a file of another channel.
        let other_ch = app.whatsapp_channel().await;
        let theirs = upload(&app, &[
            Part::Text("channel_id", &other_ch.id.to_string()),
            Part::File("file", "n.txt", "text/plain", b"notes\n"),
        ]).await;
        let theirs = id_of(theirs.assert_status(201));
        let (_, key) = app.create_api_key(json!({
            "name": "one channel", "scopes": ["messages:send"], "channel_ids": [ch.id],
        })).await;
        let p = app.call(Method::POST, "/v1/messages").bearer(&key).json(json!({
            "from": ch.id, "to": CUSTOMER, "content": {"type": "document", "media_id": theirs},
        })).send().await;
        p.assert_problem(422, "unknown_media");

        // Another organization, on a channel of its own, cannot send this organization's file.
        let other = app.other_org().await.key.clone();
        let sandbox = app.sandbox().await;
        let account = sandbox.create_account(json!({})).await;
        let text = |k: &str| account[k].as_str().unwrap_or_default().to_owned();
        let theirs = app.call(Method::POST, "/v1/channels").bearer(&other).json(json!({
            "name": "Their WhatsApp", "protocol": "whatsapp_cloud",
            "config": {
                "base_url": sandbox.base_url(), "phone_number_id": text("phone_number_id"),
                "waba_id": text("waba_id"), "display_phone_number": text("display_phone_number"),
            },
            "secrets": {"access_token": text("access_token"), "app_secret": text("app_secret")},
        })).send().await;
        let their_channel = id_of(theirs.assert_status(201));
        let p = app.call(Method::POST, "/v1/messages").bearer(&other).json(json!({
            "from": their_channel, "to": CUSTOMER, "content": {"type": "document", "media_id": doc},
        })).send().await;
        p.assert_problem(422, "unknown_media");
    }

    async fn an_inbound_image_becomes_a_media_row_with_a_working_link(app) {
        let ch = app.whatsapp_channel().await;
        let sb = Sandbox::of(&app).await;
        sb.customer_sends(&ch.phone_number_id, CUSTOMER, json!({
            "type": "image",
            "image": {"data_base64": "aGVsbG8gbWVkaWE=", "mime_type": "image/png"},
        })).await;
        let convs = conversations(&app, ch.id).await;
        let conv = convs[0]["id"].as_str().expect("id").to_owned();
        let before = messages(&app, &conv).await;
        assert_eq!(before[0]["media"], Value::Null, "not downloaded yet");
        assert!(app.run_pending_jobs().await >= 1);
        assert_eq!(app.run_pending_jobs().await, 0, "nothing left to do");

        let after = messages(&app, &conv).await;
        let media = &after[0]["media"];
        assert_eq!(media["mime"], "image/png", "{}", after[0]);
        assert_eq!(media["size"], 11);
        let (status, headers, body) = fetch(media["url"].as_str().expect("url")).await;
        assert_eq!(status, 200);
        assert_eq!(body, b"hello media");
        assert_eq!(headers["content-type"], "image/png");

        let id = after[0]["id"].as_str().expect("message id");
        let one = app.get(&format!("/v1/messages/{id}")).await.assert_status(200).clone();
        assert_eq!(one["media"]["id"], media["id"]);
        let described = app.get(&format!("/v1/media/{}", media["id"].as_str().expect("id"))).await;
        let described = described.assert_status(200);
        assert_eq!(described["origin"], "inbound");
        assert_eq!(described["message_id"], id);
        assert_eq!(described["kind"], "image");
        app.assert_tenant_isolation().await;

        // Deleting the customer erases the file too, not just its row.
        let path = app.data_dir().join("media").join(app.org.id.to_string())
            .join(media["id"].as_str().expect("id"));
        assert_eq!(std::fs::read(&path).expect("kept on disk"), b"hello media");
        let contact = after[0]["contact_id"].as_str().expect("contact");
        app.delete(&format!("/v1/contacts/{contact}")).await.assert_status(204);
        assert!(!path.exists(), "the file left with its contact");
        let (status, _, _) = fetch(media["url"].as_str().expect("url")).await;
        assert_eq!(status, 404);
    }
}
