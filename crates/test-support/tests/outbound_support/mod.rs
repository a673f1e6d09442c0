//! Helpers of the outbound tests: the sandbox's control API (customers writing in, armed faults,
//! the outbox) and waiting for a message's status.
#![allow(dead_code, reason = "each test file uses its own part of the helpers")]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchboard_test_support::{TestApp, TestResponse};
use uuid::Uuid;

/// The app's in-process sandbox, driven through its control API.
pub struct Sandbox {
    base: String,
    http: reqwest::Client,
}

impl Sandbox {
    pub async fn of(app: &TestApp) -> Self {
        Self {
            base: app.sandbox().await.base_url().to_owned(),
            http: reqwest::Client::new(),
        }
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("sandbox answers");
        let status = res.status();
        let text = res.text().await.expect("sandbox body");
        assert!(status.is_success(), "sandbox {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// A customer writes in (opening the 24-hour window at the sandbox); waits until the hub
    /// took the webhook, so the inbound message is stored before the test goes on.
    pub async fn customer_writes(&self, phone_number_id: &str, from: &str, text: &str) {
        let body = json!({
            "phone_number_id": phone_number_id, "from": from, "type": "text",
            "text": {"body": text},
        });
        let answer = self
            .control(reqwest::Method::POST, "/sandbox/v1/inbound", Some(body))
            .await;
        let delivery = answer["delivery_id"].as_str().expect("delivery_id");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let path = format!("/sandbox/v1/deliveries?phone_number_id={phone_number_id}");
            let list = self.control(reqwest::Method::GET, &path, None).await;
            let attempts = list
                .as_array()
                .and_then(|all| all.iter().find(|d| d["id"] == delivery))
                .and_then(|d| d["attempts"].as_array().cloned())
                .unwrap_or_default();
            if let Some(first) = attempts.first() {
                assert_eq!(first["status"], 200, "the hub took the webhook: {first}");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the hub never answered the webhook"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The next send from the number fails with Meta's `code`.
    pub async fn arm_fault(&self, phone_number_id: &str, code: i64) {
        let body = json!({"phone_number_id": phone_number_id, "code": code});
        self.control(reqwest::Method::POST, "/sandbox/v1/faults", Some(body))
            .await;
    }

    /// What the number sent, oldest first.
    pub async fn outbox(&self, phone_number_id: &str) -> Vec<Value> {
        let path = format!("/sandbox/v1/outbox?phone_number_id={phone_number_id}");
        let list = self.control(reqwest::Method::GET, &path, None).await;
        list["data"].as_array().cloned().unwrap_or_default()
    }
}

pub async fn send_text(app: &TestApp, from: Uuid, to: &str, body: &str) -> TestResponse {
    app.post_json(
        "/v1/messages",
        json!({"from": from, "to": to, "content": {"type": "text", "body": body}}),
    )
    .await
}

/// Reads the message until its status is `status` (status webhooks arrive on their own time).
pub async fn wait_for_status(app: &TestApp, id: &str, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let m = app.get(&format!("/v1/messages/{id}")).await;
        let m = m.assert_status(200);
        if m["status"] == status {
            return m.clone();
        }
        assert!(Instant::now() < deadline, "never reached {status}: {m}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
