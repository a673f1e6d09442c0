//! Shared harness for the tests that drive the real WhatsApp connector against the in-process
//! sandbox over HTTP: start a sandbox, build Graph- and BSP-style connectors for its default
//! account, and talk to its control API (`/sandbox/v1/…`) as a test would.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

pub mod hub;

use serde_json::{Value, json};
use switchboard_connectors::outbound::OutboundMessage;
use switchboard_connectors::whatsapp_cloud::client::{
    WhatsAppCloud, WhatsAppCloudConfig, http_client,
};
use switchboard_sandbox::config::WhatsAppAccount;
use switchboard_sandbox::{Sandbox, SandboxConfig};

/// A customer who never wrote (no open window) unless a test makes them write.
pub const CUSTOMER: &str = "447700900123";

/// A running sandbox and the hub-side pieces pointed at it.
pub struct Env {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
}

impl Env {
    /// A sandbox with `config` (defaults otherwise).
    pub async fn start(config: SandboxConfig) -> Self {
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        Self {
            sandbox,
            http: http_client().expect("http client"),
        }
    }

    /// The default sandbox, with the 24 h window off so free-form sends need no inbound first.
    pub async fn open_window() -> Self {
        let mut config = SandboxConfig::default();
        config.whatsapp.limits.enforce_window = false;
        Self::start(config).await
    }

    pub fn account(&self) -> &WhatsAppAccount {
        &self.sandbox.config().whatsapp.accounts[0]
    }

    /// The Graph-style config of the default account.
    pub fn graph_config(&self) -> WhatsAppCloudConfig {
        let a = self.account();
        WhatsAppCloudConfig::graph(
            self.sandbox.base_url(),
            &a.phone_number_id,
            &a.waba_id,
            &a.access_token,
        )
        .with_webhook_secrets(&a.app_secret, &a.verify_token)
    }

    /// A connector speaking Meta's Graph paths with the Bearer token.
    pub fn graph(&self) -> WhatsAppCloud {
        WhatsAppCloud::new(self.graph_config(), self.http.clone()).expect("valid config")
    }

    /// A connector speaking the BSP paths with the `D360-API-KEY` header.
    pub fn bsp(&self) -> WhatsAppCloud {
        let a = self.account();
        let key = a
            .api_key
            .clone()
            .expect("the default account has a BSP key");
        let config = WhatsAppCloudConfig::bsp(self.sandbox.base_url(), &a.phone_number_id, key)
            .with_webhook_secrets(&a.app_secret, &a.verify_token);
        WhatsAppCloud::new(config, self.http.clone()).expect("valid config")
    }

    fn control_url(&self, path: &str) -> String {
        format!("{}/sandbox/v1/{path}", self.sandbox.base_url())
    }

    /// `POST /sandbox/v1/{path}` with `body`; panics unless the sandbox answers 2xx.
    pub async fn control(&self, path: &str, body: Value) -> Value {
        let response = self
            .http
            .post(self.control_url(path))
            .json(&body)
            .send()
            .await
            .expect("control API reachable");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// `GET /sandbox/v1/{path_and_query}`.
    pub async fn get(&self, path_and_query: &str) -> Value {
        self.http
            .get(self.control_url(path_and_query))
            .send()
            .await
            .expect("control API reachable")
            .json()
            .await
            .expect("control API answers JSON")
    }

    /// The sends the fake provider accepted for `to`, oldest first.
    pub async fn outbox(&self, to: &str) -> Vec<Value> {
        let number = self.account().phone_number_id.clone();
        let list = self
            .get(&format!(
                "outbox?phone_number_id={number}&to={to}&limit=1000"
            ))
            .await;
        list["data"].as_array().cloned().unwrap_or_default()
    }

    /// Makes the next send (to `to`, if given) fail with Meta's `code`.
    pub async fn arm_fault(&self, code: i64, to: Option<&str>) {
        let number = self.account().phone_number_id.clone();
        let mut body = json!({"phone_number_id": number, "code": code});
        if let Some(to) = to {
            body["to"] = json!(to);
        }
        self.control("faults", body).await;
    }

    /// The customer `from` writes `text` (opens their window, sends the signed webhook).
    pub async fn customer_writes(&self, from: &str, text: &str) -> Value {
        let number = self.account().phone_number_id.clone();
        self.control(
            "inbound",
            json!({"phone_number_id": number, "from": from, "name": "Ada",
                   "type": "text", "text": {"body": text}}),
        )
        .await
    }
}

/// A message to `to` with the content document `content` (the send API's JSON shape).
pub fn message(to: &str, content: Value) -> OutboundMessage {
    message_replying(to, content, None)
}

/// Like [`message`], quoting `reply_to`.
pub fn message_replying(to: &str, content: Value, reply_to: Option<&str>) -> OutboundMessage {
    let content = serde_json::from_value(json!({"content": content, "reply_to": reply_to}))
        .expect("valid content JSON");
    OutboundMessage {
        to: to.to_owned(),
        content,
        callback_data: None,
        tag: None,
    }
}
