//! Teams inside one organization and their members. Names are unique per organization,
//! case-insensitively (the `team_name` index on `(org_id, name_key)`, see [`crate::name_key`]).

use switchboard_domain::{Name, OrgId, TeamId, UserId};
use switchboard_store::{Effects, Member, Page, PageRequest, Result, StoreError, Team, TeamStore};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db};

#[derive(sqlx::FromRow)]
struct TeamRow {
    id: Uuid,
    org_id: Uuid,
    name: String,
    /// UTF-8 bytes (the column is `bytea`, see the migration).
    description: Vec<u8>,
    created_at: OffsetDateTime,
}

impl TryFrom<TeamRow> for Team {
    type Error = StoreError;
    fn try_from(r: TeamRow) -> Result<Self> {
        Ok(Team {
            id: TeamId(r.id),
            org_id: OrgId(r.org_id),
            name: Name::parse(&r.name).map_err(|e| corrupt("team name", e))?,
            description: String::from_utf8(r.description)
                .map_err(|e| corrupt("team description", e))?,
            created_at: r.created_at,
        })
    }
}

impl PgStore {
    async fn team_exists(&self, org: OrgId, team: TeamId) -> Result<bool> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM teams WHERE org_id = $1 AND id = $2)")
            .bind(org.0)
            .bind(team.0)
            .fetch_one(self.pool())
            .await
            .map_err(db)
    }
}

#[async_trait::async_trait]
impl TeamStore for PgStore {
    async fn create_team(&self, team: &Team, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO teams (id, org_id, name, name_key, description, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(team.id.0)
        .bind(team.org_id.0)
        .bind(team.name.as_str())
        .bind(crate::name_key(&team.name))
        .bind(team.description.as_bytes())
        .bind(team.created_at)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn get_team(&self, org: OrgId, id: TeamId) -> Result<Team> {
        let row: TeamRow = sqlx::query_as(
            "SELECT id, org_id, name, description, created_at FROM teams
             WHERE org_id = $1 AND id = $2",
        )
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        row.try_into()
    }

    async fn list_teams(&self, org: OrgId, page: PageRequest) -> Result<Page<Team>> {
        let rows: Vec<TeamRow> = sqlx::query_as(
            "SELECT id, org_id, name, description, created_at FROM teams
             WHERE org_id = $1 AND ($2::uuid IS NULL OR id > $2)
             ORDER BY id
             LIMIT $3",
        )
        .bind(org.0)
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |t: &Team| t.id.0)
    }

    async fn update_team(&self, team: &Team, effects: &Effects) -> Result<()> {
        let query = sqlx::query(
            "UPDATE teams SET name = $3, name_key = $5, description = $4
             WHERE org_id = $1 AND id = $2",
        )
        .bind(team.org_id.0)
        .bind(team.id.0)
        .bind(team.name.as_str())
        .bind(team.description.as_bytes())
        .bind(crate::name_key(&team.name));
        self.change_existing(query, effects).await
    }

    async fn delete_team(&self, org: OrgId, id: TeamId, effects: &Effects) -> Result<()> {
        // Team members go with the team (ON DELETE CASCADE).
        let query = sqlx::query("DELETE FROM teams WHERE org_id = $1 AND id = $2")
            .bind(org.0)
            .bind(id.0);
        self.change_existing(query, effects).await
    }

    async fn add_team_member(
        &self,
        org: OrgId,
        team: TeamId,
        user: UserId,
        effects: &Effects,
    ) -> Result<()> {
        // Inserts only when both the team and the membership belong to `org`, so a foreign id on
        // either side changes nothing and reads as NotFound.
        let query = sqlx::query(
            "INSERT INTO team_members (org_id, team_id, user_id)
             SELECT $1, $2, $3
             WHERE EXISTS (SELECT 1 FROM teams WHERE org_id = $1 AND id = $2)
               AND EXISTS (SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $3)",
        )
        .bind(org.0)
        .bind(team.0)
        .bind(user.0);
        self.change_existing(query, effects).await
    }

    async fn remove_team_member(
        &self,
        org: OrgId,
        team: TeamId,
        user: UserId,
        effects: &Effects,
    ) -> Result<()> {
        let query = sqlx::query(
            "DELETE FROM team_members WHERE org_id = $1 AND team_id = $2 AND user_id = $3",
        )
        .bind(org.0)
        .bind(team.0)
        .bind(user.0);
        self.change_existing(query, effects).await
    }

    async fn list_team_members(&self, org: OrgId, team: TeamId) -> Result<Vec<Member>> {
        if !self.team_exists(org, team).await? {
            return Err(StoreError::NotFound);
        }
        crate::memberships::of_team(self.pool(), org, team.0).await
    }
}
