//! Customers who write in: `POST /sandbox/v1/inbound` builds the inbound message webhook Meta would
//! send, opens the customer's window and delivers it signed to the number's webhook URL.

use std::sync::Arc;

use axum::Router;

use crate::state::AppState;

/// The control routes for customers. (Being written: webhook-side helper.)
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
