//! The NOTIFY listener: one background task per store holds a `LISTEN` on the jobs channel and on
//! the events channel. A job notification wakes this node's workers whenever any node commits new
//! work; an event notification (its payload names the organization) wakes this node's live streams
//! of that organization. It reconnects after errors (with a pause) and ends when the store closes.
//! Workers and streams also poll, so a missed NOTIFY only delays them.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgNotification, PgPoolOptions};
use switchboard_domain::OrgId;
use switchboard_store::EventSignal;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

/// Pause between reconnection attempts: long enough not to hammer a database that is restarting,
/// short enough that workers (which poll meanwhile) soon get their fast wake-ups back.
const RECONNECT_PAUSE: Duration = Duration::from_secs(2);

/// The channel for a schema. Schema names are checked identifiers of at most 63 bytes, and so is
/// the result (PostgreSQL refuses longer channel names).
pub(crate) fn channel_name(schema: Option<&str>) -> String {
    let mut name = format!("switchboard_jobs_{}", schema.unwrap_or("public"));
    name.truncate(63);
    name
}

/// Wakes every worker waiting now, and leaves a permit so that a worker about to wait (it just
/// found the queue empty) returns at once instead of sleeping through its timeout.
pub(crate) fn wake(notify: &Notify) {
    notify.notify_waiters();
    notify.notify_one();
}

/// What the listener listens to and whom it wakes.
pub(crate) struct Listening {
    /// The jobs channel; its notifications wake `workers`.
    pub jobs: String,
    /// The events channel (as the server names it, see `events::EVENTS_CHANNEL_SQL`); its
    /// notifications raise `streams` for the organization they name.
    pub events: String,
    pub workers: Arc<Notify>,
    pub streams: Arc<EventSignal>,
}

impl Listening {
    fn on_notification(&self, n: &PgNotification) {
        if n.channel() != self.events {
            wake(&self.workers);
            return;
        }
        // `<org id> <newest event id>`; anything else (an older node's format) wakes everyone.
        let org = n
            .payload()
            .split(' ')
            .next()
            .and_then(|s| uuid::Uuid::parse_str(s).ok());
        match org {
            Some(org) => self.streams.raise(OrgId(org)),
            None => self.streams.raise_all(),
        }
    }

    /// Anything announced while the connection was down is lost: everyone looks for themselves.
    fn missed(&self) {
        wake(&self.workers);
        self.streams.raise_all();
    }
}

pub(crate) fn spawn(
    options: PgConnectOptions,
    listening: Listening,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        // A pool of one, used only so PgListener can reconnect by itself; it holds its connection
        // for as long as it listens, so it must not come out of the store's own pool.
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(options);
        let mut reconnecting = false;
        while !*stop.borrow() {
            let ended = tokio::select! {
                _ = stop.changed() => true,
                ended = listen(&pool, &listening, reconnecting) => ended,
            };
            reconnecting = true;
            if ended {
                break;
            }
            tokio::select! {
                _ = stop.changed() => break,
                () = tokio::time::sleep(RECONNECT_PAUSE) => {}
            }
        }
        pool.close().await;
    })
}

/// Listens until an error; returns true when the pool was closed (nothing left to do).
/// `reconnecting` says whether an earlier connection was lost, with any NOTIFY sent meanwhile.
async fn listen(pool: &sqlx::PgPool, to: &Listening, reconnecting: bool) -> bool {
    let mut listener = match PgListener::connect_with(pool).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "job listener cannot connect; retrying");
            return false;
        }
    };
    if let Err(e) = listener
        .listen_all([to.jobs.as_str(), to.events.as_str()])
        .await
    {
        tracing::warn!(error = %e, "job listener cannot LISTEN; retrying");
        return false;
    }
    // Not on the first connection: nothing can have been missed before the store existed, and a
    // wake-up with no cause would only cost every worker a useless claim.
    if reconnecting {
        to.missed();
    }
    loop {
        match listener.try_recv().await {
            Ok(Some(n)) => to.on_notification(&n),
            // The connection dropped and PgListener reconnects on the next call; notifications
            // sent meanwhile are gone.
            Ok(None) => to.missed(),
            Err(sqlx::Error::PoolClosed) => return true,
            Err(e) => {
                tracing::warn!(error = %e, "job listener lost its connection; reconnecting");
                return false;
            }
        }
    }
}
