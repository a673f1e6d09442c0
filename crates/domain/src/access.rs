//! The access model: a user's role in an organization and an API key's scopes. A role is a named
//! set of scopes, so one check (`has scope?`) serves both kinds of caller.

use std::fmt;
use std::str::FromStr;

/// A user's role in one organization, from the most to the least powerful.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Admin,
    /// Configures channels, templates, bots and automations; no people or key management.
    Contributor,
    /// Works the inbox only.
    Agent,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Contributor, Role::Agent];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Contributor => "contributor",
            Role::Agent => "agent",
        }
    }

    /// Whether this role carries `scope`.
    pub fn grants(self, scope: Scope) -> bool {
        use Scope::*;
        match self {
            Role::Owner => true,
            // An admin manages everything but the organization itself (rename, delete, owners).
            Role::Admin => scope != OrgManage,
            Role::Contributor => matches!(
                scope,
                OrgRead
                    | UsersRead
                    | TeamsRead
                    | ChannelsRead
                    | ChannelsManage
                    | ContactsRead
                    | ContactsWrite
                    | ConversationsRead
                    | ConversationsWrite
                    | MessagesRead
                    | MessagesSend
                    | MediaWrite
                    | TemplatesRead
                    | TemplatesManage
                    | AutomationsManage
                    | BotsManage
                    | CampaignsManage
                    | AnalyticsRead
            ),
            Role::Agent => matches!(
                scope,
                OrgRead
                    | UsersRead
                    | TeamsRead
                    | ChannelsRead
                    | ContactsRead
                    | ContactsWrite
                    | ConversationsRead
                    | ConversationsWrite
                    | MessagesRead
                    | MessagesSend
                    | MediaWrite
                    | TemplatesRead
            ),
        }
    }

    /// Whether a user of this role may give `other` to someone (nobody hands out more than they have).
    pub fn may_assign(self, other: Role) -> bool {
        self <= other && self <= Role::Admin
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = RoleParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| RoleParseError(s.to_owned()))
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown role `{0}` (expected owner, admin, contributor or agent)")]
pub struct RoleParseError(pub String);

macro_rules! scopes {
    ($($variant:ident => $text:literal,)*) => {
        /// A permission: one resource and one action, written `resource:action`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Scope { $($variant,)* }

        impl Scope {
            pub const ALL: &'static [Scope] = &[$(Scope::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Scope::$variant => $text,)* }
            }
        }

        impl FromStr for Scope {
            type Err = ScopeParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Scope::$variant),)*
                    _ => Err(ScopeParseError(s.to_owned())),
                }
            }
        }
    };
}

scopes! {
    OrgRead => "org:read",
    OrgManage => "org:manage",
    UsersRead => "users:read",
    UsersManage => "users:manage",
    TeamsRead => "teams:read",
    TeamsManage => "teams:manage",
    KeysManage => "keys:manage",
    AuditRead => "audit:read",
    ChannelsRead => "channels:read",
    ChannelsManage => "channels:manage",
    ContactsRead => "contacts:read",
    ContactsWrite => "contacts:write",
    ConversationsRead => "conversations:read",
    ConversationsWrite => "conversations:write",
    MessagesRead => "messages:read",
    MessagesSend => "messages:send",
    MediaWrite => "media:write",
    TemplatesRead => "templates:read",
    TemplatesManage => "templates:manage",
    WebhooksManage => "webhooks:manage",
    CampaignsManage => "campaigns:manage",
    AutomationsManage => "automations:manage",
    BotsManage => "bots:manage",
    AnalyticsRead => "analytics:read",
    JobsManage => "jobs:manage",
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown scope `{0}`")]
pub struct ScopeParseError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_round_trips_through_text() {
        for s in Scope::ALL {
            assert_eq!(s.as_str().parse::<Scope>().unwrap(), *s);
        }
        assert_eq!(
            "messages:delete".parse::<Scope>(),
            Err(ScopeParseError("messages:delete".into()))
        );
    }

    #[test]
    fn roles_narrow_from_owner_to_agent() {
        for s in Scope::ALL {
            assert!(Role::Owner.grants(*s));
            if Role::Agent.grants(*s) {
                assert!(
                    Role::Contributor.grants(*s),
                    "{s} given to agent but not contributor"
                );
            }
            if Role::Contributor.grants(*s) {
                assert!(
                    Role::Admin.grants(*s),
                    "{s} given to contributor but not admin"
                );
            }
        }
        assert!(!Role::Agent.grants(Scope::KeysManage));
        assert!(!Role::Contributor.grants(Scope::UsersManage));
        assert!(!Role::Admin.grants(Scope::OrgManage));
    }

    #[test]
    fn nobody_hands_out_more_than_they_have() {
        assert!(Role::Owner.may_assign(Role::Owner));
        assert!(Role::Admin.may_assign(Role::Agent));
        assert!(!Role::Admin.may_assign(Role::Owner));
        assert!(!Role::Contributor.may_assign(Role::Agent));
    }
}
