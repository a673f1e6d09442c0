//! The audit log: written through `Effects` in the transaction of the change it records, read
//! newest first with optional filters.

use sqlx::PgConnection;
use switchboard_domain::{ApiKeyId, AuditId, OrgId, UserId};
use switchboard_store::{Actor, AuditEntry, AuditFilter, AuditStore, Page, PageRequest, Result};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db};

/// How an actor is stored: a type and, for users and keys, an id.
pub(crate) fn actor_columns(actor: Actor) -> (&'static str, Option<Uuid>) {
    match actor {
        Actor::User(id) => ("user", Some(id.0)),
        Actor::ApiKey(id) => ("api_key", Some(id.0)),
        Actor::System => ("system", None),
    }
}

pub(crate) fn actor_from_columns(kind: &str, id: Option<Uuid>) -> Result<Actor> {
    match (kind, id) {
        ("user", Some(id)) => Ok(Actor::User(UserId(id))),
        ("api_key", Some(id)) => Ok(Actor::ApiKey(ApiKeyId(id))),
        ("system", _) => Ok(Actor::System),
        (kind, _) => Err(corrupt("audit actor", kind)),
    }
}

/// Inserts every entry in one statement.
pub(crate) async fn insert(conn: &mut PgConnection, entries: &[AuditEntry]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut ids = Vec::with_capacity(entries.len());
    let mut orgs = Vec::with_capacity(entries.len());
    let mut actor_types = Vec::with_capacity(entries.len());
    let mut actor_ids = Vec::with_capacity(entries.len());
    let mut actions = Vec::with_capacity(entries.len());
    let mut target_types = Vec::with_capacity(entries.len());
    let mut target_ids = Vec::with_capacity(entries.len());
    let mut ips = Vec::with_capacity(entries.len());
    let mut request_ids = Vec::with_capacity(entries.len());
    let mut details = Vec::with_capacity(entries.len());
    let mut created = Vec::with_capacity(entries.len());
    for e in entries {
        let (actor_type, actor_id) = actor_columns(e.actor);
        ids.push(e.id.0);
        orgs.push(e.org_id.0);
        actor_types.push(actor_type);
        actor_ids.push(actor_id);
        actions.push(e.action.as_str());
        target_types.push(e.target_type.as_str());
        target_ids.push(e.target_id.as_deref());
        ips.push(e.ip.as_deref());
        request_ids.push(e.request_id.as_deref());
        // As JSON text (NUL is the escape `\u0000` there), cast to `json` by the server.
        details.push(e.details.to_string());
        created.push(e.created_at);
    }
    sqlx::query(
        "INSERT INTO audit_log (id, org_id, actor_type, actor_id, action, target_type, target_id,
                                ip, request_id, details, created_at)
         SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[],
                              $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]::json[],
                              $11::timestamptz[])",
    )
    .bind(ids)
    .bind(orgs)
    .bind(actor_types)
    .bind(actor_ids)
    .bind(actions)
    .bind(target_types)
    .bind(target_ids)
    .bind(ips)
    .bind(request_ids)
    .bind(details)
    .bind(created)
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    org_id: Uuid,
    actor_type: String,
    actor_id: Option<Uuid>,
    action: String,
    target_type: String,
    target_id: Option<String>,
    ip: Option<String>,
    request_id: Option<String>,
    /// As text: the column is `json`, which sqlx decodes only through a string.
    details: String,
    created_at: OffsetDateTime,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = switchboard_store::StoreError;
    fn try_from(r: AuditRow) -> Result<Self> {
        Ok(AuditEntry {
            id: AuditId(r.id),
            org_id: OrgId(r.org_id),
            actor: actor_from_columns(&r.actor_type, r.actor_id)?,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            ip: r.ip,
            request_id: r.request_id,
            details: serde_json::from_str(&r.details).map_err(|e| corrupt("audit details", e))?,
            created_at: r.created_at,
        })
    }
}

#[async_trait::async_trait]
impl AuditStore for PgStore {
    async fn list_audit(
        &self,
        org: OrgId,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEntry>> {
        let (actor_type, actor_id) = match filter.actor {
            Some(actor) => {
                let (t, id) = actor_columns(actor);
                (Some(t), id)
            }
            None => (None, None),
        };
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, org_id, actor_type, actor_id, action, target_type, target_id, ip,
                    request_id, details::text AS details, created_at
             FROM audit_log
             WHERE org_id = $1
               AND ($2::text IS NULL OR action = $2)
               AND ($3::text IS NULL OR target_type = $3)
               AND ($4::text IS NULL OR target_id = $4)
               AND ($5::text IS NULL OR (actor_type = $5 AND actor_id IS NOT DISTINCT FROM $6))
               AND ($7::uuid IS NULL OR id < $7)
             ORDER BY id DESC
             LIMIT $8",
        )
        .bind(org.0)
        .bind(filter.action.as_deref())
        .bind(filter.target_type.as_deref())
        .bind(filter.target_id.as_deref())
        .bind(actor_type)
        .bind(actor_id)
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |e: &AuditEntry| e.id.0)
    }
}
