//! The NOTIFY listener: one background task per store holds a `LISTEN` on the jobs channel and
//! wakes this node's workers whenever any node commits new work. It reconnects after errors (with
//! a pause) and ends when the store closes. Workers also poll, so a missed NOTIFY only delays work.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
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

pub(crate) fn spawn(
    options: PgConnectOptions,
    channel: String,
    wake_up: Arc<Notify>,
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
                ended = listen(&pool, &channel, &wake_up, reconnecting) => ended,
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
async fn listen(pool: &sqlx::PgPool, channel: &str, wake_up: &Notify, reconnecting: bool) -> bool {
    let mut listener = match PgListener::connect_with(pool).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "job listener cannot connect; retrying");
            return false;
        }
    };
    if let Err(e) = listener.listen(channel).await {
        tracing::warn!(error = %e, "job listener cannot LISTEN; retrying");
        return false;
    }
    // Anything announced while we were not listening is lost: let workers look for themselves.
    // Not on the first connection: nothing can have been missed before the store existed, and a
    // wake-up with no cause would only cost every worker a useless claim.
    if reconnecting {
        wake(wake_up);
    }
    loop {
        match listener.try_recv().await {
            Ok(Some(_)) => wake(wake_up),
            // The connection dropped and PgListener reconnects on the next call; notifications
            // sent meanwhile are gone, hence the wake-up.
            Ok(None) => wake(wake_up),
            Err(sqlx::Error::PoolClosed) => return true,
            Err(e) => {
                tracing::warn!(error = %e, "job listener lost its connection; reconnecting");
                return false;
            }
        }
    }
}
