//! Test support: a store on a brand-new schema per test, dropped again when the test ends, so
//! tests run in parallel against one PostgreSQL server without seeing each other's rows.
//!
//! ```ignore
//! let Some((store, _schema)) = testing::fresh_store().await else { return };
//! ```

use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

use crate::{PgConfig, PgStore};

const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// How long to wait for the server before deciding it is not there.
const REACH_TIMEOUT: Duration = Duration::from_secs(5);

/// URL from `SWITCHBOARD_TEST_DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/test`.
pub fn database_url() -> String {
    std::env::var("SWITCHBOARD_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_URL.to_owned())
}

/// Whether the environment demands PostgreSQL (CI): then an unreachable server fails the test
/// instead of skipping it.
fn postgres_required() -> bool {
    std::env::var("SWITCHBOARD_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A store on a brand-new schema `sbtest_<random>`; `None` (after printing a clear
/// "skipping: PostgreSQL not reachable at ..." line to stderr) when the server cannot be reached,
/// unless `SWITCHBOARD_REQUIRE_POSTGRES=1`, in which case it panics with that message.
pub async fn fresh_store() -> Option<(PgStore, TestSchema)> {
    fresh_store_with(|_| {}).await
}

/// Like [`fresh_store`], letting the test adjust the configuration (e.g. a tiny pool).
pub async fn fresh_store_with(adjust: impl FnOnce(&mut PgConfig)) -> Option<(PgStore, TestSchema)> {
    let url = database_url();
    if let Err(why) = reachable(&url).await {
        let shown = crate::redact_password(&url);
        let message = format!("skipping: PostgreSQL not reachable at {shown}: {why}");
        if postgres_required() {
            panic!("{message} (SWITCHBOARD_REQUIRE_POSTGRES=1)");
        }
        eprintln!("{message}");
        return None;
    }
    let schema = new_schema();
    let mut config = schema.config();
    adjust(&mut config);
    match PgStore::connect(config).await {
        Ok(store) => Some((store, schema)),
        Err(e) => panic!("PostgreSQL is reachable but the test store failed to open: {e:?}"),
    }
}

/// A fresh, unique schema name on the test server, not yet created (the first store that
/// connects to it creates it); dropped like any other test schema. For tests of start-up itself.
pub fn new_schema() -> TestSchema {
    TestSchema {
        url: database_url(),
        name: format!("sbtest_{}", uuid::Uuid::now_v7().simple()),
    }
}

async fn reachable(url: &str) -> Result<(), String> {
    let options: PgConnectOptions = url.parse().map_err(|e| format!("invalid URL: {e}"))?;
    let conn = tokio::time::timeout(REACH_TIMEOUT, PgConnection::connect_with(&options))
        .await
        .map_err(|_| format!("no answer within {REACH_TIMEOUT:?}"))?
        .map_err(|e| e.to_string())?;
    // Closing politely is a courtesy; a failure here says nothing about reachability.
    let _ = conn.close().await;
    Ok(())
}

/// A test's schema; dropped (CASCADE) when this value is dropped.
#[derive(Debug)]
pub struct TestSchema {
    url: String,
    name: String,
}

impl TestSchema {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A configuration pointing at this schema (e.g. to open a second store, like a second node).
    pub fn config(&self) -> PgConfig {
        PgConfig {
            url: self.url.clone(),
            schema: Some(self.name.clone()),
            max_connections: None,
        }
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        // Drop may run inside a tokio runtime, where blocking on another future is not allowed:
        // a plain thread with its own small runtime does the work, and we wait for it.
        let url = self.url.clone();
        let name = self.name.clone();
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(drop_schema(&url, &name))
        });
        match dropper.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop test schema {}: {e}", self.name),
            Err(_) => eprintln!(
                "could not drop test schema {}: the thread panicked",
                self.name
            ),
        }
    }
}

async fn drop_schema(url: &str, name: &str) -> Result<(), String> {
    let options: PgConnectOptions = url.parse().map_err(|e: sqlx::Error| e.to_string())?;
    let mut conn = PgConnection::connect_with(&options)
        .await
        .map_err(|e| e.to_string())?;
    // A transaction dropped without commit is rolled back by a task of the test's runtime, which
    // cannot run while this drop blocks it: such a connection would hold its locks and stall the
    // DROP. The schema's connections are named after it, so end those left inside a transaction.
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = $1 AND state LIKE 'idle in transaction%'",
    )
    .bind(crate::application_name(Some(name)))
    .execute(&mut conn)
    .await
    .map_err(|e| e.to_string())?;
    // Anything else still holding locks (a test that panicked mid-query): give up after a while
    // rather than hang the run; the schema then stays behind, recognisable by its sbtest_ name.
    sqlx::raw_sql(&format!(
        "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS \"{name}\" CASCADE"
    ))
    .execute(&mut conn)
    .await
    .map_err(|e| e.to_string())?;
    let _ = conn.close().await;
    Ok(())
}
