//! What the fake provider received, listed by `GET /sandbox/v1/outbox` for tests and demos.

use std::sync::Arc;

use axum::Router;

use crate::config::SandboxConfig;
use crate::state::AppState;

/// Accepted sends. (Being written: send-path helper.)
pub(crate) struct Outbox {}

impl Outbox {
    pub(crate) fn new(_config: &SandboxConfig) -> Self {
        Self {}
    }
}

/// `GET /sandbox/v1/outbox`.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
