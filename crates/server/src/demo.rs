//! `serve --demo`: makes a first run useful at once. It creates (or reuses) an organization named
//! "Demo", issues a fresh API key for it, and prints requests to try against the running server.

use std::net::SocketAddr;
use std::sync::Arc;

use switchboard_core::{Core, NewApiKey, Principal};
use switchboard_domain::Name;
use switchboard_store::Store;

use crate::config::Config;

const DEMO_ORG: &str = "Demo";

pub async fn announce(
    config: &Config,
    store: Arc<dyn Store>,
    addr: SocketAddr,
) -> anyhow::Result<()> {
    let master_key = crate::master_key::load_for_serve(config)?;
    let core = Core::new(store.clone(), config.core.clone(), master_key);
    let name = Name::parse(DEMO_ORG)?;
    let (org_id, secret) = match find_org(&store, &name).await? {
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
            (org, created.secret.expose().to_string())
        }
        None => {
            let created = core.create_org(name, None).await?;
            (created.org.id, created.api_key.secret.expose().to_string())
        }
    };
    let base = format!("http://{addr}");
    println!(
        "\n  Switchboard demo is ready: organization \"{DEMO_ORG}\" ({org_id})\n\
         \n  API key (shown once): {secret}\n\
         \n  Try it:\n\
         \n    curl -s {base}/v1/orgs/current -H 'Authorization: Bearer {secret}'\
         \n    curl -s {base}/v1/api-keys -H 'Authorization: Bearer {secret}'\
         \n    curl -s -X POST {base}/v1/teams -H 'Authorization: Bearer {secret}' \\\
         \n         -H 'Content-Type: application/json' -d '{{\"name\": \"Support\"}}'\
         \n    curl -s {base}/v1/audit-log -H 'Authorization: Bearer {secret}'\
         \n    curl -s {base}/v1/openapi.json | head -c 300\
         \n\n  Stop with Ctrl-C.\n"
    );
    Ok(())
}

async fn find_org(
    store: &Arc<dyn Store>,
    name: &Name,
) -> anyhow::Result<Option<switchboard_domain::OrgId>> {
    let orgs = crate::admin::all_orgs(store).await?;
    Ok(orgs
        .iter()
        .find(|o| o.name.as_str().to_lowercase() == name.as_str().to_lowercase())
        .map(|o| o.id))
}
