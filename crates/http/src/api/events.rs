//! `GET /v1/events/stream`: the live event stream (server-sent events) for the web inbox and for
//! integrations. Authenticated like every call (session or key), filtered to what the caller may
//! see, resumable with `Last-Event-ID`. Each event: `id` (the event id), `event` (its type),
//! `data` `{"id", "type", "created_at", "channel_id", "data"}`.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::routing::get;
use futures::Stream;
use serde::Deserialize;
use serde_json::json;
use switchboard_core::stream::StreamCursor;
use switchboard_domain::EventId;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::extract::{Caller, Query};
use crate::{ApiError, AppState};

/// How often an idle stream looks for new events when nothing woke it. Committed events wake
/// their organization's streams at once (on PostgreSQL on every node, through LISTEN/NOTIFY), so
/// this only bounds the delay after a lost notification or a late commit.
const POLL: Duration = Duration::from_secs(1);

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/events/stream", get(stream))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StreamParams {
    /// Only these types, comma separated (e.g. `message.received,message.status_changed`).
    pub types: Option<String>,
    /// Resume after this event id (the `Last-Event-ID` header wins when both are given).
    pub after: Option<Uuid>,
}

/// Server-sent events, oldest first; the connection stays open.
#[utoipa::path(get, path = "/v1/events/stream", tag = "events", params(StreamParams,
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event id")),
    responses((status = 200, content_type = "text/event-stream", description = "The events"),
        crate::openapi::Errors))]
pub async fn stream(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Query(q): Query<StreamParams>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let last = match headers.get("last-event-id") {
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|t| t.trim().parse::<Uuid>().ok())
                .ok_or_else(|| ApiError::validation("Last-Event-ID", "an event id"))?,
        ),
        None => q.after,
    };
    let kinds: Vec<String> = q
        .types
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let mut cursor = StreamCursor::new(last.map(EventId));
    // Subscribed before the first read: an event committed while it runs still wakes the stream.
    let mut wakeups = s.core.event_wakeups(p.org());
    wakeups.borrow_and_update();
    // Refuse at once (403, not an empty stream) when the caller may not read events at all.
    let first = s.core.next_events(&p, &mut cursor, &kinds).await?;
    let core = s.core.clone();
    let stream = futures::stream::unfold(
        (first, cursor, wakeups, false),
        move |(mut pending, mut cursor, mut wakeups, ended)| {
            let (core, p, kinds) = (core.clone(), p.clone(), kinds.clone());
            async move {
                if ended {
                    return None;
                }
                loop {
                    if !pending.is_empty() {
                        let e = pending.remove(0);
                        let data = json!({
                            "id": e.id.0,
                            "type": e.kind,
                            "created_at": e.created_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                            "channel_id": e.channel_id.map(|c| c.0),
                            "data": e.payload,
                        });
                        let event = SseEvent::default()
                            .id(e.id.0.to_string())
                            .event(e.kind.clone())
                            .data(data.to_string());
                        return Some((Ok(event), (pending, cursor, wakeups, false)));
                    }
                    tokio::select! {
                        woken = wakeups.changed() => {
                            // The signal is gone only with the store: poll from here on.
                            if woken.is_err() {
                                tokio::time::sleep(POLL).await;
                            }
                        }
                        () = tokio::time::sleep(POLL) => {}
                    }
                    wakeups.borrow_and_update();
                    match core.next_events(&p, &mut cursor, &kinds).await {
                        Ok(found) => pending = found,
                        Err(e) => {
                            tracing::warn!(error = %e, "event stream ended");
                            let event = SseEvent::default()
                                .event("error")
                                .data(json!({"code": e.code()}).to_string());
                            return Some((Ok(event), (Vec::new(), cursor, wakeups, true)));
                        }
                    }
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
