//! The live event stream's reads (`GET /v1/events/stream`, issue 6): the events a caller may see
//! after a cursor, filtered to their organization, their channels and their scopes.
//!
//! Event ids are UUIDv7 (time-ordered), but on PostgreSQL a transaction that took its ids first can
//! commit last, so a reader that only ever asks "after the last id I sent" could step over it.
//! A [`StreamCursor`] therefore re-reads, about once a second, a short window behind its position
//! and skips the ids it has already sent.

use std::collections::{HashSet, VecDeque};

use switchboard_domain::{EventId, Scope};
use switchboard_store::{Event, EventFilter, PageRequest};
use uuid::Uuid;

use crate::{Core, CoreResult, Principal};

/// How far behind its position a cursor re-reads: longer than any transaction of ours stays open
/// between taking an event id and committing.
const LATE_COMMIT_MS: u64 = 5_000;
/// Ids remembered to skip re-read events (far more than a window's worth at any real rate).
const REMEMBERED: usize = 20_000;
const BATCH: u32 = 200;
/// Every how many reads the window behind the position is read again: re-reading it on every
/// poll would read seconds of events (tens of thousands under heavy ingest) four times a second
/// per stream, while a late commit is rare and seen within a second this way.
const REREAD_EVERY: u32 = 4;

/// Where a stream is: the newest id sent, and the ids sent recently.
#[derive(Debug, Clone)]
pub struct StreamCursor {
    position: Uuid,
    /// Nothing at or before this is sent: a fresh stream starts at "now", a resumed one after
    /// its `Last-Event-ID` (the client has everything up to there; repeating the re-read window
    /// would hand it events older than the one it named).
    floor: Uuid,
    sent: VecDeque<Uuid>,
    sent_set: HashSet<Uuid>,
    /// Reads so far, to re-read the window on every [`REREAD_EVERY`]th.
    reads: u32,
}

impl StreamCursor {
    /// From the caller's `Last-Event-ID`, or from now.
    pub fn new(last_event: Option<EventId>) -> Self {
        let position = last_event.map_or_else(Uuid::now_v7, |e| e.0);
        let floor = position;
        Self {
            position,
            floor,
            sent: VecDeque::new(),
            sent_set: HashSet::new(),
            reads: 0,
        }
    }

    /// The id `LATE_COMMIT_MS` before the position: UUIDv7 starts with its milliseconds.
    fn reread_from(&self) -> Uuid {
        let Some(ts) = self.position.get_timestamp() else {
            return self.position;
        };
        let (secs, nanos) = ts.to_unix();
        let ms = (secs * 1_000 + u64::from(nanos) / 1_000_000).saturating_sub(LATE_COMMIT_MS);
        let mut bytes = [0u8; 16];
        bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
        Uuid::from_bytes(bytes)
    }

    /// Where this read starts: the window behind the position now and then, else the position.
    fn read_from(&mut self) -> Uuid {
        self.reads = self.reads.wrapping_add(1);
        if self.reads % REREAD_EVERY == 1 {
            self.reread_from()
        } else {
            self.position
        }
    }

    fn already_sent(&self, id: Uuid) -> bool {
        id <= self.floor || self.sent_set.contains(&id)
    }

    fn remember(&mut self, id: Uuid) {
        if self.sent.len() >= REMEMBERED
            && let Some(old) = self.sent.pop_front()
        {
            self.sent_set.remove(&old);
        }
        self.sent.push_back(id);
        self.sent_set.insert(id);
        if id > self.position {
            self.position = id;
        }
    }
}

impl Core {
    /// Changes whenever events of `org` have committed (on PostgreSQL, on any node): a stream
    /// waits on it between reads, with a slower poll as the fallback.
    pub fn event_wakeups(
        &self,
        org: switchboard_domain::OrgId,
    ) -> tokio::sync::watch::Receiver<()> {
        self.store.event_signal().subscribe(org)
    }

    /// The next events `p` may see after `cursor` (oldest first), advancing it. Events of other
    /// channels than a restricted caller's, and events without a channel, are not theirs to see;
    /// contact events need `contacts:read`.
    pub async fn next_events(
        &self,
        p: &Principal,
        cursor: &mut StreamCursor,
        kinds: &[String],
    ) -> CoreResult<Vec<Event>> {
        p.require(Scope::ConversationsRead)?;
        let restricted = !p.channel_ids().is_empty();
        let filter = EventFilter {
            kinds: kinds.to_vec(),
            only_channels: restricted.then(|| p.channel_ids().to_vec()),
        };
        let contacts = p.has(Scope::ContactsRead);
        let mut after = cursor.read_from();
        let mut out = Vec::new();
        loop {
            let page = self
                .store
                .list_events(
                    p.org(),
                    &filter,
                    PageRequest {
                        after: Some(after),
                        limit: BATCH,
                    },
                )
                .await?;
            for e in page.items {
                after = e.id.0;
                if cursor.already_sent(e.id.0) {
                    continue;
                }
                let visible = !e.is_internal()
                    && (!restricted || e.channel_id.is_some())
                    && (contacts || !e.kind.starts_with("contact."));
                cursor.remember(e.id.0);
                if visible {
                    out.push(e);
                }
            }
            if page.next.is_none() || out.len() >= BATCH as usize {
                return Ok(out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The milliseconds a UUIDv7 (or our bare lower bound) starts with.
    fn millis(id: Uuid) -> u64 {
        let b = id.as_bytes();
        b[..6].iter().fold(0, |ms, byte| ms << 8 | u64::from(*byte))
    }

    #[test]
    fn the_reread_window_starts_five_seconds_back() {
        let cursor = StreamCursor::new(None);
        let back = millis(cursor.position) - millis(cursor.reread_from());
        assert_eq!(back, LATE_COMMIT_MS);
        assert!(cursor.reread_from() < cursor.position);
    }
}
