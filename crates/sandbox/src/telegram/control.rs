//! The Telegram part of the control API (`/sandbox/v1/telegram/...`): make bots and chats (a
//! private chat is a simulated customer, a group has members), have customers write, edit and
//! tap buttons (each an Update delivered to the bot's webhook), block the bot, upgrade a group
//! to a supergroup, arm errors, and read what the bot sent and which updates were delivered.

mod updates;

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::bot::{Bot, Chat, Fault};
use crate::state::AppState;

pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/sandbox/v1/telegram/bots", post(create_bot))
        .route(
            "/sandbox/v1/telegram/bots/{bot}",
            get(get_bot).patch(update_bot),
        )
        .route("/sandbox/v1/telegram/bots/{bot}/chats", post(create_chat))
        .route(
            "/sandbox/v1/telegram/bots/{bot}/chats/{chat}",
            patch(update_chat),
        )
        .route(
            "/sandbox/v1/telegram/bots/{bot}/updates",
            post(updates::post),
        )
        .route("/sandbox/v1/telegram/bots/{bot}/outbox", get(outbox))
        .route(
            "/sandbox/v1/telegram/bots/{bot}/deliveries",
            get(deliveries),
        )
        .route("/sandbox/v1/telegram/bots/{bot}/callbacks", get(callbacks))
        .route("/sandbox/v1/telegram/bots/{bot}/faults", post(arm_fault))
}

/// A control API refusal: `{"error": ...}` with a 4xx status.
pub(super) fn refuse(status: StatusCode, error: impl Into<String>) -> Response {
    (status, Json(json!({"error": error.into()}))).into_response()
}

fn no_bot() -> Response {
    refuse(StatusCode::NOT_FOUND, "no such bot")
}

fn text(body: &Value, key: &str) -> Option<String> {
    body.get(key).and_then(Value::as_str).map(str::to_owned)
}

async fn create_bot(State(state): State<Arc<AppState>>, body: Option<Json<Value>>) -> Response {
    let body = body.map(|Json(b)| b).unwrap_or(Value::Null);
    let mut bots = state.telegram.bots.lock();
    // Bot ids are large positive integers, like Telegram's.
    let id = 7_000_000_001 + bots.len() as i64;
    let username =
        text(&body, "username").unwrap_or_else(|| format!("sandbox{}_bot", bots.len() + 1));
    let first_name = text(&body, "first_name").unwrap_or_else(|| "Sandbox Bot".into());
    let bot = Bot::new(id, username, first_name);
    let summary = bot.summary();
    bots.insert(id, bot);
    Json(summary).into_response()
}

async fn get_bot(State(state): State<Arc<AppState>>, Path(bot): Path<i64>) -> Response {
    match state.telegram.with_bot(bot, |b| b.summary()) {
        Some(s) => Json(s).into_response(),
        None => no_bot(),
    }
}

/// `{"rate_limits": false}` turns flood control off (load tests).
async fn update_bot(
    State(state): State<Arc<AppState>>,
    Path(bot): Path<i64>,
    Json(body): Json<Value>,
) -> Response {
    let found = state.telegram.with_bot(bot, |b| {
        if let Some(on) = body.get("rate_limits").and_then(Value::as_bool) {
            b.limits.off = !on;
        }
        b.summary()
    });
    found.map_or_else(no_bot, |s| Json(s).into_response())
}

/// `{"type": "private", "first_name": "Ada", "username"?}` or `{"type": "group" | "supergroup",
/// "title": "..."}`: a new chat with a fresh id (a private chat's id is the customer's user id).
async fn create_chat(
    State(state): State<Arc<AppState>>,
    Path(bot): Path<i64>,
    Json(body): Json<Value>,
) -> Response {
    let kind = text(&body, "type").unwrap_or_else(|| "private".into());
    if !matches!(
        kind.as_str(),
        "private" | "group" | "supergroup" | "channel"
    ) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "type must be private, group, supergroup or channel",
        );
    }
    let found = state.telegram.with_bot(bot, |b| {
        let n = b.chats.len() as i64 + 1;
        let id = match kind.as_str() {
            "private" => 5_000_000_000 + n,
            "group" => -(4_000_000_000 + n),
            _ => -(1_000_000_000_000 + 4_000_000_000 + n),
        };
        let private = kind == "private";
        let chat = Chat {
            id,
            kind: kind.clone(),
            title: (!private)
                .then(|| text(&body, "title").unwrap_or_else(|| format!("Sandbox group {n}"))),
            first_name: private
                .then(|| text(&body, "first_name").unwrap_or_else(|| "Sandbox".into())),
            last_name: if private {
                text(&body, "last_name")
            } else {
                None
            },
            username: text(&body, "username"),
            blocked: false,
            migrated_to: None,
            last_message_id: 0,
        };
        let answer = chat.json();
        b.chats.insert(id, chat);
        answer
    });
    found.map_or_else(no_bot, |c| Json(c).into_response())
}

/// `{"blocked": true}` (the customer blocked the bot) or `{"upgrade": true}` (a group becomes a
/// supergroup with a new id; the old id then answers `migrate_to_chat_id`).
async fn update_chat(
    State(state): State<Arc<AppState>>,
    Path((bot, chat)): Path<(i64, i64)>,
    Json(body): Json<Value>,
) -> Response {
    let found = state.telegram.with_bot(bot, |b| {
        let c = b.chats.get_mut(&chat)?;
        if let Some(blocked) = body.get("blocked").and_then(Value::as_bool) {
            c.blocked = blocked;
        }
        let mut answer = c.json();
        if body.get("upgrade").and_then(Value::as_bool) == Some(true) && c.kind == "group" {
            let new_id = -(1_000_000_000_000 + chat.abs());
            c.migrated_to = Some(new_id);
            let mut upgraded = c.clone();
            upgraded.id = new_id;
            upgraded.kind = "supergroup".into();
            upgraded.migrated_to = None;
            upgraded.last_message_id = 0;
            answer = upgraded.json();
            b.chats.insert(new_id, upgraded);
        }
        Some(answer)
    });
    match found {
        None => no_bot(),
        Some(None) => refuse(StatusCode::NOT_FOUND, "no such chat"),
        Some(Some(c)) => Json(c).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct ChatFilter {
    chat_id: Option<i64>,
}

async fn outbox(
    State(state): State<Arc<AppState>>,
    Path(bot): Path<i64>,
    Query(filter): Query<ChatFilter>,
) -> Response {
    let found = state.telegram.with_bot(bot, |b| {
        b.outbox
            .iter()
            .filter(|m| {
                filter
                    .chat_id
                    .is_none_or(|id| m["chat"]["id"].as_i64() == Some(id))
            })
            .cloned()
            .collect::<Vec<_>>()
    });
    found.map_or_else(no_bot, |m| Json(m).into_response())
}

async fn deliveries(State(state): State<Arc<AppState>>, Path(bot): Path<i64>) -> Response {
    let found = state
        .telegram
        .with_bot(bot, |b| b.deliveries.iter().cloned().collect::<Vec<_>>());
    found.map_or_else(no_bot, |d| Json(d).into_response())
}

async fn callbacks(State(state): State<Arc<AppState>>, Path(bot): Path<i64>) -> Response {
    let found = state
        .telegram
        .with_bot(bot, |b| b.answered_callbacks.clone());
    found.map_or_else(no_bot, |c| Json(c).into_response())
}

/// `{"method"?: "sendMessage", "error_code": 429, "description": "...", "retry_after"?: 3,
/// "migrate_to_chat_id"?: -100..., "times"?: 1}`: the next calls answer this error.
async fn arm_fault(
    State(state): State<Arc<AppState>>,
    Path(bot): Path<i64>,
    Json(body): Json<Value>,
) -> Response {
    let Some(code) = body
        .get("error_code")
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok())
        .filter(|c| (400..600).contains(c))
    else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "error_code must be an HTTP error status",
        );
    };
    let mut parameters = serde_json::Map::new();
    for key in ["retry_after", "migrate_to_chat_id"] {
        if let Some(v) = body.get(key) {
            parameters.insert(key.into(), v.clone());
        }
    }
    let fault = Fault {
        method: text(&body, "method").map(|m| m.to_ascii_lowercase()),
        error_code: code,
        description: text(&body, "description").unwrap_or_else(|| default_description(code)),
        parameters: (!parameters.is_empty()).then_some(Value::Object(parameters)),
        times: body
            .get("times")
            .and_then(Value::as_u64)
            .and_then(|t| u32::try_from(t).ok())
            .unwrap_or(1),
    };
    let found = state.telegram.with_bot(bot, |b| b.faults.push(fault));
    found.map_or_else(no_bot, |()| Json(json!({"armed": true})).into_response())
}

fn default_description(code: u16) -> String {
    match code {
        401 => "Unauthorized".into(),
        403 => "Forbidden: bot was blocked by the user".into(),
        429 => "Too Many Requests: retry after 1".into(),
        500 => "Internal Server Error".into(),
        502 => "Bad Gateway".into(),
        _ => "Bad Request".into(),
    }
}
