//! WhatsApp Cloud API (Meta Graph API) wire format, see PROVIDERS.md §1.
//!
//! `send` holds the bodies posted to `/{phone-number-id}/messages` and their answers, `errors` the
//! Graph error body and its classification into retry / retry-after / rejected, and `webhook` the
//! verification and parsing of what Meta posts to our callback URL. `client` is the HTTP
//! connector built on them, and `inbound` maps webhook events onto the neutral contract.

pub mod client;
pub mod contact;
pub mod errors;
pub mod inbound;
pub mod send;
pub mod webhook;
mod wire;
