//! Twilio channels for app tests: `twilio_channel("twilio_sms")` makes a sandbox Twilio account
//! (its own number and auth token) and a channel of the app on it through `POST /v1/channels`,
//! with the number's messaging URL pointed at the channel's hook; the sandbox handle plays the
//! customer (`twilio_inbound`) and shows what Twilio sent (`twilio_outbox`).

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{SandboxHandle, TestApp};

/// A Twilio channel of the test's organization on its own sandbox account.
#[derive(Debug, Clone)]
pub struct TwilioFixture {
    pub id: Uuid,
    pub account_sid: String,
    pub auth_token: String,
    /// The business number, `+E164`.
    pub phone_number: String,
    /// The channel's hook, where the number's messages and status callbacks go.
    pub hook_url: String,
}

impl SandboxHandle {
    /// A customer writes to a Twilio number (`POST /sandbox/v1/twilio/inbound`), e.g.
    /// `{"account_sid": ..., "from": "+447700900123", "body": "hi"}`; answers the hub's reply
    /// (`status`, `content_type`, `answer`) and the `message_sid`.
    pub async fn twilio_inbound(&self, body: Value) -> Value {
        let (status, answer) = self
            .request(Method::POST, "/sandbox/v1/twilio/inbound", Some(body))
            .await;
        assert_eq!(status, 200, "sandbox inbound: {answer}");
        answer
    }

    /// What the Twilio account sent (API sends and Twilio's own auto-replies), oldest first.
    pub async fn twilio_outbox(&self, account_sid: &str) -> Vec<Value> {
        let path = format!("/sandbox/v1/twilio/messages?account_sid={account_sid}");
        let (status, list) = self.request(Method::GET, &path, None).await;
        assert_eq!(status, 200, "sandbox outbox: {list}");
        list.as_array().cloned().unwrap_or_default()
    }

    /// The webhooks the account posted to the hub (inbound and status callbacks).
    pub async fn twilio_callbacks(&self, account_sid: &str) -> Vec<Value> {
        let path = format!("/sandbox/v1/twilio/callbacks?account_sid={account_sid}");
        let (status, list) = self.request(Method::GET, &path, None).await;
        assert_eq!(status, 200, "sandbox callbacks: {list}");
        list.as_array().cloned().unwrap_or_default()
    }
}

impl TestApp {
    /// A sandbox Twilio account and a channel of `protocol` (`twilio_sms`, `twilio_whatsapp`)
    /// on it, wired both ways. The account sends 50 messages a second, so tests are not paced
    /// by a long code's one.
    pub async fn twilio_channel(&self, protocol: &str) -> TwilioFixture {
        let sandbox = self.sandbox().await;
        let (status, account) = sandbox
            .request(
                Method::POST,
                "/sandbox/v1/twilio/accounts",
                Some(json!({"messages_per_second": 50})),
            )
            .await;
        assert_eq!(status, 200, "{account}");
        let field = |k: &str| account[k].as_str().unwrap_or_default().to_owned();
        let created = self
            .post_json(
                "/v1/channels",
                json!({
                    "name": format!("Twilio {}", field("phone_number")),
                    "protocol": protocol,
                    "config": {
                        "base_url": sandbox.base_url(),
                        "account_sid": field("account_sid"),
                        "from": field("phone_number"),
                        "messages_per_second": 50,
                    },
                    "secrets": { "auth_token": field("auth_token") },
                }),
            )
            .await;
        let json = created.assert_status(201).clone();
        let id: Uuid = json["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("channel id");
        let hook_url = format!("{}/hooks/{id}", self.base_url);
        let (status, answer) = sandbox
            .request(
                Method::PATCH,
                &format!("/sandbox/v1/twilio/accounts/{}", field("account_sid")),
                Some(json!({"messaging_url": hook_url})),
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        TwilioFixture {
            id,
            account_sid: field("account_sid"),
            auth_token: field("auth_token"),
            phone_number: field("phone_number"),
            hook_url,
        }
    }
}
