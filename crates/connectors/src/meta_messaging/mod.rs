//! Messenger and Instagram messaging over Meta's Graph API (PROVIDERS §2): one connector for
//! both, told apart by [`Platform`] (envelope `object`, text limits, what each can carry).
//!
//! `send` builds the bodies posted to `/{id}/messages`, `errors` classifies Graph error answers
//! with the Messenger codes, `webhook` reads the `page` / `instagram` envelopes into neutral
//! events, and `client` is the HTTP connector. The webhook signature and GET handshake are the
//! same as WhatsApp's and are reused from [`crate::whatsapp_cloud::webhook`].

pub mod client;
mod config;
pub mod errors;
pub mod send;
pub mod webhook;

pub use client::MetaMessaging;
pub use config::{MetaMessagingConfig, Platform};
