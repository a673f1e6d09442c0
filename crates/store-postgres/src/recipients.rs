//! Reads about one customer of one channel, found through the identity's address: when they
//! last wrote (the Messenger / Instagram window) and the outbound messages a delivery or read
//! watermark covers.

use switchboard_domain::{ChannelId, MessageStatus, OrgId, Timestamp};
use switchboard_store::{MAX_WATERMARK_MESSAGES, Result, watermark_moves};

use crate::PgStore;
use crate::errors::db;

pub(crate) async fn outbound_up_to(
    store: &PgStore,
    org: OrgId,
    channel: ChannelId,
    to: &str,
    status: MessageStatus,
    up_to: Timestamp,
) -> Result<Vec<String>> {
    let moves: Vec<String> = watermark_moves(status)
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    if moves.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_scalar(
        "SELECT m.provider_message_id FROM identities i
         JOIN conversations c ON c.identity_id = i.id
         JOIN messages m ON m.conversation_id = c.id
         WHERE i.channel_id = $1 AND i.address = $2 AND i.org_id = $3
           AND m.direction = 'outbound' AND m.provider_message_id IS NOT NULL
           AND m.status = ANY($4) AND m.created_at <= $5
         ORDER BY m.id
         LIMIT $6",
    )
    .bind(channel.0)
    .bind(to)
    .bind(org.0)
    .bind(moves)
    .bind(up_to)
    .bind(MAX_WATERMARK_MESSAGES)
    .fetch_all(store.pool())
    .await
    .map_err(db)
}

pub(crate) async fn last_inbound_at(
    store: &PgStore,
    org: OrgId,
    channel: ChannelId,
    to: &str,
) -> Result<Option<Timestamp>> {
    let found: Option<Option<Timestamp>> = sqlx::query_scalar(
        "SELECT c.last_inbound_at FROM identities i
         JOIN conversations c ON c.identity_id = i.id
         WHERE i.channel_id = $1 AND i.address = $2 AND i.org_id = $3",
    )
    .bind(channel.0)
    .bind(to)
    .bind(org.0)
    .fetch_optional(store.pool())
    .await
    .map_err(db)?;
    Ok(found.flatten())
}
