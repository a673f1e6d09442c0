//! Who is calling: a signed-in user acting in one organization, an API key, or the operator
//! (`System`). Every use case takes a `&Principal` and asks it `require(scope)`, so authorization
//! lives here in `core`, never in handlers.

use std::net::IpAddr;

use switchboard_domain::{ApiKeyId, ChannelId, OrgId, Role, Scope, SessionId, UserId};
use switchboard_store::Actor;

use crate::{CoreError, CoreResult};

/// Where a request came from: recorded in audit entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: Option<IpAddr>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPrincipal {
    pub user_id: UserId,
    pub org_id: OrgId,
    pub role: Role,
    /// Empty means every channel.
    pub channel_ids: Vec<ChannelId>,
    /// The browser session the user signed in with.
    pub session_id: Option<SessionId>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPrincipal {
    pub key_id: ApiKeyId,
    pub org_id: OrgId,
    pub scopes: Vec<Scope>,
    /// Empty means every channel.
    pub channel_ids: Vec<ChannelId>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User(UserPrincipal),
    ApiKey(KeyPrincipal),
    /// The operator's CLI (or Switchboard itself) acting on one organization with every scope.
    System {
        org: OrgId,
    },
}

impl Principal {
    pub fn system(org: OrgId) -> Self {
        Principal::System { org }
    }

    pub fn org(&self) -> OrgId {
        match self {
            Principal::User(u) => u.org_id,
            Principal::ApiKey(k) => k.org_id,
            Principal::System { org } => *org,
        }
    }

    pub fn has(&self, scope: Scope) -> bool {
        match self {
            Principal::User(u) => u.role.grants(scope),
            Principal::ApiKey(k) => k.scopes.contains(&scope),
            Principal::System { .. } => true,
        }
    }

    /// Refuses with `insufficient_scope` (naming the scope) unless the caller holds `scope`.
    pub fn require(&self, scope: Scope) -> CoreResult<()> {
        if self.has(scope) {
            Ok(())
        } else {
            Err(CoreError::InsufficientScope { scope })
        }
    }

    /// Every scope the caller holds, in `Scope::ALL` order.
    pub fn scopes(&self) -> Vec<Scope> {
        Scope::ALL
            .iter()
            .copied()
            .filter(|s| self.has(*s))
            .collect()
    }

    /// The channels the caller is limited to; empty means every channel.
    pub fn channel_ids(&self) -> &[ChannelId] {
        match self {
            Principal::User(u) => &u.channel_ids,
            Principal::ApiKey(k) => &k.channel_ids,
            Principal::System { .. } => &[],
        }
    }

    pub fn may_use_channel(&self, channel: ChannelId) -> bool {
        let limited = self.channel_ids();
        limited.is_empty() || limited.contains(&channel)
    }

    /// Whether `wanted` (empty = every channel) stays within the caller's own channels.
    pub fn covers_channels(&self, wanted: &[ChannelId]) -> bool {
        let own = self.channel_ids();
        own.is_empty() || (!wanted.is_empty() && wanted.iter().all(|c| own.contains(c)))
    }

    /// Whether the caller may give `role` to someone (or change or remove someone who has it).
    /// Users follow `Role::may_assign`; a key may hand out a role only if it holds every scope
    /// the role carries, so a key can never mint a more powerful person than itself.
    pub fn may_assign(&self, role: Role) -> bool {
        match self {
            Principal::User(u) => u.role.may_assign(role),
            Principal::ApiKey(_) => Scope::ALL.iter().all(|s| !role.grants(*s) || self.has(*s)),
            Principal::System { .. } => true,
        }
    }

    pub fn actor(&self) -> Actor {
        match self {
            Principal::User(u) => Actor::User(u.user_id),
            Principal::ApiKey(k) => Actor::ApiKey(k.key_id),
            Principal::System { .. } => Actor::System,
        }
    }

    pub fn origin(&self) -> Option<&Origin> {
        match self {
            Principal::User(u) => Some(&u.origin),
            Principal::ApiKey(k) => Some(&k.origin),
            Principal::System { .. } => None,
        }
    }

    /// A stable name for per-caller bookkeeping (rate limits, idempotency records).
    pub fn key(&self) -> String {
        match self {
            Principal::User(u) => format!("user:{}", u.user_id),
            Principal::ApiKey(k) => format!("key:{}", k.key_id),
            Principal::System { org } => format!("system:{org}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(scopes: Vec<Scope>, channels: Vec<ChannelId>) -> Principal {
        Principal::ApiKey(KeyPrincipal {
            key_id: ApiKeyId::new(),
            org_id: OrgId::new(),
            scopes,
            channel_ids: channels,
            origin: Origin::default(),
        })
    }

    #[test]
    fn a_key_has_exactly_its_scopes() {
        let p = key(vec![Scope::TeamsRead], vec![]);
        assert!(p.require(Scope::TeamsRead).is_ok());
        let err = p.require(Scope::TeamsManage).unwrap_err();
        assert!(matches!(
            err,
            CoreError::InsufficientScope {
                scope: Scope::TeamsManage
            }
        ));
    }

    #[test]
    fn channel_limits_narrow() {
        let a = ChannelId::new();
        let b = ChannelId::new();
        let limited = key(vec![], vec![a]);
        assert!(limited.may_use_channel(a));
        assert!(!limited.may_use_channel(b));
        assert!(limited.covers_channels(&[a]));
        assert!(!limited.covers_channels(&[a, b]));
        assert!(
            !limited.covers_channels(&[]),
            "empty means all, more than `a`"
        );
        assert!(key(vec![], vec![]).covers_channels(&[]));
    }

    #[test]
    fn a_key_assigns_only_roles_it_covers() {
        let admin_like = key(Role::Admin.grants_list(), vec![]);
        assert!(admin_like.may_assign(Role::Admin));
        assert!(!admin_like.may_assign(Role::Owner));
        assert!(Principal::system(OrgId::new()).may_assign(Role::Owner));
    }

    trait GrantsList {
        fn grants_list(self) -> Vec<Scope>;
    }
    impl GrantsList for Role {
        fn grants_list(self) -> Vec<Scope> {
            Scope::ALL
                .iter()
                .copied()
                .filter(|s| self.grants(*s))
                .collect()
        }
    }
}
