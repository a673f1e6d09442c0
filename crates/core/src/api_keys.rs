//! API key management: create (secret shown once), list, get, revoke, rotate. A key can never be
//! given scopes or channels its creator lacks.

use ipnet::IpNet;
use serde_json::json;
use switchboard_domain::{ApiKeyId, ChannelId, Name, Scope, Secret, Timestamp};
use switchboard_store::{ApiKey, Page, PageRequest, StoreError};

use crate::{Core, CoreError, CoreResult, Principal, audit, tokens};

#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub name: Name,
    /// Empty means every scope the creator has.
    pub scopes: Vec<Scope>,
    /// Empty means the creator's channels (every channel for an unrestricted creator).
    pub channel_ids: Vec<ChannelId>,
    /// Empty means any address.
    pub allowed_ips: Vec<IpNet>,
    pub expires_at: Option<Timestamp>,
}

/// A key just created or rotated, with the secret that is shown this one time.
#[derive(Debug, Clone)]
pub struct CreatedApiKey {
    pub key: ApiKey,
    pub secret: Secret,
}

/// Prefix collisions are astronomically rare (62^12); a few draws settle any.
const PREFIX_ATTEMPTS: usize = 5;

impl Core {
    pub async fn create_api_key(&self, p: &Principal, new: NewApiKey) -> CoreResult<CreatedApiKey> {
        p.require(Scope::KeysManage)?;
        let scopes = granted_scopes(p, new.scopes)?;
        let channel_ids = if new.channel_ids.is_empty() {
            p.channel_ids().to_vec()
        } else if p.covers_channels(&new.channel_ids) {
            dedup(new.channel_ids)
        } else {
            return Err(CoreError::ScopeEscalation(
                "a key cannot use channels its creator may not use".into(),
            ));
        };
        let now = switchboard_domain::now();
        if new.expires_at.is_some_and(|at| at <= now) {
            return Err(CoreError::validation(
                "expires_at",
                "expiry must be in the future",
            ));
        }
        let (created_by_user, created_by_key) = match p {
            Principal::User(u) => (Some(u.user_id), None),
            Principal::ApiKey(k) => (None, Some(k.key_id)),
            Principal::System { .. } => (None, None),
        };
        let template = ApiKey {
            id: ApiKeyId::new(),
            org_id: p.org(),
            name: new.name,
            prefix: String::new(),
            secret_hash: Vec::new(),
            scopes,
            channel_ids,
            allowed_ips: dedup(new.allowed_ips),
            expires_at: new.expires_at,
            revoked_at: None,
            created_by_user,
            created_by_key,
            created_at: now,
            last_used_at: None,
            last_used_ip: None,
        };
        self.insert_key(p, template).await
    }

    /// Stores `template` under a fresh secret, drawing again on a prefix collision.
    pub(crate) async fn insert_key(
        &self,
        p: &Principal,
        template: ApiKey,
    ) -> CoreResult<CreatedApiKey> {
        let mut stored = None;
        let secret = with_fresh_secret(|prefix, secret_hash| {
            let key = ApiKey {
                prefix: prefix.to_owned(),
                secret_hash,
                ..template.clone()
            };
            let effects = audit::effects(p, "api_key.created", "api_key", key.id, describe(&key));
            stored = Some(key.clone());
            async move { self.store.create_api_key(&key, &effects).await }
        })
        .await?;
        let key = stored.ok_or_else(|| CoreError::internal_msg("no key was stored"))?;
        Ok(CreatedApiKey { key, secret })
    }

    pub async fn list_api_keys(
        &self,
        p: &Principal,
        page: PageRequest,
    ) -> CoreResult<Page<ApiKey>> {
        p.require(Scope::KeysManage)?;
        Ok(self.store.list_api_keys(p.org(), page).await?)
    }

    pub async fn get_api_key(&self, p: &Principal, id: ApiKeyId) -> CoreResult<ApiKey> {
        p.require(Scope::KeysManage)?;
        Ok(self.store.get_api_key(p.org(), id).await?)
    }

    /// Revokes at once; revoking twice keeps the first time. Answers the key as it now is.
    pub async fn revoke_api_key(&self, p: &Principal, id: ApiKeyId) -> CoreResult<ApiKey> {
        p.require(Scope::KeysManage)?;
        let key = self.store.get_api_key(p.org(), id).await?;
        if key.revoked_at.is_none() {
            let effects = audit::effects(p, "api_key.revoked", "api_key", id, json!({}));
            self.store
                .revoke_api_key(p.org(), id, switchboard_domain::now(), &effects)
                .await?;
        }
        Ok(self.store.get_api_key(p.org(), id).await?)
    }

    /// A new secret for the key (shown once); the old one stops working at once.
    pub async fn rotate_api_key(&self, p: &Principal, id: ApiKeyId) -> CoreResult<CreatedApiKey> {
        p.require(Scope::KeysManage)?;
        let key = self.store.get_api_key(p.org(), id).await?;
        if key.revoked_at.is_some() {
            return Err(CoreError::NotFound);
        }
        let secret = with_fresh_secret(|prefix, hash| {
            let effects = audit::effects(
                p,
                "api_key.rotated",
                "api_key",
                id,
                json!({ "old_prefix": key.prefix, "new_prefix": prefix }),
            );
            let prefix = prefix.to_owned();
            async move {
                self.store
                    .rotate_api_key(p.org(), id, &prefix, &hash, &effects)
                    .await
            }
        })
        .await?;
        let key = self.store.get_api_key(p.org(), id).await?;
        Ok(CreatedApiKey { key, secret })
    }
}

/// Draws a fresh secret and hands its prefix and hash to `store` until one is accepted: prefixes
/// are unique, and a collision (one in 62^12) simply draws again.
async fn with_fresh_secret<F, Fut>(mut store: F) -> CoreResult<Secret>
where
    F: FnMut(&str, Vec<u8>) -> Fut,
    Fut: std::future::Future<Output = Result<(), StoreError>>,
{
    for _ in 0..PREFIX_ATTEMPTS {
        let (prefix, secret) = tokens::new_api_key_secret();
        match store(&prefix, tokens::sha256(&secret)).await {
            Ok(()) => return Ok(Secret::new(secret)),
            Err(StoreError::Conflict {
                what: "api_key_prefix",
                ..
            }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(CoreError::internal_msg(
        "could not draw a free API key prefix",
    ))
}

/// The scopes a new key gets: those asked for, each of which the creator must hold, or every
/// scope the creator holds when none are asked for.
fn granted_scopes(p: &Principal, wanted: Vec<Scope>) -> CoreResult<Vec<Scope>> {
    if wanted.is_empty() {
        return Ok(p.scopes());
    }
    if let Some(missing) = wanted.iter().find(|s| !p.has(**s)) {
        return Err(CoreError::ScopeEscalation(format!(
            "a key cannot be given `{missing}`, which its creator lacks"
        )));
    }
    let mut scopes = wanted;
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}

fn dedup<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v.dedup();
    v
}

/// Audit details of a key: what it may do, never its hash or secret.
pub(crate) fn describe(key: &ApiKey) -> serde_json::Value {
    json!({
        "name": key.name,
        "prefix": key.prefix,
        "scopes": key.scopes,
        "channel_ids": key.channel_ids,
        "allowed_ips": key.allowed_ips.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "expires_at": key.expires_at.map(|t| t.unix_timestamp()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KeyPrincipal, Origin};
    use switchboard_domain::OrgId;

    fn key_with(scopes: Vec<Scope>) -> Principal {
        Principal::ApiKey(KeyPrincipal {
            key_id: ApiKeyId::new(),
            org_id: OrgId::new(),
            scopes,
            channel_ids: vec![],
            origin: Origin::default(),
        })
    }

    #[test]
    fn empty_scopes_inherit_the_creators() {
        let p = key_with(vec![Scope::KeysManage, Scope::TeamsRead]);
        let got = granted_scopes(&p, vec![]).unwrap();
        assert_eq!(got, vec![Scope::TeamsRead, Scope::KeysManage]);
    }

    #[test]
    fn scopes_beyond_the_creators_are_escalation() {
        let p = key_with(vec![Scope::KeysManage]);
        let err = granted_scopes(&p, vec![Scope::KeysManage, Scope::OrgManage]).unwrap_err();
        assert_eq!(err.code(), "scope_escalation");
        assert!(err.to_string().contains("org:manage"));
    }
}
