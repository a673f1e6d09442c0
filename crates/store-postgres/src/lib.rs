//! The PostgreSQL backend of the store, for installations with several nodes. Runtime sqlx
//! queries (no build-time database), one transaction per store call, `SKIP LOCKED` job claims and
//! `LISTEN/NOTIFY` to wake workers on every node. Open it with [`PgStore::connect`], which runs
//! pending migrations first; [`testing`] gives tests a store on a schema of their own.

mod api_keys;
mod audit;
mod channels;
mod consent;
mod contact_batch;
mod contact_rows;
mod contacts;
mod conversations;
mod dispatch;
mod effects;
mod enqueue;
mod errors;
mod events;
mod idempotency;
mod ingest;
mod ingest_updates;
mod job_rows;
mod jobs;
mod listener;
mod media;
mod memberships;
mod message_rows;
mod messages;
mod migrate;
mod orgs;
mod recipients;
mod resolve;
mod search;
mod sessions;
mod statuses;
mod teams;
mod templates;
mod timeline;
mod users;
mod webhook_deliveries;
mod webhooks;

pub mod testing;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres, Transaction};
use switchboard_store::{Effects, EventSignal, Result, Store, StoreError};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::errors::db;

/// How to reach the database. `Debug` hides the URL's password.
#[derive(Clone, Default, serde::Deserialize)]
pub struct PgConfig {
    /// `postgres://user@host:port/db`.
    pub url: String,
    /// The schema every connection works in (its `search_path`); created when missing. Tests use
    /// one each, so that they never see each other's rows.
    pub schema: Option<String>,
    /// Pool size; 10 when unset.
    pub max_connections: Option<u32>,
}

impl std::fmt::Debug for PgConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConfig")
            .field("url", &redact_password(&self.url))
            .field("schema", &self.schema)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// `postgres://user:secret@host/db` becomes `postgres://user:***@host/db`.
pub(crate) fn redact_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let authority_end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    let authority = &url[scheme_end..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &authority[..colon],
            &url[scheme_end + at..]
        ),
        _ => url.to_owned(),
    }
}

/// A handle on the database: cheap to clone, every clone shares the pool and the listener.
#[derive(Clone)]
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    /// The NOTIFY channel jobs are announced on; one per schema, so that two installations (or two
    /// tests) sharing a database do not wake each other.
    channel: String,
    /// Woken by the listener on every NOTIFY, and directly after a local commit that queued work.
    wake: Arc<Notify>,
    /// Raised by the listener for an organization whenever any node committed events of it.
    events: Arc<EventSignal>,
    /// Tells the listener task to stop (on `close()`, or when the last handle is dropped).
    shutdown: watch::Sender<bool>,
    listener: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password, so it is never printed.
        f.debug_struct("PgStore")
            .field("channel", &self.inner.channel)
            .finish_non_exhaustive()
    }
}

/// A default pool large enough for a node's HTTP handlers and workers, small enough that a few
/// nodes stay well under PostgreSQL's default `max_connections` of 100.
const DEFAULT_MAX_CONNECTIONS: u32 = 10;

/// How long a caller waits for a pooled connection before the store answers `Busy`: long enough to
/// ride out a burst, short enough that an overloaded node sheds load instead of queueing forever.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Decodes fetched rows (asked for with `PageRequest::fetch_limit`) into one page.
pub(crate) fn page_of<R, T>(
    rows: Vec<R>,
    page: switchboard_store::PageRequest,
    id: impl Fn(&T) -> uuid::Uuid,
) -> Result<switchboard_store::Page<T>>
where
    T: TryFrom<R, Error = StoreError>,
{
    let items = rows
        .into_iter()
        .map(T::try_from)
        .collect::<Result<Vec<_>>>()?;
    Ok(switchboard_store::Page::from_rows(items, page, id))
}

impl PgStore {
    /// Connects, runs pending migrations, and starts the NOTIFY listener. Must be called inside a
    /// tokio runtime.
    pub async fn connect(config: PgConfig) -> Result<Self> {
        let options = connect_options(&config)?;
        let pool = PgPoolOptions::new()
            .max_connections(
                config
                    .max_connections
                    .unwrap_or(DEFAULT_MAX_CONNECTIONS)
                    .max(1),
            )
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await
            .map_err(db)?;
        migrate::run(&pool, config.schema.as_deref()).await?;

        let channel = listener::channel_name(config.schema.as_deref());
        // Named by the server exactly as the NOTIFY in `events::insert` names it.
        let (events_channel,): (String,) =
            sqlx::query_as(&format!("SELECT {}", events::EVENTS_CHANNEL_SQL))
                .fetch_one(&pool)
                .await
                .map_err(db)?;
        let wake = Arc::new(Notify::new());
        let events = Arc::new(EventSignal::default());
        let (shutdown, stop) = watch::channel(false);
        let listening = listener::Listening {
            jobs: channel.clone(),
            events: events_channel,
            workers: wake.clone(),
            streams: events.clone(),
        };
        let task = listener::spawn(options, listening, stop);
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                channel,
                wake,
                events,
                shutdown,
                listener: Mutex::new(Some(task)),
            }),
        })
    }

    /// Runs pending migrations alone (the `migrate` command); returns the names applied.
    pub async fn migrate(config: &PgConfig) -> Result<Vec<String>> {
        let options = connect_options(config)?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(db)?;
        let applied = migrate::run(&pool, config.schema.as_deref()).await;
        pool.close().await;
        applied
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Postgres>> {
        self.inner.pool.begin().await.map_err(db)
    }

    /// Commits; if the transaction queued jobs, wakes this node's workers at once rather than
    /// waiting for the NOTIFY to come back through the listener.
    pub(crate) async fn commit(
        &self,
        tx: Transaction<'static, Postgres>,
        woke: bool,
    ) -> Result<()> {
        tx.commit().await.map_err(db)?;
        if woke {
            self.wake_local();
        }
        Ok(())
    }

    /// Runs `query`, which must touch at least one row (else `NotFound`, and nothing changes),
    /// and writes `effects`, in one transaction: the shape of every update or delete of one row.
    pub(crate) async fn change_existing(
        &self,
        query: sqlx::query::Query<'_, Postgres, sqlx::postgres::PgArguments>,
        effects: &Effects,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let touched = query.execute(&mut *tx).await.map_err(db)?.rows_affected();
        if touched == 0 {
            return Err(StoreError::NotFound);
        }
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    /// Commits a transaction that may have made jobs ready: if it did, the NOTIFY that tells
    /// every node goes out with the commit, and this node's workers wake at once.
    pub(crate) async fn commit_ready(
        &self,
        mut tx: Transaction<'static, Postgres>,
        ready: bool,
    ) -> Result<()> {
        if ready {
            self.notify_jobs(&mut tx).await?;
        }
        self.commit(tx, ready).await
    }

    /// Announces new work to every node, delivered when the surrounding transaction commits.
    pub(crate) async fn notify_jobs(&self, conn: &mut PgConnection) -> Result<()> {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(&self.inner.channel)
            .execute(conn)
            .await
            .map_err(db)?;
        Ok(())
    }

    pub(crate) fn event_signal_ref(&self) -> &EventSignal {
        &self.inner.events
    }

    pub(crate) fn wake_local(&self) {
        listener::wake(&self.inner.wake);
    }
}

/// Parses the URL and pins the schema through the connection's startup options, so that every
/// pooled connection (including reconnects) works in it.
fn connect_options(config: &PgConfig) -> Result<PgConnectOptions> {
    let mut options: PgConnectOptions = config
        .url
        .parse()
        .map_err(|e| StoreError::msg(format!("invalid PostgreSQL URL: {e}")))?;
    options = options.application_name(&application_name(config.schema.as_deref()));
    if let Some(schema) = config.schema.as_deref() {
        migrate::check_schema_name(schema)?;
        options = options.options([("search_path", schema)]);
    }
    Ok(options)
}

/// The form of a name that uniqueness compares: lower-cased by Rust's full Unicode rules (the
/// SQLite backend does the same), since PostgreSQL's `lower()` differs in places, e.g. it does
/// not produce a Greek final sigma, so `ΟΔΟΣ` and `οδος` would both be accepted.
pub(crate) fn name_key(name: &switchboard_domain::Name) -> String {
    name.as_str().to_lowercase()
}

/// Names the connections after their schema, so an operator (or a test cleaning up its schema)
/// can tell in `pg_stat_activity` which installation a backend serves.
pub(crate) fn application_name(schema: Option<&str>) -> String {
    match schema {
        Some(s) => format!("switchboard:{s}"),
        None => "switchboard".to_owned(),
    }
}

#[async_trait::async_trait]
impl Store for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> Result<()> {
        // A standby in recovery serves reads but refuses writes: not ready for this service.
        let in_recovery: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
            .fetch_one(self.pool())
            .await
            .map_err(db)?;
        if in_recovery {
            return Err(StoreError::msg("database is a read-only standby"));
        }
        Ok(())
    }

    async fn close(&self) {
        self.inner.shutdown.send_replace(true);
        let task = self
            .inner
            .listener
            .lock()
            .map(|mut guard| guard.take())
            .unwrap_or_default();
        if let Some(task) = task {
            // The task ends promptly once told to; a join error only means it panicked, which has
            // already been reported by the runtime.
            let _ = task.await;
        }
        self.inner.pool.close().await;
        // Workers waiting for jobs should notice the shutdown rather than sleep out their timeout.
        self.wake_local();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password() {
        let config = PgConfig {
            url: "postgres://app:hunter2@db.example:5432/switchboard?sslmode=require".into(),
            schema: None,
            max_connections: None,
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("postgres://app:***@db.example:5432/switchboard"),
            "{shown}"
        );
        assert_eq!(
            redact_password("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
    }
}
