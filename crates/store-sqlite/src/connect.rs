//! Opening connections: the writer's (WAL, the configured `synchronous`, foreign keys) and the
//! read pool's (read-only). Both wait on a lock for a while instead of failing at once, because a
//! CLI command may write to the same file as a running server.

use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use switchboard_store::{Result, StoreError};

use crate::error::DbResult;
use crate::{SqliteConfig, Synchronous};

/// Long enough to wait out another process's write transaction (a CLI command next to a running
/// server), short enough that a stuck lock surfaces as `Busy` rather than a hang.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Room for every distinct statement the store runs, so none is ever re-prepared.
const STATEMENT_CACHE: usize = 128;

pub(crate) fn open_writer(config: &SqliteConfig) -> Result<Connection> {
    if let Some(parent) = config.path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(StoreError::other)?;
    }
    let conn = Connection::open(&config.path).db()?;
    conn.busy_timeout(BUSY_TIMEOUT).db()?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let synchronous = match config.synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .db()?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::msg(format!(
            "could not switch {} to WAL (journal_mode is {mode})",
            config.path.display()
        )));
    }
    conn.execute_batch(&format!(
        "PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = ON;"
    ))
    .db()?;
    Ok(conn)
}

pub(crate) fn open_reader(config: &SqliteConfig) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(&config.path, flags).db()?;
    conn.busy_timeout(BUSY_TIMEOUT).db()?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pragma(conn: &Connection, name: &str) -> String {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| {
            r.get::<_, rusqlite::types::Value>(0)
        })
        .map(|v| match v {
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Text(t) => t,
            other => format!("{other:?}"),
        })
        .unwrap()
    }

    #[test]
    fn the_writer_is_durable_by_default_and_configurable() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = SqliteConfig::new(dir.path().join("a/b/c.db"));
        let conn = open_writer(&config).unwrap();
        assert_eq!(pragma(&conn, "journal_mode"), "wal");
        // 2 = FULL, 1 = NORMAL.
        assert_eq!(pragma(&conn, "synchronous"), "2");
        assert_eq!(pragma(&conn, "foreign_keys"), "1");
        drop(conn);

        config.synchronous = Synchronous::Normal;
        let conn = open_writer(&config).unwrap();
        assert_eq!(pragma(&conn, "synchronous"), "1");
        conn.execute_batch("CREATE TABLE t (x)").unwrap();

        let reader = open_reader(&config).unwrap();
        assert!(
            reader.execute_batch("INSERT INTO t VALUES (1)").is_err(),
            "a pool connection must not write"
        );
    }

    #[test]
    fn config_reads_from_text_with_defaults() {
        let c: SqliteConfig =
            serde_json::from_str(r#"{"path": "./data/x.db", "synchronous": "normal"}"#).unwrap();
        assert_eq!(c.synchronous, Synchronous::Normal);
        assert_eq!(c.read_connections, 4);
        let c: SqliteConfig = serde_json::from_str(r#"{"path": "x.db"}"#).unwrap();
        assert_eq!(c.synchronous, Synchronous::Full);
        assert!(
            serde_json::from_str::<SqliteConfig>(r#"{"path": "x", "synchronous": "off"}"#).is_err()
        );
    }
}
