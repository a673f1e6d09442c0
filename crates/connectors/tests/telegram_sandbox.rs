//! The Telegram connector against the sandbox over real HTTP: every content kind is sent and
//! lands in the chat as Telegram would show it, every error path maps to its retry decision and
//! stable code, webhooks register, and inbound files download.

mod telegram_support;

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use switchboard_connectors::telegram::update;
use switchboard_connectors::{Connector, InboundContent, InboundEvent, ReceiptStatus, SendAction};
use telegram_support::{Env, message, send_ok};

#[tokio::test]
async fn every_content_kind_reaches_the_chat() {
    let env = Env::start().await;
    let bot = env.connector();
    let chat = env.chat("private").await;

    let receipt = bot
        .send(&message(
            chat,
            json!({"type": "text", "body": "Hello Ada"}),
            None,
        ))
        .await
        .expect("text");
    assert_eq!(receipt.provider_message_id, format!("{chat}:1"));
    assert_eq!(receipt.status, ReceiptStatus::Sent);
    // Spaced like the dispatcher would, so the per-chat limit never answers 429 here.
    let cases = [
        json!({"type": "image", "url": "https://files.test/r.jpg", "caption": "Receipt"}),
        json!({"type": "document", "url": "https://files.test/inv.pdf", "filename": "inv.pdf"}),
        json!({"type": "video", "url": "https://files.test/v.mp4"}),
        json!({"type": "audio", "url": "https://files.test/a.mp3"}),
        json!({"type": "sticker", "url": "https://files.test/s.webp"}),
        json!({"type": "location", "latitude": 51.5, "longitude": -0.12, "name": "HQ", "address": "1 Main St"}),
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Bo", "first_name": "Bo"}, "phones": [{"phone": "+447700900001"}]}]}),
        json!({"type": "reply_buttons", "body": "When?", "buttons": [{"id": "am", "title": "Morning"}]}),
        json!({"type": "list", "body": "Size?", "button": "Pick", "sections": [{"rows": [{"id": "s", "title": "Small"}]}]}),
        json!({"type": "cta_url", "body": "Track", "display_text": "Open", "url": "https://t.test/1"}),
    ];
    for content in cases {
        tokio::time::sleep(Duration::from_millis(350)).await;
        send_ok(&bot, &message(chat, content, Some(&format!("{chat}:1")))).await;
    }
    let sent = env.outbox(chat).await;
    assert_eq!(sent.len(), 11);
    assert_eq!(sent[0]["text"], "Hello Ada");
    assert_eq!(sent[1]["caption"], "Receipt");
    assert!(
        sent[1]["photo"].as_array().is_some_and(|p| p.len() == 2),
        "{}",
        sent[1]
    );
    assert_eq!(sent[1]["reply_to_message"]["message_id"], 1);
    assert!(sent[2]["document"]["file_id"].is_string());
    assert!(
        sent[3]["video"].is_object()
            && sent[4]["audio"].is_object()
            && sent[5]["sticker"].is_object()
    );
    assert_eq!(sent[6]["venue"]["title"], "HQ");
    assert_eq!(sent[7]["contact"]["phone_number"], "+447700900001");
    assert_eq!(
        sent[8]["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        "am"
    );
    assert_eq!(
        sent[9]["reply_markup"]["inline_keyboard"][0][0]["text"],
        "Small"
    );
    assert_eq!(
        sent[10]["reply_markup"]["inline_keyboard"][0][0]["url"],
        "https://t.test/1"
    );

    // A file id the bot got back is sent again without the file.
    let file_id = sent[2]["document"]["file_id"].as_str().expect("file id");
    tokio::time::sleep(Duration::from_millis(350)).await;
    send_ok(
        &bot,
        &message(chat, json!({"type": "document", "media_id": file_id}), None),
    )
    .await;
    // Telegram has no templates: refused before any request.
    let e = bot
        .send(&message(
            chat,
            json!({"type": "template", "name": "hi", "language": "en"}),
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!((e.code, e.http_status), ("unsupported_content", None));
    assert_eq!(env.outbox(chat).await.len(), 12);
}

#[tokio::test]
async fn errors_map_to_retry_decisions_and_stable_codes() {
    let env = Env::start().await;
    let bot = env.connector();
    let chat = env.chat("private").await;

    // The sandbox's flood control: a burst past three to one chat answers 429 with retry_after.
    for _ in 0..3 {
        send_ok(
            &bot,
            &message(chat, json!({"type": "text", "body": "burst"}), None),
        )
        .await;
    }
    let e = bot
        .send(&message(
            chat,
            json!({"type": "text", "body": "one too many"}),
            None,
        ))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.action),
        (
            "rate_limited",
            SendAction::RateLimited(Duration::from_secs(1))
        )
    );
    assert_eq!((e.provider_code, e.http_status), (Some(429), Some(429)));

    let other = env.chat("private").await;
    env.arm(
        json!({"method": "sendMessage", "error_code": 429, "retry_after": 7,
                   "description": "Too Many Requests: retry after 7"}),
    )
    .await;
    let e = bot
        .send(&message(other, json!({"type": "text", "body": "x"}), None))
        .await
        .unwrap_err();
    assert_eq!(
        e.action,
        SendAction::RateLimited(Duration::from_secs(7)),
        "retry_after honoured exactly"
    );

    env.arm(json!({"error_code": 502, "description": "Bad Gateway"}))
        .await;
    let e = bot
        .send(&message(other, json!({"type": "text", "body": "x"}), None))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.action),
        ("provider_unavailable", SendAction::Retry)
    );

    env.control(
        Method::PATCH,
        &format!("/chats/{other}"),
        Some(json!({"blocked": true})),
    )
    .await;
    let e = bot
        .send(&message(other, json!({"type": "text", "body": "x"}), None))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.action, e.http_status),
        ("recipient_blocked", SendAction::Rejected, Some(403))
    );
    assert_eq!(e.provider_text, "Forbidden: bot was blocked by the user");

    let e = bot
        .send(&message(424242, json!({"type": "text", "body": "x"}), None))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.action, e.http_status),
        ("invalid_recipient", SendAction::Rejected, Some(400))
    );

    let wrong = env.connector_with("123:not-the-token", None);
    let e = wrong
        .send(&message(chat, json!({"type": "text", "body": "x"}), None))
        .await
        .unwrap_err();
    assert_eq!((e.code, e.http_status), ("provider_auth_failed", Some(401)));
    assert!(
        !e.to_string().contains("not-the-token"),
        "no token in errors: {e}"
    );
    assert!(wrong.test_connection().await.is_err());
    assert!(bot.test_connection().await.is_ok());
}

#[tokio::test]
async fn a_group_upgraded_to_a_supergroup_is_followed() {
    let env = Env::start().await;
    let bot = env.connector();
    let group = env.chat("group").await;
    let upgraded = env
        .control(
            Method::PATCH,
            &format!("/chats/{group}"),
            Some(json!({"upgrade": true})),
        )
        .await;
    let new_id = upgraded["id"].as_i64().expect("new id");
    assert!(new_id < -1_000_000_000_000, "{upgraded}");

    let receipt = bot
        .send(&message(
            group,
            json!({"type": "text", "body": "still there?"}),
            None,
        ))
        .await
        .expect("resent");
    assert_eq!(receipt.recipient_id, Some(new_id.to_string()));
    assert_eq!(receipt.provider_message_id, format!("{new_id}:1"));
    assert_eq!(env.outbox(new_id).await.len(), 1);
    assert!(env.outbox(group).await.is_empty());
}

#[tokio::test]
async fn set_webhook_registers_the_hook_and_inbound_files_download() {
    let env = Env::start().await;
    let plain = env.connector();
    // Without a hook URL there is nothing to register.
    assert!(!plain.register_webhook().await.expect("nothing to do"));

    let chat = env.chat("private").await;
    let answer = env.control(Method::POST, "/updates", Some(json!({
        "chat_id": chat, "photo": {"data_base64": "aGVsbG8gcGhvdG8=", "mime_type": "image/jpeg"}, "caption": "Receipt",
    }))).await;
    assert!(
        answer["delivery_status"].is_null(),
        "no webhook yet: {answer}"
    );
    // The update waits for getUpdates; parse it as a webhook body would be.
    let updates = plain.call("getUpdates", &json!({})).await.expect("updates");
    let raw = serde_json::to_vec(&updates[0]).expect("bytes");
    let events = update::parse(&raw).expect("an update");
    let InboundEvent::Message(m) = &events[0] else {
        panic!("a message: {events:?}")
    };
    let InboundContent::Media(media) = &m.content else {
        panic!("media")
    };
    let fetched = plain.fetch_media(&media.id).await.expect("download");
    assert_eq!(&fetched.bytes[..], b"hello photo");
    assert_eq!(fetched.mime_type, "image/jpeg");

    let hooked = env.connector_with(&env.token, Some("http://127.0.0.1:9/hooks/x".into()));
    assert!(hooked.register_webhook().await.expect("set"));
    let info = hooked.webhook_info().await.expect("info");
    assert_eq!(info.url, "http://127.0.0.1:9/hooks/x");
    let bot = env.control(Method::GET, "", None).await;
    assert_eq!(bot["webhook_secret_token"], "hook-Secret_1");
    // With a webhook set, getUpdates is refused like Telegram does.
    let e = hooked.call("getUpdates", &json!({})).await.unwrap_err();
    assert_eq!(e.http_status, Some(409));
}
