//! The JSON of a channel: public configuration, masked secrets, the draft, and the `handoff`
//! section telling the admin what to paste at the provider. Sealed blobs never appear here.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use switchboard_connectors::registry::{self, FieldInfo, ProtocolInfo};
use switchboard_core::{ChannelInfo, ConnectionTest};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelView {
    pub id: Uuid,
    pub name: String,
    /// `whatsapp`, `messenger`...
    pub kind: String,
    /// The registry protocol (`whatsapp_cloud`, `whatsapp_bsp`...).
    pub protocol: String,
    /// `pending`, `active`, `error` or `disabled`.
    pub status: String,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_error_at: Option<OffsetDateTime>,
    /// The provider-side account (phone number id...).
    pub account: Option<String>,
    /// The published public configuration.
    #[schema(value_type = Object)]
    pub config: Value,
    /// The published secret fields that are set, masked (`••••abcd`).
    pub secrets: BTreeMap<String, String>,
    /// Edits waiting for `publish`.
    pub draft: Option<DraftView>,
    pub handoff: HandoffView,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DraftView {
    #[schema(value_type = Object)]
    pub config: Value,
    /// The draft's secret fields, masked, when the draft carries new credentials; `null` keeps
    /// the published ones.
    pub secrets: Option<BTreeMap<String, String>>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

/// What to configure at the provider so its webhooks reach this channel.
#[derive(Debug, Serialize, ToSchema)]
pub struct HandoffView {
    /// The callback URL to register.
    pub inbound_url: String,
    /// The verify token: in full only in the answers of create and regenerate, masked otherwise.
    pub verify_token: String,
    pub verify_token_revealed: bool,
    /// Steps, in order.
    pub instructions: Vec<String>,
}

impl ChannelView {
    /// The view of `info`; `public_base` is the hub's external URL (no trailing slash).
    pub fn new(info: ChannelInfo, public_base: &str) -> Self {
        let c = info.channel;
        let inbound_url = format!("{public_base}/hooks/{}", c.id.0);
        Self {
            id: c.id.0,
            name: c.name,
            kind: c.kind.as_str().to_owned(),
            handoff: HandoffView {
                instructions: instructions(&c.protocol, &inbound_url),
                inbound_url,
                verify_token: info.webhook_secret,
                verify_token_revealed: info.webhook_secret_revealed,
            },
            protocol: c.protocol,
            status: c.status.as_str().to_owned(),
            last_error: c.last_error,
            last_error_at: c.last_error_at,
            account: c.account,
            config: c.config,
            secrets: info.secrets,
            draft: c.draft.map(|d| DraftView {
                config: d.config,
                secrets: info.draft_secrets,
                updated_at: d.updated_at,
            }),
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

fn instructions(protocol: &str, url: &str) -> Vec<String> {
    match protocol {
        "whatsapp_cloud" => vec![
            "In the Meta app dashboard open WhatsApp > Configuration > Webhook and choose Edit.".into(),
            format!("Callback URL: {url}"),
            "Verify token: the verify_token shown when the channel was created or the secret last regenerated.".into(),
            "Verify and save, then subscribe the webhook fields `messages` and `message_template_status_update`.".into(),
            "The App secret (App settings > Basic) must be the channel's app_secret: it checks every webhook's signature.".into(),
        ],
        "whatsapp_bsp" => vec![
            format!("Set the number's webhook URL at your provider to {url}."),
            "Give the provider the verify token if it asks for one; webhooks are checked with the channel's app_secret.".into(),
        ],
        "telegram" => vec![
            "Nothing to paste at Telegram: the hub calls setWebhook itself when the channel is created or published, when its secret is regenerated and on every connection test.".into(),
            format!("Updates arrive at {url}, each checked against the webhook secret (X-Telegram-Bot-Api-Secret-Token)."),
            "If the channel shows an error, check the bot_token from @BotFather and that the hub's public URL is reachable over HTTPS.".into(),
        ],
        _ => vec![format!("Point the provider's webhooks at {url}.")],
    }
}

/// The outcome of `POST /v1/channels/{id}/test`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionTestView {
    pub ok: bool,
    pub error: Option<String>,
    pub channel: ChannelView,
}

impl ConnectionTestView {
    pub fn new(t: ConnectionTest, public_base: &str) -> Self {
        Self {
            ok: t.ok,
            error: t.error,
            channel: ChannelView::new(t.channel, public_base),
        }
    }
}

/// One protocol of `GET /v1/protocols`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProtocolView {
    pub name: String,
    pub kind: String,
    pub title: String,
    pub config_fields: Vec<FieldView>,
    pub secret_fields: Vec<FieldView>,
    pub capabilities: CapabilitiesView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldView {
    pub name: String,
    pub required: bool,
    pub help: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CapabilitiesView {
    /// Content kinds it can send.
    pub content: Vec<String>,
    pub mark_read: bool,
    pub templates: bool,
    pub media_upload: bool,
}

fn fields(f: &[FieldInfo]) -> Vec<FieldView> {
    f.iter()
        .map(|f| FieldView {
            name: f.name.to_owned(),
            required: f.required,
            help: f.help.to_owned(),
        })
        .collect()
}

impl From<&ProtocolInfo> for ProtocolView {
    fn from(p: &ProtocolInfo) -> Self {
        Self {
            name: p.name.to_owned(),
            kind: p.kind.as_str().to_owned(),
            title: p.title.to_owned(),
            config_fields: fields(p.config_fields),
            secret_fields: fields(p.secret_fields),
            capabilities: CapabilitiesView {
                content: p
                    .capabilities
                    .content
                    .iter()
                    .map(|k| k.as_str().to_owned())
                    .collect(),
                mark_read: p.capabilities.mark_read,
                templates: p.capabilities.templates,
                media_upload: p.capabilities.media_upload,
            },
        }
    }
}

/// Every protocol.
pub fn protocols() -> Vec<ProtocolView> {
    registry::protocols()
        .iter()
        .map(ProtocolView::from)
        .collect()
}
