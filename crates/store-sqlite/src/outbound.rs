//! Outbound messages (accepted with their dispatch job, receipts, send failures) and the
//! `MessageStore` entry points, each one unit of work on the writer.

use rusqlite::{Connection, Row, params};
use switchboard_domain::{Direction, MessageId, MessageStatus, OrgId, Timestamp};
use switchboard_store::{
    AcceptedOutbound, Effects, Event, IngestBatch, IngestOutcome, Message, MessageError,
    MessageStore, OutboundRequest, Page, PageRequest, Result, StoreError, preview,
};

use crate::codec::{get_parsed, get_ts, ms};
use crate::error::DbResult;
use crate::identities::{Lookup, resolve};
use crate::messages::{apply_status, by_provider_id, parse_status};
use crate::{SqliteStore, channels, conversation_flow, events, ingest, messages};

fn accept(conn: &Connection, org: OrgId, r: &OutboundRequest) -> Result<AcceptedOutbound> {
    let kind = channels::live_kind(conn, org, r.channel_id)?;
    let who = resolve(
        conn,
        &Lookup {
            org,
            channel: r.channel_id,
            kind,
            address: &r.to,
            profile_name: None,
            now: r.created_at,
        },
    )?;
    let (conversation, _, created) = conversation_flow::find_or_create(
        conn,
        org,
        r.channel_id,
        who.contact,
        who.identity,
        r.created_at,
    )?;
    let m = Message {
        id: r.id,
        org_id: org,
        conversation_id: conversation,
        channel_id: r.channel_id,
        contact_id: who.contact,
        direction: Direction::Outbound,
        status: MessageStatus::Enqueued,
        provider_message_id: None,
        kind: r.kind.clone(),
        content: r.content.clone(),
        text: r.text.clone(),
        reply_to: r.reply_to.clone(),
        sender: Some(r.sender),
        error: None,
        reactions: Vec::new(),
        revisions: Vec::new(),
        created_at: r.created_at,
        provider_at: None,
        sent_at: None,
        delivered_at: None,
        read_at: None,
        failed_at: None,
        updated_at: r.created_at,
        send_notes: None,
    };
    messages::insert(conn, &m)?;
    let shown = r.text.as_deref().map(preview);
    conversation_flow::on_outbound(conn, conversation, r.created_at, shown.as_deref())?;
    if let Some(c) = &who.new_contact {
        events::insert(conn, &Event::contact_created(c, Some(r.channel_id)))?;
    }
    if let Some(c) = &created {
        events::insert(conn, &Event::conversation_created(c))?;
    }
    events::insert(conn, &Event::message_created(&m))?;
    Ok(AcceptedOutbound {
        conversation_id: conversation,
        contact_id: who.contact,
        identity_id: who.identity,
    })
}

/// A status that waited for its message's provider id.
struct Waiting {
    status: MessageStatus,
    at: Timestamp,
    error: Option<MessageError>,
}

fn waiting_from_row(row: &Row<'_>) -> rusqlite::Result<Waiting> {
    let code: Option<String> = row.get(2)?;
    Ok(Waiting {
        status: get_parsed(row, 0, parse_status)?,
        at: get_ts(row, 1)?,
        error: match code {
            Some(code) => Some(MessageError {
                code,
                provider_code: row.get(3)?,
                provider_text: row.get(4)?,
            }),
            None => None,
        },
    })
}

fn receipt(
    conn: &Connection,
    org: OrgId,
    id: MessageId,
    provider_message_id: &str,
    at: Timestamp,
) -> Result<Message> {
    let mut m = messages::get(conn, org, id)?;
    if m.provider_message_id.as_deref() != Some(provider_message_id) {
        if let Some(other) = by_provider_id(conn, m.channel_id, provider_message_id)? {
            return Err(StoreError::Conflict {
                what: "provider_message_id",
                existing: Some(other.id.to_string()),
            });
        }
        m.provider_message_id = Some(provider_message_id.to_owned());
        m.updated_at = at;
        conn.prepare_cached(
            "UPDATE messages SET provider_message_id = ?2, updated_at = ?3 WHERE id = ?1",
        )
        .db()?
        .execute(params![id.0.as_bytes(), provider_message_id, ms(at)])
        .db()?;
    }
    // Statuses that raced the receipt, applied in the order they happened.
    let channel = m.channel_id;
    let key = params![channel.0.as_bytes(), provider_message_id];
    let waiting = conn
        .prepare_cached(
            "SELECT status, at, error_code, error_provider_code, error_provider_text
             FROM pending_statuses WHERE channel_id = ?1 AND provider_message_id = ?2
             ORDER BY at, status",
        )
        .db()?
        .query_map(key, waiting_from_row)
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    for w in &waiting {
        let applied = apply_status(conn, &mut m, w.status, w.at, w.error.as_ref())?;
        if let Some(e) = applied.event {
            events::insert(conn, &e)?;
        }
    }
    if !waiting.is_empty() {
        conn.prepare_cached(
            "DELETE FROM pending_statuses WHERE channel_id = ?1 AND provider_message_id = ?2",
        )
        .db()?
        .execute(key)
        .db()?;
    }
    Ok(m)
}

fn send_failure(
    conn: &Connection,
    org: OrgId,
    id: MessageId,
    error: &MessageError,
    at: Timestamp,
) -> Result<Message> {
    let mut m = messages::get(conn, org, id)?;
    let applied = apply_status(conn, &mut m, MessageStatus::Failed, at, Some(error))?;
    if let Some(e) = applied.event {
        events::insert(conn, &e)?;
    }
    Ok(m)
}

#[async_trait::async_trait]
impl MessageStore for SqliteStore {
    async fn ingest(
        &self,
        org: OrgId,
        channel: switchboard_domain::ChannelId,
        batch: &IngestBatch,
    ) -> Result<IngestOutcome> {
        let batch = batch.clone();
        let wakes = batch.messages.iter().any(|m| !m.jobs_if_new.is_empty());
        let work = move |conn: &Connection| ingest::ingest(conn, org, channel, &batch);
        if wakes {
            self.write_waking(work).await
        } else {
            self.write(work).await
        }
    }

    async fn accept_outbound(
        &self,
        org: OrgId,
        request: &OutboundRequest,
        effects: &Effects,
    ) -> Result<AcceptedOutbound> {
        let r = request.clone();
        self.change(effects, move |conn| accept(conn, org, &r))
            .await
    }

    async fn record_receipt(
        &self,
        org: OrgId,
        id: MessageId,
        provider_message_id: &str,
        at: Timestamp,
    ) -> Result<Message> {
        let pid = provider_message_id.to_owned();
        self.write(move |conn| receipt(conn, org, id, &pid, at))
            .await
    }

    async fn record_send_notes(
        &self,
        org: OrgId,
        id: MessageId,
        notes: &serde_json::Value,
    ) -> Result<()> {
        let notes = crate::codec::json(notes);
        self.write(move |conn| {
            let changed = conn
                .prepare_cached("UPDATE messages SET send_notes = ?3 WHERE id = ?1 AND org_id = ?2")
                .db()?
                .execute(params![id.0.as_bytes(), org.0.as_bytes(), notes])
                .db()?;
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        })
        .await
    }

    async fn record_send_failure(
        &self,
        org: OrgId,
        id: MessageId,
        error: &MessageError,
        at: Timestamp,
    ) -> Result<Message> {
        let error = error.clone();
        self.write(move |conn| send_failure(conn, org, id, &error, at))
            .await
    }

    async fn get_message(&self, org: OrgId, id: MessageId) -> Result<Message> {
        self.read(move |conn| messages::get(conn, org, id)).await
    }

    async fn outbound_up_to(
        &self,
        org: OrgId,
        channel: switchboard_domain::ChannelId,
        to: &str,
        status: MessageStatus,
        up_to: Timestamp,
    ) -> Result<Vec<String>> {
        let to = to.to_owned();
        self.read(move |conn| {
            crate::recipients::outbound_up_to(conn, org, channel, &to, status, up_to)
        })
        .await
    }

    async fn last_inbound_at(
        &self,
        org: OrgId,
        channel: switchboard_domain::ChannelId,
        to: &str,
    ) -> Result<Option<Timestamp>> {
        let to = to.to_owned();
        self.read(move |conn| crate::recipients::last_inbound_at(conn, org, channel, &to))
            .await
    }

    async fn list_messages(
        &self,
        org: OrgId,
        conversation: switchboard_domain::ConversationId,
        page: PageRequest,
    ) -> Result<Page<Message>> {
        self.read(move |conn| messages::list(conn, org, conversation, page))
            .await
    }
}
