//! Teams and their members. Every statement is keyed by the organization, so another tenant's
//! team or user is simply not found.

use rusqlite::{Connection, OptionalExtension, Row, params};
use switchboard_domain::{Name, OrgId, TeamId, UserId};
use switchboard_store::{Effects, Member, Page, PageRequest, Result, StoreError, Team, TeamStore};

use crate::codec::{get_parsed, get_ts, get_uuid, ms};
use crate::error::DbResult;
use crate::orgs::name_key;
use crate::{SqliteStore, members, one_row};

fn team_from_row(row: &Row<'_>) -> rusqlite::Result<Team> {
    Ok(Team {
        id: TeamId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        name: get_parsed(row, 2, Name::parse)?,
        description: row.get(3)?,
        created_at: get_ts(row, 4)?,
    })
}

fn team_exists(conn: &Connection, org: OrgId, team: TeamId) -> Result<()> {
    conn.prepare_cached("SELECT 1 FROM teams WHERE id = ?1 AND org_id = ?2")
        .db()?
        .query_row(params![team.0.as_bytes(), org.0.as_bytes()], |_| Ok(()))
        .optional()
        .db()?
        .ok_or(StoreError::NotFound)
}

#[async_trait::async_trait]
impl TeamStore for SqliteStore {
    async fn create_team(&self, team: &Team, effects: &Effects) -> Result<()> {
        let t = team.clone();
        self.change(effects, move |conn| {
            conn.prepare_cached(
                "INSERT INTO teams (id, org_id, name, name_key, description, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .db()?
            .execute(params![
                t.id.0.as_bytes(),
                t.org_id.0.as_bytes(),
                t.name.as_str(),
                name_key(&t.name),
                t.description,
                ms(t.created_at)
            ])
            .db()?;
            Ok(())
        })
        .await
    }

    async fn get_team(&self, org: OrgId, id: TeamId) -> Result<Team> {
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT id, org_id, name, description, created_at FROM teams
                 WHERE id = ?1 AND org_id = ?2",
            )
            .db()?
            .query_row(params![id.0.as_bytes(), org.0.as_bytes()], team_from_row)
            .db()
        })
        .await
    }

    async fn list_teams(&self, org: OrgId, page: PageRequest) -> Result<Page<Team>> {
        self.read(move |conn| {
            let after = page.after.map(|u| u.as_bytes().to_vec());
            let rows = conn
                .prepare_cached(
                    "SELECT id, org_id, name, description, created_at FROM teams
                     WHERE org_id = ?1 AND (?2 IS NULL OR id > ?2) ORDER BY id LIMIT ?3",
                )
                .db()?
                .query_map(
                    params![org.0.as_bytes(), after, page.fetch_limit()],
                    team_from_row,
                )
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |t| t.id.0))
        })
        .await
    }

    async fn update_team(&self, team: &Team, effects: &Effects) -> Result<()> {
        let t = team.clone();
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE teams SET name = ?3, name_key = ?4, description = ?5
                     WHERE id = ?1 AND org_id = ?2",
                )
                .db()?
                .execute(params![
                    t.id.0.as_bytes(),
                    t.org_id.0.as_bytes(),
                    t.name.as_str(),
                    name_key(&t.name),
                    t.description
                ])
                .db()?;
            one_row(changed)
        })
        .await
    }

    async fn delete_team(&self, org: OrgId, id: TeamId, effects: &Effects) -> Result<()> {
        self.change(effects, move |conn| {
            let ids = params![id.0.as_bytes(), org.0.as_bytes()];
            conn.prepare_cached("DELETE FROM team_members WHERE team_id = ?1 AND org_id = ?2")
                .db()?
                .execute(ids)
                .db()?;
            let changed = conn
                .prepare_cached("DELETE FROM teams WHERE id = ?1 AND org_id = ?2")
                .db()?
                .execute(ids)
                .db()?;
            one_row(changed)
        })
        .await
    }

    async fn add_team_member(
        &self,
        org: OrgId,
        team: TeamId,
        user: UserId,
        effects: &Effects,
    ) -> Result<()> {
        self.change(effects, move |conn| {
            team_exists(conn, org, team)?;
            // The membership must be in the same organization (also enforced by the foreign key).
            members::get(conn, org, user)?;
            conn.prepare_cached(
                "INSERT INTO team_members (org_id, team_id, user_id, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .db()?
            .execute(params![
                org.0.as_bytes(),
                team.0.as_bytes(),
                user.0.as_bytes(),
                ms(switchboard_domain::now())
            ])
            .db()?;
            Ok(())
        })
        .await
    }

    async fn remove_team_member(
        &self,
        org: OrgId,
        team: TeamId,
        user: UserId,
        effects: &Effects,
    ) -> Result<()> {
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached(
                    "DELETE FROM team_members WHERE team_id = ?1 AND user_id = ?2 AND org_id = ?3",
                )
                .db()?
                .execute(params![
                    team.0.as_bytes(),
                    user.0.as_bytes(),
                    org.0.as_bytes()
                ])
                .db()?;
            one_row(changed)
        })
        .await
    }

    async fn list_team_members(&self, org: OrgId, team: TeamId) -> Result<Vec<Member>> {
        self.read(move |conn| {
            team_exists(conn, org, team)?;
            members::of_team(conn, org, team)
        })
        .await
    }
}
