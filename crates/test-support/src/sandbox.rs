//! The provider side of app tests: one in-process sandbox per `TestApp` (started on first use),
//! a small client for its control API, and `whatsapp_channel()`, which makes a sandbox number and
//! a channel of the app pointed at it, wired both ways, through the real APIs.

use reqwest::Method;
use serde_json::{Value, json};
use switchboard_sandbox::{Sandbox, SandboxConfig};
use uuid::Uuid;

use crate::TestApp;

/// The sandbox of a test app and a client for its control API (`/sandbox/v1`).
pub struct SandboxHandle {
    pub server: Sandbox,
    http: reqwest::Client,
}

/// A whatsapp_cloud channel of the test's organization on its own sandbox number.
#[derive(Debug, Clone)]
pub struct ChannelFixture {
    pub id: Uuid,
    pub phone_number_id: String,
    pub waba_id: String,
    pub display_phone_number: String,
    /// The number's Bearer token (the channel's `access_token`).
    pub access_token: String,
    /// Signs the sandbox's webhooks (the channel's `app_secret`).
    pub app_secret: String,
    /// The channel's verify token, as answered once on create.
    pub verify_token: String,
    /// The channel as created (`201` body).
    pub json: Value,
}

impl SandboxHandle {
    pub(crate) async fn start() -> Self {
        let server = Sandbox::start(SandboxConfig::default())
            .await
            .expect("start the sandbox");
        Self {
            server,
            http: reqwest::Client::new(),
        }
    }

    /// `http://127.0.0.1:port`, the base URL channels use.
    pub fn base_url(&self) -> &str {
        self.server.base_url()
    }

    /// Any control or provider call; answers (status, JSON body or null).
    pub async fn request(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("sandbox answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A control call that must succeed; its JSON.
    async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.request(method, path, body).await;
        assert_eq!(status, 200, "sandbox {path}: {answer}");
        answer
    }

    /// A customer writes to a number (`POST /sandbox/v1/inbound`): e.g.
    /// `{"phone_number_id": ..., "from": "447700900123", "type": "text", "text": {"body": "hi"}}`.
    pub async fn inbound(&self, body: Value) -> Value {
        self.control(Method::POST, "/sandbox/v1/inbound", Some(body))
            .await
    }

    /// What the number was sent (`GET /sandbox/v1/outbox?...`), e.g. `"phone_number_id=1"`.
    pub async fn outbox(&self, query: &str) -> Value {
        self.control(Method::GET, &format!("/sandbox/v1/outbox?{query}"), None)
            .await
    }

    /// The webhook delivery log.
    pub async fn deliveries(&self) -> Value {
        self.control(Method::GET, "/sandbox/v1/deliveries", None)
            .await
    }

    /// A fresh number with its own ids and credentials.
    pub async fn create_account(&self, body: Value) -> Value {
        self.control(Method::POST, "/sandbox/v1/accounts", Some(body))
            .await
    }

    /// Points a number's webhooks at `url`.
    pub async fn set_webhook_url(&self, phone_number_id: &str, url: &str) -> Value {
        self.update_account(phone_number_id, json!({ "webhook_url": url }))
            .await
    }

    /// Changes a number (`webhook_url`, `verify_token`, `messages_per_second`).
    pub async fn update_account(&self, phone_number_id: &str, changes: Value) -> Value {
        self.control(
            Method::PATCH,
            &format!("/sandbox/v1/accounts/{phone_number_id}"),
            Some(changes),
        )
        .await
    }
}

fn text(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_owned()
}

impl TestApp {
    /// The app's sandbox, started on first use.
    pub async fn sandbox(&self) -> &SandboxHandle {
        self.sandbox.get_or_init(SandboxHandle::start).await
    }

    /// A new sandbox number and a `whatsapp_cloud` channel on it, created through `POST
    /// /v1/channels` as the owner, with the number's webhooks pointed at `/hooks/{channel_id}`.
    pub async fn whatsapp_channel(&self) -> ChannelFixture {
        let sandbox = self.sandbox().await;
        let account = sandbox.create_account(json!({})).await;
        let phone_number_id = text(&account, "phone_number_id");
        let n = self
            .channel_count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let created = self
            .post_json(
                "/v1/channels",
                json!({
                    "name": format!("WhatsApp {}", n + 1),
                    "protocol": "whatsapp_cloud",
                    "config": {
                        "base_url": sandbox.base_url(),
                        "phone_number_id": phone_number_id,
                        "waba_id": text(&account, "waba_id"),
                        "display_phone_number": text(&account, "display_phone_number"),
                    },
                    "secrets": {
                        "access_token": text(&account, "access_token"),
                        "app_secret": text(&account, "app_secret"),
                    },
                }),
            )
            .await;
        let json = created.assert_status(201).clone();
        let id: Uuid = json["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("channel id");
        let verify_token = text(&json["handoff"], "verify_token");
        // The number's handshake then presents the channel's token, as an admin would set it.
        sandbox
            .update_account(
                &phone_number_id,
                json!({
                    "webhook_url": format!("{}/hooks/{id}", self.base_url),
                    "verify_token": verify_token,
                }),
            )
            .await;
        ChannelFixture {
            id,
            phone_number_id,
            waba_id: text(&account, "waba_id"),
            display_phone_number: text(&account, "display_phone_number"),
            access_token: text(&account, "access_token"),
            app_secret: text(&account, "app_secret"),
            verify_token,
            json,
        }
    }
}
