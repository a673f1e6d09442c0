//! The delivery log behind `GET /sandbox/v1/deliveries`: every webhook the sandbox sent or tried
//! to send, with each attempt. Bounded: the oldest records are dropped past [`LOG_CAPACITY`].

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// How many deliveries are kept: enough for a long test run or a demo, small enough that a
/// benchmark sending thousands of statuses per second stays within a few tens of MiB.
pub(crate) const LOG_CAPACITY: usize = 10_000;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DeliveryState {
    /// Being tried, or waiting for the next attempt.
    Pending,
    /// The hub answered 200.
    Delivered,
    /// Every attempt failed.
    Failed,
    /// The number has no webhook URL: recorded only.
    NoUrl,
}

impl DeliveryState {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "delivered" => Self::Delivered,
            "failed" => Self::Failed,
            "no_url" => Self::NoUrl,
            _ => return None,
        })
    }
}

/// One attempt: the hub's HTTP status, or why there was none.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Attempt {
    /// RFC 3339.
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Attempt {
    pub(crate) fn now(status: Option<u16>, error: Option<String>) -> Self {
        let at = OffsetDateTime::now_utc()
            .format(&Rfc3339)
            .unwrap_or_default();
        Self { at, status, error }
    }
}

/// One webhook: what was sent, where, and how it went.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Delivery {
    pub id: String,
    pub phone_number_id: String,
    pub url: Option<String>,
    pub field: String,
    /// The exact JSON text sent (ASCII, as signed).
    pub body: String,
    /// The `X-Hub-Signature-256` header sent, if any.
    pub signature: Option<String>,
    pub attempts: Vec<Attempt>,
    pub state: DeliveryState,
}

/// A record shared between the log and the task delivering it, so attempts are recorded without
/// touching the log's lock.
pub(crate) type SharedDelivery = Arc<Mutex<Delivery>>;

/// The bounded log.
pub(crate) struct DeliveryLog {
    records: Mutex<VecDeque<SharedDelivery>>,
    next_id: AtomicU64,
}

impl DeliveryLog {
    pub(crate) fn new() -> Self {
        Self {
            records: Mutex::new(VecDeque::new()),
            next_id: AtomicU64::new(1),
        }
    }

    /// A fresh delivery id (`dlv_1`, `dlv_2`…), unique for the sandbox's life.
    pub(crate) fn next_id(&self) -> String {
        format!("dlv_{}", self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    /// Records a delivery, dropping the oldest when full.
    pub(crate) fn push(&self, delivery: Delivery) -> SharedDelivery {
        let shared = Arc::new(Mutex::new(delivery));
        let mut records = self.records.lock();
        if records.len() >= LOG_CAPACITY {
            records.pop_front();
        }
        records.push_back(shared.clone());
        shared
    }

    /// The delivery with this id, if still in the log.
    pub(crate) fn find(&self, id: &str) -> Option<Delivery> {
        let records = self.records.lock();
        // Ids grow with time, so the newest end is the likelier place.
        let found = records.iter().rev().find(|r| r.lock().id == id).cloned();
        drop(records);
        found.map(|r| r.lock().clone())
    }

    /// Deliveries in the order they were made, filtered.
    pub(crate) fn list(
        &self,
        phone_number_id: Option<&str>,
        state: Option<DeliveryState>,
    ) -> Vec<Delivery> {
        let records: Vec<SharedDelivery> = self.records.lock().iter().cloned().collect();
        records
            .iter()
            .map(|r| r.lock().clone())
            .filter(|d| phone_number_id.is_none_or(|p| d.phone_number_id == p))
            .filter(|d| state.is_none_or(|s| d.state == s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(id: String, number: &str) -> Delivery {
        Delivery {
            id,
            phone_number_id: number.to_owned(),
            url: None,
            field: "messages".to_owned(),
            body: "{}".to_owned(),
            signature: None,
            attempts: vec![],
            state: DeliveryState::NoUrl,
        }
    }

    #[test]
    fn log_is_bounded_and_filters() {
        let log = DeliveryLog::new();
        for i in 0..LOG_CAPACITY + 5 {
            let number = if i % 2 == 0 { "1" } else { "2" };
            log.push(delivery(log.next_id(), number));
        }
        let all = log.list(None, None);
        assert_eq!(all.len(), LOG_CAPACITY);
        assert_eq!(all[0].id, "dlv_6");
        assert!(
            log.list(Some("1"), None)
                .iter()
                .all(|d| d.phone_number_id == "1")
        );
        assert!(log.list(None, Some(DeliveryState::Failed)).is_empty());
    }
}
