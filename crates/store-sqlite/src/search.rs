//! Message search on the FTS5 index of migration 0003: the words of the query as FTS5 prefixes,
//! joined to the messages for the organization and the filters, newest first.

use std::sync::LazyLock;

use rusqlite::{Connection, params};
use switchboard_domain::OrgId;
use switchboard_store::{Message, MessageSearch, Page, PageRequest, Result, SearchStore};

use crate::SqliteStore;
use crate::error::DbResult;
use crate::messages::{MESSAGE_COLUMNS, message_from_row};

/// Every filter optional (a NULL parameter leaves it out): one statement and one cached plan.
/// The FTS5 MATCH drives the plan; the org and filters are checked on each matching message.
static SEARCH: LazyLock<String> = LazyLock::new(|| {
    let columns = MESSAGE_COLUMNS
        .split(',')
        .map(|c| format!("m.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT {columns} FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
         WHERE messages_fts MATCH ?1
           AND m.org_id = ?2
           AND (?3 IS NULL OR m.id < ?3)
           AND (?4 IS NULL OR m.channel_id = ?4)
           AND (?5 IS NULL OR m.conversation_id = ?5)
           AND (?6 IS NULL OR m.direction = ?6)
           AND (?7 IS NULL OR m.channel_id IN (SELECT unhex(value) FROM json_each(?7)))
         ORDER BY m.id DESC LIMIT ?8"
    )
});

fn search(
    conn: &Connection,
    org: OrgId,
    s: &MessageSearch,
    page: PageRequest,
) -> Result<Page<Message>> {
    let only = s
        .only_channels
        .as_ref()
        .map(|ids| crate::codec::channel_ids_json(ids));
    let rows = conn
        .prepare_cached(&SEARCH)
        .db()?
        .query_map(
            params![
                s.query.fts5(),
                org.0.as_bytes(),
                page.after.map(|u| u.as_bytes().to_vec()),
                s.channel.map(|c| c.0.as_bytes().to_vec()),
                s.conversation.map(|c| c.0.as_bytes().to_vec()),
                s.direction.map(|d| d.as_str()),
                only,
                page.fetch_limit()
            ],
            message_from_row,
        )
        .db()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db()?;
    Ok(Page::from_rows(rows, page, |m| m.id.0))
}

#[async_trait::async_trait]
impl SearchStore for SqliteStore {
    async fn search_messages(
        &self,
        org: OrgId,
        search_: &MessageSearch,
        page: PageRequest,
    ) -> Result<Page<Message>> {
        let s = search_.clone();
        self.read(move |conn| search(conn, org, &s, page)).await
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    /// A message row with just what the index needs (foreign keys turned off).
    fn insert(conn: &Connection, id: u8, text: Option<&str>) {
        conn.execute(
            "INSERT INTO messages (id, org_id, conversation_id, channel_id, contact_id, direction,
                 status, kind, content, text, created_at, updated_at)
             VALUES (?1, x'00', x'00', x'00', x'00', 'inbound', 'received', 'text', '{}', ?2, 0, 0)",
            rusqlite::params![vec![id], text],
        )
        .unwrap();
    }

    fn hits(conn: &Connection, fts: &str) -> Vec<Vec<u8>> {
        conn.prepare(
            "SELECT m.id FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
             WHERE messages_fts MATCH ?1 ORDER BY m.id",
        )
        .unwrap()
        .query_map([fts], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    #[test]
    fn backfill_then_triggers_keep_the_index_in_step() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        conn.execute_batch(include_str!("../migrations/0001_foundation.sql"))
            .unwrap();
        conn.execute_batch(include_str!("../migrations/0002_messaging.sql"))
            .unwrap();
        insert(&conn, 1, Some("Crème brûlée tonight?"));
        insert(&conn, 2, None);
        conn.execute_batch(include_str!("../migrations/0003_search.sql"))
            .unwrap();
        assert_eq!(hits(&conn, "\"creme\"*"), vec![vec![1]], "backfilled");

        insert(&conn, 3, Some("creme fraiche"));
        assert_eq!(hits(&conn, "\"crème\"*"), vec![vec![1], vec![3]]);

        conn.execute(
            "UPDATE messages SET text = 'tarte tatin' WHERE id = x'01'",
            [],
        )
        .unwrap();
        conn.execute(
            "UPDATE messages SET text = 'tatin too' WHERE id = x'02'",
            [],
        )
        .unwrap();
        assert_eq!(
            hits(&conn, "\"creme\"*"),
            vec![vec![3]],
            "old text unindexed"
        );
        assert_eq!(hits(&conn, "\"tatin\"*"), vec![vec![1], vec![2]]);

        conn.execute("UPDATE messages SET text = NULL WHERE id = x'02'", [])
            .unwrap();
        conn.execute("DELETE FROM messages WHERE id = x'03'", [])
            .unwrap();
        assert_eq!(hits(&conn, "\"tatin\"*"), vec![vec![1]]);
        assert!(hits(&conn, "\"fraiche\"*").is_empty());
        // The index agrees with its content table (FTS5's own consistency check).
        conn.execute(
            "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .unwrap();
    }
}

#[cfg(test)]
mod plan {
    use rusqlite::Connection;

    use crate::migrate;

    /// The FTS index drives the search and each hit reaches its message by rowid: no table scan,
    /// whatever the organization's size. (Hits are then sorted newest first: as many as match.)
    #[test]
    fn search_starts_from_the_index() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        migrate::run(&mut conn).expect("migrate");
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", *super::SEARCH))
            .expect("plan");
        let mut params = vec![rusqlite::types::Value::Null; stmt.parameter_count()];
        params[0] = rusqlite::types::Value::Text("\"word\"*".to_owned());
        let lines: Vec<String> = stmt
            .query_map(rusqlite::params_from_iter(params), |r| r.get(3))
            .expect("plan rows")
            .collect::<rusqlite::Result<_>>()
            .expect("plan");
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("SCAN f VIRTUAL TABLE INDEX")),
            "{lines:#?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("SEARCH m USING INTEGER PRIMARY KEY")),
            "{lines:#?}"
        );
        let scans: Vec<&String> = lines
            .iter()
            .filter(|l| l.starts_with("SCAN") && !l.contains("VIRTUAL TABLE"))
            .collect();
        assert!(scans.is_empty(), "{lines:#?}");
    }
}
