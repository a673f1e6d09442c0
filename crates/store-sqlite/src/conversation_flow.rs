//! What messages do to conversations, inside ingest's and outbound acceptance's unit of work:
//! the first message either way creates the conversation, an inbound one reopens it, counts it
//! unread and moves the customer-service window, and both show in its preview.

use rusqlite::{Connection, OptionalExtension, params};
use switchboard_domain::{
    ChannelId, ContactId, ConversationId, ConversationStatus, IdentityId, OrgId, Priority,
    Timestamp,
};
use switchboard_store::{Actor, Conversation, ConversationEvent, Event, Result};

use crate::codec::{get_parsed, get_uuid, ms};
use crate::conversations::{
    CONVERSATION_COLUMNS, conversation_from_row, insert_events, parse_status,
};
use crate::error::DbResult;

/// Finds the conversation of an identity (the inbound hot path: one indexed look-up).
pub(crate) const CONVERSATION_OF_IDENTITY: &str =
    "SELECT id, status FROM conversations WHERE channel_id = ?1 AND identity_id = ?2";

/// The conversation of an identity, created (open, nothing read yet) when it has none.
/// Answers its id, its status before this message, and the new row when it was created.
pub(crate) fn find_or_create(
    conn: &Connection,
    org: OrgId,
    channel: ChannelId,
    contact: ContactId,
    identity: IdentityId,
    now: Timestamp,
) -> Result<(ConversationId, ConversationStatus, Option<Conversation>)> {
    let found = conn
        .prepare_cached(CONVERSATION_OF_IDENTITY)
        .db()?
        .query_row(params![channel.0.as_bytes(), identity.0.as_bytes()], |r| {
            Ok((get_uuid(r, 0)?, get_parsed(r, 1, parse_status)?))
        })
        .optional()
        .db()?;
    if let Some((id, status)) = found {
        return Ok((ConversationId(id), status, None));
    }
    let c = Conversation {
        id: ConversationId::new(),
        org_id: org,
        channel_id: channel,
        contact_id: contact,
        identity_id: identity,
        status: ConversationStatus::Open,
        snoozed_until: None,
        priority: Priority::None,
        assignee: None,
        team: None,
        last_message_at: None,
        last_message_preview: None,
        last_inbound_at: None,
        unread_count: 0,
        created_at: now,
        updated_at: now,
    };
    conn.prepare_cached(&format!(
        "INSERT INTO conversations ({CONVERSATION_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, NULL, NULL, NULL, NULL, NULL, 0, ?8, ?8)"
    ))
    .db()?
    .execute(params![
        c.id.0.as_bytes(),
        org.0.as_bytes(),
        channel.0.as_bytes(),
        contact.0.as_bytes(),
        identity.0.as_bytes(),
        c.status.as_str(),
        c.priority.as_str(),
        ms(now)
    ])
    .db()?;
    Ok((c.id, c.status, Some(c)))
}

/// A customer wrote in: the conversation is open again (not snoozed), shows this message, counts
/// it unread and moves the customer-service window.
pub(crate) fn on_inbound(
    conn: &Connection,
    id: ConversationId,
    created_at: Timestamp,
    preview: Option<&str>,
    provider_at: Timestamp,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE conversations SET status = 'open', snoozed_until = NULL, last_message_at = ?2,
                last_message_preview = ?3,
                last_inbound_at = max(coalesce(last_inbound_at, ?4), ?4),
                unread_count = unread_count + 1, updated_at = ?2
         WHERE id = ?1",
    )
    .db()?
    .execute(params![
        id.0.as_bytes(),
        ms(created_at),
        preview,
        ms(provider_at)
    ])
    .db()?;
    Ok(())
}

/// We wrote: the conversation shows the message; status and unread count stay.
pub(crate) fn on_outbound(
    conn: &Connection,
    id: ConversationId,
    created_at: Timestamp,
    preview: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE conversations SET last_message_at = ?2, last_message_preview = ?3, updated_at = ?2
         WHERE id = ?1",
    )
    .db()?
    .execute(params![id.0.as_bytes(), ms(created_at), preview])
    .db()?;
    Ok(())
}

/// The reopening's timeline entry, when an inbound message changed the status; answers the
/// `conversation.updated` event that tells it.
pub(crate) fn reopened(
    conn: &Connection,
    org: OrgId,
    id: ConversationId,
    from: ConversationStatus,
    at: Timestamp,
) -> Result<Option<Event>> {
    let to = from.on_inbound();
    if to == from {
        return Ok(None);
    }
    let entry = ConversationEvent::status_changed(org, id, from, to, Actor::System, at);
    insert_events(conn, org, std::slice::from_ref(&entry))?;
    let after = conn
        .prepare_cached(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations WHERE id = ?1"
        ))
        .db()?
        .query_row(params![id.0.as_bytes()], conversation_from_row)
        .db()?;
    Ok(Event::conversation_reopened(&after, from, at))
}
