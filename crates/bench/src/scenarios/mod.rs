//! The scenarios, each a function of the run's context answering report rows.

pub mod dispatch;
pub mod inbox;
pub mod traffic;
pub mod webhooks;

use std::time::Duration;

use anyhow::{Context as _, bail};
use serde_json::{Value, json};

use crate::webhook::Number;

/// How big a run is.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Time limit of each closed-loop throughput scenario.
    pub burst: Duration,
    /// Distinct customers writing to the main number.
    pub customers: usize,
    /// Conversations preloaded for the inbox read, and messages in each.
    pub inbox_conversations: usize,
    pub inbox_messages_each: usize,
    /// Reads measured per inbox query.
    pub inbox_reads: usize,
    /// Senders of the dispatch scenario and how long each sender's queue lasts at its limit.
    pub senders: usize,
    pub dispatch_seconds: u64,
    /// Inbound messages whose `message.received` events go to the customer's webhook.
    pub webhook_messages: usize,
}

impl Sizes {
    pub fn new(quick: bool) -> Self {
        if quick {
            Self {
                burst: Duration::from_secs(3),
                customers: 200,
                inbox_conversations: 500,
                inbox_messages_each: 10,
                inbox_reads: 300,
                senders: 10,
                dispatch_seconds: 2,
                webhook_messages: 2_000,
            }
        } else {
            Self {
                burst: Duration::from_secs(20),
                customers: 1_000,
                inbox_conversations: 100_000,
                inbox_messages_each: 10,
                inbox_reads: 5_000,
                senders: 100,
                dispatch_seconds: 60,
                webhook_messages: 50_000,
            }
        }
    }
}

/// What every scenario needs: the processes' URLs, the API key, the numbers and channels.
pub struct Ctx {
    pub http: reqwest::Client,
    pub hub: String,
    pub sandbox: String,
    pub echo: String,
    pub key: String,
    pub concurrency: usize,
    pub sizes: Sizes,
    pub main: Number,
    pub main_channel: String,
    pub inbox: Number,
    pub inbox_channel: String,
    pub senders: Vec<(Number, String)>,
}

/// The numbers of a run: main (ingest and send), inbox (the preloaded inbox), then the senders.
pub fn numbers(sizes: &Sizes) -> (Number, Number, Vec<Number>) {
    let senders = (0..sizes.senders).map(|i| Number::nth(100 + i)).collect();
    (Number::nth(1), Number::nth(2), senders)
}

/// The sandbox's configuration: every number, Meta's 80 per second per number, and no pair rate
/// or window (the dispatch scenario sends many messages to few customers; what is measured is
/// Switchboard's own pacing). Only `sent` statuses come back, batched as Meta batches them.
pub fn sandbox_toml(all: &[&Number]) -> String {
    let mut toml = String::from(
        "[whatsapp.limits]\nmessages_per_second = 80\npair_interval_ms = 1\npair_burst = 100000000\n\
         enforce_window = false\n\n[whatsapp.statuses]\nsent_after_ms = 200\nbatch_max = 100\n\n",
    );
    for n in all {
        toml.push_str(&n.toml());
        toml.push('\n');
    }
    toml
}

impl Ctx {
    pub fn authed(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.hub))
            .bearer_auth(&self.key)
    }

    /// Creates the channel of `number` and wires the sandbox's webhooks to it; answers its id.
    pub async fn connect(&self, number: &Number, name: &str) -> anyhow::Result<String> {
        let created: Value = self
            .authed(reqwest::Method::POST, "/v1/channels")
            .json(&number.channel(name, &self.sandbox))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let id = created["id"].as_str().context("channel id")?.to_owned();
        let verify = created["handoff"]["verify_token"]
            .as_str()
            .unwrap_or_default();
        let path = format!("/sandbox/v1/accounts/{}", number.phone_number_id);
        let body =
            json!({"webhook_url": format!("{}/hooks/{id}", self.hub), "verify_token": verify});
        self.sandbox_call(reqwest::Method::PATCH, &path, body)
            .await?;
        let handshake = json!({"phone_number_id": number.phone_number_id});
        self.sandbox_call(reqwest::Method::POST, "/sandbox/v1/handshake", handshake)
            .await?;
        Ok(id)
    }

    pub async fn sandbox_call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> anyhow::Result<Value> {
        let r = self
            .http
            .request(method, format!("{}{path}", self.sandbox))
            .json(&body)
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("sandbox {path}: {} {}", r.status(), r.text().await?);
        }
        Ok(r.json().await?)
    }

    /// `GET /sandbox/v1/stats`.
    pub async fn sandbox_stats(&self) -> anyhow::Result<Value> {
        Ok(self
            .http
            .get(format!("{}/sandbox/v1/stats", self.sandbox))
            .send()
            .await?
            .json()
            .await?)
    }

    /// Posts one signed webhook of `number` to its channel; 200 expected.
    pub async fn post_hook(
        &self,
        channel: &str,
        number: &crate::webhook::Number,
        messages: &[(String, String, String)],
    ) -> anyhow::Result<()> {
        let (body, signature) = number.webhook(messages);
        let r = self
            .http
            .post(format!("{}/hooks/{channel}", self.hub))
            .header("content-type", "application/json")
            .header("x-hub-signature-256", signature)
            .body(body)
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("webhook: {} {}", r.status(), r.text().await?);
        }
        Ok(())
    }
}
