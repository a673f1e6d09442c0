//! The control API for business numbers: `POST /sandbox/v1/accounts` creates one with fresh ids
//! and credentials (so every test or demo channel gets a number of its own), `GET` lists them,
//! `PATCH /sandbox/v1/accounts/{phone_number_id}` re-points its webhook URL (or its verify token
//! or rate).
//! Credentials are answered in full: this is the provider's console, not the hub.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::{get, patch};
use axum::{Json, Router};
use bytes::Bytes;
use rand::Rng as _;
use rand::distributions::Alphanumeric;
use serde_json::{Map, Value, json};

use crate::config::WhatsAppAccount;
use crate::graph_error::GraphError;
use crate::ids;
use crate::state::AppState;
use crate::webhooks::control_body;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/sandbox/v1/accounts", get(list).post(create))
        .route("/sandbox/v1/accounts/{phone_number_id}", patch(update))
}

/// Fields a create may set; anything else is refused so a typo never silently does nothing.
const CREATE_FIELDS: &[&str] = &[
    "phone_number_id",
    "waba_id",
    "display_phone_number",
    "access_token",
    "app_secret",
    "verify_token",
    "api_key",
    "webhook_url",
    "messages_per_second",
];
const UPDATE_FIELDS: &[&str] = &["webhook_url", "verify_token", "messages_per_second"];

/// The account as the control API shows it.
fn view(a: &WhatsAppAccount) -> Value {
    json!({
        "phone_number_id": a.phone_number_id,
        "waba_id": a.waba_id,
        "display_phone_number": a.display_phone_number,
        "access_token": a.access_token,
        "app_secret": a.app_secret,
        "verify_token": a.verify_token,
        "api_key": a.api_key,
        "webhook_url": a.webhook_url,
        "messages_per_second": a.messages_per_second,
    })
}

async fn list(State(state): State<Arc<AppState>>) -> Json<Value> {
    let accounts: Vec<Value> = state.accounts.read().iter().map(|a| view(a)).collect();
    Json(json!({ "data": accounts }))
}

async fn create(
    State(state): State<Arc<AppState>>,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    // An empty body asks for an account with everything generated.
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        control_body(&body)?
    };
    refuse_unknown(&body, CREATE_FIELDS)?;
    let account = WhatsAppAccount {
        phone_number_id: digits(&body, "phone_number_id")?.unwrap_or_else(ids::numeric_id),
        waba_id: digits(&body, "waba_id")?.unwrap_or_else(ids::numeric_id),
        display_phone_number: digits(&body, "display_phone_number")?.unwrap_or_else(display_number),
        access_token: text(&body, "access_token")?.unwrap_or_else(|| secret("EAAG")),
        app_secret: text(&body, "app_secret")?.unwrap_or_else(|| secret("")),
        verify_token: text(&body, "verify_token")?.unwrap_or_else(|| secret("")),
        api_key: Some(text(&body, "api_key")?.unwrap_or_else(|| secret(""))),
        webhook_url: webhook_url(&body)?.flatten(),
        messages_per_second: rate(&body)?.flatten(),
    };
    {
        let mut accounts = state.accounts.write();
        if accounts
            .iter()
            .any(|a| a.phone_number_id == account.phone_number_id)
        {
            return Err(GraphError::invalid_parameter(format!(
                "phone_number_id {} is already in use",
                account.phone_number_id
            )));
        }
        if accounts.iter().any(|a| {
            a.api_key.is_some() && a.api_key == account.api_key
                || a.access_token == account.access_token
        }) {
            return Err(GraphError::invalid_parameter(
                "access_token and api_key must not be another account's",
            ));
        }
        accounts.push(Arc::new(account.clone()));
    }
    state
        .limits
        .set_rate(&account.phone_number_id, account.messages_per_second);
    Ok(Json(view(&account)))
}

async fn update(
    State(state): State<Arc<AppState>>,
    Path(phone_number_id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, GraphError> {
    let body = control_body(&body)?;
    refuse_unknown(&body, UPDATE_FIELDS)?;
    let url = webhook_url(&body)?;
    let verify_token = text(&body, "verify_token")?;
    let mps = rate(&body)?;
    let updated = {
        let mut accounts = state.accounts.write();
        let slot = accounts
            .iter_mut()
            .find(|a| a.phone_number_id == phone_number_id)
            .ok_or_else(|| {
                GraphError::invalid_parameter(format!("Unknown phone_number_id {phone_number_id}"))
            })?;
        // Requests in flight keep the version they authenticated with.
        let mut next = WhatsAppAccount::clone(slot);
        if let Some(url) = url {
            next.webhook_url = url;
        }
        if let Some(token) = verify_token {
            next.verify_token = token;
        }
        if let Some(mps) = mps {
            next.messages_per_second = mps;
        }
        *slot = Arc::new(next.clone());
        next
    };
    if mps.is_some() {
        state
            .limits
            .set_rate(&updated.phone_number_id, updated.messages_per_second);
    }
    Ok(Json(view(&updated)))
}

fn refuse_unknown(body: &Map<String, Value>, known: &[&str]) -> Result<(), GraphError> {
    match body.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(GraphError::invalid_parameter(format!(
            "Unknown parameter {k}; expected one of {}",
            known.join(", ")
        ))),
        None => Ok(()),
    }
}

/// A non-empty string parameter, when given.
fn text(body: &Map<String, Value>, key: &str) -> Result<Option<String>, GraphError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 512 => Ok(Some(s.clone())),
        Some(_) => Err(GraphError::invalid_parameter(format!(
            "Param {key} must be a non-empty string"
        ))),
    }
}

/// A string of digits, when given.
fn digits(body: &Map<String, Value>, key: &str) -> Result<Option<String>, GraphError> {
    let value = text(body, key)?;
    if value
        .as_deref()
        .is_some_and(|v| v.len() > 32 || !v.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(GraphError::invalid_parameter(format!(
            "Param {key} must be digits"
        )));
    }
    Ok(value)
}

/// `Some(None)` clears the URL (`null` or `""`), `None` leaves it.
fn webhook_url(body: &Map<String, Value>) -> Result<Option<Option<String>>, GraphError> {
    match body.get("webhook_url") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) if s.is_empty() => Ok(Some(None)),
        Some(Value::String(s)) if s.starts_with("http://") || s.starts_with("https://") => {
            Ok(Some(Some(s.clone())))
        }
        Some(_) => Err(GraphError::invalid_parameter(
            "Param webhook_url must be an http(s) URL",
        )),
    }
}

/// `Some(None)` clears the override, `None` leaves it.
fn rate(body: &Map<String, Value>) -> Result<Option<Option<u32>>, GraphError> {
    match body.get("messages_per_second") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => match v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
        {
            Some(n) => Ok(Some(Some(n))),
            None => Err(GraphError::invalid_parameter(
                "Param messages_per_second must be a positive integer",
            )),
        },
    }
}

/// A random credential: `prefix` and 32 alphanumerics.
fn secret(prefix: &str) -> String {
    let random: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    format!("{prefix}{random}")
}

/// A UK drama-range number (447700900000-447700900998), as the default account uses; 999 is the
/// number whose messages fail.
fn display_number() -> String {
    format!("447700900{:03}", rand::thread_rng().gen_range(0..999))
}
