//! A small client for the demo sandbox's control API (`/sandbox/v1/...`). The demo plays its
//! customers through the same requests the banner shows, so anything it does a user can repeat
//! with curl, and the webhooks to the hub are real HTTP like a provider's.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

/// One thing the business sent, as the sandbox's outbox lists it.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The wamid the sandbox answered.
    pub id: String,
    /// The recipient's digits.
    pub wa_id: String,
    /// The send's `type` (`text`, `image`, `reaction`...).
    pub kind: String,
}

pub struct Control {
    http: reqwest::Client,
    base: String,
}

impl Control {
    pub fn new(base: &str) -> Self {
        // The sandbox is in this process: anything slower than this is stuck, not busy.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// Changes a number (`webhook_url`, `verify_token`).
    pub async fn update_account(
        &self,
        phone_number_id: &str,
        changes: Value,
    ) -> anyhow::Result<()> {
        let path = format!("/sandbox/v1/accounts/{phone_number_id}");
        self.call(Method::PATCH, &path, Some(changes)).await?;
        Ok(())
    }

    /// A customer writes in; answers the message's wamid.
    pub async fn inbound(&self, body: Value) -> anyhow::Result<String> {
        let answer = self
            .call(Method::POST, "/sandbox/v1/inbound", Some(body))
            .await?;
        Ok(answer["message_id"].as_str().unwrap_or_default().to_owned())
    }

    /// The latest sends of a number, oldest first.
    pub async fn outbox(&self, phone_number_id: &str) -> anyhow::Result<Vec<Sent>> {
        let path = format!("/sandbox/v1/outbox?phone_number_id={phone_number_id}");
        let answer = self.call(Method::GET, &path, None).await?;
        let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
        Ok(answer["data"]
            .as_array()
            .map(|sent| {
                sent.iter()
                    .map(|s| Sent {
                        id: text(s, "id"),
                        wa_id: text(s, "wa_id"),
                        kind: text(s, "type"),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        anyhow::ensure!(
            status.is_success(),
            "the sandbox answered {path} with {status}: {answer}"
        );
        Ok(answer)
    }
}
