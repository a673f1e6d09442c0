//! Provider webhooks at `/hooks/{channel_id}`: `GET` answers the provider's verification
//! handshake with the challenge as `text/plain`, `POST` hands the raw body to the inbound
//! pipeline (`Core::ingest_webhook`), which verifies the signature on those exact bytes.
//!
//! The provider is the caller: no API key, no session, not counted by the API's rate limiter
//! (a burst of customer messages must never be throttled into retries). Problems are
//! problem+json like everywhere else; the 200 goes out only after the store committed.

use axum::Router;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use serde_json::json;
use switchboard_core::CoreError;
use switchboard_core::ingest::{HandshakeQuery, IngestReport};
use switchboard_domain::ChannelId;

use crate::extract::{Path, Query};
use crate::{ApiError, AppState};

/// Meta caps a webhook body at 3 MB; anything larger is not from the provider.
pub const MAX_HOOK_BODY: usize = 3 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hooks/{channel_id}", get(handshake).post(receive))
        // Inside the app-wide body limit, so this one is what applies to hooks.
        .layer(DefaultBodyLimit::max(MAX_HOOK_BODY))
}

/// `GET /hooks/{channel_id}?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`
async fn handshake(
    State(s): State<AppState>,
    Path(channel): Path<ChannelId>,
    Query(query): Query<HandshakeQuery>,
) -> Result<Response, ApiError> {
    let challenge = s
        .core
        .webhook_handshake(channel, &query)
        .await
        .inspect_err(|e| rejected("handshake", e))?;
    let mut res = (StatusCode::OK, challenge).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    Ok(res)
}

/// `POST /hooks/{channel_id}`: one provider webhook, any number of events. The query string is
/// kept as called: providers that sign the URL (Twilio) signed it with it.
async fn receive(
    State(s): State<AppState>,
    Path(channel): Path<ChannelId>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    metrics::counter!("switchboard_webhooks_received_total").increment(1);
    let body = body.map_err(|e| {
        let err = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge {
                limit: MAX_HOOK_BODY,
            }
        } else {
            ApiError::Core(CoreError::WebhookMalformed(e.body_text()))
        };
        let reason = match &err {
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            _ => "webhook_malformed",
        };
        count_rejection("webhook", reason);
        err
    })?;
    let report = s
        .core
        .ingest_webhook_at(channel, query.as_deref(), &headers, &body)
        .await
        .inspect_err(|e| rejected("webhook", e))?;
    record(&report);
    if let Some(ack) = report.ack {
        let mut res = (StatusCode::OK, ack.body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(ack.content_type),
        );
        return Ok(res);
    }
    let answer = json!({
        "stored": report.stored,
        "duplicates": report.duplicates,
        "statuses_applied": report.statuses_applied,
        "statuses_pending": report.statuses_pending,
        "skipped": report.skipped,
    });
    Ok((StatusCode::OK, axum::Json(answer)).into_response())
}

/// Counts a refusal by its stable code (`webhook_signature_invalid`, `not_found`...).
fn rejected(what: &'static str, e: &CoreError) {
    count_rejection(what, e.code());
}

fn count_rejection(what: &'static str, reason: &'static str) {
    metrics::counter!("switchboard_webhooks_rejected_total", "kind" => what, "reason" => reason)
        .increment(1);
}

fn record(r: &IngestReport) {
    let provider = r.provider;
    metrics::counter!("switchboard_inbound_messages_stored_total", "provider" => provider)
        .increment(r.stored as u64);
    metrics::counter!("switchboard_inbound_duplicates_total", "provider" => provider)
        .increment(r.duplicates as u64);
    metrics::counter!("switchboard_inbound_statuses_total", "provider" => provider, "outcome" => "applied")
        .increment(r.statuses_applied as u64);
    metrics::counter!("switchboard_inbound_statuses_total", "provider" => provider, "outcome" => "pending")
        .increment(r.statuses_pending as u64);
    metrics::counter!("switchboard_webhook_pieces_skipped_total", "provider" => provider)
        .increment(r.skipped as u64);
}
