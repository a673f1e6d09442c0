//! Messenger (`messenger`: a Facebook Page) and Instagram (`instagram`: a professional account)
//! over Meta's Graph Send API. Both build a [`MetaMessaging`] connector.

use std::sync::Arc;

use serde_json::{Value, json};
use switchboard_domain::content::ContentKind;
use switchboard_domain::{ChannelKind, Secret};

use super::check::{FieldError, Fields, str_of};
use super::whatsapp::{GRAPH_BASE_URL, default, is_api_version, secret};
use super::{BuildContext, Capabilities, FieldInfo, Ops, ProtocolInfo, RegistryError};
use crate::connector::Connector;
use crate::meta_messaging::{MetaMessaging, MetaMessagingConfig, Platform};
use crate::whatsapp_cloud::client::DEFAULT_API_VERSION;

/// Meta's documented sending rate for a Page (PRODUCT §8: Messenger 300 per second).
const MESSENGER_MESSAGES_PER_SECOND: u32 = 300;
/// Instagram allows fewer calls per account; 100 per second keeps well inside its quota.
const INSTAGRAM_MESSAGES_PER_SECOND: u32 = 100;

/// Everything but templates (WhatsApp only) and reactions (no Send API for them on Messenger);
/// location and contacts go as text.
const MESSENGER_CONTENT: &[ContentKind] = &[
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

/// Messenger's kinds plus the heart reaction.
const INSTAGRAM_CONTENT: &[ContentKind] = &[
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
    ContentKind::Reaction,
];

const BASE_URL: FieldInfo = FieldInfo {
    name: "base_url",
    required: false,
    help: "The Graph API root; defaults to Meta's. Point it at the sandbox to test.",
};
const API_VERSION: FieldInfo = FieldInfo {
    name: "api_version",
    required: false,
    help: "Graph API version such as v21.0; defaults to the version Switchboard was tested with.",
};

const MESSENGER_CONFIG: &[FieldInfo] = &[
    BASE_URL,
    API_VERSION,
    FieldInfo {
        name: "page_id",
        required: true,
        help: "The Facebook Page's id (Page settings > About > Page transparency).",
    },
];
const MESSENGER_SECRETS: &[FieldInfo] = &[
    FieldInfo {
        name: "page_access_token",
        required: true,
        help: "A Page access token with pages_messaging.",
    },
    FieldInfo {
        name: "app_secret",
        required: true,
        help: "The Meta app's App secret, which signs webhooks (X-Hub-Signature-256).",
    },
];

const INSTAGRAM_CONFIG: &[FieldInfo] = &[
    BASE_URL,
    API_VERSION,
    FieldInfo {
        name: "ig_account_id",
        required: true,
        help: "The Instagram professional account's id (webhooks' entry id).",
    },
    FieldInfo {
        name: "page_id",
        required: false,
        help: "The linked Facebook Page's id, when sending through the Page rather than with Instagram Login.",
    },
];
const INSTAGRAM_SECRETS: &[FieldInfo] = &[
    FieldInfo {
        name: "access_token",
        required: true,
        help: "The Page access token (with instagram_manage_messages) or Instagram user token.",
    },
    FieldInfo {
        name: "app_secret",
        required: true,
        help: "The Meta app's App secret, which signs webhooks (X-Hub-Signature-256).",
    },
];

pub(super) const MESSENGER: ProtocolInfo = ProtocolInfo {
    name: "messenger",
    kind: ChannelKind::Messenger,
    title: "Facebook Messenger (Page)",
    config_fields: MESSENGER_CONFIG,
    secret_fields: MESSENGER_SECRETS,
    capabilities: Capabilities {
        content: MESSENGER_CONTENT,
        // The Send API marks a conversation seen for a customer, not a message: the hub's
        // mark-read by message id has no equivalent yet.
        mark_read: false,
        templates: false,
        media_upload: true,
        media_links: false,
    },
    per_recipient_interval: None,
    ops: Ops {
        validate: validate_messenger,
        with_defaults,
        account: |c| str_of(c, "page_id").map(str::to_owned),
        messages_per_second: |_| MESSENGER_MESSAGES_PER_SECOND,
        build: build_messenger,
    },
};

pub(super) const INSTAGRAM: ProtocolInfo = ProtocolInfo {
    name: "instagram",
    kind: ChannelKind::Instagram,
    title: "Instagram Direct",
    config_fields: INSTAGRAM_CONFIG,
    secret_fields: INSTAGRAM_SECRETS,
    capabilities: Capabilities {
        content: INSTAGRAM_CONTENT,
        mark_read: false,
        templates: false,
        media_upload: true,
        media_links: false,
    },
    per_recipient_interval: None,
    ops: Ops {
        validate: validate_instagram,
        with_defaults,
        account: |c| str_of(c, "ig_account_id").map(str::to_owned),
        messages_per_second: |_| INSTAGRAM_MESSAGES_PER_SECOND,
        build: build_instagram,
    },
};

fn common(c: &mut Fields<'_>) {
    c.url("base_url");
    c.matching("api_version", is_api_version, "must look like v21.0");
}

fn validate_messenger(config: &Value, secrets: &Value) -> Vec<FieldError> {
    let mut c = Fields::new("config", config, MESSENGER_CONFIG);
    common(&mut c);
    c.digits("page_id");
    let mut s = Fields::new("secrets", secrets, MESSENGER_SECRETS);
    s.string("page_access_token");
    s.string("app_secret");
    c.joined(s)
}

fn validate_instagram(config: &Value, secrets: &Value) -> Vec<FieldError> {
    let mut c = Fields::new("config", config, INSTAGRAM_CONFIG);
    common(&mut c);
    c.digits("ig_account_id");
    c.digits("page_id");
    let mut s = Fields::new("secrets", secrets, INSTAGRAM_SECRETS);
    s.string("access_token");
    s.string("app_secret");
    c.joined(s)
}

fn with_defaults(config: &Value) -> Value {
    let mut out = config.clone();
    default(&mut out, "base_url", json!(GRAPH_BASE_URL));
    default(&mut out, "api_version", json!(DEFAULT_API_VERSION));
    out
}

fn build(
    platform: Platform,
    config: &Value,
    account_id: &str,
    send_id: &str,
    token: Secret,
    secrets: &Value,
    ctx: &BuildContext,
) -> Result<Arc<dyn Connector>, RegistryError> {
    let config = with_defaults(config);
    let meta = MetaMessagingConfig {
        platform,
        base_url: str_of(&config, "base_url")
            .unwrap_or(GRAPH_BASE_URL)
            .to_owned(),
        api_version: str_of(&config, "api_version")
            .unwrap_or(DEFAULT_API_VERSION)
            .to_owned(),
        account_id: account_id.to_owned(),
        send_id: send_id.to_owned(),
        access_token: token,
        app_secret: secret(secrets, "app_secret"),
        verify_token: Secret::new(ctx.webhook_secret.clone()),
    };
    Ok(Arc::new(MetaMessaging::new(meta, ctx.http.clone())?))
}

fn build_messenger(
    config: &Value,
    secrets: &Value,
    ctx: &BuildContext,
) -> Result<Arc<dyn Connector>, RegistryError> {
    let page = str_of(config, "page_id").unwrap_or_default();
    let token = secret(secrets, "page_access_token");
    build(Platform::Messenger, config, page, page, token, secrets, ctx)
}

/// Sends go through the Page when a page id is configured, else to the Instagram account
/// (Instagram Login); webhooks name the Instagram account either way.
fn build_instagram(
    config: &Value,
    secrets: &Value,
    ctx: &BuildContext,
) -> Result<Arc<dyn Connector>, RegistryError> {
    let account = str_of(config, "ig_account_id").unwrap_or_default();
    let send_id = str_of(config, "page_id").unwrap_or(account);
    let token = secret(secrets, "access_token");
    build(
        Platform::Instagram,
        config,
        account,
        send_id,
        token,
        secrets,
        ctx,
    )
}
