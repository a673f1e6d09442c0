//! Customer webhooks: an endpoint (on the echo process) subscribed to the main number's received
//! messages, then a batch of inbound messages; the figure is deliveries per second as the
//! receiver saw them, first to last.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde_json::{Value, json};

use super::Ctx;
use crate::load::drive;
use crate::webhook::customer;

/// Messages per inbound webhook.
const PER_HOOK: usize = 100;

/// What the receiver saw.
#[derive(Debug, Clone, Default)]
pub struct Delivered {
    pub expected: u64,
    pub received: u64,
    pub per_second: f64,
}

pub async fn deliveries(ctx: &Ctx, messages: usize) -> anyhow::Result<Delivered> {
    let endpoint = json!({
        "url": format!("{}/hook", ctx.echo),
        "event_types": ["message.received"],
        "channel_ids": [ctx.main_channel],
    });
    ctx.authed(reqwest::Method::POST, "/v1/webhook-endpoints")
        .json(&endpoint)
        .send()
        .await?
        .error_for_status()
        .context("creating the webhook endpoint")?;
    let hooks = messages.div_ceil(PER_HOOK);
    let (http, number) = (ctx.http.clone(), ctx.main.clone());
    let url = format!("{}/hooks/{}", ctx.hub, ctx.main_channel);
    let run = std::process::id();
    let posted = drive(4, hooks, Duration::from_secs(600), move |h| {
        let batch: Vec<_> = (h * PER_HOOK..((h + 1) * PER_HOOK).min(messages))
            .map(|k| {
                (
                    customer(2_000_000 + k % 500),
                    format!("wamid.bench.hooks.{run}.{k}"),
                    format!("Webhook message {k}"),
                )
            })
            .collect();
        let (body, sig) = number.webhook(&batch);
        let request = http
            .post(&url)
            .header("content-type", "application/json")
            .header("x-hub-signature-256", sig)
            .body(body);
        async move { crate::load::expect(request.send().await, 200).await }
    })
    .await;
    anyhow::ensure!(
        posted.failed == 0,
        "inbound for the webhooks scenario failed: {:?}",
        posted.first_error
    );
    let expected = messages as u64;
    let mut progress = (0u64, Instant::now());
    let stats = loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let stats: Value = ctx
            .http
            .get(format!("{}/hook/stats", ctx.echo))
            .send()
            .await?
            .json()
            .await?;
        let count = stats["count"].as_u64().unwrap_or(0);
        if count >= expected || progress.1.elapsed() > Duration::from_secs(60) {
            break stats;
        }
        if count > progress.0 {
            progress = (count, Instant::now());
        }
    };
    let received = stats["count"].as_u64().unwrap_or(0);
    let span = stats["last_us"]
        .as_u64()
        .unwrap_or(0)
        .saturating_sub(stats["first_us"].as_u64().unwrap_or(0));
    Ok(Delivered {
        expected,
        received,
        per_second: if span > 0 {
            received as f64 / (span as f64 / 1e6)
        } else {
            0.0
        },
    })
}
