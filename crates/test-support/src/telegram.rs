//! Telegram in app tests: `app.telegram_channel()` makes a sandbox bot and a `telegram` channel
//! of the app on it through `POST /v1/channels`, which registers the hub's webhook with the bot
//! (`setWebhook`), so updates flow to `/hooks/{channel_id}` with no manual step; and
//! [`TelegramBot`] drives the bot's simulated customers through the sandbox's control API.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::TestApp;
use crate::sandbox::SandboxHandle;

/// A telegram channel of the test's organization and its sandbox bot.
#[derive(Debug, Clone)]
pub struct TelegramFixture {
    pub id: Uuid,
    pub bot_id: i64,
    pub token: String,
    /// The channel's webhook secret as answered once on create (the bot's `secret_token`).
    pub webhook_secret: String,
    /// The channel as created (`201` body).
    pub json: Value,
}

/// One sandbox bot's control API.
pub struct TelegramBot<'a> {
    sandbox: &'a SandboxHandle,
    pub id: i64,
}

impl TelegramBot<'_> {
    async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let path = format!("/sandbox/v1/telegram/bots/{}{path}", self.id);
        let (status, answer) = self.sandbox.request(method, &path, body).await;
        assert_eq!(status, 200, "sandbox {path}: {answer}");
        answer
    }

    /// The bot as the sandbox sees it (`webhook_url`, `webhook_secret_token`...).
    pub async fn info(&self) -> Value {
        self.control(Method::GET, "", None).await
    }

    /// A new private chat with a customer called `first_name`; its id.
    pub async fn private_chat(&self, first_name: &str) -> i64 {
        let chat = self
            .control(
                Method::POST,
                "/chats",
                Some(json!({"type": "private", "first_name": first_name})),
            )
            .await;
        chat["id"].as_i64().expect("chat id")
    }

    /// A new group called `title`; its id (negative).
    pub async fn group(&self, title: &str) -> i64 {
        let chat = self
            .control(
                Method::POST,
                "/chats",
                Some(json!({"type": "group", "title": title})),
            )
            .await;
        chat["id"].as_i64().expect("chat id")
    }

    /// A customer acts in a chat (see the sandbox's `updates` control); the answer carries the
    /// `update_id`, `message_id` and the hub's `delivery_status`.
    pub async fn update(&self, body: Value) -> Value {
        self.control(Method::POST, "/updates", Some(body)).await
    }

    /// A customer writes `text` in `chat`; asserts the hub took it.
    pub async fn customer_writes(&self, chat: i64, text: &str) -> Value {
        let answer = self.update(json!({"chat_id": chat, "text": text})).await;
        assert_eq!(
            answer["delivery_status"], 200,
            "the hub answers 200: {answer}"
        );
        answer
    }

    /// What the bot sent to `chat`.
    pub async fn outbox(&self, chat: i64) -> Vec<Value> {
        let v = self
            .control(Method::GET, &format!("/outbox?chat_id={chat}"), None)
            .await;
        v.as_array().cloned().unwrap_or_default()
    }

    /// Button taps the hub answered with `answerCallbackQuery`.
    pub async fn answered_callbacks(&self) -> Vec<Value> {
        let v = self.control(Method::GET, "/callbacks", None).await;
        v.as_array().cloned().unwrap_or_default()
    }

    /// Changes a chat (`{"blocked": true}`, `{"upgrade": true}`).
    pub async fn update_chat(&self, chat: i64, changes: Value) -> Value {
        self.control(Method::PATCH, &format!("/chats/{chat}"), Some(changes))
            .await
    }

    /// Arms an error for the next calls (`{"method", "error_code", "retry_after"...}`).
    pub async fn arm(&self, fault: Value) {
        self.control(Method::POST, "/faults", Some(fault)).await;
    }
}

impl SandboxHandle {
    /// A new sandbox bot; its id and token.
    pub async fn create_telegram_bot(&self) -> (i64, String) {
        let (status, bot) = self
            .request(Method::POST, "/sandbox/v1/telegram/bots", Some(json!({})))
            .await;
        assert_eq!(status, 200, "{bot}");
        (
            bot["id"].as_i64().expect("bot id"),
            bot["token"].as_str().expect("token").to_owned(),
        )
    }

    /// The control API of bot `id`.
    pub fn telegram_bot(&self, id: i64) -> TelegramBot<'_> {
        TelegramBot { sandbox: self, id }
    }
}

impl TestApp {
    /// A new sandbox bot and a `telegram` channel on it, created through `POST /v1/channels` as
    /// the owner; creating it registers the channel's hook with the bot.
    pub async fn telegram_channel(&self) -> TelegramFixture {
        let sandbox = self.sandbox().await;
        let (bot_id, token) = sandbox.create_telegram_bot().await;
        let n = self
            .channel_count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let created = self
            .post_json(
                "/v1/channels",
                json!({
                    "name": format!("Telegram {}", n + 1),
                    "protocol": "telegram",
                    "config": {"base_url": format!("{}/telegram", sandbox.base_url())},
                    "secrets": {"bot_token": token},
                }),
            )
            .await;
        let json = created.assert_status(201).clone();
        let id: Uuid = json["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("channel id");
        let webhook_secret = json["handoff"]["verify_token"]
            .as_str()
            .expect("the secret in full on create")
            .to_owned();
        TelegramFixture {
            id,
            bot_id,
            token,
            webhook_secret,
            json,
        }
    }
}
