//! The control API of the Messenger and Instagram emulation:
//! - `GET`/`POST /sandbox/v1/meta/accounts` (`{"platform": "messenger"|"instagram"}` makes a
//!   fresh account with its own id and credentials), `PATCH /sandbox/v1/meta/accounts/{id}`
//!   (`webhook_url`, `verify_token`, `auto_statuses`);
//! - `POST /sandbox/v1/meta/inbound`: `{"account_id", "from", "message"|"postback"|"reaction"|
//!   "message_edit": {...}, "timestamp_ms"?, "signing"?: "good"|"unsigned"|"bad"}` (a deletion
//!   is a message `{"mid", "is_deleted": true}`): a customer writes; the
//!   item is built as Meta would (a `mid` is added to messages without one), the window opens,
//!   and the webhook is delivered signed; an attachment's `payload` may carry `data_base64`
//!   (and `mime_type`) instead of a `url`: the bytes are served at `/sandbox/meta/cdn/{id}`;
//! - `POST /sandbox/v1/meta/faults`: `{"account_id", "code", "subcode"?, "count"?}`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use base64::Engine as _;
use rand::Rng as _;
use rand::distributions::Alphanumeric;
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{Customer, MetaAccount, MetaFault, Platform, hooks};
use crate::ids;
use crate::state::AppState;
use crate::webhooks::Signing;

type Answer = Result<Json<Value>, (StatusCode, Json<Value>)>;

fn refuse(status: StatusCode, message: impl Into<String>) -> (StatusCode, Json<Value>) {
    (status, Json(json!({"error": message.into()})))
}

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/sandbox/v1/meta/accounts", post(create).get(list))
        .route("/sandbox/v1/meta/accounts/{id}", patch(update))
        .route("/sandbox/v1/meta/inbound", post(inbound))
        .route("/sandbox/v1/meta/faults", post(arm))
        .route("/sandbox/meta/cdn/{id}", get(cdn))
}

/// An attachment a customer sent, as Meta's CDN answers it.
async fn cdn(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Response {
    match state.meta.cdn.lock().get(&id).cloned() {
        Some((mime, bytes)) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        None => (StatusCode::NOT_FOUND, "Not Found").into_response(),
    }
}

/// Attachments given as `{"payload": {"data_base64", "mime_type"?}}` are stored and replaced by
/// the URL Meta would give (`{"payload": {"url"}}`).
fn host_attachments(
    state: &AppState,
    message: &mut serde_json::Map<String, Value>,
) -> Result<(), String> {
    let Some(Value::Array(list)) = message.get_mut("attachments") else {
        return Ok(());
    };
    for a in list {
        let Some(payload) = a.get_mut("payload").and_then(Value::as_object_mut) else {
            continue;
        };
        let Some(data) = payload.remove("data_base64") else {
            continue;
        };
        let bytes = data
            .as_str()
            .and_then(|d| base64::engine::general_purpose::STANDARD.decode(d).ok())
            .ok_or("payload.data_base64 must be base64")?;
        let mime = payload
            .remove("mime_type")
            .and_then(|m| m.as_str().map(str::to_owned))
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        let id = ids::numeric_id();
        state
            .meta
            .cdn
            .lock()
            .insert(id.clone(), (mime, bytes.into()));
        payload.insert(
            "url".into(),
            json!(format!("{}/sandbox/meta/cdn/{id}", state.base_url)),
        );
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Create {
    platform: Platform,
    #[serde(default)]
    webhook_url: Option<String>,
}

fn token() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

async fn create(State(state): State<Arc<AppState>>, Json(req): Json<Create>) -> Answer {
    let account = MetaAccount {
        platform: req.platform,
        id: ids::numeric_id(),
        access_token: token(),
        app_secret: token(),
        verify_token: token(),
        webhook_url: req.webhook_url,
        auto_statuses: true,
    };
    state.meta.accounts.write().push(Arc::new(account.clone()));
    Ok(Json(json!(account)))
}

async fn list(State(state): State<Arc<AppState>>) -> Json<Value> {
    let accounts: Vec<MetaAccount> = state
        .meta
        .accounts
        .read()
        .iter()
        .map(|a| (**a).clone())
        .collect();
    Json(json!({"data": accounts}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Update {
    #[serde(default)]
    webhook_url: Option<String>,
    #[serde(default)]
    verify_token: Option<String>,
    #[serde(default)]
    auto_statuses: Option<bool>,
}

async fn update(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Json(req): Json<Update>,
) -> Answer {
    let mut accounts = state.meta.accounts.write();
    let slot = accounts.iter_mut().find(|a| a.id == id).ok_or_else(|| {
        refuse(
            StatusCode::NOT_FOUND,
            format!("no Page or Instagram account {id}"),
        )
    })?;
    let mut account = (**slot).clone();
    if let Some(url) = req.webhook_url {
        account.webhook_url = Some(url);
    }
    if let Some(t) = req.verify_token {
        account.verify_token = t;
    }
    if let Some(a) = req.auto_statuses {
        account.auto_statuses = a;
    }
    *slot = Arc::new(account.clone());
    Ok(Json(json!(account)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inbound {
    account_id: String,
    from: String,
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    postback: Option<Value>,
    #[serde(default)]
    reaction: Option<Value>,
    /// `{"mid", "text", "num_edit"}`: the customer edited a message of theirs.
    #[serde(default)]
    message_edit: Option<Value>,
    #[serde(default)]
    timestamp_ms: Option<i64>,
    #[serde(default)]
    signing: Option<String>,
}

async fn inbound(State(state): State<Arc<AppState>>, Json(req): Json<Inbound>) -> Answer {
    let bad = |m: &str| refuse(StatusCode::UNPROCESSABLE_ENTITY, m);
    let account = state.meta.account(&req.account_id).ok_or_else(|| {
        refuse(
            StatusCode::NOT_FOUND,
            format!("no Page or Instagram account {}", req.account_id),
        )
    })?;
    if req.from.is_empty() || req.from.len() > 32 || !req.from.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("from must be the customer's scoped id (digits)"));
    }
    let at = match req.timestamp_ms {
        Some(ms) => OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .map_err(|_| bad("timestamp_ms is out of range"))?,
        None => OffsetDateTime::now_utc(),
    };
    let signing = match req.signing.as_deref() {
        None | Some("good") => Signing::Good,
        Some("unsigned") => Signing::Unsigned,
        Some("bad") => Signing::Bad,
        Some(_) => return Err(bad("signing must be good, unsigned or bad")),
    };
    let (event, mid, field) = match (req.message, req.postback, req.reaction, req.message_edit) {
        (Some(Value::Object(mut m)), None, None, None) => {
            let mid = match m.get("mid").and_then(Value::as_str) {
                Some(mid) => mid.to_owned(),
                None => format!("m_{}", token()),
            };
            m.insert("mid".into(), json!(mid));
            host_attachments(&state, &mut m).map_err(|e| bad(&e))?;
            (json!({"message": m}), Some(mid), "messages")
        }
        (None, Some(p @ Value::Object(_)), None, None) => {
            (json!({"postback": p}), None, "messaging_postbacks")
        }
        (None, None, Some(r @ Value::Object(_)), None) => {
            (json!({"reaction": r}), None, "message_reactions")
        }
        (None, None, None, Some(e @ Value::Object(_))) => {
            (json!({"message_edit": e}), None, "message_edits")
        }
        _ => {
            return Err(bad(
                "give exactly one of message, postback, reaction and message_edit, as an object",
            ));
        }
    };
    {
        let mut customers = state.meta.customers.lock();
        let c = customers
            .entry((account.id.clone(), req.from.clone()))
            .or_insert_with(Customer::default);
        // The window counts from the customer's latest message, whatever order they come in.
        c.last_inbound = Some(c.last_inbound.map_or(at, |t| t.max(at)));
        c.received.extend(mid.clone());
    }
    let payload = hooks::envelope(&account, vec![hooks::item(&account, &req.from, at, event)]);
    let delivery = hooks::deliver(&state, &account, field, &payload, signing);
    Ok(Json(
        json!({"delivery_id": delivery, "mid": mid, "payload": payload}),
    ))
}

async fn arm(State(state): State<Arc<AppState>>, Json(fault): Json<MetaFault>) -> Answer {
    if state.meta.account(&fault.account_id).is_none() {
        return Err(refuse(
            StatusCode::NOT_FOUND,
            format!("no Page or Instagram account {}", fault.account_id),
        ));
    }
    if fault.count == 0 {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "count must be at least 1",
        ));
    }
    state.meta.faults.lock().push(fault.clone());
    Ok(Json(json!({"armed": fault})))
}
