//! `POST /{version}/{phone-number-id}/messages` (and the BSP `POST /messages`): strict validation
//! of every send body, the limits, and Meta's answers (PROVIDERS §1.2–1.5).
//!
//! The order is Meta's: authenticate, then armed faults (so a test can fail any send), then the
//! body's shape, then policy (window, throughput, pair rate), then the send is recorded in the
//! outbox and its status webhooks are scheduled.

mod common;
mod content;
#[cfg(test)]
mod fuzz;
mod interactive;
mod params;
mod read;
mod template;
mod template_match;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use bytes::Bytes;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::accounts::{Object, check_version};
use crate::config::WhatsAppAccount;
use crate::graph_error::GraphError;
use crate::ids;
use crate::outbox::OutboxEntry;
use crate::state::AppState;
use crate::statuses::AcceptedSend;
use common::Envelope;
use params::Obj;

/// The send routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/{version}/{id}/messages", post(graph_send))
        .route("/messages", post(bsp_send))
}

async fn graph_send(
    State(state): State<Arc<AppState>>,
    Path((version, number)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if check_version(&version).is_ok()
        && let Some(answer) = crate::meta_messaging::graph_send(&state, &number, &headers, &body)
    {
        // A Page or Instagram account: the Messenger / Instagram Send API.
        return answer;
    }
    let answer = check_version(&version)
        .and_then(|()| state.authenticate(&headers, Object::PhoneNumber, Some(&number), "post"))
        .and_then(|account| {
            // A BSP key on a Graph path still has to own the number in the path.
            if account.phone_number_id == number {
                Ok(account)
            } else {
                Err(GraphError::unknown_object(&number, "post"))
            }
        })
        .and_then(|account| handle(&state, &account, &body));
    respond(&state, answer)
}

async fn bsp_send(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let answer = state
        .authenticate(&headers, Object::PhoneNumber, None, "post")
        .and_then(|account| handle(&state, &account, &body));
    respond(&state, answer)
}

fn respond(state: &AppState, answer: Result<Value, GraphError>) -> Response {
    match answer {
        Ok(body) => Json(body).into_response(),
        Err(e) => {
            state.outbox.rejected(e.code);
            e.into_response()
        }
    }
}

/// One authenticated request to the messages endpoint: a send or a mark-as-read.
fn handle(
    state: &Arc<AppState>,
    account: &WhatsAppAccount,
    body: &[u8],
) -> Result<Value, GraphError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        GraphError::invalid_parameter(format!("The request body is not valid JSON: {e}"))
    })?;
    let root = Obj::new(&value, String::new())?;
    if root.has("status") {
        return read::mark_read(state, account, &root);
    }
    // Faults come before validation: a test can make even a malformed send fail its way.
    if let Some(fault) = state.faults.take(
        &account.phone_number_id,
        root.get("to").and_then(Value::as_str),
    ) {
        return Err(fault);
    }
    let envelope = common::envelope(&root)?;
    let category = check_content(state, account, &root, &envelope)?;
    check_policy(state, account, &envelope)?;
    Ok(accept(state, account, &envelope, category, &value))
}

/// The type-specific checks; returns the pricing category of the send.
fn check_content(
    state: &AppState,
    account: &WhatsAppAccount,
    root: &Obj<'_>,
    envelope: &Envelope<'_>,
) -> Result<Option<String>, GraphError> {
    let number = &account.phone_number_id;
    let media = content::MediaIds {
        store: &state.media,
        phone_number_id: number,
    };
    match envelope.kind {
        "text" => content::text(root)?,
        "location" => content::location(root)?,
        "contacts" => content::contacts(root)?,
        "interactive" => interactive::interactive(root, &media)?,
        "template" => {
            let category = template::template(root, &account.waba_id, &state.templates, &media)?;
            return Ok(Some(category));
        }
        "reaction" => {
            // A reaction needs the message to exist in this chat (the customer's or ours), not
            // an open window.
            let target = content::reaction(root)?;
            let known = state
                .limits
                .inbound_sender(number, target)
                .is_some_and(|from| from == envelope.wa_id)
                || state.outbox.sent_to(number, &envelope.wa_id, target);
            if !known {
                return Err(GraphError::code(
                    131_009,
                    format!(
                        "Param reaction['message_id'] does not name a message in this chat: {target}"
                    ),
                ));
            }
        }
        kind => content::media(root, kind, &media)?,
    }
    Ok(None)
}

/// The window (free-form only, never templates or reactions), then the number's throughput, then
/// the pair rate. A send refused by the pair rate has already used its throughput slot, as an
/// attempt at Meta does.
fn check_policy(
    state: &AppState,
    account: &WhatsAppAccount,
    envelope: &Envelope<'_>,
) -> Result<(), GraphError> {
    let number = &account.phone_number_id;
    let free_form = !matches!(envelope.kind, "template" | "reaction");
    if free_form && !envelope.group {
        state
            .limits
            .check_window(number, &envelope.wa_id, OffsetDateTime::now_utc())?;
    }
    let now = Instant::now();
    state.limits.take_send(number, now)?;
    if !envelope.group {
        state.limits.take_pair(number, &envelope.wa_id, now)?;
    }
    Ok(())
}

/// Records the send, schedules its statuses and builds Meta's answer.
fn accept(
    state: &Arc<AppState>,
    account: &WhatsAppAccount,
    envelope: &Envelope<'_>,
    category: Option<String>,
    body: &Value,
) -> Value {
    let id = ids::wamid(&envelope.wa_id);
    let is_template = category.is_some();
    state.outbox.record(OutboxEntry {
        id: id.clone(),
        phone_number_id: account.phone_number_id.clone(),
        to: envelope.to.to_owned(),
        wa_id: envelope.wa_id.clone(),
        kind: envelope.kind.to_owned(),
        body: body.clone(),
        received_at: OffsetDateTime::now_utc(),
    });
    state.statuses.accepted(
        state,
        AcceptedSend {
            phone_number_id: account.phone_number_id.clone(),
            message_id: id.clone(),
            recipient: envelope.wa_id.clone(),
            kind: envelope.kind.to_owned(),
            category: category.unwrap_or_else(|| "service".to_owned()),
            callback_data: envelope.callback_data.map(str::to_owned),
        },
    );
    let message = if is_template {
        json!({"id": id, "message_status": "accepted"})
    } else {
        json!({"id": id})
    };
    json!({
        "messaging_product": "whatsapp",
        "contacts": [{"input": envelope.to, "wa_id": envelope.wa_id}],
        "messages": [message],
    })
}
