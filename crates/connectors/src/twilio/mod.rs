//! Twilio Programmable Messaging (PROVIDERS §4): SMS/MMS (`twilio_sms`) and WhatsApp through
//! Twilio (`twilio_whatsapp`, whose addresses travel as `whatsapp:+E164`) on one Messages API.
//!
//! `client` sends (form-encoded, Basic auth) and fetches inbound media; `content` turns neutral
//! content into the form, downgrading what SMS cannot carry into faithful text; `errors` maps
//! Twilio's codes to retry decisions and stable codes; `signature` checks `X-Twilio-Signature`;
//! `webhook` parses inbound messages and status callbacks, which share one hook.

pub mod client;
mod content;
pub mod errors;
mod exchange;
pub mod signature;
pub mod webhook;

pub use client::{Flavor, SenderId, Twilio, TwilioConfig};

/// The empty TwiML answer Twilio expects from a messaging webhook (no auto-reply from us).
pub const EMPTY_TWIML: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#;
