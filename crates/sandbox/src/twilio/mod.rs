//! Twilio's Messages API, emulated (PROVIDERS §4): `POST /2010-04-01/Accounts/{sid}/Messages.json`
//! with Basic auth (20003), form validation (21602, 21604, 21211, 21606, 21617...), Twilio's
//! magic test numbers (21211, 21408, 21610, 21614), one message per second per long code
//! (20429), the STOP / START / HELP block with its auto-replies, and status callbacks signed with
//! `X-Twilio-Signature` (queued → sent → delivered, `read` on WhatsApp, `undelivered` with 30003,
//! 30005, 30006 or 30007 for the failing test numbers).
//!
//! The control API under `/sandbox/v1/twilio/` makes accounts (each with its number), plays
//! customers who write in (a signed inbound webhook to the account's messaging URL, answered
//! synchronously with the hub's reply), and shows what was sent and which callbacks went out.

mod api;
mod control;
mod hooks;
mod state;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, patch, post};

use crate::state::AppState;

pub(crate) use state::TwilioState;

/// Every Twilio route: the provider API and its control API.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/2010-04-01/Accounts/{account_sid}/Messages.json",
            post(api::create_message),
        )
        .route(
            "/2010-04-01/Accounts/{account_sid}/Messages/{message_sid}/Media/{media_sid}",
            get(api::media),
        )
        .route(
            "/sandbox/v1/twilio/accounts",
            get(control::list_accounts).post(control::create_account),
        )
        .route(
            "/sandbox/v1/twilio/accounts/{account_sid}",
            patch(control::update_account),
        )
        .route("/sandbox/v1/twilio/inbound", post(control::inbound))
        .route("/sandbox/v1/twilio/messages", get(control::messages))
        .route("/sandbox/v1/twilio/callbacks", get(control::callbacks))
}
