//! The Telegram Bot API (PROVIDERS §3), emulated: bots with tokens, chats with simulated
//! customers (private chats and groups), the send methods with Telegram's validation and exact
//! `ok:true/false` answers (HTTP status = `error_code`), webhooks set with `setWebhook` and
//! delivered one Update per POST with `X-Telegram-Bot-Api-Secret-Token`, per-chat, per-group and
//! per-bot rate limits answered 429 with `retry_after`, and files (`getFile`, downloads).
//!
//! The Bot API lives under `/telegram` so it never collides with the Graph routes: connectors
//! take `{sandbox}/telegram` as their base URL and call `/telegram/bot{token}/{method}`. The
//! control API is under `/sandbox/v1/telegram/` (see `control`).

mod api;
mod bot;
mod control;
mod deliver;
mod limits;
mod methods;
mod params;
mod reply;
mod sends;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use parking_lot::Mutex;
use tokio_util::sync::CancellationToken;

use crate::state::AppState;
use bot::Bot;

/// Every bot of the sandbox, by id.
pub(crate) struct Telegram {
    bots: Mutex<HashMap<i64, Bot>>,
    /// The HTTP client webhooks are delivered with.
    client: reqwest::Client,
    shutdown: CancellationToken,
}

impl Telegram {
    pub(crate) fn new(shutdown: CancellationToken) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()?;
        Ok(Self {
            bots: Mutex::new(HashMap::new()),
            client,
            shutdown,
        })
    }

    /// Runs `f` on the bot whose token is `token` (constant time per bot).
    fn with_token<T>(&self, token: &str, f: impl FnOnce(&mut Bot) -> T) -> Option<T> {
        use subtle::ConstantTimeEq as _;
        let mut bots = self.bots.lock();
        let bot = bots
            .values_mut()
            .find(|b| bool::from(b.token.as_bytes().ct_eq(token.as_bytes())))?;
        Some(f(bot))
    }

    /// Runs `f` on the bot with this id.
    fn with_bot<T>(&self, id: i64, f: impl FnOnce(&mut Bot) -> T) -> Option<T> {
        self.bots.lock().get_mut(&id).map(f)
    }
}

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().merge(api::routes()).merge(control::routes())
}
