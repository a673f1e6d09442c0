//! The conformance suite on SQLite: each scenario gets a fresh database file in its own
//! temporary directory, with every migration applied by `open`.

use std::sync::Arc;

use switchboard_store_sqlite::{SqliteConfig, SqliteStore};
use switchboard_store_tests::{Harness, conformance_suite};

async fn make() -> Option<Harness> {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = SqliteStore::open(SqliteConfig::new(dir.path().join("switchboard.db")))
        .await
        .expect("open SQLite store");
    Some(Harness::new(Arc::new(store), dir))
}

conformance_suite!(make);
