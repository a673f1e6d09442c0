//! The closed-loop request scenarios: the echo baseline, inbound webhooks (each signed, unique,
//! one text message, answered only after the durable commit) and the send API.

use std::sync::Arc;

use serde_json::json;

use super::Ctx;
use crate::load::{Outcome, drive, expect};
use crate::webhook::customer;

/// As many requests as the time allows; the loop stops at the time limit.
const UNBOUNDED: usize = usize::MAX;

/// The echo server, fed the same body as one ingest webhook.
pub async fn baseline(ctx: &Ctx) -> Outcome {
    let (body, _) = ctx.main.webhook(&[(
        customer(0),
        "wamid.bench.baseline".to_owned(),
        "Where is my order?".to_owned(),
    )]);
    let body = bytes::Bytes::from(body);
    let (http, url) = (ctx.http.clone(), format!("{}/echo", ctx.echo));
    drive(ctx.concurrency, UNBOUNDED, ctx.sizes.burst, move |_| {
        let request = http
            .post(&url)
            .header("content-type", "application/json")
            .body(body.clone());
        async move { expect(request.send().await, 200).await }
    })
    .await
}

/// Webhooks are built and signed before the clock starts, so the generator's HMAC work is not
/// charged to the hub. `run` makes the message ids unique across runs on one database.
pub async fn ingest(ctx: &Ctx, run: &str) -> Outcome {
    // Enough for the time limit at a rate far above what this machine does.
    let count = 60_000 * ctx.sizes.burst.as_secs() as usize / 10;
    let customers = ctx.sizes.customers;
    let hooks: Arc<Vec<(bytes::Bytes, String)>> = Arc::new(
        (0..count)
            .map(|i| {
                let m = (
                    customer(i % customers),
                    format!("wamid.bench.{run}.{i}"),
                    format!("Order question number {i}"),
                );
                let (body, sig) = ctx.main.webhook(&[m]);
                (bytes::Bytes::from(body), sig)
            })
            .collect(),
    );
    let (http, url) = (
        ctx.http.clone(),
        format!("{}/hooks/{}", ctx.hub, ctx.main_channel),
    );
    drive(ctx.concurrency, count, ctx.sizes.burst, move |i| {
        let (body, sig) = hooks[i].clone();
        let request = http
            .post(&url)
            .header("content-type", "application/json")
            .header("x-hub-signature-256", sig)
            .body(body);
        async move { expect(request.send().await, 200).await }
    })
    .await
}

/// `POST /v1/messages` to the customers who wrote in during `ingest` (their windows are open).
pub async fn send(ctx: &Ctx) -> Outcome {
    let customers = ctx.sizes.customers;
    let (http, url, key, from) = (
        ctx.http.clone(),
        format!("{}/v1/messages", ctx.hub),
        ctx.key.clone(),
        ctx.main_channel.clone(),
    );
    drive(ctx.concurrency, UNBOUNDED, ctx.sizes.burst, move |i| {
        let body = json!({
            "from": from,
            "to": customer(i % customers),
            "content": {"type": "text", "body": "Thanks, it ships today."},
        });
        let request = http.post(&url).bearer_auth(&key).json(&body);
        async move { expect(request.send().await, 202).await }
    })
    .await
}
