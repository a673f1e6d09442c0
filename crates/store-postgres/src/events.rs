//! Events: written in the transaction of the change they tell about (from `Effects.events` and by
//! the messaging paths), read oldest first. The conversation and contact ids of a payload are
//! copied into columns so that deleting a contact finds its conversations' events by index.

use std::sync::LazyLock;

use sqlx::PgConnection;
use switchboard_domain::{ChannelId, EventId, OrgId};
use switchboard_store::{
    Event, EventFilter, EventSignal, EventStore, Page, PageRequest, Result, StoreError,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db};

/// The uuid under `key` in a payload object, if there is one.
fn payload_id(payload: &serde_json::Value, key: &str) -> Option<Uuid> {
    payload
        .get(key)
        .and_then(serde_json::Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
}

/// The NOTIFY channel events are announced on, as the server computes it in [`insert`]: one per
/// schema, cut to PostgreSQL's 63-byte limit on names.
pub(crate) const EVENTS_CHANNEL_SQL: &str = "left('switchboard_events_' || current_schema(), 63)";

static INSERT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH inserted AS (
             INSERT INTO events (id, org_id, kind, channel_id, conversation_id, contact_id,
                                 payload, created_at)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::uuid[],
                                  $6::uuid[], $7::text[]::json[], $8::timestamptz[])
             RETURNING org_id, id)
         SELECT pg_notify({EVENTS_CHANNEL_SQL},
                          org_id::text || ' ' || (array_agg(id ORDER BY id DESC))[1]::text)
         FROM inserted GROUP BY org_id"
    )
});

/// Inserts every event in one statement, which also announces them (org and newest id, once per
/// organization) to every node's listener when the transaction commits, so that live streams on
/// any node wake at once. In the same statement: no round trip added to any write.
pub(crate) async fn insert(conn: &mut PgConnection, events: &[Event]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    let n = events.len();
    let (mut ids, mut orgs, mut kinds, mut channels) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut conversations, mut contacts, mut payloads, mut created) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for e in events {
        ids.push(e.id.0);
        orgs.push(e.org_id.0);
        kinds.push(e.kind.as_str());
        channels.push(e.channel_id.map(|c| c.0));
        conversations.push(payload_id(&e.payload, "conversation_id"));
        contacts.push(payload_id(&e.payload, "contact_id"));
        // As JSON text, cast to `json` by the server (which keeps "\u0000" escapes).
        payloads.push(e.payload.to_string());
        created.push(e.created_at);
    }
    sqlx::query(INSERT.as_str())
        .bind(ids)
        .bind(orgs)
        .bind(kinds)
        .bind(channels)
        .bind(conversations)
        .bind(contacts)
        .bind(payloads)
        .bind(created)
        .execute(conn)
        .await
        .map_err(db)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    id: Uuid,
    org_id: Uuid,
    kind: String,
    channel_id: Option<Uuid>,
    payload: String,
    created_at: OffsetDateTime,
}

impl TryFrom<EventRow> for Event {
    type Error = StoreError;
    fn try_from(r: EventRow) -> Result<Self> {
        Ok(Event {
            id: EventId(r.id),
            org_id: OrgId(r.org_id),
            kind: r.kind,
            channel_id: r.channel_id.map(ChannelId),
            payload: serde_json::from_str(&r.payload).map_err(|e| corrupt("event payload", e))?,
            created_at: r.created_at,
        })
    }
}

#[async_trait::async_trait]
impl EventStore for PgStore {
    fn event_signal(&self) -> &EventSignal {
        self.event_signal_ref()
    }

    async fn list_events(
        &self,
        org: OrgId,
        filter: &EventFilter,
        page: PageRequest,
    ) -> Result<Page<Event>> {
        let only: Option<Vec<Uuid>> = filter
            .only_channels
            .as_ref()
            .map(|ids| ids.iter().map(|c| c.0).collect());
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT id, org_id, kind, channel_id, payload::text AS payload, created_at
             FROM events
             WHERE org_id = $1
               AND (cardinality($2::text[]) = 0 OR kind = ANY($2))
               AND ($3::uuid[] IS NULL OR channel_id IS NULL OR channel_id = ANY($3))
               AND ($4::uuid IS NULL OR id > $4)
               AND kind <> 'provider.webhook'
             ORDER BY id
             LIMIT $5",
        )
        .bind(org.0)
        .bind(&filter.kinds)
        .bind(only)
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |e: &Event| e.id.0)
    }
}
