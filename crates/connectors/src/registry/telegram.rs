//! Telegram bots (`telegram`): one bot per channel, reached with its token at the Bot API (or the
//! sandbox). The hub registers its own webhook with `setWebhook`, so there is nothing to paste at
//! the provider: the bot token is the whole setup.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use switchboard_domain::{ChannelKind, ContentKind, Secret};

use super::check::{FieldError, Fields, str_of};
use super::{BuildContext, Capabilities, FieldInfo, Ops, ProtocolInfo, RegistryError};
use crate::connector::Connector;
use crate::telegram::{API_ROOT, Telegram, TelegramConfig};

/// Telegram's broadcast limit: about 30 messages per second across all chats of a bot.
const DEFAULT_MESSAGES_PER_SECOND: u64 = 30;
/// Paid broadcasts raise a bot to 1,000 messages per second; nothing goes higher.
const MAX_MESSAGES_PER_SECOND: u64 = 1_000;
/// Telegram allows about one message per second to the same chat (bursts are answered 429).
const PER_CHAT_INTERVAL: Duration = Duration::from_secs(1);

/// What a bot can send: no templates (Telegram has none) and no reactions (bots may only set
/// them on messages in some chats; not carried yet).
const CONTENT: &[ContentKind] = &[
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
];

const CONFIG: &[FieldInfo] = &[
    FieldInfo {
        name: "base_url",
        required: false,
        help: "The Bot API root; defaults to Telegram's. Point it at the sandbox to test.",
    },
    FieldInfo {
        name: "bot_username",
        required: false,
        help: "The bot's @username, for display only.",
    },
    FieldInfo {
        name: "messages_per_second",
        required: false,
        help: "Sending rate across all chats (30 by default, Telegram's broadcast limit).",
    },
];

const SECRETS: &[FieldInfo] = &[FieldInfo {
    name: "bot_token",
    required: true,
    help: "The bot's token from @BotFather, like 123456789:AAH...",
}];

pub(super) const TELEGRAM: ProtocolInfo = ProtocolInfo {
    name: "telegram",
    kind: ChannelKind::Telegram,
    title: "Telegram bot",
    config_fields: CONFIG,
    secret_fields: SECRETS,
    capabilities: Capabilities {
        content: CONTENT,
        mark_read: false,
        templates: false,
        media_upload: false,
        media_links: false,
    },
    per_recipient_interval: Some(PER_CHAT_INTERVAL),
    ops: Ops {
        validate,
        with_defaults,
        account,
        messages_per_second: rate,
        build,
    },
};

/// `{bot id}:{secret}` as @BotFather hands it out.
fn is_token(v: &str) -> bool {
    v.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty()
            && id.len() <= 20
            && id.bytes().all(|b| b.is_ascii_digit())
            && !secret.is_empty()
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

fn is_username(v: &str) -> bool {
    let name = v.strip_prefix('@').unwrap_or(v);
    (5..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn validate(config: &Value, secrets: &Value) -> Vec<FieldError> {
    let mut c = Fields::new("config", config, CONFIG);
    c.url("base_url");
    c.matching(
        "bot_username",
        is_username,
        "must be a Telegram username (5 to 32 letters, digits and _)",
    );
    c.integer("messages_per_second", 1..=MAX_MESSAGES_PER_SECOND);
    let mut s = Fields::new("secrets", secrets, SECRETS);
    s.matching(
        "bot_token",
        is_token,
        "must look like 123456789:AAH... (the token @BotFather gave)",
    );
    c.joined(s)
}

fn with_defaults(config: &Value) -> Value {
    let mut out = config.clone();
    if let Value::Object(map) = &mut out {
        for (key, value) in [
            ("base_url", json!(API_ROOT)),
            ("messages_per_second", json!(DEFAULT_MESSAGES_PER_SECOND)),
        ] {
            if map.get(key).is_none_or(Value::is_null) {
                map.insert(key.to_owned(), value);
            }
        }
    }
    out
}

/// The bot's username, when given: updates carry no account of ours to check against.
fn account(config: &Value) -> Option<String> {
    str_of(config, "bot_username").map(|u| u.trim_start_matches('@').to_owned())
}

fn rate(config: &Value) -> u32 {
    config
        .get("messages_per_second")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(DEFAULT_MESSAGES_PER_SECOND as u32)
}

fn build(
    config: &Value,
    secrets: &Value,
    ctx: &BuildContext,
) -> Result<Arc<dyn Connector>, RegistryError> {
    let config = with_defaults(config);
    let telegram = TelegramConfig {
        base_url: str_of(&config, "base_url").unwrap_or(API_ROOT).to_owned(),
        bot_token: Secret::new(str_of(secrets, "bot_token").unwrap_or_default().to_owned()),
        secret_token: Secret::new(ctx.webhook_secret.clone()),
        hook_url: ctx.hook_url.clone(),
    };
    Ok(Arc::new(Telegram::new(telegram, ctx.http.clone())))
}

#[cfg(test)]
mod tests {
    use super::super::{account_of, per_recipient_interval, protocol, validate};
    use super::*;

    #[test]
    fn a_bot_token_is_the_whole_setup() {
        let secrets = json!({"bot_token": "123456789:AAH-x_Yz"});
        validate("telegram", &json!({}), &secrets).unwrap();
        let full = with_defaults(&json!({"bot_username": "@acme_bot"}));
        assert_eq!(full["base_url"], API_ROOT);
        assert_eq!(full["messages_per_second"], 30);
        assert_eq!(account_of("telegram", &full).as_deref(), Some("acme_bot"));
        assert_eq!(
            per_recipient_interval("telegram"),
            Some(Duration::from_secs(1))
        );
        assert_eq!(per_recipient_interval("whatsapp_cloud"), None);
        let p = protocol("telegram").unwrap();
        assert!(!p.capabilities.carries(ContentKind::Template));
        assert!(p.capabilities.carries(ContentKind::ReplyButtons));
    }

    #[test]
    fn bad_tokens_and_names_are_reported_by_field() {
        let problems = validate(
            "telegram",
            &json!({"bot_username": "ab", "base_url": "ftp://x", "extra": 1}),
            &json!({"bot_token": "not a token"}),
        )
        .unwrap_err();
        let mut fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "config.base_url",
                "config.bot_username",
                "config.extra",
                "secrets.bot_token"
            ]
        );
        let missing = validate("telegram", &json!({}), &json!({})).unwrap_err();
        assert_eq!(missing[0].field, "secrets.bot_token");
    }
}
