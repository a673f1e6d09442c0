//! Conversations and their timelines. The inbox lists newest first by id. What messages do to a
//! conversation is in [`crate::conversation_flow`].

use std::sync::LazyLock;

use rusqlite::{Connection, Row, params};
use switchboard_domain::{
    ChannelId, ContactId, ConversationId, ConversationStatus, IdentityId, OrgId, Priority, TeamId,
    UserId,
};
use switchboard_store::{
    Conversation, ConversationChange, ConversationEvent, ConversationFilter, ConversationStore,
    Effects, Page, PageRequest, Result, StoreError,
};

use crate::audit::{actor_columns, get_actor};
use crate::codec::{get_int, get_json, get_opt_ts, get_opt_uuid, get_parsed, get_ts, get_uuid};
use crate::codec::{json, ms, opt_ms};
use crate::error::DbResult;
use crate::{SqliteStore, one_row};

pub(crate) const CONVERSATION_COLUMNS: &str =
    "id, org_id, channel_id, contact_id, identity_id, status,
                                    snoozed_until, priority, assignee, team, last_message_at,
                                    last_message_preview, last_inbound_at, unread_count,
                                    created_at, updated_at";

pub(crate) fn conversation_from_row(row: &Row<'_>) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        id: ConversationId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        channel_id: ChannelId(get_uuid(row, 2)?),
        contact_id: ContactId(get_uuid(row, 3)?),
        identity_id: IdentityId(get_uuid(row, 4)?),
        status: get_parsed(row, 5, parse_status)?,
        snoozed_until: get_opt_ts(row, 6)?,
        priority: get_parsed(row, 7, |s| {
            Priority::parse(s).ok_or_else(|| StoreError::msg(format!("unknown priority {s}")))
        })?,
        assignee: get_opt_uuid(row, 8)?.map(UserId),
        team: get_opt_uuid(row, 9)?.map(TeamId),
        last_message_at: get_opt_ts(row, 10)?,
        last_message_preview: row.get(11)?,
        last_inbound_at: get_opt_ts(row, 12)?,
        unread_count: get_int(row, 13)?,
        created_at: get_ts(row, 14)?,
        updated_at: get_ts(row, 15)?,
    })
}

pub(crate) fn parse_status(s: &str) -> Result<ConversationStatus, StoreError> {
    ConversationStatus::parse(s)
        .ok_or_else(|| StoreError::msg(format!("unknown conversation status {s}")))
}

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<ConversationEvent> {
    Ok(ConversationEvent {
        id: get_uuid(row, 0)?,
        org_id: OrgId(get_uuid(row, 1)?),
        conversation_id: ConversationId(get_uuid(row, 2)?),
        kind: row.get(3)?,
        actor: get_actor(row, 4)?,
        data: get_json(row, 6)?,
        created_at: get_ts(row, 7)?,
    })
}

/// Writes timeline entries; each must name a conversation of `org` (else `NotFound`).
pub(crate) fn insert_events(
    conn: &Connection,
    org: OrgId,
    events: &[ConversationEvent],
) -> Result<()> {
    for e in events {
        if e.org_id != org {
            return Err(StoreError::NotFound);
        }
        let (actor_type, actor_id) = actor_columns(e.actor);
        // Selecting from the conversation makes a foreign or unknown one insert nothing.
        let inserted = conn
            .prepare_cached(
                "INSERT INTO conversation_events (id, org_id, conversation_id, kind, actor_type,
                                                  actor_id, data, created_at)
                 SELECT ?1, org_id, id, ?4, ?5, ?6, ?7, ?8 FROM conversations
                 WHERE id = ?3 AND org_id = ?2",
            )
            .db()?
            .execute(params![
                e.id.as_bytes(),
                org.0.as_bytes(),
                e.conversation_id.0.as_bytes(),
                e.kind,
                actor_type,
                actor_id.map(|u| u.as_bytes().to_vec()),
                json(&e.data),
                ms(e.created_at)
            ])
            .db()?;
        one_row(inserted)?;
    }
    Ok(())
}

fn change(
    conn: &Connection,
    org: OrgId,
    id: ConversationId,
    c: &ConversationChange,
) -> Result<Conversation> {
    let bytes = |u: uuid::Uuid| u.as_bytes().to_vec();
    conn.prepare_cached(&format!(
        "UPDATE conversations SET
             status = coalesce(?3, status),
             snoozed_until = CASE WHEN ?4 THEN ?5 ELSE snoozed_until END,
             priority = coalesce(?6, priority),
             assignee = CASE WHEN ?7 THEN ?8 ELSE assignee END,
             team = CASE WHEN ?9 THEN ?10 ELSE team END,
             updated_at = ?11
         WHERE id = ?1 AND org_id = ?2
         RETURNING {CONVERSATION_COLUMNS}"
    ))
    .db()?
    .query_row(
        params![
            id.0.as_bytes(),
            org.0.as_bytes(),
            c.status.map(|s| s.as_str()),
            c.snoozed_until.is_some(),
            opt_ms(c.snoozed_until.flatten()),
            c.priority.map(|p| p.as_str()),
            c.assignee.is_some(),
            c.assignee.flatten().map(|u| bytes(u.0)),
            c.team.is_some(),
            c.team.flatten().map(|t| bytes(t.0)),
            ms(switchboard_domain::now())
        ],
        conversation_from_row,
    )
    .db()
}

/// The inbox: newest first, every filter optional (a NULL parameter leaves it out), so one
/// statement and one cached plan serve every combination.
pub(crate) static LIST_CONVERSATIONS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {CONVERSATION_COLUMNS} FROM conversations v
         WHERE v.org_id = ?1
           AND (?2 IS NULL OR v.id < ?2)
           AND (?3 IS NULL OR v.status = ?3)
           AND (?4 IS NULL OR v.channel_id = ?4)
           AND (NOT ?5 OR v.assignee IS ?6)
           AND (?7 IS NULL OR v.team = ?7)
           AND (?8 IS NULL OR v.contact_id = ?8)
           AND (?9 IS NULL OR EXISTS (
               SELECT 1 FROM contact_tags t WHERE t.contact_id = v.contact_id AND t.tag = ?9))
           AND (?10 IS NULL OR (v.unread_count > 0) = ?10)
           AND (?11 IS NULL OR v.channel_id IN (SELECT unhex(value) FROM json_each(?11)))
         ORDER BY v.id DESC LIMIT ?12"
    )
});

fn list(
    conn: &Connection,
    org: OrgId,
    f: &ConversationFilter,
    page: PageRequest,
) -> Result<Page<Conversation>> {
    let after = page.after.map(|u| u.as_bytes().to_vec());
    let only = f
        .only_channels
        .as_ref()
        .map(|ids| crate::codec::channel_ids_json(ids));
    let rows = conn
        .prepare_cached(&LIST_CONVERSATIONS)
        .db()?
        .query_map(
            params![
                org.0.as_bytes(),
                after,
                f.status.map(|s| s.as_str()),
                f.channel.map(|c| c.0.as_bytes().to_vec()),
                f.assignee.is_some(),
                f.assignee.flatten().map(|u| u.0.as_bytes().to_vec()),
                f.team.map(|t| t.0.as_bytes().to_vec()),
                f.contact.map(|c| c.0.as_bytes().to_vec()),
                f.tag,
                f.unread,
                only,
                page.fetch_limit()
            ],
            conversation_from_row,
        )
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    Ok(Page::from_rows(rows, page, |c| c.id.0))
}

fn exists(conn: &Connection, org: OrgId, id: ConversationId) -> Result<()> {
    conn.prepare_cached("SELECT 1 FROM conversations WHERE id = ?1 AND org_id = ?2")
        .db()?
        .query_row(params![id.0.as_bytes(), org.0.as_bytes()], |_| Ok(()))
        .db()
}

#[async_trait::async_trait]
impl ConversationStore for SqliteStore {
    async fn get_conversation(&self, org: OrgId, id: ConversationId) -> Result<Conversation> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?1 AND org_id = ?2"
            ))
            .db()?
            .query_row(
                params![id.0.as_bytes(), org.0.as_bytes()],
                conversation_from_row,
            )
            .db()
        })
        .await
    }

    async fn list_conversations(
        &self,
        org: OrgId,
        filter: &ConversationFilter,
        page: PageRequest,
    ) -> Result<Page<Conversation>> {
        let filter = filter.clone();
        self.read(move |conn| list(conn, org, &filter, page)).await
    }

    async fn change_conversation(
        &self,
        org: OrgId,
        id: ConversationId,
        change_: &ConversationChange,
        events: &[ConversationEvent],
        effects: &Effects,
    ) -> Result<Conversation> {
        let (c, events) = (change_.clone(), events.to_vec());
        self.change(effects, move |conn| {
            let updated = change(conn, org, id, &c)?;
            insert_events(conn, org, &events)?;
            Ok(updated)
        })
        .await
    }

    async fn add_conversation_events(
        &self,
        org: OrgId,
        events: &[ConversationEvent],
        effects: &Effects,
    ) -> Result<()> {
        let events = events.to_vec();
        self.change(effects, move |conn| insert_events(conn, org, &events))
            .await
    }

    async fn list_conversation_events(
        &self,
        org: OrgId,
        id: ConversationId,
        page: PageRequest,
    ) -> Result<Page<ConversationEvent>> {
        self.read(move |conn| {
            exists(conn, org, id)?;
            let after = page.after.map(|u| u.as_bytes().to_vec());
            let rows = conn
                .prepare_cached(
                    "SELECT id, org_id, conversation_id, kind, actor_type, actor_id, data,
                            created_at
                     FROM conversation_events
                     WHERE conversation_id = ?1 AND org_id = ?2 AND (?3 IS NULL OR id > ?3)
                     ORDER BY id LIMIT ?4",
                )
                .db()?
                .query_map(
                    params![id.0.as_bytes(), org.0.as_bytes(), after, page.fetch_limit()],
                    event_from_row,
                )
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |e| e.id))
        })
        .await
    }

    async fn mark_conversation_read(&self, org: OrgId, id: ConversationId) -> Result<()> {
        self.write(move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE conversations SET unread_count = 0 WHERE id = ?1 AND org_id = ?2",
                )
                .db()?
                .execute(params![id.0.as_bytes(), org.0.as_bytes()])
                .db()?;
            one_row(changed)
        })
        .await
    }
}
