//! Harness for the Telegram connector against the in-process sandbox: a bot and its chats made
//! through the control API, and a connector pointed at `{sandbox}/telegram`.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

use serde_json::{Value, json};
use switchboard_connectors::outbound::OutboundMessage;
use switchboard_connectors::telegram::{Telegram, TelegramConfig};
use switchboard_connectors::{Connector, http_client};
use switchboard_domain::Secret;
use switchboard_domain::content::{Content, OutboundContent};
use switchboard_sandbox::{Sandbox, SandboxConfig};

pub struct Env {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub bot_id: i64,
    pub token: String,
}

impl Env {
    pub async fn start() -> Self {
        let sandbox = Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox starts");
        let http = http_client().expect("http client");
        let url = format!("{}/sandbox/v1/telegram/bots", sandbox.base_url());
        let bot: Value = http
            .post(url)
            .json(&json!({"username": "acme_support_bot"}))
            .send()
            .await
            .expect("sandbox answers")
            .json()
            .await
            .expect("json");
        Self {
            bot_id: bot["id"].as_i64().expect("bot id"),
            token: bot["token"].as_str().expect("token").to_owned(),
            sandbox,
            http,
        }
    }

    pub fn api_root(&self) -> String {
        format!("{}/telegram", self.sandbox.base_url())
    }

    /// A connector with this bot's token (or another) and `hook_url` for `setWebhook`.
    pub fn connector_with(&self, token: &str, hook_url: Option<String>) -> Telegram {
        Telegram::new(
            TelegramConfig {
                base_url: self.api_root(),
                bot_token: Secret::new(token.to_owned()),
                secret_token: Secret::new("hook-Secret_1".into()),
                hook_url,
            },
            self.http.clone(),
        )
    }

    pub fn connector(&self) -> Telegram {
        self.connector_with(&self.token, None)
    }

    /// A control call; its JSON.
    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!(
            "{}/sandbox/v1/telegram/bots/{}{path}",
            self.sandbox.base_url(),
            self.bot_id
        );
        let mut req = self.http.request(method, url);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("sandbox answers");
        assert!(
            res.status().is_success(),
            "control {path}: {}",
            res.status()
        );
        res.json().await.expect("json")
    }

    /// A new chat (`private` with a first name, or a group with a title); its id.
    pub async fn chat(&self, kind: &str) -> i64 {
        let chat = self
            .control(
                reqwest::Method::POST,
                "/chats",
                Some(json!({"type": kind, "first_name": "Ada", "title": "Support crew"})),
            )
            .await;
        chat["id"].as_i64().expect("chat id")
    }

    pub async fn outbox(&self, chat: i64) -> Vec<Value> {
        let v = self
            .control(
                reqwest::Method::GET,
                &format!("/outbox?chat_id={chat}"),
                None,
            )
            .await;
        v.as_array().cloned().unwrap_or_default()
    }

    pub async fn arm(&self, fault: Value) {
        self.control(reqwest::Method::POST, "/faults", Some(fault))
            .await;
    }
}

/// A message of `content` (JSON of the neutral model) to `to`.
pub fn message(to: impl ToString, content: Value, reply_to: Option<&str>) -> OutboundMessage {
    let content: Content = serde_json::from_value(content).expect("content");
    OutboundMessage {
        to: to.to_string(),
        content: OutboundContent {
            content,
            reply_to: reply_to.map(str::to_owned),
        },
        callback_data: None,
        tag: None,
    }
}

/// Sends and expects success; the receipt's provider id.
pub async fn send_ok(bot: &Telegram, m: &OutboundMessage) -> String {
    bot.send(m)
        .await
        .unwrap_or_else(|e| panic!("send: {e}"))
        .provider_message_id
}
