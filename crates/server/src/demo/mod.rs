//! `serve --demo`: a first run that shows live conversations within seconds. It starts the
//! sandbox in-process, creates (or reuses) the "Demo" organization and its WhatsApp channel wired
//! to the sandbox both ways, issues a fresh API key, and lets simulated customers write in; the
//! banner prints the key and requests to paste.
//!
//! Layout: `wiring` (the sandbox number and the channel pointed at each other), `control` (the
//! sandbox's control API), `cast` (who the customers are and what they say), `customers` (the
//! task that plays them) and `banner`.

mod banner;
mod cast;
mod control;
mod customers;
mod wiring;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use switchboard_core::{Core, NewApiKey, Principal};
use switchboard_domain::{Name, OrgId};
use switchboard_sandbox::Sandbox;
use switchboard_store::Store;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::Config;

const DEMO_ORG: &str = "Demo";

/// The running demo: the in-process sandbox and the customers' task.
pub struct Demo {
    sandbox: Sandbox,
    customers: JoinHandle<()>,
}

/// Prepares the demo on the store `serve` is about to serve from `addr` (already bound, so the
/// customers' first webhooks wait in its backlog until the hub answers); the customers stop when
/// `shutdown` is cancelled.
pub async fn start(
    config: &Config,
    store: Arc<dyn Store>,
    addr: SocketAddr,
    shutdown: CancellationToken,
) -> anyhow::Result<Demo> {
    let master_key = crate::master_key::load_for_serve(config)?;
    let core = Core::new(store.clone(), config.core.clone(), master_key);
    let (org, key) = org_and_key(&core, &store).await?;
    let sandbox = Sandbox::start(wiring::sandbox_config()).await?;
    let control = control::Control::new(sandbox.base_url());
    let hub = format!("http://{}", reachable(addr));
    let channel = wiring::connect(&core, org, &sandbox, &control, &hub).await?;
    let banner = banner::Banner {
        hub,
        org,
        key,
        channel,
        sandbox: sandbox.base_url().to_owned(),
    };
    let play = customers::Play {
        core,
        org,
        channel,
        control,
        banner,
    };
    let customers = tokio::spawn(customers::run(play, shutdown));
    Ok(Demo { sandbox, customers })
}

impl Demo {
    /// Waits for the customers to go quiet (after the shutdown) and stops the sandbox.
    pub async fn stop(self) {
        let _ = self.customers.await;
        self.sandbox.shutdown().await;
    }
}

/// The "Demo" organization (found by name, whatever its case) and a new API key for it.
async fn org_and_key(core: &Core, store: &Arc<dyn Store>) -> anyhow::Result<(OrgId, String)> {
    let name = Name::parse(DEMO_ORG)?;
    let orgs = crate::admin::all_orgs(store).await?;
    let found = orgs
        .iter()
        .find(|o| o.name.as_str().to_lowercase() == name.as_str().to_lowercase())
        .map(|o| o.id);
    match found {
        Some(org) => {
            let key = NewApiKey {
                name: Name::parse(&format!(
                    "demo key {}",
                    switchboard_domain::now().unix_timestamp()
                ))?,
                scopes: Vec::new(),
                channel_ids: Vec::new(),
                allowed_ips: Vec::new(),
                expires_at: None,
            };
            let created = core.create_api_key(&Principal::system(org), key).await?;
            Ok((org, created.secret.expose().to_string()))
        }
        None => {
            let created = core.create_org(name, None).await?;
            Ok((created.org.id, created.api_key.secret.expose().to_string()))
        }
    }
}

/// Where this machine reaches the hub: a wildcard listen address (`0.0.0.0:8080`) is not one
/// to send webhooks or curl to, its loopback is.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, addr.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, addr.port()).into(),
        _ => addr,
    }
}
