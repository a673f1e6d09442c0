//! REST v1: one module per resource, each with its own `router()`. Handlers parse the request
//! into domain types, call one `core` function, and map the result; nothing else.

pub mod api_keys;
pub mod audit;
pub mod channels;
pub mod contacts;
pub mod conversations;
pub mod events;
pub mod me;
pub mod media;
pub mod messages;
pub mod orgs;
pub mod search;
pub mod sessions;
pub mod teams;
pub mod templates;
pub mod transcripts;
pub mod users;
pub mod webhook_deliveries;
pub mod webhook_endpoints;

use axum::Router;
use ipnet::IpNet;
use switchboard_domain::{Email, Name, Role, Scope};

use crate::{ApiError, AppState};

/// Every route that needs a caller (API key or session).
pub fn authenticated() -> Router<AppState> {
    Router::new()
        .merge(orgs::router())
        .merge(me::router())
        .merge(sessions::authenticated_router())
        .merge(users::router())
        .merge(teams::router())
        .merge(api_keys::router())
        .merge(audit::router())
        .merge(channels::router())
        .merge(messages::router())
        .merge(search::router())
        .merge(transcripts::router())
        .merge(contacts::router())
        .merge(conversations::router())
        .merge(webhook_endpoints::router())
        .merge(webhook_deliveries::router())
        .merge(events::router())
        .merge(media::router())
        .merge(templates::router())
}

/// Routes open to anyone (signing in).
pub fn public() -> Router<AppState> {
    sessions::public_router().merge(media::public_router())
}

pub(crate) fn name(field: &str, raw: &str) -> Result<Name, ApiError> {
    Name::parse(raw).map_err(|e| ApiError::validation(field, e.to_string()))
}

/// An id given in a query parameter (a filter), as a uuid.
pub(crate) fn id_param(field: &str, raw: &str) -> Result<uuid::Uuid, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::validation(field, format!("`{raw}` is not an id")))
}

pub(crate) fn email(field: &str, raw: &str) -> Result<Email, ApiError> {
    Email::parse(raw).map_err(|e| ApiError::validation(field, e.to_string()))
}

pub(crate) fn role(field: &str, raw: &str) -> Result<Role, ApiError> {
    raw.parse()
        .map_err(|e: switchboard_domain::access::RoleParseError| {
            ApiError::validation(field, e.to_string())
        })
}

pub(crate) fn scopes(field: &str, raw: &[String]) -> Result<Vec<Scope>, ApiError> {
    raw.iter()
        .map(|s| {
            s.parse().map_err(|e: switchboard_domain::ScopeParseError| {
                ApiError::validation(field, e.to_string())
            })
        })
        .collect()
}

/// A CIDR network; a bare address means just that host.
pub(crate) fn cidrs(field: &str, raw: &[String]) -> Result<Vec<IpNet>, ApiError> {
    raw.iter()
        .map(|s| {
            let s = s.trim();
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    ApiError::validation(
                        field,
                        format!("`{s}` is not an IP network in CIDR notation"),
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_accept_networks_and_hosts_and_name_bad_ones() {
        let ok = cidrs(
            "allowed_ips",
            &[
                "10.0.0.0/8".into(),
                "2001:db8::/32".into(),
                "192.0.2.1".into(),
            ],
        )
        .unwrap();
        assert_eq!(ok[2].to_string(), "192.0.2.1/32");
        let err = cidrs("allowed_ips", &["10.0.0.0/33".into()]).unwrap_err();
        assert!(format!("{err:?}").contains("10.0.0.0/33"));
    }
}
