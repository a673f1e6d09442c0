//! The message store: inbound batches (see `ingest`), outbound acceptance with its dispatch job,
//! the dispatcher's receipt and failure, and reads.

use std::collections::HashMap;
use switchboard_domain::{
    ChannelId, ConversationId, Direction, MessageId, MessageStatus, OrgId, Timestamp,
};
use switchboard_store::{
    AcceptedOutbound, Effects, Event, IngestBatch, IngestOutcome, Message, MessageError,
    MessageStore, OutboundRequest, Page, PageRequest, Result, StoreError, preview,
};

use uuid::Uuid;

use crate::errors::db;
use crate::message_rows::{self, COLUMNS, MessageRow};
use crate::resolve::{self, Counterpart};
use crate::{PgStore, channels, events, statuses};

impl PgStore {
    /// The message `id` of `org`, locked for the rest of the transaction.
    async fn lock_message(
        conn: &mut sqlx::PgConnection,
        org: OrgId,
        id: MessageId,
    ) -> Result<Message> {
        let row: Option<MessageRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM messages WHERE org_id = $1 AND id = $2 FOR UPDATE"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(conn)
        .await
        .map_err(db)?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }
}

#[async_trait::async_trait]
impl MessageStore for PgStore {
    async fn ingest(
        &self,
        org: OrgId,
        channel: ChannelId,
        batch: &IngestBatch,
    ) -> Result<IngestOutcome> {
        self.ingest_batch(org, channel, batch).await
    }

    async fn accept_outbound(
        &self,
        org: OrgId,
        request: &OutboundRequest,
        effects: &Effects,
    ) -> Result<AcceptedOutbound> {
        let mut tx = self.begin().await?;
        let kind = channels::kind_of(&mut tx, org, request.channel_id).await?;
        let mut created = HashMap::new();
        let counterpart = Counterpart {
            address: &request.to,
            profile_name: None,
        };
        let parties = resolve::parties(
            &mut tx,
            org,
            request.channel_id,
            kind,
            std::slice::from_ref(&counterpart),
            request.created_at,
            &mut created,
        )
        .await?;
        let mut new_events = created.remove(&request.to).unwrap_or_default();
        let party = *parties
            .get(&request.to)
            .ok_or_else(|| StoreError::msg("outbound recipient did not resolve"))?;
        let message = Message {
            id: request.id,
            org_id: org,
            conversation_id: party.conversation,
            channel_id: request.channel_id,
            contact_id: party.contact,
            direction: Direction::Outbound,
            status: MessageStatus::Enqueued,
            provider_message_id: None,
            kind: request.kind.clone(),
            content: request.content.clone(),
            text: request.text.clone(),
            reply_to: request.reply_to.clone(),
            sender: Some(request.sender),
            error: None,
            reactions: Vec::new(),
            revisions: Vec::new(),
            created_at: request.created_at,
            provider_at: None,
            sent_at: None,
            delivered_at: None,
            read_at: None,
            failed_at: None,
            updated_at: request.created_at,
            send_notes: None,
        };
        message_rows::insert(&mut tx, std::slice::from_ref(&message)).await?;
        sqlx::query(
            "UPDATE conversations SET last_message_at = $2, last_message_preview = $3,
                    updated_at = $2
             WHERE id = $1",
        )
        .bind(party.conversation.0)
        .bind(request.created_at)
        .bind(request.text.as_deref().map(preview))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        new_events.push(Event::message_created(&message));
        events::insert(&mut tx, &new_events).await?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await?;
        Ok(AcceptedOutbound {
            conversation_id: party.conversation,
            contact_id: party.contact,
            identity_id: party.identity,
        })
    }

    async fn record_receipt(
        &self,
        org: OrgId,
        id: MessageId,
        provider_message_id: &str,
        at: Timestamp,
    ) -> Result<Message> {
        let mut tx = self.begin().await?;
        let mut message = Self::lock_message(&mut tx, org, id).await?;
        if message.provider_message_id.as_deref() != Some(provider_message_id) {
            // Named here so the caller learns which message holds the id; the unique index
            // `provider_message_id` still guards a concurrent receipt.
            let holder: Option<Uuid> = sqlx::query_scalar(
                "SELECT id FROM messages WHERE channel_id = $1 AND provider_message_id = $2",
            )
            .bind(message.channel_id.0)
            .bind(provider_message_id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
            if let Some(holder) = holder {
                return Err(StoreError::Conflict {
                    what: "provider_message_id",
                    existing: Some(holder.to_string()),
                });
            }
            sqlx::query(
                "UPDATE messages SET provider_message_id = $2, updated_at = $3 WHERE id = $1",
            )
            .bind(id.0)
            .bind(provider_message_id)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
            message.provider_message_id = Some(provider_message_id.to_owned());
            message.updated_at = at;
        }

        let now = switchboard_domain::now();
        let mut new_events = Vec::new();
        let waiting =
            statuses::take_pending(&mut tx, message.channel_id, provider_message_id).await?;
        let mut changed = false;
        for report in &waiting {
            let applied = statuses::apply(
                &mut message,
                report.status,
                report.at,
                report.error.as_ref(),
                now,
            );
            changed |= applied.changed;
            if let Some(from) = applied.moved_from {
                new_events.push(Event::message_status_changed(&message, from, report.at));
            }
        }
        if changed {
            message_rows::write_status(&mut tx, &[&message]).await?;
        }
        events::insert(&mut tx, &new_events).await?;
        self.commit(tx, false).await?;
        Ok(message)
    }

    async fn record_send_notes(
        &self,
        org: OrgId,
        id: MessageId,
        notes: &serde_json::Value,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE messages SET send_notes = $3::text::jsonb WHERE org_id = $1 AND id = $2",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(notes.to_string())
        .execute(self.pool())
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn record_send_failure(
        &self,
        org: OrgId,
        id: MessageId,
        error: &MessageError,
        at: Timestamp,
    ) -> Result<Message> {
        let mut tx = self.begin().await?;
        let mut message = Self::lock_message(&mut tx, org, id).await?;
        let now = switchboard_domain::now();
        let applied = statuses::apply(&mut message, MessageStatus::Failed, at, Some(error), now);
        if applied.changed {
            message_rows::write_status(&mut tx, &[&message]).await?;
        }
        if let Some(from) = applied.moved_from {
            events::insert(
                &mut tx,
                &[Event::message_status_changed(&message, from, at)],
            )
            .await?;
        }
        self.commit(tx, false).await?;
        Ok(message)
    }

    async fn get_message(&self, org: OrgId, id: MessageId) -> Result<Message> {
        let row: Option<MessageRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM messages WHERE org_id = $1 AND id = $2"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    async fn outbound_up_to(
        &self,
        org: OrgId,
        channel: ChannelId,
        to: &str,
        status: MessageStatus,
        up_to: Timestamp,
    ) -> Result<Vec<String>> {
        crate::recipients::outbound_up_to(self, org, channel, to, status, up_to).await
    }

    async fn last_inbound_at(
        &self,
        org: OrgId,
        channel: ChannelId,
        to: &str,
    ) -> Result<Option<Timestamp>> {
        crate::recipients::last_inbound_at(self, org, channel, to).await
    }

    async fn list_messages(
        &self,
        org: OrgId,
        conversation: ConversationId,
        page: PageRequest,
    ) -> Result<Page<Message>> {
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM conversations WHERE org_id = $1 AND id = $2)",
        )
        .bind(org.0)
        .bind(conversation.0)
        .fetch_one(self.pool())
        .await
        .map_err(db)?;
        if !exists {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<MessageRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM messages
             WHERE conversation_id = $1 AND org_id = $2 AND ($3::uuid IS NULL OR id > $3)
             ORDER BY id
             LIMIT $4"
        ))
        .bind(conversation.0)
        .bind(org.0)
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |m: &Message| -> Uuid { m.id.0 })
    }
}
