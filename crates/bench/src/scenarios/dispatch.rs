//! Dispatch: many senders, each with a queue `dispatch_seconds` long at its configured 80
//! messages per second. The queue is filled with the workers off, then the hub restarts with them
//! on, and the sandbox's per-number tallies tell each sender's measured rate.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Ctx;
use crate::load::{Outcome, drive, expect};
use crate::webhook::customer;

/// Each sender's configured limit (the channel's `messages_per_second`).
pub const LIMIT: f64 = 80.0;
/// Customers per sender (their windows are opened first).
const CUSTOMERS: usize = 20;
/// Their numbers start here, apart from the other scenarios'.
const FIRST_CUSTOMER: usize = 3_000_000;

/// What the sandbox saw.
#[derive(Debug, Clone, Default)]
pub struct Dispatched {
    pub expected: u64,
    pub accepted: u64,
    /// All senders together, per second, first to last accepted send.
    pub total_rate: f64,
    /// Each sender's rate, first to last of its accepted sends.
    pub rates: Vec<f64>,
    /// 130429 answers: a sender went over the provider's limit.
    pub over_limit: u64,
}

impl Dispatched {
    /// The largest relative distance of a sender's rate from the limit.
    pub fn worst_deviation(&self) -> f64 {
        self.rates
            .iter()
            .map(|r| (r - LIMIT).abs() / LIMIT)
            .fold(0.0, f64::max)
    }

    pub fn mean_rate(&self) -> f64 {
        self.rates.iter().sum::<f64>() / self.rates.len().max(1) as f64
    }
}

fn messages_per_sender(ctx: &Ctx) -> usize {
    LIMIT as usize * ctx.sizes.dispatch_seconds as usize
}

/// With the workers off: every sender's customers write in, then its queue is filled through the
/// send API. Answers the fill's outcome (send API figures under a growing queue).
pub async fn fill(ctx: &Ctx) -> anyhow::Result<Outcome> {
    for (s, (number, channel)) in ctx.senders.iter().enumerate() {
        let hello: Vec<_> = (0..CUSTOMERS)
            .map(|c| {
                (
                    customer(FIRST_CUSTOMER + s * CUSTOMERS + c),
                    format!("wamid.bench.dispatch.{s}.{c}"),
                    "Hello".to_owned(),
                )
            })
            .collect();
        ctx.post_hook(channel, number, &hello).await?;
    }
    let senders = ctx.senders.len();
    let total = senders * messages_per_sender(ctx);
    let channels: Vec<String> = ctx.senders.iter().map(|(_, c)| c.clone()).collect();
    let (http, url, key) = (
        ctx.http.clone(),
        format!("{}/v1/messages", ctx.hub),
        ctx.key.clone(),
    );
    Ok(drive(ctx.concurrency, total, Duration::from_secs(3_600), move |i| {
        let s = i % senders;
        let body = json!({
            "from": channels[s],
            "to": customer(FIRST_CUSTOMER + s * CUSTOMERS + (i / senders) % CUSTOMERS),
            "content": {"type": "text", "body": format!("Update {i}: your parcel is on its way")},
        });
        let request = http.post(&url).bearer_auth(&key).json(&body);
        async move { expect(request.send().await, 202).await }
    })
    .await)
}

/// With the workers on: waits until every queued message reached the sandbox (or nothing moved
/// for 60 s), then reads each sender's tally.
pub async fn measure(ctx: &Ctx) -> anyhow::Result<Dispatched> {
    let expected = (ctx.senders.len() * messages_per_sender(ctx)) as u64;
    let mut last_progress = (0u64, Instant::now());
    let stats = loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let stats = ctx.sandbox_stats().await?;
        let accepted = sum_accepted(ctx, &stats);
        if accepted >= expected || last_progress.1.elapsed() > Duration::from_secs(60) {
            break stats;
        }
        if accepted > last_progress.0 {
            last_progress = (accepted, Instant::now());
        }
    };
    let mut out = Dispatched {
        expected,
        accepted: sum_accepted(ctx, &stats),
        over_limit: stats["rejected"]["130429"].as_u64().unwrap_or(0),
        ..Dispatched::default()
    };
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    for (number, _) in &ctx.senders {
        let tally = &stats["per_number"][&number.phone_number_id];
        let n = tally["accepted"].as_u64().unwrap_or(0);
        let (a, b) = (
            tally["first_at_us"].as_i64().unwrap_or(0),
            tally["last_at_us"].as_i64().unwrap_or(0),
        );
        if n > 1 && b > a {
            out.rates.push((n - 1) as f64 / ((b - a) as f64 / 1e6));
            first = first.min(a);
            last = last.max(b);
        }
    }
    if last > first {
        out.total_rate = out.accepted as f64 / ((last - first) as f64 / 1e6);
    }
    Ok(out)
}

fn sum_accepted(ctx: &Ctx, stats: &Value) -> u64 {
    ctx.senders
        .iter()
        .map(|(n, _)| {
            stats["per_number"][&n.phone_number_id]["accepted"]
                .as_u64()
                .unwrap_or(0)
        })
        .sum()
}
