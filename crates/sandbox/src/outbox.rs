//! What the fake provider received, listed by `GET /sandbox/v1/outbox` for tests and demos, and
//! `GET /sandbox/v1/stats`: how many sends were accepted and how many refused, per error code,
//! and per number how many were accepted between which instants (the benchmark measures each
//! sender's rate from these, since the outbox itself keeps only the latest sends).
//!
//! Only accepted sends are kept (a refused one never reached WhatsApp), the last
//! [`OUTBOX_CAPACITY`] of them, so a benchmark can run for hours without growing memory.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::config::SandboxConfig;
use crate::state::AppState;

/// Accepted sends kept for listing; older ones are dropped first.
pub(crate) const OUTBOX_CAPACITY: usize = 10_000;
/// `limit` when the listing does not say.
const DEFAULT_LIMIT: usize = 100;

/// One accepted send.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct OutboxEntry {
    /// The wamid answered.
    pub id: String,
    /// The sending number.
    pub phone_number_id: String,
    /// `to` as given.
    pub to: String,
    /// The normalised recipient.
    pub wa_id: String,
    /// The send's `type`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The JSON body as received.
    pub body: Value,
    /// RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

/// Accepted sends and counts of refusals.
pub(crate) struct Outbox {
    entries: Mutex<VecDeque<OutboxEntry>>,
    accepted: AtomicU64,
    rejected: Mutex<BTreeMap<i64, u64>>,
    per_number: Mutex<BTreeMap<String, NumberTally>>,
}

/// Accepted sends of one number: how many, the first and the latest.
#[derive(Debug, Clone, Copy)]
struct NumberTally {
    accepted: u64,
    first_at: OffsetDateTime,
    last_at: OffsetDateTime,
}

impl Outbox {
    pub(crate) fn new(_config: &SandboxConfig) -> Self {
        Self {
            entries: Mutex::new(VecDeque::new()),
            accepted: AtomicU64::new(0),
            rejected: Mutex::default(),
            per_number: Mutex::default(),
        }
    }

    /// Records an accepted send.
    pub(crate) fn record(&self, entry: OutboxEntry) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        self.per_number
            .lock()
            .entry(entry.phone_number_id.clone())
            .and_modify(|t| {
                t.accepted += 1;
                t.last_at = entry.received_at;
            })
            .or_insert(NumberTally {
                accepted: 1,
                first_at: entry.received_at,
                last_at: entry.received_at,
            });
        let mut entries = self.entries.lock();
        if entries.len() >= OUTBOX_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// Counts a refused send by its error code.
    pub(crate) fn rejected(&self, code: i64) {
        *self.rejected.lock().entry(code).or_default() += 1;
    }

    /// Whether an accepted send with this id went from this number to `wa_id` (a reaction may
    /// target our own message as well as the customer's).
    pub(crate) fn sent_to(&self, phone_number_id: &str, wa_id: &str, id: &str) -> bool {
        self.entries
            .lock()
            .iter()
            .rev()
            .any(|e| e.id == id && e.phone_number_id == phone_number_id && e.wa_id == wa_id)
    }

    /// The entries matching `filter`, oldest first, at most `limit` of the newest.
    pub(crate) fn list(&self, filter: &OutboxFilter) -> Vec<OutboxEntry> {
        let limit = filter.limit.unwrap_or(DEFAULT_LIMIT);
        let to = filter.to.as_deref().map(digits);
        let entries = self.entries.lock();
        let mut found: Vec<OutboxEntry> = entries
            .iter()
            .rev()
            .filter(|e| {
                filter
                    .phone_number_id
                    .as_deref()
                    .is_none_or(|n| e.phone_number_id == n)
                    && to.as_deref().is_none_or(|t| e.wa_id == t || e.to == t)
                    && filter.kind.as_deref().is_none_or(|k| e.kind == k)
            })
            .take(limit)
            .cloned()
            .collect();
        found.reverse();
        found
    }

    /// Forgets every entry and count.
    pub(crate) fn clear(&self) {
        self.entries.lock().clear();
        self.accepted.store(0, Ordering::Relaxed);
        self.rejected.lock().clear();
        self.per_number.lock().clear();
    }

    fn stats(&self) -> Value {
        let rejected: serde_json::Map<String, Value> = self
            .rejected
            .lock()
            .iter()
            .map(|(code, n)| (code.to_string(), json!(n)))
            .collect();
        let per_number: serde_json::Map<String, Value> = self
            .per_number
            .lock()
            .iter()
            .map(|(number, t)| {
                let at = |t: OffsetDateTime| (t.unix_timestamp_nanos() / 1_000) as i64;
                let tally = json!({
                    "accepted": t.accepted,
                    "first_at_us": at(t.first_at),
                    "last_at_us": at(t.last_at),
                });
                (number.clone(), tally)
            })
            .collect();
        json!({
            "accepted": self.accepted.load(Ordering::Relaxed),
            "rejected": rejected,
            "outbox_len": self.entries.lock().len(),
            "per_number": per_number,
        })
    }
}

/// The digits of a phone number as written (`+44 7700-900123` -> `447700900123`).
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// `GET /sandbox/v1/outbox` query.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OutboxFilter {
    phone_number_id: Option<String>,
    to: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    limit: Option<usize>,
}

/// `GET`/`DELETE /sandbox/v1/outbox`, `GET /sandbox/v1/stats`.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/sandbox/v1/outbox", get(list).delete(clear))
        .route("/sandbox/v1/stats", get(stats))
}

async fn list(
    State(state): State<Arc<AppState>>,
    query: Result<Query<OutboxFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match query {
        Ok(Query(filter)) => Json(json!({ "data": state.outbox.list(&filter) })).into_response(),
        Err(e) => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": e.body_text() })),
        )
            .into_response(),
    }
}

async fn clear(State(state): State<Arc<AppState>>) -> StatusCode {
    state.outbox.clear();
    StatusCode::NO_CONTENT
}

async fn stats(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.outbox.stats())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: usize, to: &str, kind: &str) -> OutboxEntry {
        OutboxEntry {
            id: format!("wamid.{i}"),
            phone_number_id: "1".into(),
            to: to.into(),
            wa_id: digits(to),
            kind: kind.into(),
            body: json!({}),
            received_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn bounded_and_filtered_newest_last() {
        let outbox = Outbox::new(&SandboxConfig::default());
        for i in 0..OUTBOX_CAPACITY + 5 {
            let kind = if i % 2 == 0 { "text" } else { "image" };
            outbox.record(entry(i, "+44 7700 900123", kind));
        }
        let all = outbox.list(&OutboxFilter {
            limit: Some(usize::MAX),
            ..OutboxFilter::default()
        });
        assert_eq!(all.len(), OUTBOX_CAPACITY);
        assert_eq!(all[0].id, "wamid.5");
        let texts = outbox.list(&OutboxFilter {
            kind: Some("text".into()),
            to: Some("447700900123".into()),
            limit: Some(2),
            ..OutboxFilter::default()
        });
        let ids: Vec<_> = texts.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                format!("wamid.{}", OUTBOX_CAPACITY + 2),
                format!("wamid.{}", OUTBOX_CAPACITY + 4)
            ]
        );
        assert!(outbox.sent_to("1", "447700900123", "wamid.7"));
        assert!(!outbox.sent_to("1", "447700900124", "wamid.7"));
        outbox.rejected(131_047);
        outbox.rejected(131_047);
        let stats = outbox.stats();
        assert_eq!(stats["rejected"]["131047"], 2);
        assert_eq!(stats["accepted"], OUTBOX_CAPACITY as u64 + 5);
        // Every entry of the fixture is number "1" at the epoch: the tally counts past the cap.
        let tally = &stats["per_number"]["1"];
        assert_eq!(tally["accepted"], OUTBOX_CAPACITY as u64 + 5);
        assert_eq!(
            (tally["first_at_us"].as_i64(), tally["last_at_us"].as_i64()),
            (Some(0), Some(0))
        );
        outbox.clear();
        assert_eq!(outbox.stats()["per_number"], json!({}));
        assert!(outbox.list(&OutboxFilter::default()).is_empty());
    }
}
