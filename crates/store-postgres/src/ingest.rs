//! Inbound: one webhook's messages and statuses stored in ONE transaction. Duplicates (provider
//! ids the channel already has) are left out first; senders resolve to parties with one look-up
//! for the known ones; messages go in with one `UNNEST` insert; conversations, identities and
//! contacts are refreshed with one statement each; then reactions, statuses, events and jobs.

use std::collections::{HashMap, HashSet};

use sqlx::PgConnection;
use switchboard_domain::{ChannelId, EventId, OrgId};
use switchboard_store::{
    Event, InboundMessage, IngestBatch, IngestOutcome, Message, NewJob, Result, StoredInbound,
};
use uuid::Uuid;

use crate::errors::db;
use crate::ingest_updates::{
    apply_reactions, apply_revisions, refresh_profiles, touch_conversations,
};
use crate::resolve::{self, Counterpart, Party};
use crate::{PgStore, channels, enqueue, events, message_rows, statuses, timeline};

impl PgStore {
    pub(crate) async fn ingest_batch(
        &self,
        org: OrgId,
        channel: ChannelId,
        batch: &IngestBatch,
    ) -> Result<IngestOutcome> {
        let now = switchboard_domain::now();
        let mut tx = self.begin().await?;
        let kind = channels::kind_of(&mut tx, org, channel).await?;
        let mut outcome = IngestOutcome::default();
        let mut new_events = Vec::new();
        let mut jobs = Vec::new();

        let fresh = fresh_messages(&mut tx, channel, &batch.messages).await?;
        outcome.duplicates = batch.messages.len() - fresh.len();
        if !fresh.is_empty() {
            // The last profile name a sender gave in the batch is the one to keep.
            let mut names: HashMap<&str, Option<&str>> = HashMap::new();
            let mut order = Vec::new();
            for m in &fresh {
                let name = names.entry(m.from.as_str()).or_insert_with(|| {
                    order.push(m.from.as_str());
                    None
                });
                if m.profile_name.is_some() {
                    *name = m.profile_name.as_deref();
                }
            }
            let counterparts: Vec<Counterpart> = order
                .iter()
                .map(|a| Counterpart {
                    address: a,
                    profile_name: names.get(a).copied().flatten(),
                })
                .collect();
            let mut created = HashMap::new();
            let parties = resolve::parties(
                &mut tx,
                org,
                channel,
                kind,
                &counterparts,
                now,
                &mut created,
            )
            .await?;
            let rows: Vec<(Message, &InboundMessage, Party)> = fresh
                .iter()
                .filter_map(|m| {
                    parties.get(&m.from).map(|p| {
                        (
                            m.to_row(org, channel, p.conversation, p.contact, now),
                            *m,
                            *p,
                        )
                    })
                })
                .collect();
            let messages: Vec<Message> = rows.iter().map(|(m, _, _)| m.clone()).collect();
            let inserted: HashSet<Uuid> = message_rows::insert(&mut tx, &messages)
                .await?
                .into_iter()
                .collect();
            // A concurrent delivery of the same webhook may have stored some first.
            outcome.duplicates += rows.len() - inserted.len();
            let stored: Vec<&(Message, &InboundMessage, Party)> = rows
                .iter()
                .filter(|(m, _, _)| inserted.contains(&m.id.0))
                .collect();
            for (m, inbound, party) in &stored {
                // Each message's events in the order they happened to it: its contact and
                // conversation (when it made them), then the message itself.
                new_events.extend(created.remove(&inbound.from).unwrap_or_default());
                new_events.push(Event::message_received(m));
                jobs.extend(inbound.jobs_for(m.id));
                outcome.stored.push(StoredInbound {
                    message_id: m.id,
                    conversation_id: party.conversation,
                    contact_id: party.contact,
                    identity_id: party.identity,
                    new_conversation: party.new_conversation,
                });
            }
            refresh_profiles(&mut tx, &stored, &names, now).await?;
            let (timeline, reopened) = touch_conversations(&mut tx, org, &stored, now).await?;
            new_events.extend(reopened);
            timeline::insert_events(&mut tx, org, &timeline).await?;
            apply_reactions(&mut tx, channel, &stored, now).await?;
            apply_revisions(&mut tx, channel, &stored, now).await?;
        }

        let (applied, pending) =
            statuses::apply_reports(&mut tx, org, channel, &batch.statuses, now, &mut new_events)
                .await?;
        outcome.statuses_applied = applied;
        outcome.statuses_pending = pending;
        crate::templates::apply_reviews(&mut tx, org, channel, &batch.events, now).await?;
        new_events.extend(batch.events.iter().cloned());
        // Listings order events by id: fresh ids in the order assembled here make that the order
        // of the changes, as on SQLite, which writes them one message at a time.
        for e in &mut new_events {
            e.id = EventId::new();
        }
        events::insert(&mut tx, &new_events).await?;
        let queued = enqueue_all(&mut tx, &jobs).await?;
        self.commit_ready(tx, queued).await?;
        Ok(outcome)
    }
}

/// The batch's messages that are new: neither stored on the channel nor repeated earlier in the
/// batch.
async fn fresh_messages<'a>(
    conn: &mut PgConnection,
    channel: ChannelId,
    messages: &'a [InboundMessage],
) -> Result<Vec<&'a InboundMessage>> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = messages
        .iter()
        .map(|m| m.provider_message_id.as_str())
        .collect();
    let known: HashSet<String> = sqlx::query_scalar(
        "SELECT provider_message_id FROM messages
         WHERE channel_id = $1 AND provider_message_id = ANY($2)",
    )
    .bind(channel.0)
    .bind(&ids)
    .fetch_all(conn)
    .await
    .map_err(db)?
    .into_iter()
    .collect();
    let mut seen = HashSet::new();
    Ok(messages
        .iter()
        .filter(|m| {
            let id = m.provider_message_id.as_str();
            !known.contains(id) && seen.insert(id)
        })
        .collect())
}

/// Enqueues the new messages' jobs; whether any was queued (so workers must be woken).
async fn enqueue_all(conn: &mut PgConnection, jobs: &[NewJob]) -> Result<bool> {
    let outcomes = enqueue::insert(conn, jobs).await?;
    Ok(outcomes
        .iter()
        .any(|o| matches!(o, switchboard_store::EnqueueOutcome::Created(_))))
}
