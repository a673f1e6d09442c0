//! Organizations: the tenants.

use switchboard_domain::{Name, OrgId, Timestamp};

use crate::{ApiKey, Effects, Membership, Page, PageRequest, Result, User};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: OrgId,
    /// Unique across the installation, compared case-insensitively (`Conflict { what: "org_name" }`).
    pub name: Name,
    pub created_at: Timestamp,
    pub settings: OrgSettings,
}

/// What an organization chose about how Switchboard treats its data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrgSettings {
    /// A person's SMS number and WhatsApp number (the same phone) are one contact: a new
    /// identity on one of those kinds joins the contact that has the phone even when that
    /// contact already has an identity on the other kind. Off (the default), the two kinds keep
    /// separate contacts; a contact with no identity on the other kind (imported, say) is
    /// joined either way.
    pub link_sms_and_whatsapp: bool,
}

/// What a new organization starts with, written in the same transaction as the organization, so
/// that it never exists without its owner or its first key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgSetup {
    /// People who do not exist yet (`Conflict { what: "email", .. }` when one does: nothing is
    /// written then).
    pub new_users: Vec<User>,
    /// Memberships in the new organization, of new or existing users.
    pub members: Vec<Membership>,
    pub api_keys: Vec<ApiKey>,
}

#[async_trait::async_trait]
pub trait OrgStore: Send + Sync {
    /// Creates the organization and its `setup` in one transaction: all of it, or none.
    async fn create_org_with(&self, org: &Org, setup: &OrgSetup, effects: &Effects) -> Result<()>;

    /// Creates an empty organization.
    async fn create_org(&self, org: &Org, effects: &Effects) -> Result<()> {
        self.create_org_with(org, &OrgSetup::default(), effects)
            .await
    }

    async fn get_org(&self, id: OrgId) -> Result<Org>;
    /// Operators only (CLI): every organization, ascending by id.
    async fn list_orgs(&self, page: PageRequest) -> Result<Page<Org>>;
    async fn rename_org(&self, id: OrgId, name: &Name, effects: &Effects) -> Result<()>;
    async fn update_org_settings(
        &self,
        id: OrgId,
        settings: &OrgSettings,
        effects: &Effects,
    ) -> Result<()>;
}
