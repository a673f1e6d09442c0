//! The SQLite backend of the store: the embedded default. One writer thread owns the only write
//! connection and commits whatever has queued up in one transaction (group commit, see
//! [`writer`]); reads go to a small pool of read-only connections. Open it with
//! [`SqliteStore::open`], which creates the file and runs pending migrations.

mod api_keys;
mod audit;
mod channels;
mod codec;
mod connect;
mod consent;
mod contact_batch;
mod contact_search;
mod contacts;
mod conversation_flow;
mod conversations;
mod dispatch;
mod effects;
mod error;
mod events;
mod idempotency;
mod identities;
mod ingest;
mod jobs;
mod media;
mod members;
mod messages;
mod migrate;
mod orgs;
mod outbound;
#[cfg(test)]
mod plans;
mod read_pool;
mod recipients;
mod search;
mod sessions;
mod teams;
mod templates;
mod users;
mod webhook_deliveries;
mod webhooks;
mod writer;

use std::path::PathBuf;
use std::sync::Arc;

use rusqlite::Connection;
use switchboard_store::{Effects, EventSignal, Result, Store, StoreError};
use tokio::sync::Notify;

use crate::read_pool::ReadPool;
use crate::writer::Writer;

/// How hard a commit insists on reaching the disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// fsync on every commit: an acknowledged write survives power loss.
    #[default]
    Full,
    /// fsync at checkpoints only: survives a crash of the process, not of the machine.
    Normal,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct SqliteConfig {
    /// The database file, e.g. `./data/switchboard.db`; missing parent directories are created.
    pub path: PathBuf,
    #[serde(default)]
    pub synchronous: Synchronous,
    #[serde(default = "default_read_connections")]
    pub read_connections: usize,
}

/// Two cores on the reference machine: four readers keep them busy while one waits on I/O.
fn default_read_connections() -> usize {
    4
}

impl SqliteConfig {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            synchronous: Synchronous::default(),
            read_connections: default_read_connections(),
        }
    }
}

/// The store on one SQLite file. Cheap to clone: every clone shares the writer and the pool.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    writer: Writer,
    reads: ReadPool,
    /// Wakes job workers in this process once an enqueue has committed.
    jobs_ready: Arc<Notify>,
    /// Wakes live event streams once their organization's events have committed.
    events: Arc<EventSignal>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database, runs pending migrations, starts the writer.
    pub async fn open(config: SqliteConfig) -> Result<Self> {
        tokio::task::spawn_blocking(move || Self::open_blocking(&config))
            .await
            .map_err(StoreError::other)?
    }

    fn open_blocking(config: &SqliteConfig) -> Result<Self> {
        let mut conn = connect::open_writer(config)?;
        migrate::run(&mut conn)?;
        let readers = (0..config.read_connections.max(1))
            .map(|_| connect::open_reader(config))
            .collect::<Result<Vec<_>>>()?;
        let jobs_ready = Arc::new(Notify::new());
        let events = Arc::new(EventSignal::default());
        let writer = Writer::spawn(conn, jobs_ready.clone(), events.clone())?;
        Ok(Self {
            inner: Arc::new(Inner {
                writer,
                reads: ReadPool::new(readers),
                jobs_ready,
                events,
            }),
        })
    }

    /// Runs pending migrations alone (`switchboard migrate`); returns the names applied.
    pub async fn migrate(config: &SqliteConfig) -> Result<Vec<String>> {
        let config = config.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = connect::open_writer(&config)?;
            migrate::run(&mut conn)
        })
        .await
        .map_err(StoreError::other)?
    }

    /// Test hook: the writer thread panics after running the units of its next batch, before
    /// COMMIT, as a crash would. Every caller of that batch gets an error; later calls fail fast.
    #[doc(hidden)]
    pub fn fail_next_commit_by_panicking(&self) {
        self.inner.writer.fail_next_commit_by_panicking();
    }

    pub(crate) fn event_signal_ref(&self) -> &EventSignal {
        &self.inner.events
    }

    /// A unit of work on the writer that wakes nobody.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.inner.writer.run(false, f).await
    }

    /// A unit of work that may make jobs ready: workers are woken after it commits.
    async fn write_waking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.inner.writer.run(true, f).await
    }

    /// A change plus its effects (audit entries, jobs) in one unit: both or neither.
    async fn change<T, F>(&self, effects: &Effects, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let effects = effects.clone();
        let wake = !effects.jobs.is_empty();
        self.inner
            .writer
            .run(wake, move |conn| {
                let value = f(conn)?;
                effects::write(conn, &effects)?;
                Ok(value)
            })
            .await
    }

    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.inner.reads.read(f).await
    }
}

/// `NotFound` when a statement that targets one row touched none (missing, or another org's).
fn one_row(changed: usize) -> Result<()> {
    if changed == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> Result<()> {
        self.read(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))
                .map_err(error::map_err)
        })
        .await?;
        self.write(|_| Ok(())).await
    }

    async fn close(&self) {
        self.inner.writer.stop().await;
    }
}
