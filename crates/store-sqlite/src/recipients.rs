//! Reads about one customer of one channel, found through the identity's address: when they
//! last wrote (the Messenger / Instagram window) and the outbound messages a delivery or read
//! watermark covers.

use rusqlite::{Connection, OptionalExtension, params};
use switchboard_domain::{ChannelId, MessageStatus, OrgId, Timestamp};
use switchboard_store::{MAX_WATERMARK_MESSAGES, Result, watermark_moves};

use crate::codec::{from_ms, ms};
use crate::error::DbResult;

pub(crate) fn outbound_up_to(
    conn: &Connection,
    org: OrgId,
    channel: ChannelId,
    to: &str,
    status: MessageStatus,
    up_to: Timestamp,
) -> Result<Vec<String>> {
    let moves = watermark_moves(status);
    if moves.is_empty() {
        return Ok(Vec::new());
    }
    // `moves` has two or three statuses; three slots are bound, repeating the last as needed.
    let slot = |i: usize| moves.get(i).or(moves.last()).copied().unwrap_or_default();
    conn.prepare_cached(
        "SELECT m.provider_message_id FROM identities i
         JOIN conversations c ON c.identity_id = i.id
         JOIN messages m ON m.conversation_id = c.id
         WHERE i.channel_id = ?1 AND i.address = ?2 AND i.org_id = ?3
           AND m.direction = 'outbound' AND m.provider_message_id IS NOT NULL
           AND m.status IN (?4, ?5, ?6) AND m.created_at <= ?7
         ORDER BY m.id
         LIMIT ?8",
    )
    .db()?
    .query_map(
        params![
            channel.0.as_bytes(),
            to,
            org.0.as_bytes(),
            slot(0),
            slot(1),
            slot(2),
            ms(up_to),
            MAX_WATERMARK_MESSAGES
        ],
        |row| row.get::<_, String>(0),
    )
    .db()?
    .collect::<rusqlite::Result<Vec<_>>>()
    .db()
}

pub(crate) fn last_inbound_at(
    conn: &Connection,
    org: OrgId,
    channel: ChannelId,
    to: &str,
) -> Result<Option<Timestamp>> {
    let found: Option<Option<i64>> = conn
        .prepare_cached(
            "SELECT c.last_inbound_at FROM identities i
             JOIN conversations c ON c.identity_id = i.id
             WHERE i.channel_id = ?1 AND i.address = ?2 AND i.org_id = ?3",
        )
        .db()?
        .query_row(params![channel.0.as_bytes(), to, org.0.as_bytes()], |row| {
            row.get(0)
        })
        .optional()
        .db()?;
    match found.flatten() {
        Some(v) => from_ms(v)
            .map(Some)
            .map_err(|e| switchboard_store::StoreError::Other(Box::new(e))),
        None => Ok(None),
    }
}
