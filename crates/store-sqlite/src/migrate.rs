//! Schema migrations: `migrations/NNNN_name.sql`, embedded in the binary, applied in order, each
//! in its own transaction and recorded in `schema_migrations`. Safe to run from two processes at
//! once: `BEGIN IMMEDIATE` serializes them and each re-checks what is applied inside its lock.

use rusqlite::{Connection, OptionalExtension};
use switchboard_store::Result;

use crate::codec::ms;
use crate::error::DbResult;

/// (version, name, SQL), in the order they apply. Append only: never edit a shipped migration.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (
        2,
        "0002_messaging",
        include_str!("../migrations/0002_messaging.sql"),
    ),
    (
        3,
        "0003_search",
        include_str!("../migrations/0003_search.sql"),
    ),
    (
        4,
        "0004_media",
        include_str!("../migrations/0004_media.sql"),
    ),
    (
        6,
        "0006_dispatch",
        include_str!("../migrations/0006_dispatch.sql"),
    ),
    (
        7,
        "0007_webhooks",
        include_str!("../migrations/0007_webhooks.sql"),
    ),
    (
        8,
        "0008_consent",
        include_str!("../migrations/0008_consent.sql"),
    ),
    (
        9,
        "0009_send_notes",
        include_str!("../migrations/0009_send_notes.sql"),
    ),
    (
        10,
        "0010_revisions",
        include_str!("../migrations/0010_revisions.sql"),
    ),
    (
        11,
        "0011_org_settings",
        include_str!("../migrations/0011_org_settings.sql"),
    ),
    (
        12,
        "0012_templates",
        include_str!("../migrations/0012_templates.sql"),
    ),
];

/// Applies every pending migration; returns the names of those applied now.
pub(crate) fn run(conn: &mut Connection) -> Result<Vec<String>> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY NOT NULL,
             name       TEXT NOT NULL,
             applied_at INTEGER NOT NULL
         )",
    )
    .db()?;
    let mut applied = Vec::new();
    for &(version, name, sql) in MIGRATIONS {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .db()?;
        let done = tx
            .query_row(
                "SELECT 1 FROM schema_migrations WHERE version = ?1",
                [version],
                |_| Ok(()),
            )
            .optional()
            .db()?
            .is_some();
        if done {
            continue;
        }
        tx.execute_batch(sql).db()?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, ms(switchboard_domain::now())],
        )
        .db()?;
        tx.commit().db()?;
        applied.push(name.to_owned());
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_once_in_order() {
        let mut conn = Connection::open_in_memory().unwrap();
        let names = run(&mut conn).unwrap();
        assert_eq!(
            names,
            vec![
                "0001_foundation",
                "0002_messaging",
                "0003_search",
                "0004_media",
                "0006_dispatch",
                "0007_webhooks",
                "0008_consent",
                "0009_send_notes",
                "0010_revisions",
                "0011_org_settings",
                "0012_templates"
            ]
        );
        assert!(
            run(&mut conn).unwrap().is_empty(),
            "second run applies nothing"
        );
        let versions: Vec<i64> = conn
            .prepare("SELECT version FROM schema_migrations ORDER BY version")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(versions, vec![1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]);
        // Numbers are handed out ahead of time, so a gap may stay open for a while; what matters
        // is that each version is its file's number and that they only increase.
        for pair in MIGRATIONS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "versions increase");
        }
        for (v, name, _) in MIGRATIONS {
            assert_eq!(name[..4].parse::<i64>().ok(), Some(*v), "{name}");
        }
    }
}
