//! Ingest: one provider webhook's messages and statuses as ONE unit of work on the writer (so a
//! burst of webhooks shares one commit). Redelivered messages are recognised by the channel's
//! unique provider id and change nothing; statuses for ids not recorded yet wait in
//! `pending_statuses` for the dispatcher's receipt.

use rusqlite::{Connection, params};
use switchboard_domain::{ChannelId, Direction, OrgId, Timestamp};
use switchboard_store::{
    Event, IngestBatch, IngestOutcome, Result, Revision, StatusReport, StoredInbound, preview,
};

use crate::codec::{json, ms};
use crate::error::DbResult;
use crate::identities::{Lookup, resolve};
use crate::messages::{StoredReaction, apply_status, by_provider_id};
use crate::{channels, conversation_flow, events, jobs, messages};

pub(crate) fn ingest(
    conn: &Connection,
    org: OrgId,
    channel: ChannelId,
    batch: &IngestBatch,
) -> Result<IngestOutcome> {
    let kind = channels::live_kind(conn, org, channel)?;
    let now = switchboard_domain::now();
    let mut out = IngestOutcome::default();
    let mut events = Vec::new();
    for m in &batch.messages {
        if is_stored(conn, channel, &m.provider_message_id)? {
            out.duplicates += 1;
            continue;
        }
        let who = resolve(
            conn,
            &Lookup {
                org,
                channel,
                kind,
                address: &m.from,
                profile_name: m.profile_name.as_deref(),
                now,
            },
        )?;
        if let Some(c) = &who.new_contact {
            events.push(Event::contact_created(c, Some(channel)));
        }
        let (conversation, before, created) =
            conversation_flow::find_or_create(conn, org, channel, who.contact, who.identity, now)?;
        if let Some(c) = &created {
            events.push(Event::conversation_created(c));
        }
        let message = m.to_row(org, channel, conversation, who.contact, now);
        messages::insert(conn, &message)?;
        let shown = m.text.as_deref().map(preview);
        conversation_flow::on_inbound(conn, conversation, now, shown.as_deref(), m.provider_at)?;
        if created.is_none() {
            events.extend(conversation_flow::reopened(
                conn,
                org,
                conversation,
                before,
                now,
            )?);
        }
        if let Some((target, emoji)) = &m.reaction_to {
            react(conn, channel, target, emoji, m.provider_at)?;
        }
        if let Some((target, revision)) = &m.revision_of {
            revise(conn, channel, target, revision)?;
        }
        for job in m.jobs_for(message.id) {
            jobs::insert(conn, &job)?;
        }
        events.push(Event::message_received(&message));
        out.stored.push(StoredInbound {
            message_id: message.id,
            conversation_id: conversation,
            contact_id: who.contact,
            identity_id: who.identity,
            new_conversation: created.is_some(),
        });
    }
    for s in &batch.statuses {
        match by_provider_id(conn, channel, &s.provider_message_id)? {
            Some(mut m) if m.direction == Direction::Outbound => {
                let applied = apply_status(conn, &mut m, s.status, s.at, s.error.as_ref())?;
                if applied.changed {
                    out.statuses_applied += 1;
                }
                events.extend(applied.event);
            }
            // A status naming an inbound message is not ours to apply.
            Some(_) => {}
            None => {
                keep_pending(conn, org, channel, s, now)?;
                out.statuses_pending += 1;
            }
        }
    }
    crate::templates::apply_reviews(conn, org, channel, &batch.events, now)?;
    for e in events.iter().chain(&batch.events) {
        events::insert(conn, e)?;
    }
    Ok(out)
}

/// Whether a channel already has a message with this provider id: the dedupe of redelivered
/// webhooks.
pub(crate) const IS_STORED: &str =
    "SELECT 1 FROM messages WHERE channel_id = ?1 AND provider_message_id = ?2";

fn is_stored(conn: &Connection, channel: ChannelId, provider_message_id: &str) -> Result<bool> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(IS_STORED)
        .db()?
        .query_row(params![channel.0.as_bytes(), provider_message_id], |_| {
            Ok(())
        })
        .optional()
        .db()?
        .is_some())
}

/// Appends reaction ?3 (a JSON object) to the channel's message with provider id ?2.
pub(crate) const REACT: &str =
    "UPDATE messages SET reactions = json_insert(reactions, '$[#]', json(?3)), updated_at = ?4
     WHERE channel_id = ?1 AND provider_message_id = ?2";

/// Appends a reaction to the message of the channel it targets; a target we never stored (older
/// than Switchboard, or lost) leaves nothing to record it on.
fn react(
    conn: &Connection,
    channel: ChannelId,
    target: &str,
    emoji: &str,
    at: Timestamp,
) -> Result<()> {
    let reaction = json(&StoredReaction {
        emoji: emoji.to_owned(),
        at: ms(at),
    });
    conn.prepare_cached(REACT)
        .db()?
        .execute(params![
            channel.0.as_bytes(),
            target,
            reaction,
            ms(switchboard_domain::now())
        ])
        .db()?;
    Ok(())
}

/// Appends revision ?3 (a JSON object) to the channel's message with provider id ?2.
pub(crate) const REVISE: &str =
    "UPDATE messages SET revisions = json_insert(revisions, '$[#]', json(?3)), updated_at = ?4
     WHERE channel_id = ?1 AND provider_message_id = ?2";

/// Records an edit or deletion on the message it concerns; as with reactions, a target never
/// stored leaves nothing to record it on (the notice itself is still stored).
fn revise(conn: &Connection, channel: ChannelId, target: &str, revision: &Revision) -> Result<()> {
    conn.prepare_cached(REVISE)
        .db()?
        .execute(params![
            channel.0.as_bytes(),
            target,
            json(revision),
            ms(switchboard_domain::now())
        ])
        .db()?;
    Ok(())
}

fn keep_pending(
    conn: &Connection,
    org: OrgId,
    channel: ChannelId,
    s: &StatusReport,
    now: Timestamp,
) -> Result<()> {
    let e = s.error.as_ref();
    conn.prepare_cached(
        "INSERT INTO pending_statuses (channel_id, provider_message_id, status, org_id, at,
                                       error_code, error_provider_code, error_provider_text,
                                       created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT DO NOTHING",
    )
    .db()?
    .execute(params![
        channel.0.as_bytes(),
        s.provider_message_id,
        s.status.as_str(),
        org.0.as_bytes(),
        ms(s.at),
        e.map(|e| e.code.as_str()),
        e.and_then(|e| e.provider_code.as_deref()),
        e.and_then(|e| e.provider_text.as_deref()),
        ms(now)
    ])
    .db()?;
    Ok(())
}
