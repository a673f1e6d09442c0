//! The audit log: who (user or key) changed configuration or exported data, when and from where.
//! Entries are written through [`crate::Effects`], in the same transaction as the change.

use switchboard_domain::{ApiKeyId, AuditId, OrgId, Timestamp, UserId};

use crate::{Page, PageRequest, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(UserId),
    ApiKey(ApiKeyId),
    /// The operator's CLI or Switchboard itself.
    System,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: AuditId,
    pub org_id: OrgId,
    pub actor: Actor,
    /// Dotted verb, e.g. `api_key.created`, `member.role_changed`.
    pub action: String,
    /// What was acted on, e.g. (`api_key`, its id).
    pub target_type: String,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    /// Before/after values or other facts; never secrets.
    pub details: serde_json::Value,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub actor: Option<Actor>,
}

#[async_trait::async_trait]
pub trait AuditStore: Send + Sync {
    /// Newest first; `page.after` continues below that id.
    async fn list_audit(
        &self,
        org: OrgId,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEntry>>;
}
