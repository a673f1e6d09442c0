//! Messages: the row codec, reads, and the status rule applied to a stored message (each status
//! keeps its own first timestamp; the current status only moves forward, see
//! [`MessageStatus::advances`]). The writing paths are in [`crate::ingest`] and
//! [`crate::outbound`].

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, Row, params};
use switchboard_domain::{
    ChannelId, ContactId, ConversationId, Direction, MessageId, MessageStatus, OrgId, Sender,
    Timestamp,
};
use switchboard_store::{
    Event, Message, MessageError, Page, PageRequest, Reaction, Result, StoreError,
};

use crate::codec::{from_ms, get_opt_ts, get_opt_uuid, get_parsed, get_ts, get_uuid, json, ms};
use crate::codec::{get_json, get_opt_json, opt_ms};
use crate::error::DbResult;

pub(crate) const MESSAGE_COLUMNS: &str = "id, org_id, conversation_id, channel_id, contact_id,
    direction, status, provider_message_id, kind, content, text, reply_to, sender_type, sender_id,
    error_code, error_provider_code, error_provider_text, reactions, created_at, provider_at,
    sent_at, delivered_at, read_at, failed_at, updated_at, send_notes, revisions";

/// A channel's message by provider id: where every status report starts.
pub(crate) static BY_PROVIDER_ID: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages
         WHERE channel_id = ?1 AND provider_message_id = ?2"
    )
});

/// A conversation's messages, oldest first.
pub(crate) static LIST_MESSAGES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages
         WHERE conversation_id = ?1 AND org_id = ?2 AND (?3 IS NULL OR id > ?3)
         ORDER BY id LIMIT ?4"
    )
});

/// A reaction as kept in the `reactions` JSON array.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct StoredReaction {
    pub emoji: String,
    /// Unix milliseconds.
    pub at: i64,
}

fn bad_row(idx: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
}

pub(crate) fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    let sender_type: Option<String> = row.get(12)?;
    let sender =
        match sender_type {
            Some(kind) => {
                let id = get_opt_uuid(row, 13)?;
                Some(Sender::from_parts(&kind, id).ok_or_else(|| {
                    bad_row(12, StoreError::msg(format!("unknown sender {kind}")))
                })?)
            }
            None => None,
        };
    let error_code: Option<String> = row.get(14)?;
    let reactions: Vec<StoredReaction> = get_json(row, 17)?;
    let reactions = reactions
        .into_iter()
        .map(|r| {
            Ok(Reaction {
                emoji: r.emoji,
                at: from_ms(r.at).map_err(|e| bad_row(17, e))?,
            })
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Message {
        id: MessageId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        conversation_id: ConversationId(get_uuid(row, 2)?),
        channel_id: ChannelId(get_uuid(row, 3)?),
        contact_id: ContactId(get_uuid(row, 4)?),
        direction: get_parsed(row, 5, |s| {
            Direction::parse(s).ok_or_else(|| StoreError::msg(format!("unknown direction {s}")))
        })?,
        status: get_parsed(row, 6, parse_status)?,
        provider_message_id: row.get(7)?,
        kind: row.get(8)?,
        content: get_json(row, 9)?,
        text: row.get(10)?,
        reply_to: row.get(11)?,
        sender,
        error: match error_code {
            Some(code) => Some(MessageError {
                code,
                provider_code: row.get(15)?,
                provider_text: row.get(16)?,
            }),
            None => None,
        },
        reactions,
        created_at: get_ts(row, 18)?,
        provider_at: get_opt_ts(row, 19)?,
        sent_at: get_opt_ts(row, 20)?,
        delivered_at: get_opt_ts(row, 21)?,
        read_at: get_opt_ts(row, 22)?,
        failed_at: get_opt_ts(row, 23)?,
        updated_at: get_ts(row, 24)?,
        send_notes: get_opt_json(row, 25)?,
        revisions: get_json(row, 26)?,
    })
}

pub(crate) fn parse_status(s: &str) -> Result<MessageStatus, StoreError> {
    MessageStatus::parse(s).ok_or_else(|| StoreError::msg(format!("unknown message status {s}")))
}

pub(crate) fn insert(conn: &Connection, m: &Message) -> Result<()> {
    let reactions: Vec<StoredReaction> = m
        .reactions
        .iter()
        .map(|r| StoredReaction {
            emoji: r.emoji.clone(),
            at: ms(r.at),
        })
        .collect();
    let error = m.error.as_ref();
    conn.prepare_cached(&format!(
        "INSERT INTO messages ({MESSAGE_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)"
    ))
    .db()?
    .execute(params![
        m.id.0.as_bytes(),
        m.org_id.0.as_bytes(),
        m.conversation_id.0.as_bytes(),
        m.channel_id.0.as_bytes(),
        m.contact_id.0.as_bytes(),
        m.direction.as_str(),
        m.status.as_str(),
        m.provider_message_id,
        m.kind,
        json(&m.content),
        m.text,
        m.reply_to,
        m.sender.map(|s| s.kind()),
        m.sender.and_then(|s| s.id()).map(|u| u.as_bytes().to_vec()),
        error.map(|e| e.code.as_str()),
        error.and_then(|e| e.provider_code.as_deref()),
        error.and_then(|e| e.provider_text.as_deref()),
        json(&reactions),
        ms(m.created_at),
        opt_ms(m.provider_at),
        opt_ms(m.sent_at),
        opt_ms(m.delivered_at),
        opt_ms(m.read_at),
        opt_ms(m.failed_at),
        ms(m.updated_at),
        m.send_notes.as_ref().map(json),
        json(&m.revisions)
    ])
    .db()?;
    Ok(())
}

/// A message of `org` by id.
pub(crate) fn get(conn: &Connection, org: OrgId, id: MessageId) -> Result<Message> {
    conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1 AND org_id = ?2"
    ))
    .db()?
    .query_row(params![id.0.as_bytes(), org.0.as_bytes()], message_from_row)
    .db()
}

/// The message of a channel with this provider id, if any.
pub(crate) fn by_provider_id(
    conn: &Connection,
    channel: ChannelId,
    provider_message_id: &str,
) -> Result<Option<Message>> {
    conn.prepare_cached(&BY_PROVIDER_ID)
        .db()?
        .query_row(
            params![channel.0.as_bytes(), provider_message_id],
            message_from_row,
        )
        .optional()
        .db()
}

pub(crate) fn list(
    conn: &Connection,
    org: OrgId,
    conversation: ConversationId,
    page: PageRequest,
) -> Result<Page<Message>> {
    conn.prepare_cached("SELECT 1 FROM conversations WHERE id = ?1 AND org_id = ?2")
        .db()?
        .query_row(params![conversation.0.as_bytes(), org.0.as_bytes()], |_| {
            Ok(())
        })
        .db()?;
    let after = page.after.map(|u| u.as_bytes().to_vec());
    let rows = conn
        .prepare_cached(&LIST_MESSAGES)
        .db()?
        .query_map(
            params![
                conversation.0.as_bytes(),
                org.0.as_bytes(),
                after,
                page.fetch_limit()
            ],
            message_from_row,
        )
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    Ok(Page::from_rows(rows, page, |m| m.id.0))
}

/// What a status report did to a message.
pub(crate) struct Applied {
    /// A timestamp was recorded or the status moved.
    pub changed: bool,
    /// The `message.status_changed` event, when the status moved.
    pub event: Option<Event>,
}

/// Applies one reported status to `m` (in memory and in the database): the status's own
/// timestamp is recorded if still empty (a failure records its error with it), and the status
/// changes only if it advances.
pub(crate) fn apply_status(
    conn: &Connection,
    m: &mut Message,
    status: MessageStatus,
    at: Timestamp,
    error: Option<&MessageError>,
) -> Result<Applied> {
    let slot = match status {
        MessageStatus::Sent => Some(&mut m.sent_at),
        MessageStatus::Delivered => Some(&mut m.delivered_at),
        MessageStatus::Read => Some(&mut m.read_at),
        MessageStatus::Failed => Some(&mut m.failed_at),
        MessageStatus::Accepted | MessageStatus::Enqueued | MessageStatus::Received => None,
    };
    let stamped = match slot {
        Some(slot @ None) => {
            *slot = Some(at);
            true
        }
        _ => false,
    };
    let from = m.status;
    let advances = from.advances(status);
    if !stamped && !advances {
        return Ok(Applied {
            changed: false,
            event: None,
        });
    }
    if advances {
        m.status = status;
    }
    if let Some(e) = error.filter(|_| status == MessageStatus::Failed) {
        m.error = Some(e.clone());
    }
    m.updated_at = switchboard_domain::now();
    let e = m.error.as_ref();
    conn.prepare_cached(
        "UPDATE messages SET status = ?2, error_code = ?3, error_provider_code = ?4,
                error_provider_text = ?5, sent_at = ?6, delivered_at = ?7, read_at = ?8,
                failed_at = ?9, updated_at = ?10
         WHERE id = ?1",
    )
    .db()?
    .execute(params![
        m.id.0.as_bytes(),
        m.status.as_str(),
        e.map(|e| e.code.as_str()),
        e.and_then(|e| e.provider_code.as_deref()),
        e.and_then(|e| e.provider_text.as_deref()),
        opt_ms(m.sent_at),
        opt_ms(m.delivered_at),
        opt_ms(m.read_at),
        opt_ms(m.failed_at),
        ms(m.updated_at)
    ])
    .db()?;
    Ok(Applied {
        changed: true,
        event: advances.then(|| Event::message_status_changed(m, from, at)),
    })
}
