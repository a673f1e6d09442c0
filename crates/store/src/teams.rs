//! Teams: groups of users inside one organization, used for assignment.

use switchboard_domain::{Name, OrgId, TeamId, Timestamp, UserId};

use crate::{Effects, Member, Page, PageRequest, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: TeamId,
    pub org_id: OrgId,
    /// Unique within the organization, case-insensitively (`Conflict { what: "team_name" }`).
    pub name: Name,
    pub description: String,
    pub created_at: Timestamp,
}

#[async_trait::async_trait]
pub trait TeamStore: Send + Sync {
    async fn create_team(&self, team: &Team, effects: &Effects) -> Result<()>;
    async fn get_team(&self, org: OrgId, id: TeamId) -> Result<Team>;
    /// Ascending by id.
    async fn list_teams(&self, org: OrgId, page: PageRequest) -> Result<Page<Team>>;
    async fn update_team(&self, team: &Team, effects: &Effects) -> Result<()>;
    async fn delete_team(&self, org: OrgId, id: TeamId, effects: &Effects) -> Result<()>;
    /// `NotFound` unless both the team and the user's membership are in `org`;
    /// `Conflict { what: "team_member" }` when already there.
    async fn add_team_member(
        &self,
        org: OrgId,
        team: TeamId,
        user: UserId,
        effects: &Effects,
    ) -> Result<()>;
    async fn remove_team_member(
        &self,
        org: OrgId,
        team: TeamId,
        user: UserId,
        effects: &Effects,
    ) -> Result<()>;
    /// Ascending by user id.
    async fn list_team_members(&self, org: OrgId, team: TeamId) -> Result<Vec<Member>>;
}
