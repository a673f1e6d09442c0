//! Updates to the hub: one Update per POST to the URL set with `setWebhook`, carrying
//! `X-Telegram-Bot-Api-Secret-Token` when a secret was set. Any answer but 2xx is retried a few
//! times with growing pauses, then dropped, like Telegram. Without a webhook, updates wait for
//! `getUpdates`. Every delivery is logged for `GET /sandbox/v1/telegram/bots/{id}/deliveries`.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::Telegram;
use super::bot::MAX_RECORDS;
use crate::state::AppState;

const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";
/// Pauses between attempts after the first: short, so tests and demos see redeliveries soon.
const RETRY_PAUSES: [Duration; 4] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];

/// How the secret header is sent: as set, with a wrong value, or not at all (to test the hub).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Secret {
    AsSet,
    Wrong,
    Missing,
}

/// One update's delivery and its attempts.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Delivery {
    pub update_id: i64,
    pub url: String,
    pub update: Value,
    /// HTTP statuses, or 0 when there was no answer.
    pub attempts: Vec<u16>,
    /// `pending`, `delivered` or `failed`.
    pub state: &'static str,
}

/// Sends `update` to the bot's webhook and waits for the first attempt's status (later attempts
/// run in the background); `None` when no webhook is set (the update waits for `getUpdates`) or
/// the bot is gone.
pub(super) async fn push_update(
    state: &Arc<AppState>,
    bot_id: i64,
    update: Value,
    secret: Secret,
) -> Option<u16> {
    let tg = &state.telegram;
    let update_id = update["update_id"].as_i64().unwrap_or_default();
    let (url, token) = tg.with_bot(bot_id, |bot| match &bot.hook {
        Some(hook) => {
            if bot.deliveries.len() >= MAX_RECORDS {
                bot.deliveries.pop_front();
            }
            bot.deliveries.push_back(Delivery {
                update_id,
                url: hook.url.clone(),
                update: update.clone(),
                attempts: Vec::new(),
                state: "pending",
            });
            Some((hook.url.clone(), hook.secret_token.clone()))
        }
        None => {
            bot.pending.push_back(update.clone());
            None
        }
    })??;
    let token = match secret {
        Secret::AsSet => token,
        Secret::Wrong => Some(format!("not-{}", token.unwrap_or_default())),
        Secret::Missing => None,
    };
    let first = tg
        .attempt(bot_id, update_id, &url, token.as_deref(), &update)
        .await;
    if !(200..300).contains(&first) {
        let state = state.clone();
        tokio::spawn(async move {
            let tg = &state.telegram;
            for pause in RETRY_PAUSES {
                tokio::select! {
                    () = tg.shutdown.cancelled() => return,
                    () = tokio::time::sleep(pause) => {}
                }
                let status = tg
                    .attempt(bot_id, update_id, &url, token.as_deref(), &update)
                    .await;
                if (200..300).contains(&status) {
                    return;
                }
            }
        });
    }
    Some(first)
}

impl Telegram {
    /// One POST; records its status and whether the delivery is done.
    async fn attempt(
        &self,
        bot_id: i64,
        update_id: i64,
        url: &str,
        token: Option<&str>,
        update: &Value,
    ) -> u16 {
        let mut request = self.client.post(url).json(update);
        if let Some(t) = token {
            request = request.header(SECRET_HEADER, t);
        }
        let status = match request.send().await {
            Ok(r) => r.status().as_u16(),
            Err(_) => 0,
        };
        self.with_bot(bot_id, |bot| {
            if let Some(d) = bot
                .deliveries
                .iter_mut()
                .rev()
                .find(|d| d.update_id == update_id)
            {
                d.attempts.push(status);
                if (200..300).contains(&status) {
                    d.state = "delivered";
                } else if d.attempts.len() > RETRY_PAUSES.len() {
                    d.state = "failed";
                }
            }
        });
        status
    }
}
