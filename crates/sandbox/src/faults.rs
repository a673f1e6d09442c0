//! Errors armed through `POST /sandbox/v1/faults`: the next sends of a number fail with a chosen
//! Meta code, so tests can walk every error path.

use std::sync::Arc;

use axum::Router;

use crate::config::SandboxConfig;
use crate::state::AppState;

/// Armed faults. (Being written: send-path helper.)
pub(crate) struct Faults {}

impl Faults {
    pub(crate) fn new(_config: &SandboxConfig) -> Self {
        Self {}
    }
}

/// `POST /sandbox/v1/faults`.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
