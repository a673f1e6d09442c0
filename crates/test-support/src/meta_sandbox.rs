//! Messenger and Instagram in app tests: `messenger_channel()` / `instagram_channel()` make a
//! fresh sandbox Page or Instagram account and a channel of the app on it, wired both ways
//! through the real APIs, and the sandbox handle gains the `/sandbox/v1/meta` control calls.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{SandboxHandle, TestApp};

/// A messenger or instagram channel on its own sandbox account.
#[derive(Debug, Clone)]
pub struct MetaChannelFixture {
    pub id: Uuid,
    /// The Page id or Instagram account id.
    pub account_id: String,
    pub access_token: String,
    pub app_secret: String,
    /// The channel as created (`201` body).
    pub json: Value,
}

impl SandboxHandle {
    /// A customer writes (`POST /sandbox/v1/meta/inbound`); answers the control API's JSON
    /// (`delivery_id`, `mid`, `payload`) once the hub has answered the webhook with `expect`.
    pub async fn meta_inbound(&self, body: Value, expect: u16) -> Value {
        let (status, answer) = self
            .request(Method::POST, "/sandbox/v1/meta/inbound", Some(body))
            .await;
        assert_eq!(status, 200, "sandbox meta inbound: {answer}");
        let delivery = answer["delivery_id"]
            .as_str()
            .expect("delivery_id")
            .to_owned();
        let account = answer["payload"]["entry"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (_, list) = self
                .request(
                    Method::GET,
                    &format!("/sandbox/v1/deliveries?phone_number_id={account}"),
                    None,
                )
                .await;
            let first = list
                .as_array()
                .and_then(|all| all.iter().find(|d| d["id"] == delivery.as_str()))
                .and_then(|d| d["attempts"].as_array().and_then(|a| a.first().cloned()));
            if let Some(first) = first {
                assert_eq!(
                    first["status"], expect,
                    "the hub's answer to the webhook: {first}"
                );
                return answer;
            }
            assert!(
                Instant::now() < deadline,
                "the hub never answered the webhook"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// What the account was sent, oldest first.
    pub async fn meta_outbox(&self, account_id: &str) -> Vec<Value> {
        let (status, answer) = self
            .request(
                Method::GET,
                &format!("/sandbox/v1/outbox?phone_number_id={account_id}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        answer
            .as_array()
            .or_else(|| answer["data"].as_array())
            .cloned()
            .unwrap_or_default()
    }

    /// The account's next send fails with Graph `code` / `subcode`.
    pub async fn meta_fault(&self, account_id: &str, code: i64, subcode: Option<i64>) {
        let body = json!({"account_id": account_id, "code": code, "subcode": subcode});
        let (status, answer) = self
            .request(Method::POST, "/sandbox/v1/meta/faults", Some(body))
            .await;
        assert_eq!(status, 200, "{answer}");
    }
}

impl TestApp {
    /// A fresh sandbox Page and a `messenger` channel on it.
    pub async fn messenger_channel(&self) -> MetaChannelFixture {
        self.meta_channel("messenger").await
    }

    /// A fresh sandbox Instagram account and an `instagram` channel on it.
    pub async fn instagram_channel(&self) -> MetaChannelFixture {
        self.meta_channel("instagram").await
    }

    async fn meta_channel(&self, platform: &str) -> MetaChannelFixture {
        let sandbox = self.sandbox().await;
        let (status, account) = sandbox
            .request(
                Method::POST,
                "/sandbox/v1/meta/accounts",
                Some(json!({"platform": platform})),
            )
            .await;
        assert_eq!(status, 200, "{account}");
        let text = |k: &str| account[k].as_str().unwrap_or_default().to_owned();
        let (config, secrets) = match platform {
            "messenger" => (
                json!({"base_url": sandbox.base_url(), "page_id": text("id")}),
                json!({"page_access_token": text("access_token"), "app_secret": text("app_secret")}),
            ),
            _ => (
                json!({"base_url": sandbox.base_url(), "ig_account_id": text("id")}),
                json!({"access_token": text("access_token"), "app_secret": text("app_secret")}),
            ),
        };
        let created = self
            .post_json(
                "/v1/channels",
                json!({"name": format!("{platform} {}", text("id")), "protocol": platform,
                       "config": config, "secrets": secrets}),
            )
            .await;
        let json = created.assert_status(201).clone();
        let id: Uuid = json["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("channel id");
        let verify_token = json["handoff"]["verify_token"].as_str().unwrap_or_default();
        let (status, answer) = sandbox
            .request(
                Method::PATCH,
                &format!("/sandbox/v1/meta/accounts/{}", text("id")),
                Some(
                    json!({"webhook_url": format!("{}/hooks/{id}", self.base_url),
                            "verify_token": verify_token}),
                ),
            )
            .await;
        assert_eq!(status, 200, "{answer}");
        MetaChannelFixture {
            id,
            account_id: text("id"),
            access_token: text("access_token"),
            app_secret: text("app_secret"),
            json,
        }
    }
}
