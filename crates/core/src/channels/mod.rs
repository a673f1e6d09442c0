//! Channels (PRODUCT §2): an organization's messaging accounts. Create, read, list, edit a draft,
//! publish it, disable / enable, delete, regenerate the webhook secret and test the connection.
//! Credentials and the webhook secret are sealed with the master key before they reach the store
//! and are never answered: views carry masked values only, except the webhook secret right after
//! it was generated (the admin has to paste it at the provider).

mod edit;
pub mod integration;
pub(crate) mod live;
mod secrets;

use std::collections::BTreeMap;

use serde_json::{Value, json};
use switchboard_connectors::registry::{self, FieldError};
use switchboard_domain::{ChannelId, ChannelStatus, Name, Scope};
use switchboard_store::{Channel, ChannelFilter, Event, Page, PageRequest};

use crate::{Core, CoreError, CoreResult, Principal, audit};
pub use live::ConnectionTest;
use secrets::Slot;
pub use secrets::mask;

/// A channel to create.
#[derive(Debug, Clone)]
pub struct NewChannel {
    pub name: String,
    /// A registry protocol name (`whatsapp_cloud`...).
    pub protocol: String,
    pub config: Value,
    pub secrets: Value,
}

/// Changes to a channel: the name applies at once; config and secrets go to the draft, which
/// takes effect on publish. Secrets are merged over the current ones (a `null` removes a field),
/// so one credential can be rotated without sending the others again.
#[derive(Debug, Clone, Default)]
pub struct ChannelUpdate {
    pub name: Option<String>,
    pub config: Option<Value>,
    pub secrets: Option<Value>,
}

/// A channel as shown to its admins: the stored channel (whose sealed blobs the edge must never
/// answer) with masked secrets.
#[derive(Debug, Clone)]
pub struct ChannelInfo {
    pub channel: Channel,
    /// The published secret fields that are set, masked (`••••abcd`).
    pub secrets: BTreeMap<String, String>,
    /// The draft's secret fields, when the draft carries new credentials.
    pub draft_secrets: Option<BTreeMap<String, String>>,
    /// The webhook verify token: in full right after create and regenerate, masked otherwise.
    pub webhook_secret: String,
    pub webhook_secret_revealed: bool,
}

impl Core {
    pub async fn create_channel(&self, p: &Principal, new: NewChannel) -> CoreResult<ChannelInfo> {
        p.require(Scope::ChannelsManage)?;
        if !p.channel_ids().is_empty() {
            return Err(CoreError::ChannelNotAllowed(
                "a caller restricted to channels cannot create channels".into(),
            ));
        }
        let name = channel_name(&new.name)?;
        let Some(info) = registry::protocol(&new.protocol) else {
            // The registry words the problem (`protocol`, with the names it knows).
            let problems = registry::validate(&new.protocol, &new.config, &new.secrets);
            return Err(invalid(problems.err().unwrap_or_default()));
        };
        registry::validate(info.name, &new.config, &new.secrets).map_err(invalid)?;
        let config = registry::with_defaults(info.name, &new.config);
        let id = ChannelId::new();
        let now = switchboard_domain::now();
        let webhook_secret = crate::tokens::new_token();
        let key = self.master_key();
        let channel = Channel {
            id,
            org_id: p.org(),
            kind: info.kind,
            protocol: info.name.to_owned(),
            name,
            status: ChannelStatus::Pending,
            last_error: None,
            last_error_at: None,
            account: registry::account_of(info.name, &config),
            config,
            credentials: secrets::seal_json(key, id, Slot::Credentials, &new.secrets),
            draft: None,
            webhook_secret: secrets::seal(key, id, Slot::WebhookSecret, webhook_secret.as_bytes()),
            created_at: now,
            updated_at: now,
        };
        let effects = audit::effects(p, "channel.created", "channel", id, describe(&channel));
        self.store.create_channel(&channel, &effects).await?;
        let channel = self.register_webhook(channel).await;
        self.info(channel, Some(webhook_secret))
    }

    pub async fn get_channel(&self, p: &Principal, id: ChannelId) -> CoreResult<ChannelInfo> {
        p.require(Scope::ChannelsRead)?;
        let channel = self.channel_for(p, id).await?;
        self.info(channel, None)
    }

    /// The channels the caller may use, ascending by id.
    pub async fn list_channels(
        &self,
        p: &Principal,
        mut filter: ChannelFilter,
        page: PageRequest,
    ) -> CoreResult<Page<ChannelInfo>> {
        p.require(Scope::ChannelsRead)?;
        if !p.channel_ids().is_empty() {
            let own = p.channel_ids();
            filter.only = Some(match filter.only.take() {
                Some(asked) => asked.into_iter().filter(|c| own.contains(c)).collect(),
                None => own.to_vec(),
            });
        }
        let page = self.store.list_channels(p.org(), &filter, page).await?;
        let items = page
            .items
            .into_iter()
            .map(|c| self.info(c, None))
            .collect::<CoreResult<Vec<_>>>()?;
        Ok(Page {
            items,
            next: page.next,
        })
    }

    /// Writes `channel` with a fresh `updated_at` (which retires its cached connector) and an
    /// audit entry.
    async fn save(
        &self,
        p: &Principal,
        channel: Channel,
        action: &str,
        details: Value,
        revealed: Option<String>,
    ) -> CoreResult<ChannelInfo> {
        let from = channel.status;
        self.save_status(p, channel, from, action, details, revealed)
            .await
    }

    /// [`Core::save`] for a change that may move the channel's status from `from`: a
    /// `channel.status` event is written with it when it did.
    async fn save_status(
        &self,
        p: &Principal,
        mut channel: Channel,
        from: ChannelStatus,
        action: &str,
        details: Value,
        revealed: Option<String>,
    ) -> CoreResult<ChannelInfo> {
        channel.updated_at = switchboard_domain::now();
        let mut effects = audit::effects(p, action, "channel", channel.id, details);
        if channel.status != from {
            effects.events.push(Event::channel_status(
                channel.org_id,
                channel.id,
                from,
                channel.status,
                None,
                channel.updated_at,
            ));
        }
        self.store.update_channel(&channel, &effects).await?;
        self.info(channel, revealed)
    }

    /// The view of `channel`, with `revealed` as the webhook secret when it was just generated.
    fn info(&self, channel: Channel, revealed: Option<String>) -> CoreResult<ChannelInfo> {
        let key = self.master_key();
        let id = channel.id;
        let published = secrets::open_json(key, id, Slot::Credentials, &channel.credentials)?;
        let draft_secrets = match channel.draft.as_ref().and_then(|d| d.credentials.as_ref()) {
            Some(blob) => Some(secrets::masked_fields(&secrets::open_json(
                key,
                id,
                Slot::DraftCredentials,
                blob,
            )?)),
            None => None,
        };
        let (webhook_secret, webhook_secret_revealed) = match revealed {
            Some(secret) => (secret, true),
            None => (
                mask(&secrets::open_text(key, id, &channel.webhook_secret)?),
                false,
            ),
        };
        Ok(ChannelInfo {
            secrets: secrets::masked_fields(&published),
            draft_secrets,
            webhook_secret,
            webhook_secret_revealed,
            channel,
        })
    }
}

fn channel_name(raw: &str) -> CoreResult<String> {
    Name::parse(raw)
        .map(|n| n.as_str().to_owned())
        .map_err(|e| CoreError::validation("name", e.to_string()))
}

fn invalid(problems: Vec<FieldError>) -> CoreError {
    CoreError::InvalidConfig(problems)
}

/// Audit details of a channel: what it is, never its secrets.
fn describe(channel: &Channel) -> Value {
    json!({
        "name": channel.name,
        "protocol": channel.protocol,
        "account": channel.account,
    })
}
