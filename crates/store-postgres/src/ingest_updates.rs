//! What a webhook's new messages change besides their own rows: identities' profile names (and
//! nameless contacts' names), their conversations (reopened, unread, last message), and the
//! messages their reactions target. One statement per kind of change, except reactions.

use std::collections::{HashMap, HashSet};

use sqlx::PgConnection;
use switchboard_domain::{ChannelId, ContactId, ConversationStatus, OrgId};
use switchboard_store::{
    Actor, Conversation, ConversationEvent, Event, InboundMessage, Message, Result, StoreError,
    preview,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::conversations::{COLUMNS, ConversationRow};
use crate::errors::db;
use crate::message_rows;
use crate::resolve::Party;

/// A new message with what it came from and who it is with.
pub(crate) type Stored<'a> = (Message, &'a InboundMessage, Party);

/// Identities take the profile name their sender last gave; a contact without a name takes it
/// too (and becomes findable by it), told as `contact.updated`.
pub(crate) async fn refresh_profiles(
    conn: &mut PgConnection,
    stored: &[&Stored<'_>],
    names: &HashMap<&str, Option<&str>>,
    now: OffsetDateTime,
) -> Result<()> {
    let mut seen = HashSet::new();
    let (mut identities, mut contacts, mut profiles) = (Vec::new(), Vec::new(), Vec::new());
    for (_, inbound, party) in stored {
        if let Some(Some(name)) = names.get(inbound.from.as_str())
            && seen.insert(party.identity)
        {
            identities.push(party.identity.0);
            contacts.push(party.contact.0);
            profiles.push(*name);
        }
    }
    if identities.is_empty() {
        return Ok(());
    }
    let named: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
        "WITH u AS (SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $5::text[])
                    AS u(identity_id, contact_id, name, folded)),
              i AS (UPDATE identities SET profile_name = u.name, updated_at = $4
                    FROM u WHERE identities.id = u.identity_id
                      AND identities.profile_name IS DISTINCT FROM u.name)
         UPDATE contacts SET name = u.name, updated_at = $4,
                search_key = CASE WHEN search_key = '' THEN u.folded
                                  ELSE u.folded || E'\\n' || search_key END
         FROM u WHERE contacts.id = u.contact_id AND contacts.name IS NULL
         RETURNING contacts.org_id, contacts.id, contacts.name",
    )
    .bind(identities)
    .bind(contacts)
    .bind(&profiles)
    .bind(now)
    // Lower-cased in Rust for the search key, as `contacts::search_key` does.
    .bind(
        profiles
            .iter()
            .map(|p| p.to_lowercase())
            .collect::<Vec<_>>(),
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    let events: Vec<Event> = named
        .into_iter()
        .map(|(org, id, name)| Event::contact_named(OrgId(org), ContactId(id), &name, now))
        .collect();
    crate::events::insert(conn, &events).await
}

/// Every conversation that received messages reopens, counts them as unread and shows the last
/// one; returns the `status.changed` timeline entries of those that were not open, and the
/// `conversation.updated` events that tell it.
pub(crate) async fn touch_conversations(
    conn: &mut PgConnection,
    org: OrgId,
    stored: &[&Stored<'_>],
    now: OffsetDateTime,
) -> Result<(Vec<ConversationEvent>, Vec<Event>)> {
    // Per conversation, in batch order: (party, last preview, latest provider time, count).
    let mut touched: Vec<(Party, Option<String>, OffsetDateTime, i64)> = Vec::new();
    let mut index: HashMap<Uuid, usize> = HashMap::new();
    for (m, inbound, party) in stored {
        let text_preview = m.text.as_deref().map(preview);
        match index.get(&party.conversation.0) {
            Some(&i) => {
                let entry = &mut touched[i];
                entry.1 = text_preview;
                entry.2 = entry.2.max(inbound.provider_at);
                entry.3 += 1;
            }
            None => {
                index.insert(party.conversation.0, touched.len());
                touched.push((*party, text_preview, inbound.provider_at, 1));
            }
        }
    }
    if touched.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    sqlx::query(
        "UPDATE conversations AS c SET status = 'open', snoozed_until = NULL,
                last_message_at = $5, last_message_preview = u.preview,
                last_inbound_at = GREATEST(c.last_inbound_at, u.inbound_at),
                unread_count = c.unread_count + u.n, updated_at = $5
         FROM UNNEST($1::uuid[], $2::text[], $3::timestamptz[], $4::int8[])
              AS u(id, preview, inbound_at, n)
         WHERE c.id = u.id",
    )
    .bind(
        touched
            .iter()
            .map(|t| t.0.conversation.0)
            .collect::<Vec<_>>(),
    )
    .bind(touched.iter().map(|t| t.1.as_deref()).collect::<Vec<_>>())
    .bind(touched.iter().map(|t| t.2).collect::<Vec<_>>())
    .bind(touched.iter().map(|t| t.3).collect::<Vec<_>>())
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(db)?;
    let reopened: Vec<&Party> = touched
        .iter()
        .map(|t| &t.0)
        .filter(|p| p.status != ConversationStatus::Open)
        .collect();
    let timeline = reopened
        .iter()
        .map(|p| {
            ConversationEvent::status_changed(
                org,
                p.conversation,
                p.status,
                ConversationStatus::Open,
                Actor::System,
                now,
            )
        })
        .collect();
    // Rare (a customer writing into a resolved or snoozed conversation): one more read then.
    let mut events = Vec::new();
    if !reopened.is_empty() {
        let ids: Vec<Uuid> = reopened.iter().map(|p| p.conversation.0).collect();
        let rows: Vec<ConversationRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM conversations WHERE org_id = $1 AND id = ANY($2)"
        ))
        .bind(org.0)
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        for row in rows {
            let after = Conversation::try_from(row)?;
            if let Some(p) = reopened.iter().find(|p| p.conversation == after.id) {
                events.extend(Event::conversation_reopened(&after, p.status, now));
            }
        }
    }
    Ok((timeline, events))
}

/// Records each new reaction on the message it targets (same channel, by provider id), in batch
/// order, so a target stored earlier in the same batch gets it too.
pub(crate) async fn apply_reactions(
    conn: &mut PgConnection,
    channel: ChannelId,
    stored: &[&Stored<'_>],
    now: OffsetDateTime,
) -> Result<()> {
    for (_, inbound, _) in stored {
        let Some((target, emoji)) = &inbound.reaction_to else {
            continue;
        };
        sqlx::query(
            "UPDATE messages SET
                 reactions = reactions || jsonb_build_array(jsonb_build_object('emoji', $3::text,
                                                                               'at', $4::text)),
                 updated_at = $5
             WHERE channel_id = $1 AND provider_message_id = $2",
        )
        .bind(channel.0)
        .bind(target)
        .bind(emoji)
        .bind(message_rows::reaction_time(inbound.provider_at)?)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// Records each edit or deletion on the message it concerns, in batch order, like reactions.
pub(crate) async fn apply_revisions(
    conn: &mut PgConnection,
    channel: ChannelId,
    stored: &[&Stored<'_>],
    now: OffsetDateTime,
) -> Result<()> {
    for (_, inbound, _) in stored {
        let Some((target, revision)) = &inbound.revision_of else {
            continue;
        };
        let revision = serde_json::to_string(revision).map_err(StoreError::other)?;
        sqlx::query(
            "UPDATE messages SET revisions = revisions || jsonb_build_array($3::text::jsonb),
                                 updated_at = $4
             WHERE channel_id = $1 AND provider_message_id = $2",
        )
        .bind(channel.0)
        .bind(target)
        .bind(revision)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    }
    Ok(())
}
