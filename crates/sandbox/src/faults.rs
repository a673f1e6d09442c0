//! Errors armed through `POST /sandbox/v1/faults`: the next sends of a number fail with a chosen
//! Meta code, so tests can walk every error path. `DELETE /sandbox/v1/faults` disarms them all.
//!
//! Body: `{"phone_number_id", "code", "count"?: 1, "to"?: only sends to this recipient,
//! "details"?}`. A fault is checked after authentication and before validation, and applies to
//! sends only (never to mark-as-read, which has no recipient and delivers nothing).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::config::SandboxConfig;
use crate::graph_error::{GraphError, describe};
use crate::state::AppState;

/// One armed fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fault {
    /// The number whose sends fail.
    pub phone_number_id: String,
    /// The Meta error code answered.
    pub code: i64,
    /// How many sends fail (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Only sends to this recipient (digits; `+`, spaces and dashes ignored).
    #[serde(default)]
    pub to: Option<String>,
    /// `error_data.details`; a generic sentence when absent.
    #[serde(default)]
    pub details: Option<String>,
}

fn one() -> u32 {
    1
}

/// Armed faults, consumed in the order they were armed.
pub(crate) struct Faults {
    armed: Mutex<Vec<Fault>>,
    /// How many faults are armed, read without the lock: the benchmark's sends never touch the
    /// mutex while nothing is armed.
    len: AtomicUsize,
}

impl Faults {
    pub(crate) fn new(_config: &SandboxConfig) -> Self {
        Self {
            armed: Mutex::new(Vec::new()),
            len: AtomicUsize::new(0),
        }
    }

    /// Arms `fault` (its `to` normalised to digits).
    pub(crate) fn arm(&self, mut fault: Fault) {
        fault.to = fault.to.map(|t| digits(&t));
        let mut armed = self.armed.lock();
        armed.push(fault);
        self.len.store(armed.len(), Ordering::Release);
    }

    /// Disarms everything.
    pub(crate) fn clear(&self) {
        let mut armed = self.armed.lock();
        armed.clear();
        self.len.store(0, Ordering::Release);
    }

    /// The error for a send from this number to `to` (as given, if the body had one), using up
    /// one count of the first matching fault.
    pub(crate) fn take(&self, phone_number_id: &str, to: Option<&str>) -> Option<GraphError> {
        if self.len.load(Ordering::Acquire) == 0 {
            return None;
        }
        let to = to.map(digits);
        let mut armed = self.armed.lock();
        let i = armed.iter().position(|f| {
            f.phone_number_id == phone_number_id
                && f.to.as_deref().is_none_or(|t| to.as_deref() == Some(t))
        })?;
        let fault = &mut armed[i];
        let details = fault.details.clone().unwrap_or_else(|| {
            format!("{} (fault injected by the sandbox)", describe(fault.code).1)
        });
        let err = GraphError::code(fault.code, details);
        fault.count = fault.count.saturating_sub(1);
        if fault.count == 0 {
            armed.remove(i);
        }
        self.len.store(armed.len(), Ordering::Release);
        Some(err)
    }

    fn list(&self) -> Vec<Fault> {
        self.armed.lock().clone()
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// `POST`/`GET`/`DELETE /sandbox/v1/faults`.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/sandbox/v1/faults", post(arm).get(list).delete(clear))
}

fn control_error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

async fn arm(
    State(state): State<Arc<AppState>>,
    body: Result<Json<Fault>, JsonRejection>,
) -> Response {
    let fault = match body {
        Ok(Json(f)) => f,
        Err(e) => return control_error(e.status(), e.body_text()),
    };
    if state.account_by_number(&fault.phone_number_id).is_none() {
        return control_error(
            StatusCode::NOT_FOUND,
            format!("no account has phone_number_id {}", fault.phone_number_id),
        );
    }
    if fault.count == 0 {
        return control_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "count must be at least 1".into(),
        );
    }
    state.faults.arm(fault.clone());
    (StatusCode::CREATED, Json(json!({ "armed": fault }))).into_response()
}

async fn list(State(state): State<Arc<AppState>>) -> Response {
    Json(json!({ "data": state.faults.list() })).into_response()
}

async fn clear(State(state): State<Arc<AppState>>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(code: i64, count: u32, to: Option<&str>) -> Fault {
        Fault {
            phone_number_id: "1".into(),
            code,
            count,
            to: to.map(str::to_owned),
            details: None,
        }
    }

    #[test]
    fn faults_are_consumed_in_order_and_match_recipients() {
        let faults = Faults::new(&SandboxConfig::default());
        assert!(faults.take("1", Some("447700900123")).is_none());
        faults.arm(fault(131_026, 1, Some("+44 7700 900999")));
        faults.arm(fault(131_000, 2, None));
        assert!(faults.take("2", Some("447700900999")).is_none());
        let e = faults.take("1", Some("447700900999")).unwrap();
        assert_eq!((e.code, e.status), (131_026, StatusCode::BAD_REQUEST));
        let e = faults.take("1", Some("447700900999")).unwrap();
        assert_eq!(
            (e.code, e.status),
            (131_000, StatusCode::INTERNAL_SERVER_ERROR)
        );
        assert_eq!(faults.take("1", None).unwrap().code, 131_000);
        assert!(faults.take("1", Some("447700900999")).is_none());
        faults.arm(fault(4, 5, None));
        faults.clear();
        assert!(faults.take("1", None).is_none());
    }
}
