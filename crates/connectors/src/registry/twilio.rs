//! Twilio's Messages API: `twilio_sms` (SMS/MMS to `+E164`) and `twilio_whatsapp` (WhatsApp
//! through Twilio, `whatsapp:+E164` on the wire). Both build a [`Twilio`] connector whose status
//! callbacks go to the channel's public hook URL.

use std::sync::Arc;

use serde_json::{Value, json};
use switchboard_domain::{ChannelKind, ContentKind, Secret};

use super::check::{FieldError, Fields, str_of};
use super::{BuildContext, Capabilities, FieldInfo, Ops, ProtocolInfo, RegistryError};
use crate::connector::Connector;
use crate::twilio::{Flavor, SenderId, Twilio, TwilioConfig};

/// Twilio's API root.
const TWILIO_BASE_URL: &str = "https://api.twilio.com";
/// A US long code sends one message per second (PRODUCT §8); short codes and toll-free numbers
/// are faster and say so in `messages_per_second`.
const SMS_MESSAGES_PER_SECOND: u64 = 1;
/// WhatsApp senders start at Meta's 80 messages per second, through Twilio as directly.
const WHATSAPP_MESSAGES_PER_SECOND: u64 = 80;
/// Twilio's fastest senders (short codes with upgrades) reach a few hundred; this only bounds.
const MAX_MESSAGES_PER_SECOND: u64 = 1_000;

/// SMS carries text and media by URL (MMS); buttons, lists, links, places and cards are
/// downgraded into text (noted on the message). No templates, stickers or reactions.
const SMS_CONTENT: &[ContentKind] = &[
    ContentKind::Text,
    ContentKind::Image,
    ContentKind::Video,
    ContentKind::Audio,
    ContentKind::Document,
    ContentKind::Location,
    ContentKind::Contacts,
    ContentKind::ReplyButtons,
    ContentKind::List,
    ContentKind::CtaUrl,
];

/// WhatsApp through Twilio adds stickers and Content API templates.
const WHATSAPP_CONTENT: &[ContentKind] = &[
    ContentKind::Text,
    ContentKind::Image,
    ContentKind::Video,
    ContentKind::Audio,
    ContentKind::Document,
    ContentKind::Sticker,
    ContentKind::Location,
    ContentKind::Contacts,
    ContentKind::ReplyButtons,
    ContentKind::List,
    ContentKind::CtaUrl,
    ContentKind::Template,
];

const CONFIG: &[FieldInfo] = &[
    FieldInfo {
        name: "base_url",
        required: false,
        help: "The API root; defaults to Twilio's. Point it at the sandbox to test.",
    },
    FieldInfo {
        name: "account_sid",
        required: true,
        help: "The Account SID (AC followed by 32 hex digits), from the Twilio Console.",
    },
    FieldInfo {
        name: "from",
        required: false,
        help: "The sending number in E.164 (+14155550100); or give messaging_service_sid.",
    },
    FieldInfo {
        name: "messaging_service_sid",
        required: false,
        help: "A Messaging Service SID (MG…) instead of a single number.",
    },
    FieldInfo {
        name: "messages_per_second",
        required: false,
        help: "Sending rate the sender is allowed (1 for an SMS long code, 80 for WhatsApp).",
    },
];

const SECRETS: &[FieldInfo] = &[FieldInfo {
    name: "auth_token",
    required: true,
    help: "The account's Auth Token: authenticates sends and signs webhooks (X-Twilio-Signature).",
}];

pub(super) const SMS: ProtocolInfo = ProtocolInfo {
    name: "twilio_sms",
    kind: ChannelKind::Sms,
    title: "SMS through Twilio",
    config_fields: CONFIG,
    secret_fields: SECRETS,
    capabilities: Capabilities {
        content: SMS_CONTENT,
        mark_read: false,
        templates: false,
        media_upload: false,
        media_links: true,
    },
    // Twilio paces senders (1/s per long code), not recipients.
    per_recipient_interval: None,
    ops: Ops {
        validate,
        with_defaults: defaults_sms,
        account,
        messages_per_second: rate_sms,
        build: build_sms,
    },
};

pub(super) const WHATSAPP: ProtocolInfo = ProtocolInfo {
    name: "twilio_whatsapp",
    kind: ChannelKind::Whatsapp,
    title: "WhatsApp through Twilio",
    config_fields: CONFIG,
    secret_fields: SECRETS,
    capabilities: Capabilities {
        content: WHATSAPP_CONTENT,
        mark_read: false,
        templates: false,
        media_upload: false,
        media_links: true,
    },
    // Twilio paces senders (1/s per long code), not recipients.
    per_recipient_interval: None,
    ops: Ops {
        validate,
        with_defaults: defaults_whatsapp,
        account,
        messages_per_second: rate_whatsapp,
        build: build_whatsapp,
    },
};

/// `prefix` followed by 32 hex digits (Twilio's SIDs).
fn is_sid(v: &str, prefix: &str) -> bool {
    v.len() == 34 && v.starts_with(prefix) && v[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// `+` and 6 to 15 digits, optionally after `whatsapp:`.
fn is_number(v: &str) -> bool {
    let v = v.strip_prefix("whatsapp:").unwrap_or(v);
    v.strip_prefix('+')
        .is_some_and(|d| (6..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

fn validate(config: &Value, secrets: &Value) -> Vec<FieldError> {
    let mut c = Fields::new("config", config, CONFIG);
    c.url("base_url");
    c.matching(
        "account_sid",
        |v| is_sid(v, "AC"),
        "must be AC followed by 32 hex digits",
    );
    let from = c.matching(
        "from",
        is_number,
        "must be an E.164 number with + (e.g. +14155550100)",
    );
    let service = c.matching(
        "messaging_service_sid",
        |v| is_sid(v, "MG"),
        "must be MG followed by 32 hex digits",
    );
    let given = |k: &str| config.get(k).is_some_and(|v| !v.is_null());
    match (given("from"), given("messaging_service_sid")) {
        (false, false) => c.problems.push(FieldError::new(
            "config.from",
            "give from or messaging_service_sid",
        )),
        (true, true) if from.is_some() && service.is_some() => c.problems.push(FieldError::new(
            "config.messaging_service_sid",
            "give from or messaging_service_sid, not both",
        )),
        _ => {}
    }
    c.integer("messages_per_second", 1..=MAX_MESSAGES_PER_SECOND);
    let mut s = Fields::new("secrets", secrets, SECRETS);
    s.string("auth_token");
    c.joined(s)
}

fn with_defaults(config: &Value, rate: u64) -> Value {
    let mut out = config.clone();
    if let Value::Object(map) = &mut out {
        for (key, value) in [
            ("base_url", json!(TWILIO_BASE_URL)),
            ("messages_per_second", json!(rate)),
        ] {
            if map.get(key).is_none_or(Value::is_null) {
                map.insert(key.to_owned(), value);
            }
        }
    }
    out
}

fn defaults_sms(config: &Value) -> Value {
    with_defaults(config, SMS_MESSAGES_PER_SECOND)
}

fn defaults_whatsapp(config: &Value) -> Value {
    with_defaults(config, WHATSAPP_MESSAGES_PER_SECOND)
}

/// The Twilio account: webhooks name it (`AccountSid`), so events of another account are kept
/// out of this channel.
fn account(config: &Value) -> Option<String> {
    str_of(config, "account_sid").map(str::to_owned)
}

fn rate(config: &Value, default: u64) -> u32 {
    let n = config
        .get("messages_per_second")
        .and_then(Value::as_u64)
        .unwrap_or(default);
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn rate_sms(config: &Value) -> u32 {
    rate(config, SMS_MESSAGES_PER_SECOND)
}

fn rate_whatsapp(config: &Value) -> u32 {
    rate(config, WHATSAPP_MESSAGES_PER_SECOND)
}

fn build(
    flavor: Flavor,
    config: &Value,
    secrets: &Value,
    ctx: &BuildContext,
) -> Result<Arc<dyn Connector>, RegistryError> {
    let sender = match str_of(config, "messaging_service_sid") {
        Some(sid) => SenderId::Service(sid.to_owned()),
        // Kept as `+E164`; the connector adds `whatsapp:` on the wire.
        None => SenderId::From(
            str_of(config, "from")
                .unwrap_or_default()
                .trim_start_matches("whatsapp:")
                .to_owned(),
        ),
    };
    let twilio = TwilioConfig {
        base_url: str_of(config, "base_url")
            .unwrap_or(TWILIO_BASE_URL)
            .to_owned(),
        account_sid: str_of(config, "account_sid").unwrap_or_default().to_owned(),
        sender,
        auth_token: Secret::new(str_of(secrets, "auth_token").unwrap_or_default().to_owned()),
        flavor,
        status_callback: ctx.hook_url.clone(),
    };
    Ok(Arc::new(Twilio::new(twilio, ctx.http.clone())?))
}

fn build_sms(
    config: &Value,
    secrets: &Value,
    ctx: &BuildContext,
) -> Result<Arc<dyn Connector>, RegistryError> {
    build(Flavor::Sms, config, secrets, ctx)
}

fn build_whatsapp(
    config: &Value,
    secrets: &Value,
    ctx: &BuildContext,
) -> Result<Arc<dyn Connector>, RegistryError> {
    build(Flavor::Whatsapp, config, secrets, ctx)
}
