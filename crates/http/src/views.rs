//! The JSON shapes the API answers with, converted from store rows. Secrets never appear here
//! except in [`CreatedApiKeyView`], the one answer that shows a new key's secret.

use serde::Serialize;
use switchboard_core::CreatedApiKey;
use switchboard_core::orgs::Me;
use switchboard_domain::Secret;
use switchboard_store::{Actor, ApiKey, AuditEntry, Member, Org, Team};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    pub id: Uuid,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    pub settings: OrgSettingsView,
}

/// What the organization chose.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgSettingsView {
    /// A person's SMS and WhatsApp numbers (the same phone) are one contact. Off (the default),
    /// SMS and WhatsApp keep separate contacts for one number.
    pub link_sms_and_whatsapp: bool,
}

impl From<Org> for OrgView {
    fn from(o: Org) -> Self {
        Self {
            id: o.id.0,
            name: o.name.as_str().to_owned(),
            created_at: o.created_at,
            settings: OrgSettingsView {
                link_sms_and_whatsapp: o.settings.link_sms_and_whatsapp,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// The user's id.
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// `owner`, `admin`, `contributor` or `agent`.
    pub role: String,
    /// Empty: every channel.
    pub channel_ids: Vec<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub member_since: OffsetDateTime,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        Self {
            id: m.membership.user_id.0,
            email: m.email.as_str().to_owned(),
            name: m.name.as_str().to_owned(),
            role: m.membership.role.as_str().to_owned(),
            channel_ids: m.membership.channel_ids.iter().map(|c| c.0).collect(),
            member_since: m.membership.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl From<Team> for TeamView {
    fn from(t: Team) -> Self {
        Self {
            id: t.id.0,
            name: t.name.as_str().to_owned(),
            description: t.description,
            created_at: t.created_at,
        }
    }
}

/// An API key as listed: its visible prefix, never its hash or secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyView {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<String>,
    pub channel_ids: Vec<Uuid>,
    pub allowed_ips: Vec<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<OffsetDateTime>,
    pub created_by_user: Option<Uuid>,
    pub created_by_key: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_ip: Option<String>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(k: ApiKey) -> Self {
        Self {
            id: k.id.0,
            name: k.name.as_str().to_owned(),
            prefix: k.prefix,
            scopes: k.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
            channel_ids: k.channel_ids.iter().map(|c| c.0).collect(),
            allowed_ips: k.allowed_ips.iter().map(ToString::to_string).collect(),
            expires_at: k.expires_at,
            revoked_at: k.revoked_at,
            created_by_user: k.created_by_user.map(|u| u.0),
            created_by_key: k.created_by_key.map(|k| k.0),
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            last_used_ip: k.last_used_ip,
        }
    }
}

/// A key just created or rotated: the only answer that carries the secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKeyView {
    #[serde(flatten)]
    pub key: ApiKeyView,
    /// Shown this once; store it now.
    #[serde(serialize_with = "expose")]
    #[schema(value_type = String)]
    pub secret: Secret,
}

/// Serializes a secret into the one answer meant to carry it; `Debug` still hides it.
pub fn expose<S: serde::Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose())
}

impl From<CreatedApiKey> for CreatedApiKeyView {
    fn from(c: CreatedApiKey) -> Self {
        Self {
            secret: c.secret,
            key: c.key.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub id: Uuid,
    /// `user`, `api_key` or `system`.
    pub actor_type: String,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        let (actor_type, actor_id) = match e.actor {
            Actor::User(u) => ("user", Some(u.0)),
            Actor::ApiKey(k) => ("api_key", Some(k.0)),
            Actor::System => ("system", None),
        };
        Self {
            id: e.id.0,
            actor_type: actor_type.to_owned(),
            actor_id,
            action: e.action,
            target_type: e.target_type,
            target_id: e.target_id,
            ip: e.ip,
            request_id: e.request_id,
            details: e.details,
            created_at: e.created_at,
        }
    }
}

/// The caller: its organization, and its user and membership or its key.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub org: OrgView,
    pub user: Option<MemberView>,
    pub api_key: Option<ApiKeyView>,
    pub scopes: Vec<String>,
}

impl From<Me> for MeView {
    fn from(me: Me) -> Self {
        Self {
            org: me.org.into(),
            user: me.user.map(|(_, m)| m.into()),
            api_key: me.api_key.map(Into::into),
            scopes: me.scopes.iter().map(|s| s.as_str().to_owned()).collect(),
        }
    }
}
