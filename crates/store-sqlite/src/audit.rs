//! The audit log: entries are inserted through [`crate::effects`]; this lists them, newest first.

use rusqlite::{Connection, Row, params};
use switchboard_domain::{ApiKeyId, AuditId, OrgId, UserId};
use switchboard_store::{Actor, AuditEntry, AuditFilter, AuditStore, Page, PageRequest, Result};
use uuid::Uuid;

use crate::SqliteStore;
use crate::codec::{get_json, get_opt_uuid, get_ts, get_uuid, json, ms};
use crate::error::DbResult;

pub(crate) fn actor_columns(actor: Actor) -> (&'static str, Option<Uuid>) {
    match actor {
        Actor::User(id) => ("user", Some(id.0)),
        Actor::ApiKey(id) => ("api_key", Some(id.0)),
        Actor::System => ("system", None),
    }
}

pub(crate) fn insert(conn: &Connection, e: &AuditEntry) -> Result<()> {
    let (actor_type, actor_id) = actor_columns(e.actor);
    conn.prepare_cached(
        "INSERT INTO audit_log (id, org_id, actor_type, actor_id, action, target_type, target_id,
                                ip, request_id, details, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .db()?
    .execute(params![
        e.id.0.as_bytes(),
        e.org_id.0.as_bytes(),
        actor_type,
        actor_id.map(|u| u.as_bytes().to_vec()),
        e.action,
        e.target_type,
        e.target_id,
        e.ip,
        e.request_id,
        json(&e.details),
        ms(e.created_at)
    ])
    .db()?;
    Ok(())
}

/// The actor kept in (type, id) columns at `idx` and `idx + 1`.
pub(crate) fn get_actor(row: &Row<'_>, idx: usize) -> rusqlite::Result<Actor> {
    let actor_type: String = row.get(idx)?;
    let actor_id = get_opt_uuid(row, idx + 1)?;
    Ok(match (actor_type.as_str(), actor_id) {
        ("user", Some(id)) => Actor::User(UserId(id)),
        ("api_key", Some(id)) => Actor::ApiKey(ApiKeyId(id)),
        _ => Actor::System,
    })
}

fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    let actor = get_actor(row, 2)?;
    Ok(AuditEntry {
        id: AuditId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        actor,
        action: row.get(4)?,
        target_type: row.get(5)?,
        target_id: row.get(6)?,
        ip: row.get(7)?,
        request_id: row.get(8)?,
        details: get_json(row, 9)?,
        created_at: get_ts(row, 10)?,
    })
}

#[async_trait::async_trait]
impl AuditStore for SqliteStore {
    async fn list_audit(
        &self,
        org: OrgId,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEntry>> {
        let filter = filter.clone();
        self.read(move |conn| {
            let (actor_type, actor_id) = match filter.actor.map(actor_columns) {
                Some((t, id)) => (Some(t), id.map(|u| u.as_bytes().to_vec())),
                None => (None, None),
            };
            let after = page.after.map(|u| u.as_bytes().to_vec());
            let rows = conn
                .prepare_cached(
                    "SELECT id, org_id, actor_type, actor_id, action, target_type, target_id,
                            ip, request_id, details, created_at
                     FROM audit_log
                     WHERE org_id = ?1
                       AND (?2 IS NULL OR id < ?2)
                       AND (?3 IS NULL OR action = ?3)
                       AND (?4 IS NULL OR target_type = ?4)
                       AND (?5 IS NULL OR target_id = ?5)
                       AND (?6 IS NULL OR (actor_type = ?6 AND actor_id IS ?7))
                     ORDER BY id DESC LIMIT ?8",
                )
                .db()?
                .query_map(
                    params![
                        org.0.as_bytes(),
                        after,
                        filter.action,
                        filter.target_type,
                        filter.target_id,
                        actor_type,
                        actor_id,
                        page.fetch_limit()
                    ],
                    entry_from_row,
                )
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |e| e.id.0))
        })
        .await
    }
}
