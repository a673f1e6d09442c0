//! The protocols a channel can use. Each protocol module declares its public configuration
//! fields, its secret fields and its capabilities, checks a configuration, and builds the
//! [`Connector`] for a channel; adding a backend means one module and one line in [`PROTOCOLS`].
//!
//! Configurations are JSON objects the hub stores as they were checked here: `config` is public
//! (shown to admins), `secrets` is sealed by the caller and never shown again.

mod check;
mod meta;
mod telegram;
mod twilio;
mod whatsapp;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use switchboard_domain::{ChannelKind, ContentKind};

use crate::connector::Connector;
use crate::whatsapp_cloud::client::ConfigError;

pub use check::FieldError;

/// One protocol a channel can use.
#[derive(Debug)]
pub struct ProtocolInfo {
    /// The stable name stored on channels, e.g. `whatsapp_cloud`.
    pub name: &'static str,
    /// The kind of channel it connects.
    pub kind: ChannelKind,
    /// A human title for UIs.
    pub title: &'static str,
    /// Public configuration fields.
    pub config_fields: &'static [FieldInfo],
    /// Secret fields (sealed at rest, never answered).
    pub secret_fields: &'static [FieldInfo],
    /// What the protocol can carry and do.
    pub capabilities: Capabilities,
    /// The shortest spacing between two messages to the same recipient, when the provider
    /// limits it (Telegram: about one message per second per chat); the dispatcher paces each
    /// (channel, recipient) pair at it on top of the channel's own rate.
    pub per_recipient_interval: Option<Duration>,
    /// The protocol's own checks and constructor.
    ops: Ops,
}

/// One configuration or secret field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldInfo {
    pub name: &'static str,
    pub required: bool,
    /// What to enter, for UIs.
    pub help: &'static str,
}

/// What a protocol supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Outbound content kinds it carries.
    pub content: &'static [ContentKind],
    pub mark_read: bool,
    pub templates: bool,
    /// Files are uploaded to the provider first and sent by its id.
    pub media_upload: bool,
    /// Without an upload: the provider fetches each file from a signed public link (Twilio)
    /// rather than receiving the bytes with the message (Telegram).
    pub media_links: bool,
}

impl Capabilities {
    /// Whether `kind` can be sent on this protocol.
    pub fn carries(&self, kind: ContentKind) -> bool {
        self.content.contains(&kind)
    }
}

/// The functions a protocol module provides.
#[derive(Debug, Clone, Copy)]
struct Ops {
    /// Every problem of `config` and `secrets` (field paths `config.x`, `secrets.y`).
    validate: fn(&Value, &Value) -> Vec<FieldError>,
    /// The configuration with defaults filled in (only call on a valid one).
    with_defaults: fn(&Value) -> Value,
    /// The provider-side account id.
    account: fn(&Value) -> Option<String>,
    /// Sends per second the provider allows this account.
    messages_per_second: fn(&Value) -> u32,
    /// The connector of a valid configuration.
    build: BuildFn,
}

/// Builds a connector from a valid config, its secrets and the channel's context.
type BuildFn = fn(&Value, &Value, &BuildContext) -> Result<Arc<dyn Connector>, RegistryError>;

/// What a connector gets from the hub beside its configuration.
#[derive(Debug, Clone)]
pub struct BuildContext {
    /// The generated secret inbound webhooks are checked with (the verify token of Meta's
    /// handshake, Telegram's `secret_token`).
    pub webhook_secret: String,
    /// The hub's shared HTTP client.
    pub http: reqwest::Client,
    /// The public URL of this channel's inbound hook (`{public_base_url}/hooks/{channel_id}`),
    /// for providers that are told where to call back (Telegram's `setWebhook`, Twilio's
    /// `StatusCallback`). `None` when the hub does not know its public address.
    pub hook_url: Option<String>,
}

impl BuildContext {
    /// A context without a public hook URL (tests, protocols that do not need one).
    pub fn new(webhook_secret: impl Into<String>, http: reqwest::Client) -> Self {
        Self {
            webhook_secret: webhook_secret.into(),
            http,
            hook_url: None,
        }
    }
}

/// Every protocol this build knows, in display order.
static PROTOCOLS: [ProtocolInfo; 7] = [
    whatsapp::CLOUD,
    whatsapp::BSP,
    meta::MESSENGER,
    meta::INSTAGRAM,
    telegram::TELEGRAM,
    twilio::SMS,
    twilio::WHATSAPP,
];

/// Why a connector could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("unknown protocol `{0}`")]
    UnknownProtocol(String),
    #[error("invalid configuration: {}", check::summary(.0))]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Every protocol, in display order.
pub fn protocols() -> &'static [ProtocolInfo] {
    &PROTOCOLS
}

/// The protocol named `name`.
pub fn protocol(name: &str) -> Option<&'static ProtocolInfo> {
    PROTOCOLS.iter().find(|p| p.name == name)
}

/// Checks public config and secrets (unknown keys refused, required present, URLs http(s)...),
/// returning every problem with its field path. An unknown protocol is a problem of `protocol`.
pub fn validate(name: &str, config: &Value, secrets: &Value) -> Result<(), Vec<FieldError>> {
    let Some(p) = protocol(name) else {
        return Err(vec![FieldError::new("protocol", unknown(name))]);
    };
    let problems = (p.ops.validate)(config, secrets);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// `config` with the protocol's defaults written in (base URL, API version, rate...), so what is
/// stored and shown is what is used. Unknown protocols get `config` back unchanged.
pub fn with_defaults(name: &str, config: &Value) -> Value {
    match protocol(name) {
        Some(p) => (p.ops.with_defaults)(config),
        None => config.clone(),
    }
}

/// The provider-side account (phone_number_id...), stored in `Channel.account`.
pub fn account_of(name: &str, config: &Value) -> Option<String> {
    protocol(name).and_then(|p| (p.ops.account)(config))
}

/// Sends per second the provider allows the channel (the dispatcher's limiter rate).
pub fn messages_per_second(name: &str, config: &Value) -> Option<u32> {
    protocol(name).map(|p| (p.ops.messages_per_second)(config))
}

/// The spacing the provider needs between two messages to one recipient, if any.
pub fn per_recipient_interval(name: &str) -> Option<Duration> {
    protocol(name).and_then(|p| p.per_recipient_interval)
}

/// The connector of a channel (see [`BuildContext`]). Validates first.
pub fn build(
    name: &str,
    config: &Value,
    secrets: &Value,
    ctx: &BuildContext,
) -> Result<Arc<dyn Connector>, RegistryError> {
    let p = protocol(name).ok_or_else(|| RegistryError::UnknownProtocol(name.to_owned()))?;
    validate(name, config, secrets).map_err(RegistryError::Invalid)?;
    (p.ops.build)(config, secrets, ctx)
}

fn unknown(name: &str) -> String {
    let known: Vec<&str> = PROTOCOLS.iter().map(|p| p.name).collect();
    format!(
        "unknown protocol `{name}`; expected one of {}",
        known.join(", ")
    )
}

#[cfg(test)]
mod tests;
