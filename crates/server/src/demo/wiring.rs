//! The demo's WhatsApp number and its channel, pointed at each other. Each run's sandbox is new
//! (a new port, fresh credentials), so the "Demo WhatsApp" channel is created on the first run and
//! updated and republished on every later one; then the number's webhooks are pointed at the
//! channel's `/hooks/{id}` with the channel's verify token, as an admin does at Meta.

use serde_json::json;
use switchboard_core::{ChannelInfo, ChannelUpdate, Core, NewChannel, Principal};
use switchboard_domain::{ChannelId, ChannelStatus, OrgId};
use switchboard_sandbox::Sandbox;
use switchboard_sandbox::config::{SandboxConfig, StatusConfig, WhatsAppAccount};
use switchboard_store::{ChannelFilter, PageRequest};

use super::control::Control;

/// The channel's name in the Demo organization: how a later run finds it again.
pub const CHANNEL_NAME: &str = "Demo WhatsApp";
const PROTOCOL: &str = "whatsapp_cloud";
/// The number's ids: fixed, so the channel's provider account stays the same across runs, and
/// not the sandbox's default account, so a `switchboard sandbox` channel never clashes with it.
pub const PHONE_NUMBER_ID: &str = "100000000000900";
const WABA_ID: &str = "100000000000901";
/// The business's number, in the UK drama range like the customers'.
pub const DISPLAY_NUMBER: &str = "447700900100";

/// The sandbox of one run: one number with fresh credentials; customers' phones take a moment
/// to show a message as delivered and a few seconds to have it read, as people do.
pub fn sandbox_config() -> SandboxConfig {
    let mut config = SandboxConfig::default();
    config.whatsapp.accounts = vec![WhatsAppAccount {
        waba_id: WABA_ID.to_owned(),
        phone_number_id: PHONE_NUMBER_ID.to_owned(),
        display_phone_number: DISPLAY_NUMBER.to_owned(),
        access_token: switchboard_core::tokens::new_token(),
        app_secret: switchboard_core::tokens::new_token(),
        verify_token: switchboard_core::tokens::new_token(),
        api_key: None,
        webhook_url: None,
        messages_per_second: None,
    }];
    config.whatsapp.statuses = StatusConfig {
        delivered_after_ms: Some(800),
        read_after_ms: Some(3_000),
        ..StatusConfig::default()
    };
    config
}

/// Creates or updates the channel for this run's sandbox and points the number at it.
pub async fn connect(
    core: &Core,
    org: OrgId,
    sandbox: &Sandbox,
    control: &Control,
    hub: &str,
) -> anyhow::Result<ChannelId> {
    let p = Principal::system(org);
    let account = sandbox
        .config()
        .whatsapp
        .accounts
        .first()
        .ok_or_else(|| anyhow::anyhow!("the demo sandbox has no number"))?;
    let config = json!({
        "base_url": sandbox.base_url(),
        "phone_number_id": account.phone_number_id,
        "waba_id": account.waba_id,
        "display_phone_number": account.display_phone_number,
    });
    let secrets = json!({
        "access_token": account.access_token,
        "app_secret": account.app_secret,
    });
    let info = match find(core, &p).await? {
        None => {
            let new = NewChannel {
                name: CHANNEL_NAME.to_owned(),
                protocol: PROTOCOL.to_owned(),
                config,
                secrets,
            };
            core.create_channel(&p, new).await?
        }
        Some(channel) => reuse(core, &p, channel, config, secrets).await?,
    };
    let id = info.channel.id;
    control
        .update_account(
            PHONE_NUMBER_ID,
            json!({
                "webhook_url": format!("{hub}/hooks/{id}"),
                "verify_token": info.webhook_secret,
            }),
        )
        .await?;
    tracing::info!(channel_id = %id, "demo channel wired to the sandbox");
    Ok(id)
}

/// Points the existing channel at this run's sandbox: the new base URL and credentials go live
/// at once (draft, then publish), a disabled channel is enabled, and a new verify token is made
/// (answered in full only now) so the number can be given it.
async fn reuse(
    core: &Core,
    p: &Principal,
    channel: ChannelInfo,
    config: serde_json::Value,
    secrets: serde_json::Value,
) -> anyhow::Result<ChannelInfo> {
    let id = channel.channel.id;
    let update = ChannelUpdate {
        name: None,
        config: Some(config),
        secrets: Some(secrets),
    };
    core.update_channel(p, id, update).await?;
    core.publish_channel(p, id).await?;
    if channel.channel.status == ChannelStatus::Disabled {
        core.enable_channel(p, id).await?;
    }
    Ok(core.regenerate_webhook_secret(p, id).await?)
}

/// The channel an earlier run made: the Demo organization's channel on the demo number (even
/// renamed; a second one could not be made on the same number), else the one named
/// [`CHANNEL_NAME`].
async fn find(core: &Core, p: &Principal) -> anyhow::Result<Option<ChannelInfo>> {
    let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
    let mut named = None;
    loop {
        let found = core
            .list_channels(p, ChannelFilter::default(), page)
            .await?;
        for c in found.items {
            if c.channel.protocol == PROTOCOL
                && c.channel.account.as_deref() == Some(PHONE_NUMBER_ID)
            {
                return Ok(Some(c));
            }
            if c.channel.name == CHANNEL_NAME {
                named = Some(c);
            }
        }
        match found.next {
            Some(after) => page.after = Some(after),
            None => break,
        }
    }
    if let Some(c) = &named {
        anyhow::ensure!(
            c.channel.protocol == PROTOCOL,
            "the Demo organization's channel \"{CHANNEL_NAME}\" is not a {PROTOCOL} channel; \
             rename or delete it to run the demo"
        );
    }
    Ok(named)
}
