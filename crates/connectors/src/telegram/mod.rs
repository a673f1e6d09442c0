//! Telegram Bot API (PROVIDERS.md §3): `POST {base}/bot{token}/{method}` with JSON or multipart,
//! answers `{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description",
//! "parameters"}`.
//!
//! `wire` holds the exact types, `errors` maps an `ok:false` answer to a retry decision and a
//! stable code, `send` turns neutral content into a method and its parameters, `update` parses
//! the one Update Telegram posts per webhook call, and `client` is the HTTP connector on them.

pub mod client;
pub mod errors;
pub mod send;
pub mod update;
pub mod wire;

pub use client::{Telegram, TelegramConfig};

/// The header Telegram puts the webhook's `secret_token` in.
pub const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";
/// Telegram's API root.
pub const API_ROOT: &str = "https://api.telegram.org";
