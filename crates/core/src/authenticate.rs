//! Turning a credential into a [`Principal`]: an API key secret (hash compared in constant time,
//! then revocation, expiry and the IP allow-list, each with its own refusal) or a session token.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use switchboard_domain::Secret;
use switchboard_store::{ApiKey, StoreError};

use crate::{Core, CoreError, CoreResult, KeyPrincipal, Origin, Principal, UserPrincipal, tokens};

/// A signed-in session's principal plus the CSRF token its unsafe requests must echo.
#[derive(Debug, Clone)]
pub struct SessionAuth {
    pub principal: Principal,
    pub csrf_token: Secret,
}

impl Core {
    /// Checks an API key secret presented as `Authorization: Bearer <secret>` from `origin.ip`.
    pub async fn authenticate_api_key(
        &self,
        secret: &str,
        origin: Origin,
    ) -> CoreResult<Principal> {
        let prefix = tokens::api_key_prefix(secret).ok_or(CoreError::InvalidApiKey)?;
        let key = match self.store.find_api_key_by_prefix(prefix).await {
            Ok(k) => k,
            Err(StoreError::NotFound) => return Err(CoreError::InvalidApiKey),
            Err(e) => return Err(e.into()),
        };
        if !tokens::digests_equal(&tokens::sha256(secret), &key.secret_hash) {
            return Err(CoreError::InvalidApiKey);
        }
        let now = switchboard_domain::now();
        if key.revoked_at.is_some() {
            return Err(CoreError::ApiKeyRevoked);
        }
        if key.expires_at.is_some_and(|at| at <= now) {
            return Err(CoreError::ApiKeyExpired);
        }
        if !ip_allowed(&key, origin.ip) {
            return Err(CoreError::IpNotAllowed);
        }
        self.touch(&key, origin.ip).await;
        Ok(Principal::ApiKey(KeyPrincipal {
            key_id: key.id,
            org_id: key.org_id,
            scopes: key.scopes,
            channel_ids: key.channel_ids,
            origin,
        }))
    }

    /// Records the key's use at most once per `key_touch_interval_secs`, judged both by this
    /// node's memory and by the stored time (another node may have just written it). A failed
    /// write only loses bookkeeping, so it is logged and the request goes on.
    async fn touch(&self, key: &ApiKey, ip: Option<IpAddr>) {
        let interval = Duration::from_secs(self.settings.key_touch_interval_secs);
        let now = switchboard_domain::now();
        if key
            .last_used_at
            .is_some_and(|t| (now - t).unsigned_abs() < interval)
        {
            return;
        }
        {
            let mut touches = self.key_touches.lock();
            let recent = touches.get(&key.id).is_some_and(|t| t.elapsed() < interval);
            if recent {
                return;
            }
            touches.insert(key.id, Instant::now());
        }
        let ip = ip.map(|ip| ip.to_string());
        if let Err(e) = self.store.touch_api_key(key.id, now, ip.as_deref()).await {
            tracing::warn!(key_id = %key.id, error = %e, "could not record API key use");
        }
    }

    /// Checks a session cookie's token; answers the member's principal in the session's org.
    pub async fn authenticate_session(
        &self,
        token: &str,
        origin: Origin,
    ) -> CoreResult<SessionAuth> {
        let now = switchboard_domain::now();
        let session = match self.store.find_session(&tokens::sha256(token), now).await {
            Ok(s) => s,
            Err(StoreError::NotFound) => return Err(CoreError::Unauthenticated),
            Err(e) => return Err(e.into()),
        };
        let member = match self.store.get_member(session.org_id, session.user_id).await {
            Ok(m) => m,
            Err(StoreError::NotFound) => return Err(CoreError::Unauthenticated),
            Err(e) => return Err(e.into()),
        };
        Ok(SessionAuth {
            principal: Principal::User(UserPrincipal {
                user_id: session.user_id,
                org_id: session.org_id,
                role: member.membership.role,
                channel_ids: member.membership.channel_ids,
                session_id: Some(session.id),
                origin,
            }),
            csrf_token: Secret::new(session.csrf_token),
        })
    }
}

/// An empty allow-list allows any address; otherwise the client's address (an IPv4-mapped IPv6
/// address counts as its IPv4 form) must fall in one of the networks.
fn ip_allowed(key: &ApiKey, ip: Option<IpAddr>) -> bool {
    if key.allowed_ips.is_empty() {
        return true;
    }
    let Some(ip) = ip else { return false };
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    key.allowed_ips.iter().any(|net| net.contains(&ip))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_domain::{ApiKeyId, Name, OrgId};

    fn key(nets: &[&str]) -> ApiKey {
        ApiKey {
            id: ApiKeyId::new(),
            org_id: OrgId::new(),
            name: Name::parse("k").unwrap(),
            prefix: "sbk_x".into(),
            secret_hash: vec![],
            scopes: vec![],
            channel_ids: vec![],
            allowed_ips: nets.iter().map(|n| n.parse().unwrap()).collect(),
            expires_at: None,
            revoked_at: None,
            created_by_user: None,
            created_by_key: None,
            created_at: switchboard_domain::now(),
            last_used_at: None,
            last_used_ip: None,
        }
    }

    #[test]
    fn allow_lists_cover_v4_and_v6() {
        let k = key(&["10.0.0.0/8", "2001:db8::/32"]);
        assert!(ip_allowed(&k, Some("10.1.2.3".parse().unwrap())));
        assert!(ip_allowed(&k, Some("::ffff:10.1.2.3".parse().unwrap())));
        assert!(ip_allowed(&k, Some("2001:db8::1".parse().unwrap())));
        assert!(!ip_allowed(&k, Some("11.0.0.1".parse().unwrap())));
        assert!(!ip_allowed(&k, Some("2001:db9::1".parse().unwrap())));
        assert!(!ip_allowed(&k, None));
        assert!(ip_allowed(&key(&[]), None));
    }
}
