//! The Twilio part of the control API: `POST /sandbox/v1/twilio/accounts` makes an account with
//! its own number and credentials, `PATCH` re-points its messaging URL or rate; `POST
//! /sandbox/v1/twilio/inbound` is a customer writing in (text, MMS media, a WhatsApp location;
//! STOP / START / HELP handled as Twilio does), posted signed to the messaging URL and answered
//! with the hub's reply; `GET …/messages` and `GET …/callbacks` show what went out.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use bytes::Bytes;
use rand::Rng as _;
use serde::Deserialize;
use serde_json::{Value, json};

use super::api::{is_e164, keyword_reply};
use super::hooks::{self, Signing};
use super::state::{StoredMedia, TwilioAccount, sid};
use crate::state::AppState;

fn bad(text: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": text.into() })),
    )
        .into_response()
}

fn view(a: &TwilioAccount) -> Value {
    json!({
        "account_sid": a.account_sid,
        "auth_token": a.auth_token,
        "phone_number": a.phone_number,
        "messaging_url": a.messaging_url,
        "messages_per_second": a.messages_per_second,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountChange {
    phone_number: Option<String>,
    messaging_url: Option<String>,
    messages_per_second: Option<u32>,
}

pub(crate) async fn list_accounts(State(state): State<Arc<AppState>>) -> Json<Value> {
    let all: Vec<Value> = state
        .twilio
        .accounts
        .read()
        .iter()
        .map(|a| view(a))
        .collect();
    Json(json!({ "data": all }))
}

pub(crate) async fn create_account(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let change: AccountChange = if body.iter().all(u8::is_ascii_whitespace) {
        AccountChange::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(c) => c,
            Err(e) => return bad(e.to_string()),
        }
    };
    let phone_number = change.phone_number.unwrap_or_else(|| {
        // Twilio's own test range: +1 500 555 xxxx.
        format!("+1500555{:04}", rand::thread_rng().gen_range(1000..10000))
    });
    if !is_e164(&phone_number) {
        return bad("phone_number must be E.164 with +");
    }
    let account = TwilioAccount {
        account_sid: sid("AC"),
        auth_token: hex::encode(rand::thread_rng().r#gen::<[u8; 16]>()),
        phone_number,
        messaging_url: change.messaging_url,
        messages_per_second: change.messages_per_second.unwrap_or(1).max(1),
    };
    {
        let mut accounts = state.twilio.accounts.write();
        if accounts
            .iter()
            .any(|a| a.phone_number == account.phone_number)
        {
            return bad("phone_number is already another account's");
        }
        accounts.push(Arc::new(account.clone()));
    }
    Json(view(&account)).into_response()
}

pub(crate) async fn update_account(
    State(state): State<Arc<AppState>>,
    Path(account_sid): Path<String>,
    Json(change): Json<AccountChange>,
) -> Response {
    let mut accounts = state.twilio.accounts.write();
    let Some(slot) = accounts.iter_mut().find(|a| a.account_sid == account_sid) else {
        return bad(format!("unknown account {account_sid}"));
    };
    let mut next = TwilioAccount::clone(slot);
    if let Some(url) = change.messaging_url {
        next.messaging_url = Some(url).filter(|u| !u.is_empty());
    }
    if let Some(mps) = change.messages_per_second {
        next.messages_per_second = mps.max(1);
    }
    *slot = Arc::new(next.clone());
    Json(view(&next)).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Inbound {
    account_sid: String,
    /// The customer, `+E164`.
    from: String,
    #[serde(default)]
    body: String,
    /// `sms` (default) or `whatsapp`.
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    media: Vec<InboundMedia>,
    #[serde(default)]
    profile_name: Option<String>,
    #[serde(default)]
    latitude: Option<f64>,
    #[serde(default)]
    longitude: Option<f64>,
    /// `good` (default), `bad` or `none`: how the webhook is signed.
    #[serde(default)]
    signing: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundMedia {
    content_type: String,
    #[serde(default)]
    data_base64: Option<String>,
}

pub(crate) async fn inbound(
    State(state): State<Arc<AppState>>,
    Json(req): Json<Inbound>,
) -> Response {
    let Some(account) = state.twilio.account(&req.account_sid) else {
        return bad(format!("unknown account {}", req.account_sid));
    };
    let Some(url) = account.messaging_url.clone() else {
        return bad("the account has no messaging_url");
    };
    if !is_e164(&req.from) {
        return bad("from must be E.164 with +");
    }
    let whatsapp = match req.channel.as_deref() {
        None | Some("sms") => false,
        Some("whatsapp") => true,
        Some(other) => return bad(format!("channel must be sms or whatsapp, not {other}")),
    };
    let signing = match req.signing.as_deref() {
        None | Some("good") => Signing::Good,
        Some("bad") => Signing::Bad,
        Some("none") => Signing::Unsigned,
        Some(other) => return bad(format!("signing must be good, bad or none, not {other}")),
    };
    let prefix = if whatsapp { "whatsapp:" } else { "" };
    let message_sid = sid(if req.media.is_empty() { "SM" } else { "MM" });
    let mut params: Vec<(String, String)> = Vec::new();
    let mut push = |k: &str, v: String| params.push((k.to_owned(), v));
    push("ToCountry", "US".into());
    push("ToState", "CA".into());
    push("SmsMessageSid", message_sid.clone());
    push("NumMedia", req.media.len().to_string());
    push("ToCity", "SAN FRANCISCO".into());
    push("FromZip", "94105".into());
    push("SmsSid", message_sid.clone());
    push("FromState", "CA".into());
    push("SmsStatus", "received".into());
    push("FromCity", "SAN FRANCISCO".into());
    push("Body", req.body.clone());
    push("FromCountry", "US".into());
    push("To", format!("{prefix}{}", account.phone_number));
    push("ToZip", "94105".into());
    push(
        "NumSegments",
        switchboard_domain::sms::segments(&req.body)
            .count
            .to_string(),
    );
    push("MessageSid", message_sid.clone());
    push("AccountSid", account.account_sid.clone());
    push("From", format!("{prefix}{}", req.from));
    push("ApiVersion", "2010-04-01".into());
    if whatsapp {
        push("WaId", req.from.trim_start_matches('+').to_owned());
        if let Some(name) = &req.profile_name {
            push("ProfileName", name.clone());
        }
        if let (Some(lat), Some(lon)) = (req.latitude, req.longitude) {
            push("Latitude", lat.to_string());
            push("Longitude", lon.to_string());
        }
    }
    for (n, m) in req.media.iter().enumerate() {
        let bytes = match &m.data_base64 {
            Some(b) => match base64::engine::general_purpose::STANDARD.decode(b.trim()) {
                Ok(bytes) => bytes,
                Err(e) => return bad(format!("media[{n}].data_base64: {e}")),
            },
            None => b"sandbox placeholder media".to_vec(),
        };
        let media_sid = sid("ME");
        state.twilio.media.lock().insert(
            media_sid.clone(),
            StoredMedia {
                account_sid: account.account_sid.clone(),
                content_type: m.content_type.clone(),
                bytes: Bytes::from(bytes),
            },
        );
        push(
            &format!("MediaUrl{n}"),
            format!(
                "{}/2010-04-01/Accounts/{}/Messages/{message_sid}/Media/{media_sid}",
                state.base_url, account.account_sid
            ),
        );
        push(&format!("MediaContentType{n}"), m.content_type.clone());
    }
    // Twilio acts on keywords before it forwards the message (which it still does).
    if !whatsapp {
        keyword_reply(&state, &account, &req.from, &req.body);
    }
    let answer = hooks::post(&state.twilio, &account, "inbound", &url, params, signing).await;
    Json(json!({
        "message_sid": message_sid,
        "status": answer.status,
        "content_type": answer.content_type,
        "answer": answer.body,
    }))
    .into_response()
}

/// `?account_sid=`: only that account's.
fn filtered(list: &[Value], q: &HashMap<String, String>, path: &str) -> Json<Value> {
    let list: Vec<Value> = list
        .iter()
        .filter(|v| {
            q.get("account_sid")
                .is_none_or(|sid| v.pointer(path).and_then(Value::as_str) == Some(sid.as_str()))
        })
        .cloned()
        .collect();
    Json(Value::Array(list))
}

pub(crate) async fn messages(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    filtered(&state.twilio.outbox.lock(), &q, "/resource/account_sid")
}

pub(crate) async fn callbacks(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    filtered(&state.twilio.hooks.lock(), &q, "/account_sid")
}
