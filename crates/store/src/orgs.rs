//! Organizations: the tenants.

use switchboard_domain::{Name, OrgId, Timestamp};

use crate::{Effects, Page, PageRequest, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: OrgId,
    /// Unique across the installation, compared case-insensitively (`Conflict { what: "org_name" }`).
    pub name: Name,
    pub created_at: Timestamp,
}

#[async_trait::async_trait]
pub trait OrgStore: Send + Sync {
    async fn create_org(&self, org: &Org, effects: &Effects) -> Result<()>;
    async fn get_org(&self, id: OrgId) -> Result<Org>;
    /// Operators only (CLI): every organization, ascending by id.
    async fn list_orgs(&self, page: PageRequest) -> Result<Page<Org>>;
    async fn rename_org(&self, id: OrgId, name: &Name, effects: &Effects) -> Result<()>;
}
