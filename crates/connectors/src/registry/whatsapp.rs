//! WhatsApp over the Cloud API format: `whatsapp_cloud` (Meta's Graph API, Bearer token) and
//! `whatsapp_bsp` (a Business Solution Provider speaking the same JSON behind its own host and an
//! API-key header, 360dialog style). Both build a [`WhatsAppCloud`] connector.

use std::sync::Arc;

use serde_json::{Value, json};
use switchboard_domain::{ChannelKind, ContentKind};

use super::check::{FieldError, Fields, str_of};
use super::{BuildContext, Capabilities, FieldInfo, Ops, ProtocolInfo, RegistryError};
use crate::connector::Connector;
use crate::whatsapp_cloud::client::{
    ApiStyle, Auth, DEFAULT_API_VERSION, DEFAULT_BSP_KEY_HEADER, WhatsAppCloud, WhatsAppCloudConfig,
};
use switchboard_domain::Secret;

/// Meta's Graph API root.
pub(super) const GRAPH_BASE_URL: &str = "https://graph.facebook.com";
/// Meta's default throughput per business number.
const DEFAULT_MESSAGES_PER_SECOND: u64 = 80;
/// Meta raises numbers to 1,000 messages per second at most.
const MAX_MESSAGES_PER_SECOND: u64 = 1_000;

/// Everything WhatsApp can carry over the Cloud API.
const CONTENT: &[ContentKind] = &ContentKind::ALL;

const CAPABILITIES: Capabilities = Capabilities {
    content: CONTENT,
    mark_read: true,
    templates: true,
    media_upload: true,
    media_links: false,
};

const CLOUD_CONFIG: &[FieldInfo] = &[
    FieldInfo {
        name: "base_url",
        required: false,
        help: "The Graph API root; defaults to Meta's. Point it at the sandbox to test.",
    },
    FieldInfo {
        name: "api_version",
        required: false,
        help: "Graph API version such as v21.0; defaults to the version Switchboard was tested with.",
    },
    FieldInfo {
        name: "phone_number_id",
        required: true,
        help: "The number's Phone number ID (WhatsApp Manager > API Setup).",
    },
    FieldInfo {
        name: "waba_id",
        required: true,
        help: "The WhatsApp Business Account ID, for templates.",
    },
    FieldInfo {
        name: "display_phone_number",
        required: false,
        help: "The number as shown to customers, for display only.",
    },
    FieldInfo {
        name: "messages_per_second",
        required: false,
        help: "Sending rate the number is allowed (80 by default).",
    },
];

const CLOUD_SECRETS: &[FieldInfo] = &[
    FieldInfo {
        name: "access_token",
        required: true,
        help: "A permanent System User access token with whatsapp_business_messaging and whatsapp_business_management.",
    },
    FieldInfo {
        name: "app_secret",
        required: true,
        help: "The Meta app's App secret, which signs webhooks (X-Hub-Signature-256).",
    },
];

const BSP_CONFIG: &[FieldInfo] = &[
    FieldInfo {
        name: "base_url",
        required: true,
        help: "The provider's API root.",
    },
    FieldInfo {
        name: "phone_number_id",
        required: true,
        help: "The number's phone number ID at the provider.",
    },
    FieldInfo {
        name: "waba_id",
        required: false,
        help: "The WhatsApp Business Account ID, for display.",
    },
    FieldInfo {
        name: "api_key_header",
        required: false,
        help: "The header carrying the API key (D360-API-KEY by default).",
    },
    FieldInfo {
        name: "messages_per_second",
        required: false,
        help: "Sending rate the number is allowed (80 by default).",
    },
];

const BSP_SECRETS: &[FieldInfo] = &[
    FieldInfo {
        name: "api_key",
        required: true,
        help: "The provider's API key for this number.",
    },
    FieldInfo {
        name: "app_secret",
        required: true,
        help: "The secret that signs the provider's webhooks (X-Hub-Signature-256).",
    },
];

pub(super) const CLOUD: ProtocolInfo = ProtocolInfo {
    name: "whatsapp_cloud",
    kind: ChannelKind::Whatsapp,
    title: "WhatsApp Cloud API (Meta)",
    config_fields: CLOUD_CONFIG,
    secret_fields: CLOUD_SECRETS,
    capabilities: CAPABILITIES,
    // Meta's pair rate limit (131056) is enforced by Meta, not paced here yet (issue 7).
    per_recipient_interval: None,
    ops: Ops {
        validate: validate_cloud,
        with_defaults: defaults_cloud,
        account,
        messages_per_second: rate,
        build: build_cloud,
    },
};

pub(super) const BSP: ProtocolInfo = ProtocolInfo {
    name: "whatsapp_bsp",
    kind: ChannelKind::Whatsapp,
    title: "WhatsApp through a BSP (360dialog style)",
    config_fields: BSP_CONFIG,
    secret_fields: BSP_SECRETS,
    capabilities: CAPABILITIES,
    // Meta's pair rate limit (131056) is enforced by Meta, not paced here yet (issue 7).
    per_recipient_interval: None,
    ops: Ops {
        validate: validate_bsp,
        with_defaults: defaults_bsp,
        account,
        messages_per_second: rate,
        build: build_bsp,
    },
};

pub(super) fn is_api_version(v: &str) -> bool {
    v.strip_prefix('v').is_some_and(|rest| {
        rest.split_once('.').is_some_and(|(major, minor)| {
            !major.is_empty()
                && !minor.is_empty()
                && major.len() <= 4
                && minor.len() <= 4
                && major.bytes().all(|b| b.is_ascii_digit())
                && minor.bytes().all(|b| b.is_ascii_digit())
        })
    })
}

fn is_display_number(v: &str) -> bool {
    let digits = v.strip_prefix('+').unwrap_or(v);
    (5..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// An HTTP header name (RFC 9110 token characters).
fn is_header_name(v: &str) -> bool {
    v.len() <= 64
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn validate_cloud(config: &Value, secrets: &Value) -> Vec<FieldError> {
    let mut c = Fields::new("config", config, CLOUD_CONFIG);
    c.url("base_url");
    c.matching("api_version", is_api_version, "must look like v21.0");
    c.digits("phone_number_id");
    c.digits("waba_id");
    c.matching(
        "display_phone_number",
        is_display_number,
        "must be digits, optionally after +",
    );
    c.integer("messages_per_second", 1..=MAX_MESSAGES_PER_SECOND);
    let mut s = Fields::new("secrets", secrets, CLOUD_SECRETS);
    s.string("access_token");
    s.string("app_secret");
    c.joined(s)
}

fn validate_bsp(config: &Value, secrets: &Value) -> Vec<FieldError> {
    let mut c = Fields::new("config", config, BSP_CONFIG);
    c.url("base_url");
    c.digits("phone_number_id");
    c.digits("waba_id");
    c.matching(
        "api_key_header",
        is_header_name,
        "must be an HTTP header name",
    );
    c.integer("messages_per_second", 1..=MAX_MESSAGES_PER_SECOND);
    let mut s = Fields::new("secrets", secrets, BSP_SECRETS);
    s.string("api_key");
    s.string("app_secret");
    c.joined(s)
}

/// Writes `value` at `key` unless the object already has a non-null value there.
pub(super) fn default(config: &mut Value, key: &str, value: Value) {
    if let Value::Object(map) = config
        && map.get(key).is_none_or(Value::is_null)
    {
        map.insert(key.to_owned(), value);
    }
}

fn defaults_cloud(config: &Value) -> Value {
    let mut out = config.clone();
    default(&mut out, "base_url", json!(GRAPH_BASE_URL));
    default(&mut out, "api_version", json!(DEFAULT_API_VERSION));
    default(
        &mut out,
        "messages_per_second",
        json!(DEFAULT_MESSAGES_PER_SECOND),
    );
    out
}

fn defaults_bsp(config: &Value) -> Value {
    let mut out = config.clone();
    default(&mut out, "api_key_header", json!(DEFAULT_BSP_KEY_HEADER));
    default(
        &mut out,
        "messages_per_second",
        json!(DEFAULT_MESSAGES_PER_SECOND),
    );
    out
}

fn account(config: &Value) -> Option<String> {
    str_of(config, "phone_number_id").map(str::to_owned)
}

fn rate(config: &Value) -> u32 {
    config
        .get("messages_per_second")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(DEFAULT_MESSAGES_PER_SECOND as u32)
}

pub(super) fn secret(secrets: &Value, key: &str) -> Secret {
    Secret::new(str_of(secrets, key).unwrap_or_default().to_owned())
}

fn build_cloud(
    config: &Value,
    secrets: &Value,
    ctx: &BuildContext,
) -> Result<Arc<dyn Connector>, RegistryError> {
    let config = defaults_cloud(config);
    let wa = WhatsAppCloudConfig {
        base_url: str_of(&config, "base_url")
            .unwrap_or(GRAPH_BASE_URL)
            .to_owned(),
        api_version: str_of(&config, "api_version")
            .unwrap_or(DEFAULT_API_VERSION)
            .to_owned(),
        phone_number_id: str_of(&config, "phone_number_id")
            .unwrap_or_default()
            .to_owned(),
        waba_id: str_of(&config, "waba_id").map(str::to_owned),
        auth: Auth::Bearer(secret(secrets, "access_token")),
        app_secret: secret(secrets, "app_secret"),
        verify_token: Secret::new(ctx.webhook_secret.clone()),
        style: ApiStyle::Graph,
    };
    Ok(Arc::new(WhatsAppCloud::new(wa, ctx.http.clone())?))
}

fn build_bsp(
    config: &Value,
    secrets: &Value,
    ctx: &BuildContext,
) -> Result<Arc<dyn Connector>, RegistryError> {
    let config = defaults_bsp(config);
    let wa = WhatsAppCloudConfig {
        base_url: str_of(&config, "base_url").unwrap_or_default().to_owned(),
        api_version: DEFAULT_API_VERSION.to_owned(),
        phone_number_id: str_of(&config, "phone_number_id")
            .unwrap_or_default()
            .to_owned(),
        waba_id: str_of(&config, "waba_id").map(str::to_owned),
        auth: Auth::ApiKey {
            header: str_of(&config, "api_key_header")
                .unwrap_or(DEFAULT_BSP_KEY_HEADER)
                .to_owned(),
            key: secret(secrets, "api_key"),
        },
        app_secret: secret(secrets, "app_secret"),
        verify_token: Secret::new(ctx.webhook_secret.clone()),
        style: ApiStyle::Bsp,
    };
    Ok(Arc::new(WhatsAppCloud::new(wa, ctx.http.clone())?))
}
