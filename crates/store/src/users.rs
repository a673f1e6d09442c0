//! People and their memberships in organizations.

use switchboard_domain::{ChannelId, Email, Name, OrgId, Role, Timestamp, UserId};

use crate::{Effects, Page, PageRequest, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    /// Unique across the installation (`Conflict { what: "email", existing: Some(user id) }`).
    pub email: Email,
    pub name: Name,
    /// PHC string of the argon2id hash; `None` for a user who cannot sign in yet.
    pub password_hash: Option<String>,
    pub password_changed_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

/// Failed sign-in bookkeeping, kept in the database so that throttling holds across nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginThrottle {
    pub failed_logins: u32,
    /// No sign-in attempt is even checked before this time.
    pub locked_until: Option<Timestamp>,
}

/// A user's place in one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub org_id: OrgId,
    pub user_id: UserId,
    pub role: Role,
    /// Empty means every channel.
    pub channel_ids: Vec<ChannelId>,
    pub created_at: Timestamp,
}

/// A membership with the person's details, for listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub membership: Membership,
    pub email: Email,
    pub name: Name,
}

#[async_trait::async_trait]
pub trait UserStore: Send + Sync {
    async fn create_user(&self, user: &User, effects: &Effects) -> Result<()>;
    async fn get_user(&self, id: UserId) -> Result<User>;
    async fn find_user_by_email(&self, email: &Email) -> Result<User>;
    async fn update_user_name(&self, id: UserId, name: &Name, effects: &Effects) -> Result<()>;
    /// Sets the password hash and, in the same transaction, deletes every session of the user.
    async fn set_password(
        &self,
        id: UserId,
        hash: &str,
        at: Timestamp,
        effects: &Effects,
    ) -> Result<()>;

    async fn login_throttle(&self, id: UserId) -> Result<LoginThrottle>;
    async fn set_login_throttle(&self, id: UserId, throttle: LoginThrottle) -> Result<()>;

    /// `Conflict { what: "membership" }` when the user is already a member.
    async fn add_member(&self, membership: &Membership, effects: &Effects) -> Result<()>;
    async fn get_member(&self, org: OrgId, user: UserId) -> Result<Member>;
    /// Members of one organization, ascending by user id.
    async fn list_members(&self, org: OrgId, page: PageRequest) -> Result<Page<Member>>;
    async fn update_member(&self, membership: &Membership, effects: &Effects) -> Result<()>;
    /// Also removes the user from the organization's teams and ends their sessions in it.
    async fn remove_member(&self, org: OrgId, user: UserId, effects: &Effects) -> Result<()>;
    async fn count_members_with_role(&self, org: OrgId, role: Role) -> Result<u64>;
    /// Every organization the user belongs to.
    async fn list_memberships_of_user(&self, user: UserId) -> Result<Vec<Membership>>;
}
