//! Helpers of the inbound tests: the sandbox's control API (customers writing in, raw payloads,
//! statuses, the delivery log) and posting to the hub's `/hooks/{channel_id}` directly.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the helpers"
)]

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use switchboard_test_support::{Auth, TestApp, TestResponse};
use uuid::Uuid;

/// Meta's signature header.
pub const SIGNATURE: &str = "x-hub-signature-256";

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

    pub async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
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

    /// A customer sends `message` (`{"type": ..., <type>: {...}}` as Meta's inbound carries it);
    /// answers the provider's message id once the hub answered the webhook.
    pub async fn customer_sends(&self, number: &str, from: &str, message: Value) -> String {
        let mut body = json!({"phone_number_id": number, "from": from, "name": "Ada Lovelace"});
        if let (Some(b), Some(m)) = (body.as_object_mut(), message.as_object()) {
            b.extend(m.clone());
        }
        let answer = self
            .control(reqwest::Method::POST, "/sandbox/v1/inbound", Some(body))
            .await;
        let delivery = answer["delivery_id"].as_str().expect("delivery_id");
        let done = self.first_attempt(delivery).await;
        assert_eq!(done["attempts"][0]["status"], 200, "hub took it: {done}");
        answer["message_id"]
            .as_str()
            .expect("message_id")
            .to_owned()
    }

    /// A customer writes `text`.
    pub async fn customer_writes(&self, number: &str, from: &str, text: &str) -> String {
        self.customer_sends(
            number,
            from,
            json!({"type": "text", "text": {"body": text}}),
        )
        .await
    }

    /// Sends any payload to the hub, signed (`true`), unsigned (`false`) or badly (`"bad"`);
    /// answers the delivery once the hub answered its first attempt.
    pub async fn webhook(&self, number: &str, payload: Value, sign: Value) -> Value {
        let body = json!({"phone_number_id": number, "payload": payload, "sign": sign});
        let answer = self
            .control(reqwest::Method::POST, "/sandbox/v1/webhooks", Some(body))
            .await;
        let delivery = answer["delivery_id"].as_str().expect("delivery_id");
        self.first_attempt(delivery).await
    }

    /// One status now, in its own webhook; waits until the hub answered it.
    pub async fn status(&self, number: &str, message_id: &str, status: &str, at: i64) -> Value {
        let body = json!({
            "phone_number_id": number, "message_id": message_id, "recipient": CUSTOMER,
            "status": status, "timestamp": at,
        });
        let answer = self
            .control(reqwest::Method::POST, "/sandbox/v1/statuses", Some(body))
            .await;
        let delivery = answer["delivery_id"].as_str().expect("delivery_id");
        self.first_attempt(delivery).await
    }

    /// Every webhook sent for the number, oldest first.
    pub async fn deliveries(&self, number: &str) -> Vec<Value> {
        let path = format!("/sandbox/v1/deliveries?phone_number_id={number}");
        let list = self.control(reqwest::Method::GET, &path, None).await;
        list["data"]
            .as_array()
            .or(list.as_array())
            .cloned()
            .unwrap_or_default()
    }

    /// The delivery once its first attempt has an answer.
    pub async fn first_attempt(&self, id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let list = self
                .control(reqwest::Method::GET, "/sandbox/v1/deliveries", None)
                .await;
            let found = list["data"]
                .as_array()
                .or(list.as_array())
                .and_then(|all| all.iter().find(|d| d["id"] == id).cloned());
            if let Some(d) =
                found.filter(|d| d["attempts"].as_array().is_some_and(|a| !a.is_empty()))
            {
                return d;
            }
            assert!(Instant::now() < deadline, "delivery {id} never attempted");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// The customer of every inbound test.
pub const CUSTOMER: &str = "447700900123";

/// Posts a body to the hub's hook as the provider would (no API key), with an optional signature.
pub async fn post_hook(
    app: &TestApp,
    channel: Uuid,
    body: &str,
    signature: Option<&str>,
) -> TestResponse {
    let mut call = app
        .call(reqwest::Method::POST, &format!("/hooks/{channel}"))
        .auth(Auth::None);
    if let Some(sig) = signature {
        call = call.header(SIGNATURE, sig);
    }
    call.raw("application/json", body.as_bytes().to_vec())
        .send()
        .await
}

/// The organization's conversations on the channel.
pub async fn conversations(app: &TestApp, channel: Uuid) -> Vec<Value> {
    let path = format!("/v1/conversations?channel={channel}");
    let res = app.get(&path).await;
    assert_eq!(res.status, 200, "GET {path}: {}", res.text);
    res.json["data"].as_array().cloned().unwrap_or_default()
}

/// A conversation's messages, oldest first.
pub async fn messages(app: &TestApp, conversation: &str) -> Vec<Value> {
    let page = app
        .get(&format!("/v1/conversations/{conversation}/messages"))
        .await
        .assert_status(200)
        .clone();
    page["data"].as_array().cloned().unwrap_or_default()
}

/// An inbound envelope for the number with these message objects (Meta's shape).
pub fn envelope(number: &str, messages: Vec<Value>) -> Value {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "waba-test",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550000000", "phone_number_id": number},
                    "contacts": [{"profile": {"name": "Ada Lovelace"}, "wa_id": CUSTOMER}],
                    "messages": messages,
                },
            }],
        }],
    })
}

/// One inbound text message object.
pub fn text_message(id: &str, body: &str) -> Value {
    json!({
        "from": CUSTOMER, "id": id, "timestamp": "1763870400", "type": "text",
        "text": {"body": body},
    })
}
