//! A sandbox started in-process for the send-path tests, and a client that speaks to it the way
//! a connector would: `app.send(json!({...}))` posts to the default number's Graph messages path.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the harness"
)]

use reqwest::Client;
use serde_json::{Value, json};
use switchboard_sandbox::config::{DEFAULT_ACCESS_TOKEN, DEFAULT_PHONE_NUMBER_ID};
use switchboard_sandbox::{Sandbox, SandboxConfig};

/// A customer with a valid number.
pub const CUSTOMER: &str = "447700900123";

/// A running sandbox and an HTTP client.
pub struct App {
    pub sandbox: Sandbox,
    pub client: Client,
}

/// What an HTTP call answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// `(error.code, error.error_data.details)` of a Graph error.
    pub fn error(&self) -> (i64, String) {
        let e = &self.body["error"];
        (
            e["code"].as_i64().unwrap_or(-1),
            e["error_data"]["details"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    }

    /// The wamid of an accepted send.
    pub fn wamid(&self) -> String {
        self.body["messages"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("not a send answer: {self:?}"))
            .to_owned()
    }

    /// Asserts a Graph error in Meta's shape with this status and code; returns its details.
    pub fn assert_error(&self, status: u16, code: i64) -> String {
        assert_eq!(
            (self.status, self.error().0),
            (status, code),
            "{:#}",
            self.body
        );
        let e = &self.body["error"];
        let message = e["message"].as_str().unwrap_or_default();
        // Meta titles carry the code, except the token and unknown-object errors.
        if code != 190 && e.get("error_subcode").is_none() {
            assert!(
                message.starts_with(&format!("(#{code}) ")),
                "{:#}",
                self.body
            );
        }
        assert!(
            e["type"].is_string() && e["fbtrace_id"].is_string(),
            "{:#}",
            self.body
        );
        self.error().1
    }
}

impl App {
    /// A sandbox with the default account and `edit` applied; the customer-service window is off
    /// unless `edit` turns it back on, so content tests need no inbound message first.
    pub async fn start(edit: impl FnOnce(&mut SandboxConfig)) -> Self {
        let mut config = SandboxConfig::default();
        config.whatsapp.limits.enforce_window = false;
        config.whatsapp.limits.messages_per_second = 10_000;
        config.whatsapp.limits.pair_burst = 10_000;
        // No status webhooks in these tests: they would only be logged.
        config.whatsapp.statuses.delivered_after_ms = None;
        config.whatsapp.statuses.read_after_ms = None;
        edit(&mut config);
        let sandbox = Sandbox::start(config).await.expect("sandbox starts");
        Self {
            sandbox,
            client: Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.sandbox.base_url())
    }

    /// POSTs `body` to `/v21.0/{default number}/messages` with the default token.
    pub async fn send(&self, body: Value) -> Answer {
        let path = format!("/v21.0/{DEFAULT_PHONE_NUMBER_ID}/messages");
        self.post(&path, Some(DEFAULT_ACCESS_TOKEN), &[], body)
            .await
    }

    /// A send of `type` with its object to [`CUSTOMER`].
    pub async fn send_kind(&self, kind: &str, object: Value) -> Answer {
        self.send(json!({
            "messaging_product": "whatsapp",
            "to": CUSTOMER,
            "type": kind,
            kind: object,
        }))
        .await
    }

    /// Any POST with an optional Bearer token and extra headers.
    pub async fn post(
        &self,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Value,
    ) -> Answer {
        let mut req = self.client.post(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        answer(req.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        answer(
            self.client
                .get(self.url(path))
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> u16 {
        let r = self
            .client
            .delete(self.url(path))
            .send()
            .await
            .expect("request");
        r.status().as_u16()
    }

    /// The outbox entries (oldest first).
    pub async fn outbox(&self, query: &str) -> Vec<Value> {
        let a = self.get(&format!("/sandbox/v1/outbox{query}")).await;
        assert_eq!(a.status, 200, "{:?}", a.body);
        a.body["data"].as_array().cloned().unwrap_or_default()
    }
}

async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status().as_u16();
    let text = r.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer { status, body }
}
