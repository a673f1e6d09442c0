//! How a message is stored: the row type, its decoding, and the statements that write a batch
//! of messages or their changed status fields. Reactions are a `jsonb` array of
//! `{"emoji": "...", "at": "<RFC 3339>"}`, appended in place.

use sqlx::PgConnection;
use switchboard_domain::{
    ChannelId, ContactId, ConversationId, Direction, MessageId, MessageStatus, OrgId, Sender,
};
use switchboard_store::{Message, MessageError, Reaction, Result, StoreError};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::errors::{corrupt, db};

pub(crate) const COLUMNS: &str = "id, org_id, conversation_id, channel_id, contact_id, direction, \
     status, provider_message_id, kind, content::text AS content, text, reply_to, sender_type, \
     sender_id, error_code, error_provider_code, error_provider_text, \
     reactions::text AS reactions, created_at, provider_at, sent_at, delivered_at, read_at, \
     failed_at, updated_at, send_notes::text AS send_notes, revisions::text AS revisions";

#[derive(sqlx::FromRow)]
pub(crate) struct MessageRow {
    id: Uuid,
    org_id: Uuid,
    conversation_id: Uuid,
    channel_id: Uuid,
    contact_id: Uuid,
    direction: String,
    status: String,
    provider_message_id: Option<String>,
    kind: String,
    content: String,
    text: Option<String>,
    reply_to: Option<String>,
    sender_type: Option<String>,
    sender_id: Option<Uuid>,
    error_code: Option<String>,
    error_provider_code: Option<String>,
    error_provider_text: Option<Vec<u8>>,
    reactions: String,
    created_at: OffsetDateTime,
    provider_at: Option<OffsetDateTime>,
    sent_at: Option<OffsetDateTime>,
    delivered_at: Option<OffsetDateTime>,
    read_at: Option<OffsetDateTime>,
    failed_at: Option<OffsetDateTime>,
    updated_at: OffsetDateTime,
    send_notes: Option<String>,
    revisions: String,
}

#[derive(serde::Deserialize)]
struct StoredReaction {
    emoji: String,
    at: String,
}

impl TryFrom<MessageRow> for Message {
    type Error = StoreError;
    fn try_from(r: MessageRow) -> Result<Self> {
        let sender = match r.sender_type.as_deref() {
            Some(kind) => Some(
                Sender::from_parts(kind, r.sender_id)
                    .ok_or_else(|| corrupt("message sender", kind))?,
            ),
            None => None,
        };
        let error = match r.error_code {
            Some(code) => Some(MessageError {
                code,
                provider_code: r.error_provider_code,
                provider_text: r
                    .error_provider_text
                    .map(String::from_utf8)
                    .transpose()
                    .map_err(|e| corrupt("message error", e))?,
            }),
            None => None,
        };
        let reactions: Vec<StoredReaction> =
            serde_json::from_str(&r.reactions).map_err(|e| corrupt("message reactions", e))?;
        Ok(Message {
            id: MessageId(r.id),
            org_id: OrgId(r.org_id),
            conversation_id: ConversationId(r.conversation_id),
            channel_id: ChannelId(r.channel_id),
            contact_id: ContactId(r.contact_id),
            direction: Direction::parse(&r.direction)
                .ok_or_else(|| corrupt("message direction", &r.direction))?,
            status: MessageStatus::parse(&r.status)
                .ok_or_else(|| corrupt("message status", &r.status))?,
            provider_message_id: r.provider_message_id,
            kind: r.kind,
            content: serde_json::from_str(&r.content).map_err(|e| corrupt("message content", e))?,
            text: r.text,
            reply_to: r.reply_to,
            sender,
            error,
            reactions: reactions
                .into_iter()
                .map(|s| {
                    Ok(Reaction {
                        emoji: s.emoji,
                        at: OffsetDateTime::parse(&s.at, &Rfc3339)
                            .map_err(|e| corrupt("reaction time", e))?,
                    })
                })
                .collect::<Result<_>>()?,
            created_at: r.created_at,
            provider_at: r.provider_at,
            sent_at: r.sent_at,
            delivered_at: r.delivered_at,
            read_at: r.read_at,
            failed_at: r.failed_at,
            updated_at: r.updated_at,
            send_notes: match r.send_notes {
                Some(text) => {
                    Some(serde_json::from_str(&text).map_err(|e| corrupt("send_notes", e))?)
                }
                None => None,
            },
            revisions: serde_json::from_str(&r.revisions)
                .map_err(|e| corrupt("message revisions", e))?,
        })
    }
}

/// A reaction time as stored in the JSON array.
pub(crate) fn reaction_time(at: OffsetDateTime) -> Result<String> {
    at.format(&Rfc3339).map_err(StoreError::other)
}

/// Inserts new messages in one statement; a message whose provider id the channel already has is
/// skipped. Returns the ids inserted.
pub(crate) async fn insert(conn: &mut PgConnection, messages: &[Message]) -> Result<Vec<Uuid>> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let col = |f: fn(&Message) -> Option<String>| messages.iter().map(f).collect::<Vec<_>>();
    let inserted = sqlx::query_scalar(
        "INSERT INTO messages (id, org_id, conversation_id, channel_id, contact_id, direction,
                               status, provider_message_id, kind, content, text, reply_to,
                               sender_type, sender_id, created_at, provider_at, updated_at)
         SELECT id, org_id, conversation_id, channel_id, contact_id, direction, status,
                provider_message_id, kind, content::json, text, reply_to, sender_type, sender_id,
                created_at, provider_at, updated_at
         FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[],
                     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                     $13::text[], $14::uuid[], $15::timestamptz[], $16::timestamptz[],
                     $17::timestamptz[])
              AS m(id, org_id, conversation_id, channel_id, contact_id, direction, status,
                   provider_message_id, kind, content, text, reply_to, sender_type, sender_id,
                   created_at, provider_at, updated_at)
         -- In provider id order, so that batches sharing ids lock them in one order.
         ORDER BY provider_message_id
         ON CONFLICT (channel_id, provider_message_id) DO NOTHING
         RETURNING id",
    )
    .bind(messages.iter().map(|m| m.id.0).collect::<Vec<_>>())
    .bind(messages.iter().map(|m| m.org_id.0).collect::<Vec<_>>())
    .bind(
        messages
            .iter()
            .map(|m| m.conversation_id.0)
            .collect::<Vec<_>>(),
    )
    .bind(messages.iter().map(|m| m.channel_id.0).collect::<Vec<_>>())
    .bind(messages.iter().map(|m| m.contact_id.0).collect::<Vec<_>>())
    .bind(col(|m| Some(m.direction.as_str().to_owned())))
    .bind(col(|m| Some(m.status.as_str().to_owned())))
    .bind(col(|m| m.provider_message_id.clone()))
    .bind(col(|m| Some(m.kind.clone())))
    // As JSON text, cast to `json` by the server (which keeps "\u0000" escapes).
    .bind(col(|m| Some(m.content.to_string())))
    .bind(col(|m| m.text.clone()))
    .bind(col(|m| m.reply_to.clone()))
    .bind(col(|m| m.sender.map(|s| s.kind().to_owned())))
    .bind(
        messages
            .iter()
            .map(|m| m.sender.and_then(|s| s.id()))
            .collect::<Vec<_>>(),
    )
    .bind(messages.iter().map(|m| m.created_at).collect::<Vec<_>>())
    .bind(messages.iter().map(|m| m.provider_at).collect::<Vec<_>>())
    .bind(messages.iter().map(|m| m.updated_at).collect::<Vec<_>>())
    .fetch_all(conn)
    .await
    .map_err(db)?;
    Ok(inserted)
}

/// Writes the status fields (status, its timestamps, error) of changed messages in one statement.
pub(crate) async fn write_status(conn: &mut PgConnection, messages: &[&Message]) -> Result<()> {
    if messages.is_empty() {
        return Ok(());
    }
    let error = |f: fn(&MessageError) -> Option<String>| {
        messages
            .iter()
            .map(|m| m.error.as_ref().and_then(f))
            .collect::<Vec<_>>()
    };
    let times = |f: fn(&Message) -> Option<OffsetDateTime>| {
        messages.iter().map(|m| f(m)).collect::<Vec<_>>()
    };
    sqlx::query(
        "UPDATE messages AS m SET status = u.status, sent_at = u.sent_at,
                delivered_at = u.delivered_at, read_at = u.read_at, failed_at = u.failed_at,
                error_code = u.error_code, error_provider_code = u.error_provider_code,
                error_provider_text = u.error_provider_text,
                updated_at = u.updated_at
         FROM UNNEST($1::uuid[], $2::text[], $3::timestamptz[], $4::timestamptz[],
                     $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[], $9::bytea[],
                     $10::timestamptz[])
              AS u(id, status, sent_at, delivered_at, read_at, failed_at, error_code,
                   error_provider_code, error_provider_text, updated_at)
         WHERE m.id = u.id",
    )
    .bind(messages.iter().map(|m| m.id.0).collect::<Vec<_>>())
    .bind(
        messages
            .iter()
            .map(|m| m.status.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(times(|m| m.sent_at))
    .bind(times(|m| m.delivered_at))
    .bind(times(|m| m.read_at))
    .bind(times(|m| m.failed_at))
    .bind(error(|e| Some(e.code.clone())))
    .bind(error(|e| e.provider_code.clone()))
    .bind(
        messages
            .iter()
            .map(|m| {
                let text = m.error.as_ref().and_then(|e| e.provider_text.as_deref());
                text.map(|t| t.as_bytes().to_vec())
            })
            .collect::<Vec<_>>(),
    )
    .bind(times(|m| Some(m.updated_at)))
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}
