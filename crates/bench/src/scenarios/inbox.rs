//! The inbox read: conversations and messages preloaded through the real webhook path (a hundred
//! messages per webhook, as Meta batches under load), then the two reads an agent's inbox makes:
//! the conversation list and one conversation's messages.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use rand::Rng as _;
use serde_json::Value;

use super::Ctx;
use crate::load::{Outcome, drive, expect};
use crate::webhook::customer;

/// Messages per preload webhook.
const PER_HOOK: usize = 100;
/// Customers of the inbox number start here, apart from the main number's.
const FIRST_CUSTOMER: usize = 1_000_000;

/// Loads the inbox; answers the preload's outcome (one "request" per webhook of 100 messages).
pub async fn preload(ctx: &Ctx) -> Outcome {
    let conversations = ctx.sizes.inbox_conversations;
    let total = conversations * ctx.sizes.inbox_messages_each;
    let hooks = total.div_ceil(PER_HOOK);
    let http = ctx.http.clone();
    let url = format!("{}/hooks/{}", ctx.hub, ctx.inbox_channel);
    let number = ctx.inbox.clone();
    drive(8, hooks, Duration::from_secs(3_600), move |h| {
        let messages: Vec<_> = (h * PER_HOOK..((h + 1) * PER_HOOK).min(total))
            .map(|k| {
                (
                    customer(FIRST_CUSTOMER + k % conversations),
                    format!("wamid.bench.inbox.{k}"),
                    format!("Inbox message {k}: is my parcel on its way?"),
                )
            })
            .collect();
        let (body, sig) = number.webhook(&messages);
        let request = http
            .post(&url)
            .header("content-type", "application/json")
            .header("x-hub-signature-256", sig)
            .body(body);
        async move { expect(request.send().await, 200).await }
    })
    .await
}

/// The ids of every conversation of the inbox channel, paged through the API.
async fn conversation_ids(ctx: &Ctx) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/conversations?channel={}&limit=200", ctx.inbox_channel);
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = ctx
            .authed(reqwest::Method::GET, &path)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let data = page["data"].as_array().context("a page")?;
        ids.extend(
            data.iter()
                .filter_map(|c| c["id"].as_str().map(str::to_owned)),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return Ok(ids),
        }
    }
}

/// (conversation list, one conversation's messages), each measured `inbox_reads` times.
pub async fn reads(ctx: &Ctx) -> anyhow::Result<(Outcome, Outcome, usize)> {
    let ids = Arc::new(conversation_ids(ctx).await?);
    anyhow::ensure!(!ids.is_empty(), "the preload made no conversations");
    let reads = ctx.sizes.inbox_reads;
    let concurrency = 4;
    let (http, key) = (ctx.http.clone(), ctx.key.clone());
    let list_url = format!(
        "{}/v1/conversations?channel={}&limit=25",
        ctx.hub, ctx.inbox_channel
    );
    let list = drive(concurrency, reads, Duration::from_secs(600), move |_| {
        let request = http.get(&list_url).bearer_auth(&key);
        async move { expect(request.send().await, 200).await }
    })
    .await;
    let (http, key, hub) = (ctx.http.clone(), ctx.key.clone(), ctx.hub.clone());
    let picks = ids.clone();
    let messages = drive(concurrency, reads, Duration::from_secs(600), move |_| {
        let id = &picks[rand::thread_rng().gen_range(0..picks.len())];
        let url = format!("{hub}/v1/conversations/{id}/messages?limit=50");
        let request = http.get(url).bearer_auth(&key);
        async move { expect(request.send().await, 200).await }
    })
    .await;
    Ok((list, messages, ids.len()))
}
