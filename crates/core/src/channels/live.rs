//! The live side of channels, used by inbound and outbound: the channel a caller may use, its
//! connector built from the published configuration (cached per channel and `updated_at`, so any
//! change to the channel retires the old one), its protocol, and the connection test.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use switchboard_connectors::Connector;
use switchboard_connectors::registry::{self, BuildContext, ProtocolInfo};
use switchboard_domain::{ChannelId, Scope, Timestamp};
use switchboard_store::Channel;

use super::ChannelInfo;
use super::secrets::{self, Slot};
use crate::{Core, CoreError, CoreResult, Principal};

/// Connectors by channel, each with the `updated_at` of the channel it was built from.
#[derive(Default)]
pub(crate) struct ConnectorCache {
    built: Mutex<HashMap<ChannelId, Built>>,
}

/// A connector and the `updated_at` of the channel version it was built from.
type Built = (Timestamp, Arc<dyn Connector>);

/// The outcome of a connection test.
#[derive(Debug, Clone)]
pub struct ConnectionTest {
    pub ok: bool,
    /// The provider's refusal (or why it could not be reached).
    pub error: Option<String>,
    /// The channel after the outcome was recorded.
    pub channel: ChannelInfo,
}

impl Core {
    /// The channel of the caller's organization with this id: `NotFound` for other
    /// organizations' channels, deleted ones, and channels the caller may not use.
    pub async fn channel_for(&self, who: &Principal, id: ChannelId) -> CoreResult<Channel> {
        if !who.may_use_channel(id) {
            return Err(CoreError::NotFound);
        }
        Ok(self.store.get_channel(who.org(), id).await?)
    }

    /// The live connector of `channel` (its published configuration).
    pub async fn connector(&self, channel: &Channel) -> CoreResult<Arc<dyn Connector>> {
        if let Some((at, c)) = self.connectors.built.lock().get(&channel.id)
            && *at == channel.updated_at
        {
            return Ok(c.clone());
        }
        let key = self.master_key();
        let secrets = secrets::open_json(key, channel.id, Slot::Credentials, &channel.credentials)?;
        let webhook_secret = secrets::open_text(key, channel.id, &channel.webhook_secret)?;
        let ctx = BuildContext {
            webhook_secret,
            http: self.http().clone(),
            hook_url: self.hook_url(channel.id),
        };
        let connector = registry::build(&channel.protocol, &channel.config, &secrets, &ctx)
            .map_err(CoreError::internal)?;
        let mut built = self.connectors.built.lock();
        // Keep the newest: a slower builder of an older version must not replace it.
        match built.get(&channel.id) {
            Some((at, c)) if *at > channel.updated_at => return Ok(c.clone()),
            _ => {
                built.insert(channel.id, (channel.updated_at, connector.clone()));
            }
        }
        Ok(connector)
    }

    /// The public URL of a channel's inbound hook, when the hub knows its public address
    /// (`[core] public_base_url`, which the server fills from `[http]` or its listen address).
    pub fn hook_url(&self, id: ChannelId) -> Option<String> {
        let base = self.settings.public_base_url.as_deref()?;
        Some(format!("{}/hooks/{id}", base.trim_end_matches('/')))
    }

    /// The protocol of a channel (capabilities for content checks).
    pub fn protocol(&self, channel: &Channel) -> CoreResult<&'static ProtocolInfo> {
        registry::protocol(&channel.protocol).ok_or_else(|| {
            CoreError::internal_msg(format!(
                "channel {} uses the unknown protocol `{}`",
                channel.id, channel.protocol
            ))
        })
    }

    /// Tells the provider where to deliver the channel's webhooks, for protocols registered by
    /// API (Telegram's `setWebhook` with the hook URL and the webhook secret). A registration
    /// proves the credentials: the channel becomes active; a refusal is recorded as its error
    /// (the channel itself is kept, so the admin can fix the credentials and publish again).
    /// Best effort: the change that called it is already stored, so nothing here fails it.
    /// Returns the channel as it now is.
    pub(crate) async fn register_webhook(&self, channel: Channel) -> Channel {
        if channel.status == switchboard_domain::ChannelStatus::Disabled {
            return channel;
        }
        let connector = match self.connector(&channel).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(channel_id = %channel.id, error = %e, "no connector to register the webhook with");
                return channel;
            }
        };
        let error = match connector.register_webhook().await {
            Ok(false) => return channel,
            Ok(true) => None,
            Err(e) => {
                tracing::warn!(channel_id = %channel.id, error = %e, "webhook registration refused");
                Some(format!("webhook registration failed: {e}"))
            }
        };
        let (org, id) = (channel.org_id, channel.id);
        let now = switchboard_domain::now();
        if let Err(e) = self
            .store
            .record_channel_health(org, id, error.as_deref(), now)
            .await
        {
            tracing::warn!(channel_id = %id, error = %e, "could not record the registration");
            return channel;
        }
        self.store.get_channel(org, id).await.unwrap_or(channel)
    }

    pub(crate) fn forget_connector(&self, id: ChannelId) {
        self.connectors.built.lock().remove(&id);
    }

    /// Makes a cheap authenticated call to the provider with the published configuration (one
    /// template listed, Telegram's `getMe` and `setWebhook`) and records the outcome as the channel's health: active on success,
    /// `error` with the provider's words otherwise (a disabled channel stays disabled).
    pub async fn test_channel(&self, p: &Principal, id: ChannelId) -> CoreResult<ConnectionTest> {
        p.require(Scope::ChannelsManage)?;
        let channel = self.channel_for(p, id).await?;
        let connector = self.connector(&channel).await?;
        let error = connector
            .test_connection()
            .await
            .err()
            .map(|e| e.to_string());
        self.store
            .record_channel_health(p.org(), id, error.as_deref(), switchboard_domain::now())
            .await?;
        let channel = self.store.get_channel(p.org(), id).await?;
        Ok(ConnectionTest {
            ok: error.is_none(),
            error,
            channel: self.info(channel, None)?,
        })
    }
}
