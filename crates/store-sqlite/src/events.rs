//! Events: written with the change they describe (through [`crate::effects`] or by ingest and
//! outbound acceptance), listed oldest first for webhook delivery and live streams.

use std::cell::RefCell;

use rusqlite::{Connection, Row, params};
use switchboard_domain::{ChannelId, EventId, OrgId};
use switchboard_store::{Event, EventFilter, EventSignal, EventStore, Page, PageRequest, Result};

use crate::SqliteStore;
use crate::codec::{get_json, get_opt_uuid, get_ts, get_uuid, json, ms};
use crate::error::DbResult;

/// Oldest first, with optional kind and channel filters (JSON arrays, so the statement and its
/// plan never change with the lists' lengths).
pub(crate) const LIST_EVENTS: &str =
    "SELECT id, org_id, kind, channel_id, payload, created_at FROM events
     WHERE org_id = ?1
       AND (?2 IS NULL OR id > ?2)
       AND (?3 IS NULL OR kind IN (SELECT value FROM json_each(?3)))
       AND (?4 IS NULL OR channel_id IS NULL
            OR channel_id IN (SELECT unhex(value) FROM json_each(?4)))
       AND kind <> 'provider.webhook'
     ORDER BY id LIMIT ?5";

thread_local! {
    /// On the writer thread: the organizations whose events the current batch wrote, so that
    /// the writer raises their streams' signal once the batch committed. `None` elsewhere.
    static WRITTEN: RefCell<Option<Vec<OrgId>>> = const { RefCell::new(None) };
}

/// Makes this thread (the writer) remember the organizations of the events it inserts.
pub(crate) fn track_written() {
    WRITTEN.with(|w| *w.borrow_mut() = Some(Vec::new()));
}

/// How many organizations are remembered now: a savepoint's mark.
pub(crate) fn written_mark() -> usize {
    WRITTEN.with(|w| w.borrow().as_ref().map_or(0, Vec::len))
}

/// Forgets what was remembered after `mark` (the unit that wrote it rolled back).
pub(crate) fn forget_written_since(mark: usize) {
    WRITTEN.with(|w| {
        if let Some(orgs) = w.borrow_mut().as_mut() {
            orgs.truncate(mark);
        }
    });
}

/// The organizations remembered since the last call, each once.
pub(crate) fn take_written() -> Vec<OrgId> {
    WRITTEN.with(|w| {
        let mut orgs = w
            .borrow_mut()
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        orgs.sort_unstable_by_key(|o| o.0);
        orgs.dedup();
        orgs
    })
}

pub(crate) fn insert(conn: &Connection, e: &Event) -> Result<()> {
    // The conversation is kept beside the payload so that deleting a contact can delete the
    // events of its conversations.
    let conversation = e
        .payload
        .get("conversation_id")
        .and_then(|v| v.as_str())
        .and_then(|s| uuid::Uuid::parse_str(s).ok());
    conn.prepare_cached(
        "INSERT INTO events (id, org_id, kind, channel_id, conversation_id, payload, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .db()?
    .execute(params![
        e.id.0.as_bytes(),
        e.org_id.0.as_bytes(),
        e.kind,
        e.channel_id.map(|c| c.0.as_bytes().to_vec()),
        conversation.map(|c| c.as_bytes().to_vec()),
        json(&e.payload),
        ms(e.created_at)
    ])
    .db()?;
    WRITTEN.with(|w| {
        if let Some(orgs) = w.borrow_mut().as_mut()
            && orgs.last() != Some(&e.org_id)
        {
            orgs.push(e.org_id);
        }
    });
    Ok(())
}

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        id: EventId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        kind: row.get(2)?,
        channel_id: get_opt_uuid(row, 3)?.map(ChannelId),
        payload: get_json(row, 4)?,
        created_at: get_ts(row, 5)?,
    })
}

#[async_trait::async_trait]
impl EventStore for SqliteStore {
    fn event_signal(&self) -> &EventSignal {
        self.event_signal_ref()
    }

    async fn list_events(
        &self,
        org: OrgId,
        filter: &EventFilter,
        page: PageRequest,
    ) -> Result<Page<Event>> {
        let filter = filter.clone();
        self.read(move |conn| {
            let after = page.after.map(|u| u.as_bytes().to_vec());
            // Lists travel as JSON arrays so that the statement (and its plan) stays the same.
            let kinds = (!filter.kinds.is_empty()).then(|| json(&filter.kinds));
            let only = filter
                .only_channels
                .as_ref()
                .map(|ids| crate::codec::channel_ids_json(ids));
            let rows = conn
                .prepare_cached(LIST_EVENTS)
                .db()?
                .query_map(
                    params![org.0.as_bytes(), after, kinds, only, page.fetch_limit()],
                    event_from_row,
                )
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |e| e.id.0))
        })
        .await
    }
}
