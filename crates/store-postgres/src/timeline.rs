//! Conversation timelines (`conversation_events`): entries written with the change they
//! describe, always for a conversation of the caller's organization, and read oldest first.

use sqlx::PgConnection;
use switchboard_domain::{ConversationId, OrgId};
use switchboard_store::{ConversationEvent, Result, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{actor_columns, actor_from_columns};
use crate::errors::{corrupt, db};

/// Inserts timeline entries, all for conversations of `org`; `NotFound` when any belongs to (or
/// names a conversation of) another organization.
pub(crate) async fn insert_events(
    conn: &mut PgConnection,
    org: OrgId,
    events: &[ConversationEvent],
) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    if events.iter().any(|e| e.org_id != org) {
        return Err(StoreError::NotFound);
    }
    let mut ids = Vec::with_capacity(events.len());
    let mut conversations = Vec::with_capacity(events.len());
    let mut kinds = Vec::with_capacity(events.len());
    let mut actor_types = Vec::with_capacity(events.len());
    let mut actor_ids = Vec::with_capacity(events.len());
    let mut data = Vec::with_capacity(events.len());
    let mut created = Vec::with_capacity(events.len());
    for e in events {
        let (actor_type, actor_id) = actor_columns(e.actor);
        ids.push(e.id);
        conversations.push(e.conversation_id.0);
        kinds.push(e.kind.as_str());
        actor_types.push(actor_type);
        actor_ids.push(actor_id);
        data.push(e.data.to_string());
        created.push(e.created_at);
    }
    let inserted = sqlx::query(
        "INSERT INTO conversation_events (id, org_id, conversation_id, kind, actor_type, actor_id,
                                          data, created_at)
         SELECT u.id, c.org_id, u.conversation_id, u.kind, u.actor_type, u.actor_id,
                u.data::json, u.created_at
         FROM UNNEST($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::text[],
                     $8::timestamptz[])
              AS u(id, conversation_id, kind, actor_type, actor_id, data, created_at)
         JOIN conversations c ON c.id = u.conversation_id AND c.org_id = $1",
    )
    .bind(org.0)
    .bind(ids)
    .bind(conversations)
    .bind(kinds)
    .bind(actor_types)
    .bind(actor_ids)
    .bind(data)
    .bind(created)
    .execute(conn)
    .await
    .map_err(db)?
    .rows_affected();
    if inserted != events.len() as u64 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    id: Uuid,
    org_id: Uuid,
    conversation_id: Uuid,
    kind: String,
    actor_type: String,
    actor_id: Option<Uuid>,
    data: String,
    created_at: OffsetDateTime,
}

impl TryFrom<EventRow> for ConversationEvent {
    type Error = StoreError;
    fn try_from(r: EventRow) -> Result<Self> {
        Ok(ConversationEvent {
            id: r.id,
            org_id: OrgId(r.org_id),
            conversation_id: ConversationId(r.conversation_id),
            kind: r.kind,
            actor: actor_from_columns(&r.actor_type, r.actor_id)?,
            data: serde_json::from_str(&r.data).map_err(|e| corrupt("timeline data", e))?,
            created_at: r.created_at,
        })
    }
}
