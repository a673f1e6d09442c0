//! Memberships: a user's role and channel limits in one organization. The SQL behind the
//! membership half of [`switchboard_store::UserStore`].

use rusqlite::{Connection, Row, params};
use switchboard_domain::{ChannelId, Email, Name, OrgId, Role, UserId};
use switchboard_store::{Member, Membership, Page, PageRequest, Result};

use crate::codec::{get_json, get_parsed, get_ts, get_uuid, json, ms};
use crate::error::DbResult;
use crate::one_row;

const MEMBER_SELECT: &str = "SELECT m.org_id, m.user_id, m.role, m.channel_ids, m.created_at,
                                    u.email, u.name
                             FROM memberships m JOIN users u ON u.id = m.user_id";

fn membership_from_row(row: &Row<'_>) -> rusqlite::Result<Membership> {
    let channel_ids: Vec<ChannelId> = get_json(row, 3)?;
    Ok(Membership {
        org_id: OrgId(get_uuid(row, 0)?),
        user_id: UserId(get_uuid(row, 1)?),
        role: get_parsed(row, 2, str::parse::<Role>)?,
        channel_ids,
        created_at: get_ts(row, 4)?,
    })
}

fn member_from_row(row: &Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        membership: membership_from_row(row)?,
        email: get_parsed(row, 5, Email::parse)?,
        name: get_parsed(row, 6, Name::parse)?,
    })
}

/// `NotFound` for an unknown org or user (foreign keys), `Conflict { what: "membership" }` twice.
pub(crate) fn insert(conn: &Connection, m: &Membership) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO memberships (org_id, user_id, role, channel_ids, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .db()?
    .execute(params![
        m.org_id.0.as_bytes(),
        m.user_id.0.as_bytes(),
        m.role.as_str(),
        json(&m.channel_ids),
        ms(m.created_at)
    ])
    .db()?;
    Ok(())
}

pub(crate) fn get(conn: &Connection, org: OrgId, user: UserId) -> Result<Member> {
    conn.prepare_cached(&format!(
        "{MEMBER_SELECT} WHERE m.org_id = ?1 AND m.user_id = ?2"
    ))
    .db()?
    .query_row(
        params![org.0.as_bytes(), user.0.as_bytes()],
        member_from_row,
    )
    .db()
}

pub(crate) fn list(conn: &Connection, org: OrgId, page: PageRequest) -> Result<Page<Member>> {
    let after = page.after.map(|u| u.as_bytes().to_vec());
    let rows = conn
        .prepare_cached(&format!(
            "{MEMBER_SELECT} WHERE m.org_id = ?1 AND (?2 IS NULL OR m.user_id > ?2)
             ORDER BY m.user_id LIMIT ?3"
        ))
        .db()?
        .query_map(
            params![org.0.as_bytes(), after, page.fetch_limit()],
            member_from_row,
        )
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    Ok(Page::from_rows(rows, page, |m| m.membership.user_id.0))
}

pub(crate) fn update(conn: &Connection, m: &Membership) -> Result<()> {
    let changed = conn
        .prepare_cached(
            "UPDATE memberships SET role = ?3, channel_ids = ?4 WHERE org_id = ?1 AND user_id = ?2",
        )
        .db()?
        .execute(params![
            m.org_id.0.as_bytes(),
            m.user_id.0.as_bytes(),
            m.role.as_str(),
            json(&m.channel_ids)
        ])
        .db()?;
    one_row(changed)
}

/// Leaving an organization also leaves its teams and ends the sessions working in it.
pub(crate) fn remove(conn: &Connection, org: OrgId, user: UserId) -> Result<()> {
    let ids = params![org.0.as_bytes(), user.0.as_bytes()];
    conn.prepare_cached("DELETE FROM team_members WHERE org_id = ?1 AND user_id = ?2")
        .db()?
        .execute(ids)
        .db()?;
    let changed = conn
        .prepare_cached("DELETE FROM memberships WHERE org_id = ?1 AND user_id = ?2")
        .db()?
        .execute(ids)
        .db()?;
    one_row(changed)?;
    conn.prepare_cached("DELETE FROM sessions WHERE org_id = ?1 AND user_id = ?2")
        .db()?
        .execute(ids)
        .db()?;
    Ok(())
}

pub(crate) fn count_with_role(conn: &Connection, org: OrgId, role: Role) -> Result<u64> {
    conn.prepare_cached("SELECT COUNT(*) FROM memberships WHERE org_id = ?1 AND role = ?2")
        .db()?
        .query_row(params![org.0.as_bytes(), role.as_str()], |r| {
            crate::codec::get_int(r, 0)
        })
        .db()
}

pub(crate) fn of_user(conn: &Connection, user: UserId) -> Result<Vec<Membership>> {
    conn.prepare_cached(
        "SELECT org_id, user_id, role, channel_ids, created_at
         FROM memberships WHERE user_id = ?1 ORDER BY org_id",
    )
    .db()?
    .query_map([user.0.as_bytes()], membership_from_row)
    .db()?
    .collect::<rusqlite::Result<Vec<_>>>()
    .db()
}

/// A team's members, ascending by user id.
pub(crate) fn of_team(
    conn: &Connection,
    org: OrgId,
    team: switchboard_domain::TeamId,
) -> Result<Vec<Member>> {
    conn.prepare_cached(&format!(
        "{MEMBER_SELECT} JOIN team_members t ON t.org_id = m.org_id AND t.user_id = m.user_id
         WHERE m.org_id = ?1 AND t.team_id = ?2 ORDER BY m.user_id"
    ))
    .db()?
    .query_map(
        params![org.0.as_bytes(), team.0.as_bytes()],
        member_from_row,
    )
    .db()?
    .collect::<rusqlite::Result<Vec<_>>>()
    .db()
}
