//! `POST /{version}/{page-or-ig-id}/messages`: authenticate (190), armed faults, the body's
//! shape (100), the recipient (100/2018001), the window (10/2018278), then accept with
//! `{"recipient_id","message_id"}` and schedule the watermarks.

use std::sync::Arc;

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::Rng as _;
use rand::distributions::Alphanumeric;
use serde_json::{Map, Value, json};
use time::{Duration, OffsetDateTime};

use super::{MetaAccount, Platform, hooks};
use crate::graph_error::GraphError;
use crate::outbox::OutboxEntry;
use crate::state::AppState;

/// The customer-service window.
const WINDOW: Duration = Duration::hours(24);
/// How long the human-agent tag extends it.
const HUMAN_AGENT_WINDOW: Duration = Duration::days(7);
const MESSENGER_TAGS: &[&str] = &[
    "HUMAN_AGENT",
    "ACCOUNT_UPDATE",
    "POST_PURCHASE_UPDATE",
    "CONFIRMED_EVENT_UPDATE",
];

fn graph(
    status: StatusCode,
    code: i64,
    subcode: Option<i64>,
    message: impl Into<String>,
) -> GraphError {
    GraphError {
        status,
        code,
        subcode,
        message: message.into(),
        error_type: "OAuthException",
        details: None,
    }
}

fn invalid(message: impl Into<String>) -> GraphError {
    graph(
        StatusCode::BAD_REQUEST,
        100,
        None,
        format!("(#100) {}", message.into()),
    )
}

/// Handles a send to `id` when it is a Page or Instagram account; `None` lets WhatsApp's
/// handler answer.
pub(crate) fn graph_send(
    state: &Arc<AppState>,
    id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Response> {
    let account = state.meta.account(id)?;
    let answer = handle(state, account, headers, body);
    Some(match answer {
        Ok(v) => Json(v).into_response(),
        Err(e) => {
            state.outbox.rejected(e.code);
            e.into_response()
        }
    })
}

fn token(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

fn handle(
    state: &Arc<AppState>,
    account: Arc<MetaAccount>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, GraphError> {
    let ok = token(headers).is_some_and(|t| {
        subtle::ConstantTimeEq::ct_eq(t.as_bytes(), account.access_token.as_bytes()).into()
    });
    if !ok {
        return Err(graph(
            StatusCode::UNAUTHORIZED,
            190,
            None,
            "Invalid OAuth access token - Cannot parse access token",
        ));
    }
    if let Some(f) = state.meta.take_fault(&account.id) {
        let (status, _) = crate::graph_error::describe(f.code);
        return Err(graph(
            status,
            f.code,
            f.subcode,
            format!("(#{}) Fault injected by the sandbox", f.code),
        ));
    }
    let root: Value = serde_json::from_slice(body)
        .map_err(|e| invalid(format!("The request body is not valid JSON: {e}")))?;
    let root = root
        .as_object()
        .ok_or_else(|| invalid("The request body must be an object"))?;
    let recipient = root
        .get("recipient")
        .and_then(|r| r.get("id"))
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| invalid("param recipient must be non-empty."))?
        .to_owned();
    let last_inbound = {
        let customers = state.meta.customers.lock();
        match customers.get(&(account.id.clone(), recipient.clone())) {
            Some(c) => c.last_inbound,
            None => {
                return Err(graph(
                    StatusCode::BAD_REQUEST,
                    100,
                    Some(2_018_001),
                    "(#100) No matching user found",
                ));
            }
        }
    };
    if let Some(action) = root.get("sender_action") {
        return sender_action(state, &account, &recipient, action, root);
    }
    check_window(&account, root, last_inbound)?;
    let message = root
        .get("message")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("param message must be an object (or send a sender_action)"))?;
    let kind = check_message(account.platform, message)?;
    let mid = format!(
        "m_{}",
        rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(40)
            .map(char::from)
            .collect::<String>()
    );
    state.outbox.record(OutboxEntry {
        id: mid.clone(),
        phone_number_id: account.id.clone(),
        to: recipient.clone(),
        wa_id: recipient.clone(),
        kind,
        body: Value::Object(root.clone()),
        received_at: OffsetDateTime::now_utc(),
    });
    if let Some(c) = state
        .meta
        .customers
        .lock()
        .get_mut(&(account.id.clone(), recipient.clone()))
    {
        c.sent.push(mid.clone());
    }
    hooks::schedule_watermarks(state, account, recipient.clone(), mid.clone());
    Ok(json!({"recipient_id": recipient, "message_id": mid}))
}

/// RESPONSE / UPDATE inside 24 h of the customer's last message; MESSAGE_TAG needs a tag the
/// platform knows; HUMAN_AGENT reaches 7 days, Messenger's other tags any time.
fn check_window(
    account: &MetaAccount,
    root: &Map<String, Value>,
    last: Option<OffsetDateTime>,
) -> Result<(), GraphError> {
    let kind = root
        .get("messaging_type")
        .and_then(Value::as_str)
        .unwrap_or("RESPONSE");
    let age = last.map(|t| OffsetDateTime::now_utc() - t);
    let outside = || {
        graph(
            StatusCode::BAD_REQUEST,
            10,
            Some(2_018_278),
            "(#10) This message is sent outside of allowed window.",
        )
    };
    match kind {
        "RESPONSE" | "UPDATE" => match age {
            Some(age) if age < WINDOW => Ok(()),
            _ => Err(outside()),
        },
        "MESSAGE_TAG" => {
            let tag = root.get("tag").and_then(Value::as_str).unwrap_or_default();
            let known = match account.platform {
                Platform::Messenger => MESSENGER_TAGS.contains(&tag),
                Platform::Instagram => tag == "HUMAN_AGENT",
            };
            if !known {
                return Err(invalid(format!(
                    "Param tag must be a valid message tag, got `{tag}`"
                )));
            }
            match (tag, age) {
                ("HUMAN_AGENT", Some(age)) if age < HUMAN_AGENT_WINDOW => Ok(()),
                ("HUMAN_AGENT", _) => Err(outside()),
                _ => Ok(()),
            }
        }
        other => Err(invalid(format!(
            "Param messaging_type must be one of RESPONSE, UPDATE, MESSAGE_TAG, got `{other}`"
        ))),
    }
}

/// The message's shape and limits; its kind for the outbox.
fn check_message(platform: Platform, m: &Map<String, Value>) -> Result<String, GraphError> {
    let text = m.get("text").and_then(Value::as_str);
    let attachment = m.get("attachment").and_then(Value::as_object);
    if let Some(meta) = m.get("metadata").and_then(Value::as_str)
        && meta.chars().count() >= 1000
    {
        return Err(invalid(
            "param message[metadata] must be less than 1000 characters",
        ));
    }
    match (text, attachment) {
        (Some(text), None) => {
            match platform {
                Platform::Messenger if text.chars().count() >= 2000 => {
                    return Err(invalid(
                        "param message[text] must be less than 2000 characters",
                    ));
                }
                Platform::Instagram if text.len() > 1000 => {
                    return Err(invalid("The message text is longer than 1000 bytes"));
                }
                _ if text.is_empty() => {
                    return Err(invalid("param message[text] must be non-empty"));
                }
                _ => {}
            }
            if let Some(replies) = m.get("quick_replies") {
                check_quick_replies(replies)?;
            }
            Ok("text".into())
        }
        (None, Some(a)) => check_attachment(platform, a),
        _ => Err(invalid(
            "param message must have exactly one of text and attachment",
        )),
    }
}

fn check_quick_replies(replies: &Value) -> Result<(), GraphError> {
    let list = replies
        .as_array()
        .filter(|l| (1..=13).contains(&l.len()))
        .ok_or_else(|| invalid("param message[quick_replies] must have 1 to 13 elements"))?;
    for (i, q) in list.iter().enumerate() {
        let title = q.get("title").and_then(Value::as_str).unwrap_or_default();
        let payload = q.get("payload").and_then(Value::as_str).unwrap_or_default();
        if q.get("content_type").and_then(Value::as_str) != Some("text")
            || title.is_empty()
            || payload.is_empty()
        {
            return Err(invalid(format!(
                "param message[quick_replies][{i}] needs content_type text, a title and a payload"
            )));
        }
        if title.chars().count() > 20 {
            return Err(invalid(format!(
                "param message[quick_replies][{i}][title] must be at most 20 characters"
            )));
        }
    }
    Ok(())
}

fn check_attachment(platform: Platform, a: &Map<String, Value>) -> Result<String, GraphError> {
    let kind = a.get("type").and_then(Value::as_str).unwrap_or_default();
    let payload = a
        .get("payload")
        .and_then(Value::as_object)
        .ok_or_else(|| invalid("param message[attachment][payload] must be an object"))?;
    match kind {
        "image" | "video" | "audio" | "file" => {
            let url = payload.get("url").and_then(Value::as_str);
            let id = payload.get("attachment_id").and_then(Value::as_str);
            match (url, id) {
                (Some(u), None) if u.starts_with("http://") || u.starts_with("https://") => {
                    Ok(kind.into())
                }
                (None, Some(id)) if !id.is_empty() => Ok(kind.into()),
                _ => Err(invalid(
                    "param message[attachment][payload] needs an http(s) url or an attachment_id",
                )),
            }
        }
        "template" if platform == Platform::Messenger => {
            let ok = payload.get("template_type").and_then(Value::as_str) == Some("button")
                && payload
                    .get("text")
                    .and_then(Value::as_str)
                    .is_some_and(|t| !t.is_empty() && t.chars().count() <= 640)
                && payload
                    .get("buttons")
                    .and_then(Value::as_array)
                    .is_some_and(|b| {
                        (1..=3).contains(&b.len())
                            && b.iter().all(|b| {
                                b.get("type").and_then(Value::as_str) == Some("web_url")
                                    && b.get("url")
                                        .and_then(Value::as_str)
                                        .is_some_and(|u| u.starts_with("http"))
                                    && b.get("title")
                                        .and_then(Value::as_str)
                                        .is_some_and(|t| !t.is_empty() && t.chars().count() <= 20)
                            })
                    });
            if ok {
                Ok("template".into())
            } else {
                Err(invalid(
                    "param message[attachment][payload] is not a valid button template",
                ))
            }
        }
        other => Err(invalid(format!(
            "param message[attachment][type] `{other}` is not supported"
        ))),
    }
}

/// `MARK_SEEN`, `TYPING_ON`, `TYPING_OFF`; Instagram also `react` / `unreact` with a payload
/// naming a message of this chat.
fn sender_action(
    state: &AppState,
    account: &MetaAccount,
    recipient: &str,
    action: &Value,
    root: &Map<String, Value>,
) -> Result<Value, GraphError> {
    match (action.as_str(), account.platform) {
        (Some("MARK_SEEN" | "TYPING_ON" | "TYPING_OFF"), _) => {}
        (Some("react" | "unreact"), Platform::Instagram) => {
            let mid = root
                .get("payload")
                .and_then(|p| p.get("message_id"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let known = state
                .meta
                .customers
                .lock()
                .get(&(account.id.clone(), recipient.to_owned()))
                .is_some_and(|c| c.received.iter().chain(&c.sent).any(|m| m == mid));
            if !known {
                return Err(invalid(format!(
                    "param payload[message_id] does not name a message of this chat: {mid}"
                )));
            }
            if action == "react"
                && root
                    .get("payload")
                    .and_then(|p| p.get("reaction"))
                    .and_then(Value::as_str)
                    != Some("love")
            {
                return Err(invalid("param payload[reaction] must be love"));
            }
        }
        _ => {
            return Err(invalid(format!(
                "param sender_action {action} is not supported"
            )));
        }
    }
    Ok(json!({"recipient_id": recipient}))
}
