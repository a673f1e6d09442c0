//! Webhooks to the hub: Meta's JSON (non-ASCII escaped as `\uXXXX`), signed with
//! `X-Hub-Signature-256` over the exact bytes sent, retried with backoff while the hub does not
//! answer 200, and logged for `GET /sandbox/v1/deliveries`.

use std::sync::Arc;

use axum::Router;
use tokio_util::sync::CancellationToken;

use crate::config::SandboxConfig;
use crate::state::AppState;

/// The delivery engine and its log. (Being written: webhook-side helper.)
pub(crate) struct Webhooks {}

impl Webhooks {
    pub(crate) fn new(
        _config: &SandboxConfig,
        _shutdown: CancellationToken,
    ) -> anyhow::Result<Self> {
        Ok(Self {})
    }
}

/// `GET /sandbox/v1/deliveries` and friends.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
