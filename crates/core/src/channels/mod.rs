//! Channels (PRODUCT §2): an organization's messaging accounts. Create, read, list, edit a draft,
//! publish it, disable / enable, delete, regenerate the webhook secret and test the connection.
//! Credentials and the webhook secret are sealed with the master key before they reach the store
//! and are never answered: views carry masked values only, except the webhook secret right after
//! it was generated (the admin has to paste it at the provider).

pub(crate) mod live;
mod secrets;

use std::collections::BTreeMap;

use serde_json::{Value, json};
use switchboard_connectors::registry::{self, FieldError};
use switchboard_domain::{ChannelId, ChannelStatus, Name, Scope};
use switchboard_store::{Channel, ChannelDraft, ChannelFilter, Page, PageRequest};

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
        let info = registry::protocol(&new.protocol).ok_or_else(|| {
            CoreError::validation(
                "protocol",
                registry::validate(&new.protocol, &Value::Null, &Value::Null)
                    .err()
                    .and_then(|e| e.into_iter().next())
                    .map(|e| e.message)
                    .unwrap_or_else(|| "unknown protocol".into()),
            )
        })?;
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

    /// Renames at once and/or writes the draft (config and secrets checked together).
    pub async fn update_channel(
        &self,
        p: &Principal,
        id: ChannelId,
        update: ChannelUpdate,
    ) -> CoreResult<ChannelInfo> {
        p.require(Scope::ChannelsManage)?;
        let mut channel = self.channel_for(p, id).await?;
        let mut details = serde_json::Map::new();
        if let Some(name) = &update.name {
            channel.name = channel_name(name)?;
            details.insert("name".into(), json!(channel.name));
        }
        if update.config.is_some() || update.secrets.is_some() {
            let key = self.master_key();
            let (base_config, base_secrets) = match &channel.draft {
                Some(draft) => (
                    draft.config.clone(),
                    match &draft.credentials {
                        Some(blob) => secrets::open_json(key, id, Slot::DraftCredentials, blob)?,
                        None => {
                            secrets::open_json(key, id, Slot::Credentials, &channel.credentials)?
                        }
                    },
                ),
                None => (
                    channel.config.clone(),
                    secrets::open_json(key, id, Slot::Credentials, &channel.credentials)?,
                ),
            };
            let config = update.config.clone().unwrap_or(base_config);
            let merged = match &update.secrets {
                Some(changes) => secrets::merge(&base_secrets, changes),
                None => base_secrets,
            };
            registry::validate(&channel.protocol, &config, &merged).map_err(invalid)?;
            let credentials = match (&update.secrets, &channel.draft) {
                (Some(_), _) => Some(secrets::seal_json(key, id, Slot::DraftCredentials, &merged)),
                (None, Some(draft)) => draft.credentials.clone(),
                (None, None) => None,
            };
            if let Some(config) = &update.config {
                let keys: Vec<&String> = config
                    .as_object()
                    .map(|m| m.keys().collect())
                    .unwrap_or_default();
                details.insert("draft_config_fields".into(), json!(keys));
            }
            if let Some(Value::Object(changes)) = &update.secrets {
                let keys: Vec<&String> = changes.keys().collect();
                details.insert("draft_secret_fields".into(), json!(keys));
            }
            channel.draft = Some(ChannelDraft {
                config: registry::with_defaults(&channel.protocol, &config),
                credentials,
                updated_at: switchboard_domain::now(),
            });
        }
        self.save(p, channel, "channel.updated", Value::Object(details), None)
            .await
    }

    /// Makes the draft live: its config, and its credentials when it has new ones. The channel
    /// goes back to `pending` until a test or traffic proves the new configuration works.
    pub async fn publish_channel(&self, p: &Principal, id: ChannelId) -> CoreResult<ChannelInfo> {
        p.require(Scope::ChannelsManage)?;
        let mut channel = self.channel_for(p, id).await?;
        let Some(draft) = channel.draft.take() else {
            return Err(CoreError::validation(
                "draft",
                "there is no draft to publish",
            ));
        };
        if let Some(blob) = &draft.credentials {
            let key = self.master_key();
            let secrets = secrets::open_json(key, id, Slot::DraftCredentials, blob)?;
            channel.credentials = secrets::seal_json(key, id, Slot::Credentials, &secrets);
        }
        channel.account = registry::account_of(&channel.protocol, &draft.config);
        channel.config = draft.config;
        if channel.status != ChannelStatus::Disabled {
            channel.status = ChannelStatus::Pending;
        }
        channel.last_error = None;
        channel.last_error_at = None;
        let details =
            json!({ "new_credentials": draft.credentials.is_some(), "account": channel.account });
        self.save(p, channel, "channel.published", details, None)
            .await
    }

    /// Stops sending and refuses inbound webhooks until enabled again.
    pub async fn disable_channel(&self, p: &Principal, id: ChannelId) -> CoreResult<ChannelInfo> {
        p.require(Scope::ChannelsManage)?;
        let mut channel = self.channel_for(p, id).await?;
        if channel.status == ChannelStatus::Disabled {
            return self.info(channel, None);
        }
        channel.status = ChannelStatus::Disabled;
        self.save(p, channel, "channel.disabled", json!({}), None)
            .await
    }

    /// Back to `pending` (a test or traffic makes it active).
    pub async fn enable_channel(&self, p: &Principal, id: ChannelId) -> CoreResult<ChannelInfo> {
        p.require(Scope::ChannelsManage)?;
        let mut channel = self.channel_for(p, id).await?;
        if channel.status != ChannelStatus::Disabled {
            return self.info(channel, None);
        }
        channel.status = ChannelStatus::Pending;
        self.save(p, channel, "channel.enabled", json!({}), None)
            .await
    }

    pub async fn delete_channel(&self, p: &Principal, id: ChannelId) -> CoreResult<()> {
        p.require(Scope::ChannelsManage)?;
        let channel = self.channel_for(p, id).await?;
        let effects = audit::effects(p, "channel.deleted", "channel", id, describe(&channel));
        self.store.delete_channel(p.org(), id, &effects).await?;
        self.forget_connector(id);
        Ok(())
    }

    /// A new webhook secret (verify token), answered in full this once; the old one stops working.
    pub async fn regenerate_webhook_secret(
        &self,
        p: &Principal,
        id: ChannelId,
    ) -> CoreResult<ChannelInfo> {
        p.require(Scope::ChannelsManage)?;
        let mut channel = self.channel_for(p, id).await?;
        let secret = crate::tokens::new_token();
        channel.webhook_secret = secrets::seal(
            self.master_key(),
            id,
            Slot::WebhookSecret,
            secret.as_bytes(),
        );
        self.save(
            p,
            channel,
            "channel.webhook_secret_regenerated",
            json!({}),
            Some(secret),
        )
        .await
    }

    /// Writes `channel` with a fresh `updated_at` (which retires its cached connector) and an
    /// audit entry.
    async fn save(
        &self,
        p: &Principal,
        mut channel: Channel,
        action: &str,
        details: Value,
        revealed: Option<String>,
    ) -> CoreResult<ChannelInfo> {
        channel.updated_at = switchboard_domain::now();
        let effects = audit::effects(p, action, "channel", channel.id, details);
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
