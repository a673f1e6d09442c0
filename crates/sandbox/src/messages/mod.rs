//! `POST /{version}/{phone-number-id}/messages` (and the BSP `POST /messages`): strict validation
//! of every send body, the limits, and Meta's answers (PROVIDERS §1.2–1.5).

use std::sync::Arc;

use axum::Router;

use crate::state::AppState;

/// The send routes. (Being written: send-path helper.)
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
