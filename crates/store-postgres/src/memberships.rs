//! The SQL behind memberships (a user's role and channel limits in one organization), used by the
//! `UserStore` implementation in `users.rs`. Every query is keyed by `(org_id, user_id)`.

use sqlx::{PgConnection, PgPool};
use switchboard_domain::{ChannelId, Email, Name, OrgId, Role, UserId};
use switchboard_store::{Member, Membership, Page, PageRequest, Result, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::errors::{corrupt, db};

const MEMBER_COLUMNS: &str =
    "m.org_id, m.user_id, m.role, m.channel_ids, m.created_at, u.email, u.name";

#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    org_id: Uuid,
    user_id: Uuid,
    role: String,
    channel_ids: Vec<Uuid>,
    created_at: OffsetDateTime,
    email: String,
    name: String,
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    org_id: Uuid,
    user_id: Uuid,
    role: String,
    channel_ids: Vec<Uuid>,
    created_at: OffsetDateTime,
}

impl TryFrom<MembershipRow> for Membership {
    type Error = StoreError;
    fn try_from(r: MembershipRow) -> Result<Self> {
        Ok(Membership {
            org_id: OrgId(r.org_id),
            user_id: UserId(r.user_id),
            role: r.role.parse::<Role>().map_err(|e| corrupt("role", e))?,
            channel_ids: r.channel_ids.into_iter().map(ChannelId).collect(),
            created_at: r.created_at,
        })
    }
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> Result<Self> {
        let membership = Membership::try_from(MembershipRow {
            org_id: r.org_id,
            user_id: r.user_id,
            role: r.role,
            channel_ids: r.channel_ids,
            created_at: r.created_at,
        })?;
        Ok(Member {
            membership,
            email: Email::parse(&r.email).map_err(|e| corrupt("user email", e))?,
            name: Name::parse(&r.name).map_err(|e| corrupt("user name", e))?,
        })
    }
}

pub(crate) fn to_members(rows: Vec<MemberRow>) -> Result<Vec<Member>> {
    rows.into_iter().map(Member::try_from).collect()
}

fn channel_uuids(m: &Membership) -> Vec<Uuid> {
    m.channel_ids.iter().map(|c| c.0).collect()
}

/// `Conflict { what: "membership" }` when already a member; `NotFound` for an unknown org or user.
pub(crate) async fn insert(conn: &mut PgConnection, m: &Membership) -> Result<()> {
    sqlx::query(
        "INSERT INTO memberships (org_id, user_id, role, channel_ids, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(m.org_id.0)
    .bind(m.user_id.0)
    .bind(m.role.as_str())
    .bind(channel_uuids(m))
    .bind(m.created_at)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

pub(crate) async fn get(pool: &PgPool, org: OrgId, user: UserId) -> Result<Member> {
    let row: MemberRow = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.org_id = $1 AND m.user_id = $2"
    ))
    .bind(org.0)
    .bind(user.0)
    .fetch_optional(pool)
    .await
    .map_err(db)?
    .ok_or(StoreError::NotFound)?;
    row.try_into()
}

pub(crate) async fn list(pool: &PgPool, org: OrgId, page: PageRequest) -> Result<Page<Member>> {
    let rows: Vec<MemberRow> = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships m JOIN users u ON u.id = m.user_id
         WHERE m.org_id = $1 AND ($2::uuid IS NULL OR m.user_id > $2)
         ORDER BY m.user_id
         LIMIT $3"
    ))
    .bind(org.0)
    .bind(page.after)
    .bind(page.fetch_limit())
    .fetch_all(pool)
    .await
    .map_err(db)?;
    Ok(Page::from_rows(to_members(rows)?, page, |m| {
        m.membership.user_id.0
    }))
}

/// Members of one team (the team must already be known to be in `org`), ascending by user id.
pub(crate) async fn of_team(pool: &PgPool, org: OrgId, team: Uuid) -> Result<Vec<Member>> {
    let rows: Vec<MemberRow> = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM team_members t
         JOIN memberships m ON m.org_id = t.org_id AND m.user_id = t.user_id
         JOIN users u ON u.id = m.user_id
         WHERE t.org_id = $1 AND t.team_id = $2
         ORDER BY m.user_id"
    ))
    .bind(org.0)
    .bind(team)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    to_members(rows)
}

/// Changes role and channel limits; `NotFound` unless the membership exists.
pub(crate) async fn update(conn: &mut PgConnection, m: &Membership) -> Result<()> {
    let updated = sqlx::query(
        "UPDATE memberships SET role = $3, channel_ids = $4 WHERE org_id = $1 AND user_id = $2",
    )
    .bind(m.org_id.0)
    .bind(m.user_id.0)
    .bind(m.role.as_str())
    .bind(channel_uuids(m))
    .execute(conn)
    .await
    .map_err(db)?
    .rows_affected();
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Removes the membership, the user's places in the organization's teams and their sessions in it.
pub(crate) async fn remove(conn: &mut PgConnection, org: OrgId, user: UserId) -> Result<()> {
    let removed = sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
        .bind(org.0)
        .bind(user.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?
        .rows_affected();
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    // Team places go by the foreign key's cascade; said again here so the rule does not depend on
    // a detail of the schema.
    sqlx::query("DELETE FROM team_members WHERE org_id = $1 AND user_id = $2")
        .bind(org.0)
        .bind(user.0)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    sqlx::query("DELETE FROM sessions WHERE org_id = $1 AND user_id = $2")
        .bind(org.0)
        .bind(user.0)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

pub(crate) async fn of_user(pool: &PgPool, user: UserId) -> Result<Vec<Membership>> {
    let rows: Vec<MembershipRow> = sqlx::query_as(
        "SELECT org_id, user_id, role, channel_ids, created_at FROM memberships
         WHERE user_id = $1 ORDER BY org_id",
    )
    .bind(user.0)
    .fetch_all(pool)
    .await
    .map_err(db)?;
    rows.into_iter().map(Membership::try_from).collect()
}
