//! Teams: named groups of an organization's members, used for assignment.

use serde_json::json;
use switchboard_domain::{Name, Scope, TeamId, UserId};
use switchboard_store::{Member, Page, PageRequest, Team};

use crate::{Core, CoreResult, Principal, audit};

#[derive(Debug, Clone)]
pub struct NewTeam {
    pub name: Name,
    pub description: String,
}

#[derive(Debug, Clone, Default)]
pub struct TeamUpdate {
    pub name: Option<Name>,
    pub description: Option<String>,
}

impl Core {
    pub async fn create_team(&self, p: &Principal, new: NewTeam) -> CoreResult<Team> {
        p.require(Scope::TeamsManage)?;
        let team = Team {
            id: TeamId::new(),
            org_id: p.org(),
            name: new.name,
            description: new.description,
            created_at: switchboard_domain::now(),
        };
        let effects = audit::effects(
            p,
            "team.created",
            "team",
            team.id,
            json!({ "name": team.name }),
        );
        self.store.create_team(&team, &effects).await?;
        Ok(team)
    }

    pub async fn list_teams(&self, p: &Principal, page: PageRequest) -> CoreResult<Page<Team>> {
        p.require(Scope::TeamsRead)?;
        Ok(self.store.list_teams(p.org(), page).await?)
    }

    pub async fn get_team(&self, p: &Principal, id: TeamId) -> CoreResult<Team> {
        p.require(Scope::TeamsRead)?;
        Ok(self.store.get_team(p.org(), id).await?)
    }

    pub async fn update_team(
        &self,
        p: &Principal,
        id: TeamId,
        update: TeamUpdate,
    ) -> CoreResult<Team> {
        p.require(Scope::TeamsManage)?;
        let before = self.store.get_team(p.org(), id).await?;
        let mut team = before.clone();
        if let Some(name) = update.name {
            team.name = name;
        }
        if let Some(d) = update.description {
            team.description = d;
        }
        if team != before {
            let effects = audit::effects(
                p,
                "team.updated",
                "team",
                id,
                json!({
                    "before": { "name": before.name, "description": before.description },
                    "after": { "name": team.name, "description": team.description },
                }),
            );
            self.store.update_team(&team, &effects).await?;
        }
        Ok(team)
    }

    pub async fn delete_team(&self, p: &Principal, id: TeamId) -> CoreResult<()> {
        p.require(Scope::TeamsManage)?;
        let team = self.store.get_team(p.org(), id).await?;
        let effects = audit::effects(p, "team.deleted", "team", id, json!({ "name": team.name }));
        Ok(self.store.delete_team(p.org(), id, &effects).await?)
    }

    pub async fn add_team_member(
        &self,
        p: &Principal,
        team: TeamId,
        user: UserId,
    ) -> CoreResult<Member> {
        p.require(Scope::TeamsManage)?;
        let effects = audit::effects(
            p,
            "team.member_added",
            "team",
            team,
            json!({ "user_id": user }),
        );
        self.store
            .add_team_member(p.org(), team, user, &effects)
            .await?;
        Ok(self.store.get_member(p.org(), user).await?)
    }

    pub async fn remove_team_member(
        &self,
        p: &Principal,
        team: TeamId,
        user: UserId,
    ) -> CoreResult<()> {
        p.require(Scope::TeamsManage)?;
        let effects = audit::effects(
            p,
            "team.member_removed",
            "team",
            team,
            json!({ "user_id": user }),
        );
        Ok(self
            .store
            .remove_team_member(p.org(), team, user, &effects)
            .await?)
    }

    pub async fn list_team_members(&self, p: &Principal, team: TeamId) -> CoreResult<Vec<Member>> {
        p.require(Scope::TeamsRead)?;
        Ok(self.store.list_team_members(p.org(), team).await?)
    }
}
