//! Conversations: created by the messaging paths (see `resolve`), read and listed newest first
//! here, and changed by agents with their timeline entries (see `timeline`).

use switchboard_domain::{
    ChannelId, ContactId, ConversationId, ConversationStatus, IdentityId, OrgId, Priority, TeamId,
    UserId,
};
use switchboard_store::{
    Conversation, ConversationChange, ConversationEvent, ConversationFilter, ConversationStore,
    Effects, Page, PageRequest, Result, StoreError,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db};
use crate::timeline::{EventRow, insert_events};

pub(crate) const COLUMNS: &str = "id, org_id, channel_id, contact_id, identity_id, status, \
                                  snoozed_until, priority, assignee, team_id, last_message_at, \
                                  last_message_preview, last_inbound_at, unread_count, \
                                  created_at, updated_at";

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationRow {
    id: Uuid,
    org_id: Uuid,
    channel_id: Uuid,
    contact_id: Uuid,
    identity_id: Uuid,
    status: String,
    snoozed_until: Option<OffsetDateTime>,
    priority: String,
    assignee: Option<Uuid>,
    team_id: Option<Uuid>,
    last_message_at: Option<OffsetDateTime>,
    last_message_preview: Option<String>,
    last_inbound_at: Option<OffsetDateTime>,
    unread_count: i64,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<ConversationRow> for Conversation {
    type Error = StoreError;
    fn try_from(r: ConversationRow) -> Result<Self> {
        Ok(Conversation {
            id: ConversationId(r.id),
            org_id: OrgId(r.org_id),
            channel_id: ChannelId(r.channel_id),
            contact_id: ContactId(r.contact_id),
            identity_id: IdentityId(r.identity_id),
            status: ConversationStatus::parse(&r.status)
                .ok_or_else(|| corrupt("conversation status", &r.status))?,
            snoozed_until: r.snoozed_until,
            priority: Priority::parse(&r.priority)
                .ok_or_else(|| corrupt("conversation priority", &r.priority))?,
            assignee: r.assignee.map(UserId),
            team: r.team_id.map(TeamId),
            last_message_at: r.last_message_at,
            last_message_preview: r.last_message_preview,
            last_inbound_at: r.last_inbound_at,
            unread_count: u32::try_from(r.unread_count.max(0)).unwrap_or(u32::MAX),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

impl PgStore {
    async fn conversation_exists(&self, org: OrgId, id: ConversationId) -> Result<bool> {
        sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM conversations WHERE org_id = $1 AND id = $2)",
        )
        .bind(org.0)
        .bind(id.0)
        .fetch_one(self.pool())
        .await
        .map_err(db)
    }
}

#[async_trait::async_trait]
impl ConversationStore for PgStore {
    async fn get_conversation(&self, org: OrgId, id: ConversationId) -> Result<Conversation> {
        let row: Option<ConversationRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM conversations WHERE org_id = $1 AND id = $2"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    async fn list_conversations(
        &self,
        org: OrgId,
        filter: &ConversationFilter,
        page: PageRequest,
    ) -> Result<Page<Conversation>> {
        let only: Option<Vec<Uuid>> = filter
            .only_channels
            .as_ref()
            .map(|ids| ids.iter().map(|c| c.0).collect());
        let rows: Vec<ConversationRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM conversations v
             WHERE org_id = $1
               AND ($2::text IS NULL OR status = $2)
               AND ($3::uuid IS NULL OR channel_id = $3)
               AND (NOT $4::boolean OR ($5::uuid IS NULL AND assignee IS NULL) OR assignee = $5)
               AND ($6::uuid IS NULL OR team_id = $6)
               AND ($7::uuid IS NULL OR contact_id = $7)
               AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM contact_tags t
                                                WHERE t.contact_id = v.contact_id AND t.tag = $8))
               AND ($9::boolean IS NULL OR (unread_count > 0) = $9)
               AND ($10::uuid[] IS NULL OR channel_id = ANY($10))
               AND ($11::uuid IS NULL OR id < $11)
             ORDER BY id DESC
             LIMIT $12"
        ))
        .bind(org.0)
        .bind(filter.status.map(|s| s.as_str()))
        .bind(filter.channel.map(|c| c.0))
        .bind(filter.assignee.is_some())
        .bind(filter.assignee.flatten().map(|u| u.0))
        .bind(filter.team.map(|t| t.0))
        .bind(filter.contact.map(|c| c.0))
        .bind(filter.tag.as_deref())
        .bind(filter.unread)
        .bind(only)
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |c: &Conversation| c.id.0)
    }

    async fn change_conversation(
        &self,
        org: OrgId,
        id: ConversationId,
        change: &ConversationChange,
        events: &[ConversationEvent],
        effects: &Effects,
    ) -> Result<Conversation> {
        let mut tx = self.begin().await?;
        let row: Option<ConversationRow> = sqlx::query_as(&format!(
            "UPDATE conversations SET
                 status = COALESCE($3, status),
                 snoozed_until = CASE WHEN $4 THEN $5 ELSE snoozed_until END,
                 priority = COALESCE($6, priority),
                 assignee = CASE WHEN $7 THEN $8 ELSE assignee END,
                 team_id = CASE WHEN $9 THEN $10 ELSE team_id END,
                 updated_at = $11
             WHERE org_id = $1 AND id = $2
             RETURNING {COLUMNS}"
        ))
        .bind(org.0)
        .bind(id.0)
        .bind(change.status.map(|s| s.as_str()))
        .bind(change.snoozed_until.is_some())
        .bind(change.snoozed_until.flatten())
        .bind(change.priority.map(|p| p.as_str()))
        .bind(change.assignee.is_some())
        .bind(change.assignee.flatten().map(|u| u.0))
        .bind(change.team.is_some())
        .bind(change.team.flatten().map(|t| t.0))
        .bind(switchboard_domain::now())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let conversation: Conversation = row.ok_or(StoreError::NotFound)?.try_into()?;
        insert_events(&mut tx, org, events).await?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await?;
        Ok(conversation)
    }

    async fn add_conversation_events(
        &self,
        org: OrgId,
        events: &[ConversationEvent],
        effects: &Effects,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        insert_events(&mut tx, org, events).await?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn list_conversation_events(
        &self,
        org: OrgId,
        id: ConversationId,
        page: PageRequest,
    ) -> Result<Page<ConversationEvent>> {
        if !self.conversation_exists(org, id).await? {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<EventRow> = sqlx::query_as(
            "SELECT id, org_id, conversation_id, kind, actor_type, actor_id, data::text AS data,
                    created_at
             FROM conversation_events
             WHERE conversation_id = $1 AND org_id = $2 AND ($3::uuid IS NULL OR id > $3)
             ORDER BY id
             LIMIT $4",
        )
        .bind(id.0)
        .bind(org.0)
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |e: &ConversationEvent| e.id)
    }

    async fn mark_conversation_read(&self, org: OrgId, id: ConversationId) -> Result<()> {
        let touched =
            sqlx::query("UPDATE conversations SET unread_count = 0 WHERE org_id = $1 AND id = $2")
                .bind(org.0)
                .bind(id.0)
                .execute(self.pool())
                .await
                .map_err(db)?
                .rows_affected();
        if touched == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
