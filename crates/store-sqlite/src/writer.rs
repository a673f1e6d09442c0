//! The writer thread: the only connection that writes, doing group commit. Callers send units of
//! work over a channel and await a oneshot; the thread takes one unit, drains whatever else has
//! queued (up to [`MAX_BATCH`]), runs them all in ONE `BEGIN IMMEDIATE` transaction with each unit
//! inside its own SAVEPOINT (so a failing unit rolls back alone), commits once, and only then
//! answers every caller. Many concurrent writers thus share one fsync.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::{Receiver, Sender};
use rusqlite::Connection;
use switchboard_store::{EventSignal, Result, StoreError};
use tokio::sync::{Notify, oneshot};

use crate::error::DbResult;
use crate::events;

/// Enough to amortize an fsync over a burst of webhooks, small enough that the first caller of a
/// batch does not wait long behind the last.
const MAX_BATCH: usize = 512;

/// One caller's work as the writer sees it.
trait Unit: Send {
    /// Runs the work inside its own savepoint and keeps the result for [`Unit::answer`].
    fn run(&mut self, conn: &Connection);
    /// Whether the unit succeeded and made jobs ready (wake the workers after the commit).
    fn wakes(&self) -> bool;
    /// Answers the caller: its own result if the batch committed, else the batch's failure.
    fn answer(self: Box<Self>, batch: Result<(), &StoreError>);
}

struct Pending<T, F> {
    work: Option<F>,
    outcome: Option<Result<T>>,
    wake: bool,
    reply: oneshot::Sender<Result<T>>,
}

impl<T, F> Unit for Pending<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T> + Send,
{
    fn run(&mut self, conn: &Connection) {
        if let Some(work) = self.work.take() {
            self.outcome = Some(in_savepoint(conn, work));
        }
    }

    fn wakes(&self) -> bool {
        self.wake && matches!(self.outcome, Some(Ok(_)))
    }

    fn answer(self: Box<Self>, batch: Result<(), &StoreError>) {
        let answer = match (batch, self.outcome) {
            (Ok(()), Some(outcome)) => outcome,
            (Ok(()), None) => Err(StoreError::msg("unit of work was never run")),
            (Err(e), _) => Err(echo(e)),
        };
        // The caller may have gone away (its future dropped); the work is done regardless.
        let _ = self.reply.send(answer);
    }
}

/// Runs `work` so that its failure undoes only its own changes.
fn in_savepoint<T>(conn: &Connection, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    exec(conn, "SAVEPOINT unit")?;
    let mark = events::written_mark();
    // A panicking unit must not take the writer (and every other caller) down with it.
    let result = catch_unwind(AssertUnwindSafe(|| work(conn)))
        .unwrap_or_else(|_| Err(StoreError::msg("unit of work panicked")));
    let failure = match result {
        Ok(value) => match exec(conn, "RELEASE unit") {
            Ok(()) => return Ok(value),
            Err(e) => e,
        },
        Err(e) => e,
    };
    // Undo this unit only; the other units of the batch keep their changes.
    events::forget_written_since(mark);
    exec(conn, "ROLLBACK TO unit").and_then(|()| exec(conn, "RELEASE unit"))?;
    Err(failure)
}

fn exec(conn: &Connection, sql: &str) -> Result<()> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute([]))
        .db()?;
    Ok(())
}

/// A batch failure, repeated to each caller of the batch (`StoreError` is not `Clone`).
fn echo(e: &StoreError) -> StoreError {
    match e {
        StoreError::Busy => StoreError::Busy,
        other => StoreError::msg(format!("batch not committed: {other}")),
    }
}

enum Msg {
    Unit(Box<dyn Unit>),
    Stop(oneshot::Sender<()>),
}

/// The handle callers use; cloning the store shares it.
pub(crate) struct Writer {
    tx: Sender<Msg>,
    /// Test hook: panic after running the next batch's units, before its COMMIT.
    fail_next_commit: Arc<AtomicBool>,
}

impl Writer {
    /// Starts the thread that owns `conn` (already configured and migrated).
    /// Its event signal is raised, after each commit, for the organizations whose events the
    /// batch wrote.
    pub(crate) fn spawn(
        conn: Connection,
        notify: Arc<Notify>,
        signal: Arc<EventSignal>,
    ) -> Result<Self> {
        let (tx, rx) = crossbeam_channel::unbounded();
        let fail_next_commit = Arc::new(AtomicBool::new(false));
        let fail = fail_next_commit.clone();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx, notify, signal, fail))
            .map_err(StoreError::other)?;
        Ok(Self {
            tx,
            fail_next_commit,
        })
    }

    /// Runs `work` in the next batch; answers after the batch committed. `wake` marks work that
    /// makes jobs ready, so the workers are woken once it is durable.
    pub(crate) async fn run<T, F>(&self, wake: bool, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let unit = Pending {
            work: Some(work),
            outcome: None,
            wake,
            reply,
        };
        self.tx
            .send(Msg::Unit(Box::new(unit)))
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Asks the thread to finish what is queued and exit; resolves once it has.
    pub(crate) async fn stop(&self) {
        let (done, finished) = oneshot::channel();
        if self.tx.send(Msg::Stop(done)).is_ok() {
            let _ = finished.await;
        }
    }

    pub(crate) fn fail_next_commit_by_panicking(&self) {
        self.fail_next_commit.store(true, Ordering::SeqCst);
    }
}

fn stopped() -> StoreError {
    StoreError::msg("the SQLite writer has stopped")
}

fn writer_loop(
    conn: Connection,
    rx: Receiver<Msg>,
    notify: Arc<Notify>,
    signal: Arc<EventSignal>,
    fail: Arc<AtomicBool>,
) {
    events::track_written();
    let mut stops = Vec::new();
    loop {
        // Once asked to stop, drain without blocking and leave when the queue is empty.
        let first = if stops.is_empty() {
            rx.recv().ok()
        } else {
            rx.try_recv().ok()
        };
        let Some(first) = first else { break };
        let mut batch = Vec::new();
        let mut next = Some(first);
        while let Some(msg) = next {
            match msg {
                Msg::Unit(u) => batch.push(u),
                Msg::Stop(done) => stops.push(done),
            }
            next = if batch.len() < MAX_BATCH {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        let woke = !batch.is_empty() && run_batch(&conn, batch, &signal, &fail);
        if woke {
            // Wake every worker waiting now, and leave a permit so that a worker about to wait
            // (it has just found the queue empty) returns at once instead of sleeping through its
            // poll interval: without it, work enqueued in that gap waits a whole interval.
            notify.notify_waiters();
            notify.notify_one();
        }
    }
    drop(conn);
    for done in stops {
        let _ = done.send(());
    }
}

/// Runs one batch in one transaction; returns whether it committed work that wakes workers.
/// Once committed, the streams of the organizations whose events it wrote are woken; a failed
/// batch's organizations are forgotten, not announced with the next batch.
fn run_batch(
    conn: &Connection,
    mut units: Vec<Box<dyn Unit>>,
    signal: &EventSignal,
    fail: &AtomicBool,
) -> bool {
    let written = |committed: bool| {
        for org in events::take_written() {
            if committed {
                signal.raise(org);
            }
        }
    };
    if let Err(e) = exec(conn, "BEGIN IMMEDIATE") {
        tracing::warn!(error = %e, units = units.len(), "SQLite BEGIN failed");
        answer_all(units, Err(&e));
        return false;
    }
    for unit in &mut units {
        unit.run(conn);
        // Some errors (disk full, I/O) make SQLite roll the whole transaction back; the earlier
        // units' changes are gone with it, so nobody in this batch may be told "done".
        if conn.is_autocommit() {
            written(false);
            tracing::error!("SQLite rolled a batch back by itself");
            answer_all(
                units,
                Err(&StoreError::msg("transaction aborted by SQLite")),
            );
            return false;
        }
    }
    if fail.swap(false, Ordering::SeqCst) {
        panic!("test hook: the SQLite writer dies before COMMIT");
    }
    match exec(conn, "COMMIT") {
        Ok(()) => {
            written(true);
            let wake = units.iter().any(|u| u.wakes());
            answer_all(units, Ok(()));
            wake
        }
        Err(e) => {
            written(false);
            tracing::error!(error = %e, units = units.len(), "SQLite COMMIT failed");
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            answer_all(units, Err(&e));
            false
        }
    }
}

fn answer_all(units: Vec<Box<dyn Unit>>, batch: Result<(), &StoreError>) {
    for unit in units {
        unit.answer(batch);
    }
}

#[cfg(test)]
mod tests;
