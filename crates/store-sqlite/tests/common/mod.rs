//! Shared helpers for this crate's integration tests: a store on a fresh temporary file.

use switchboard_domain::{Name, OrgId};
use switchboard_store::Org;
use switchboard_store_sqlite::{SqliteConfig, SqliteStore};
use tempfile::TempDir;

pub async fn temp_store() -> (TempDir, SqliteConfig, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let config = SqliteConfig::new(dir.path().join("nested/dir/test.db"));
    let store = SqliteStore::open(config.clone()).await.unwrap();
    (dir, config, store)
}

pub fn org(name: &str) -> Org {
    Org {
        id: OrgId::new(),
        name: Name::parse(name).unwrap(),
        created_at: switchboard_domain::now(),
        settings: Default::default(),
    }
}
