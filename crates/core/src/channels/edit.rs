//! Changing a channel: the draft (config and secrets checked together), publishing it,
//! disabling, enabling, deleting and regenerating the webhook secret. Every change writes a fresh
//! `updated_at` (retiring the cached connector) and an audit entry.

use serde_json::{Value, json};
use switchboard_connectors::registry;
use switchboard_domain::{ChannelId, ChannelStatus, Scope};
use switchboard_store::ChannelDraft;

use super::secrets::{self, Slot};
use super::{ChannelInfo, ChannelUpdate, channel_name, describe, invalid};
use crate::{Core, CoreError, CoreResult, Principal, audit};

impl Core {
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
        let from = channel.status;
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
        let info = self
            .save_status(p, channel, from, "channel.published", details, None)
            .await?;
        // The new configuration may name another bot or host: tell the provider where to call.
        let channel = self.register_webhook(info.channel).await;
        self.info(channel, None)
    }

    /// Stops sending and refuses inbound webhooks until enabled again.
    pub async fn disable_channel(&self, p: &Principal, id: ChannelId) -> CoreResult<ChannelInfo> {
        p.require(Scope::ChannelsManage)?;
        let mut channel = self.channel_for(p, id).await?;
        if channel.status == ChannelStatus::Disabled {
            return self.info(channel, None);
        }
        let from = std::mem::replace(&mut channel.status, ChannelStatus::Disabled);
        self.save_status(p, channel, from, "channel.disabled", json!({}), None)
            .await
    }

    /// Back to `pending` (a test or traffic makes it active).
    pub async fn enable_channel(&self, p: &Principal, id: ChannelId) -> CoreResult<ChannelInfo> {
        p.require(Scope::ChannelsManage)?;
        let mut channel = self.channel_for(p, id).await?;
        if channel.status != ChannelStatus::Disabled {
            return self.info(channel, None);
        }
        let from = std::mem::replace(&mut channel.status, ChannelStatus::Pending);
        self.save_status(p, channel, from, "channel.enabled", json!({}), None)
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
        let info = self
            .save(
                p,
                channel,
                "channel.webhook_secret_regenerated",
                json!({}),
                Some(secret.clone()),
            )
            .await?;
        // Providers registered by API present the secret themselves: give them the new one.
        let channel = self.register_webhook(info.channel).await;
        self.info(channel, Some(secret))
    }
}
