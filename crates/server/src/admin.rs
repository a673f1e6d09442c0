//! The operator's commands (`org`, `apikey`, `user`): they open the same store as `serve`, act as
//! the system principal of the organization, and go through the same `core` use cases as the API,
//! so the rules (validation, audit log) are the same whichever door is used.

use std::net::IpAddr;
use std::sync::Arc;

use anyhow::Context;
use ipnet::IpNet;
use switchboard_core::{Core, NewApiKey, NewMember, NewOwner, Principal};
use switchboard_domain::{ChannelId, Email, Name, OrgId, Role, Scope, Secret};
use switchboard_store::{PageRequest, Store};

pub use crate::admin_jobs::jobs;
use crate::cli::{ApiKeyCommand, OrgCommand, StoreArgs, UserCommand};
use crate::config::Config;

pub(crate) async fn open(
    mut config: Config,
    args: &StoreArgs,
) -> anyhow::Result<(Core, Arc<dyn Store>)> {
    args.apply(&mut config);
    // Commands print their results on stdout; only warnings and errors are logged (on stderr).
    config.log.level = "warn".into();
    crate::telemetry::init(&config.log)?;
    let store = crate::store::open(&config).await?;
    let master_key = crate::master_key::load_or_ephemeral(&config)?;
    Ok((
        Core::new(store.clone(), config.core.clone(), master_key),
        store,
    ))
}

fn print_json(value: serde_json::Value) {
    println!("{value}");
}

pub async fn org(config: Config, cmd: OrgCommand) -> anyhow::Result<()> {
    match cmd {
        OrgCommand::Create {
            name,
            owner_email,
            owner_password,
            json,
            store,
        } => {
            let name = Name::parse(&name).context("--name")?;
            let owner = match (owner_email, owner_password) {
                (Some(email), Some(password)) => Some(NewOwner {
                    email: Email::parse(&email).context("--owner-email")?,
                    name: None,
                    password: Secret::new(password),
                }),
                _ => None,
            };
            let (core, store) = open(config, &store).await?;
            let created = core.create_org(name, owner).await;
            store.close().await;
            let created = created?;
            let secret = created.api_key.secret.expose().to_string();
            if json {
                print_json(serde_json::json!({ "org_id": created.org.id, "api_key": secret }));
            } else {
                println!("organization: {} ({})", created.org.name, created.org.id);
                println!("owner API key (shown once, keep it safe): {secret}");
            }
            Ok(())
        }
        OrgCommand::List { json, store } => {
            let (_, store) = open(config, &store).await?;
            let orgs = all_orgs(&store).await;
            store.close().await;
            let orgs = orgs?;
            if json {
                let list: Vec<_> = orgs
                    .iter()
                    .map(|o| serde_json::json!({"id": o.id, "name": o.name}))
                    .collect();
                print_json(serde_json::Value::Array(list));
            } else {
                for o in orgs {
                    println!("{}  {}", o.id, o.name);
                }
            }
            Ok(())
        }
    }
}

pub async fn apikey(config: Config, cmd: ApiKeyCommand) -> anyhow::Result<()> {
    let ApiKeyCommand::Create {
        org,
        name,
        scopes,
        channels,
        allow_ips,
        expires_in,
        json,
        store,
    } = cmd;
    let org = parse_org(&org)?;
    let input = NewApiKey {
        name: Name::parse(&name).context("--name")?,
        scopes: scopes
            .iter()
            .map(|s| {
                s.parse::<Scope>()
                    .map_err(|e| anyhow::anyhow!("--scope: {e}; known scopes: {}", known_scopes()))
            })
            .collect::<anyhow::Result<_>>()?,
        channel_ids: parse_channels(&channels)?,
        allowed_ips: allow_ips
            .iter()
            .map(|c| parse_cidr(c))
            .collect::<anyhow::Result<_>>()?,
        expires_at: match expires_in {
            Some(d) => {
                let d = humantime::parse_duration(&d)
                    .with_context(|| format!("--expires-in `{d}` (try 90d or 12h)"))?;
                Some(switchboard_domain::now() + d)
            }
            None => None,
        },
    };
    let (core, store) = open(config, &store).await?;
    let created = core.create_api_key(&Principal::system(org), input).await;
    store.close().await;
    let created = created?;
    let secret = created.secret.expose().to_string();
    if json {
        print_json(
            serde_json::json!({ "id": created.key.id, "org_id": org, "api_key": secret, "prefix": created.key.prefix }),
        );
    } else {
        println!(
            "API key {} ({}) for organization {org}",
            created.key.name, created.key.id
        );
        println!("secret (shown once, keep it safe): {secret}");
    }
    Ok(())
}

pub async fn user(config: Config, cmd: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Create {
        org,
        email,
        name,
        password,
        role,
        channels,
        json,
        store,
    } = cmd;
    let org = parse_org(&org)?;
    let input = NewMember {
        email: Email::parse(&email).context("--email")?,
        name: name
            .as_deref()
            .map(Name::parse)
            .transpose()
            .context("--name")?,
        password: password.map(Secret::new),
        role: role.parse::<Role>().context("--role")?,
        channel_ids: parse_channels(&channels)?,
    };
    let (core, store) = open(config, &store).await?;
    let member = core.create_member(&Principal::system(org), input).await;
    store.close().await;
    let member = member?;
    let m = &member.membership;
    if json {
        print_json(
            serde_json::json!({ "user_id": m.user_id, "org_id": m.org_id, "email": member.email, "role": m.role }),
        );
    } else {
        println!(
            "{} ({}) is now {} of organization {}",
            member.email, m.user_id, m.role, m.org_id
        );
    }
    Ok(())
}

/// Every organization, page after page (operators' listings and the demo's look-up).
pub(crate) async fn all_orgs(
    store: &Arc<dyn Store>,
) -> anyhow::Result<Vec<switchboard_store::Org>> {
    let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
    let mut orgs = Vec::new();
    loop {
        let p = store.list_orgs(page).await?;
        orgs.extend(p.items);
        match p.next {
            Some(after) => page.after = Some(after),
            None => return Ok(orgs),
        }
    }
}

fn parse_channels(raw: &[String]) -> anyhow::Result<Vec<ChannelId>> {
    raw.iter()
        .map(|c| {
            c.parse::<ChannelId>()
                .with_context(|| format!("--channel `{c}` is not a channel id"))
        })
        .collect()
}

fn parse_org(raw: &str) -> anyhow::Result<OrgId> {
    raw.parse()
        .with_context(|| format!("--org `{raw}` is not an organization id"))
}

/// A CIDR, or a bare address meaning just that host.
fn parse_cidr(raw: &str) -> anyhow::Result<IpNet> {
    raw.parse::<IpNet>()
        .or_else(|_| raw.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| anyhow::anyhow!("--allow-ip `{raw}` is not an IPv4 or IPv6 network (e.g. 203.0.113.0/24, 2001:db8::/32)"))
}

fn known_scopes() -> String {
    Scope::ALL
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_and_bare_addresses() {
        assert_eq!(parse_cidr("10.0.0.0/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(
            parse_cidr("2001:db8::1").unwrap().to_string(),
            "2001:db8::1/128"
        );
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("banana").is_err());
    }
}
