//! The runner against a real (SQLite) store: handlers run, failures retry with backoff and die
//! after the attempt budget, deferrals wait without spending it, new work wakes a waiting runner,
//! and shutdown hands leases back and tells the handlers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use switchboard_jobs::{Backoff, JobError, JobHandler, Runner, RunnerConfig};
use switchboard_store::{Job, JobState, NewJob, Store};
use switchboard_store_sqlite::{SqliteConfig, SqliteStore};
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

async fn store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(SqliteConfig::new(dir.path().join("t.db")))
        .await
        .unwrap();
    (Arc::new(s), dir)
}

fn config() -> RunnerConfig {
    RunnerConfig {
        // No waiting between attempts, so retries happen inside one `run_pending`.
        backoff: Backoff {
            base: Duration::ZERO,
            max: Duration::ZERO,
            jitter: 0.0,
        },
        shutdown_grace: Duration::from_millis(200),
        poll_interval: Duration::from_secs(30),
        ..RunnerConfig::default()
    }
}

/// Fails `fail_first` times (retryable), then succeeds; reports every payload it finishes.
struct Flaky {
    kind: &'static str,
    fail_first: u32,
    calls: AtomicU32,
    permanent: bool,
    done: mpsc::UnboundedSender<serde_json::Value>,
}

#[async_trait::async_trait]
impl JobHandler for Flaky {
    fn kind(&self) -> &'static str {
        self.kind
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if n < self.fail_first {
            return Err(if self.permanent {
                JobError::permanent("refused")
            } else {
                JobError::retry("flaky")
            });
        }
        let _ = self.done.send(job.payload.clone());
        Ok(())
    }
}

fn flaky(
    kind: &'static str,
    fail_first: u32,
    permanent: bool,
) -> (Flaky, mpsc::UnboundedReceiver<serde_json::Value>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (
        Flaky {
            kind,
            fail_first,
            calls: AtomicU32::new(0),
            permanent,
            done: tx,
        },
        rx,
    )
}

fn job(kind: &str, n: u32) -> NewJob {
    NewJob::new(None, kind, serde_json::json!({ "n": n }))
}

#[tokio::test]
async fn runs_every_due_job_once() {
    let (s, _dir) = store().await;
    let (h, mut rx) = flaky("echo", 0, false);
    let ids: Vec<_> = s
        .enqueue(&[job("echo", 1), job("echo", 2), job("echo", 3)])
        .await
        .unwrap();
    let runner = Runner::new(s.clone(), config()).register(h);
    assert_eq!(runner.run_pending().await.unwrap(), 3);
    assert_eq!(runner.run_pending().await.unwrap(), 0, "nothing runs twice");
    let mut seen = Vec::new();
    while let Ok(v) = rx.try_recv() {
        seen.push(v["n"].as_u64().unwrap());
    }
    seen.sort();
    assert_eq!(seen, [1, 2, 3]);
    for id in ids {
        assert_eq!(s.get_job(id.id()).await.unwrap().state, JobState::Done);
    }
}

#[tokio::test]
async fn retries_until_success() {
    let (s, _dir) = store().await;
    let (h, _rx) = flaky("flaky", 2, false);
    let id = s.enqueue(&[job("flaky", 1)]).await.unwrap()[0].id();
    let runner = Runner::new(s.clone(), config()).register(h);
    runner.run_pending().await.unwrap();
    let j = s.get_job(id).await.unwrap();
    assert_eq!((j.state, j.attempts), (JobState::Done, 3));
}

#[tokio::test]
async fn dies_after_its_attempt_budget_and_can_be_redriven() {
    let (s, _dir) = store().await;
    let (h, _rx) = flaky("doomed", 3, false);
    let mut j = job("doomed", 1);
    j.max_attempts = 2;
    let id = s.enqueue(&[j]).await.unwrap()[0].id();
    let runner = Runner::new(s.clone(), config()).register(h);
    runner.run_pending().await.unwrap();
    let dead = s.get_job(id).await.unwrap();
    assert_eq!((dead.state, dead.attempts), (JobState::Dead, 2));
    assert!(
        dead.last_error
            .unwrap_or_default()
            .contains("gave up after 2 attempts")
    );

    // Redriven with a fresh budget, the third call fails and the fourth succeeds.
    let now = switchboard_domain::now();
    assert_eq!(s.redrive(&Default::default(), &[id], now).await.unwrap(), 1);
    runner.run_pending().await.unwrap();
    assert_eq!(s.get_job(id).await.unwrap().state, JobState::Done);
}

#[tokio::test]
async fn a_permanent_error_is_dead_at_once() {
    let (s, _dir) = store().await;
    let (h, _rx) = flaky("bad", 1, true);
    let id = s.enqueue(&[job("bad", 1)]).await.unwrap()[0].id();
    Runner::new(s.clone(), config())
        .register(h)
        .run_pending()
        .await
        .unwrap();
    let j = s.get_job(id).await.unwrap();
    assert_eq!(
        (j.state, j.attempts, j.last_error.as_deref()),
        (JobState::Dead, 1, Some("refused"))
    );
}

#[tokio::test]
async fn leaves_other_kinds_alone() {
    let (s, _dir) = store().await;
    let (h, _rx) = flaky("mine", 0, false);
    let other = s.enqueue(&[job("theirs", 1)]).await.unwrap()[0].id();
    assert_eq!(
        Runner::new(s.clone(), config())
            .register(h)
            .run_pending()
            .await
            .unwrap(),
        0
    );
    assert_eq!(s.get_job(other).await.unwrap().state, JobState::Ready);
}

/// Defers (due at once) `defer_first` times, then succeeds.
struct Patient {
    defer_first: u32,
    calls: AtomicU32,
}

#[async_trait::async_trait]
impl JobHandler for Patient {
    fn kind(&self) -> &'static str {
        "patient"
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        // The store counts deferrals and gives their attempts back.
        assert_eq!((job.deferrals, job.attempts), (n, 1), "run {n}");
        if n < self.defer_first {
            return Err(JobError::defer(format!("not yet ({n})"), Duration::ZERO));
        }
        Ok(())
    }
}

#[tokio::test]
async fn deferrals_never_spend_the_attempt_budget() {
    let (s, _dir) = store().await;
    let mut j = job("patient", 1);
    j.max_attempts = 1;
    let id = s.enqueue(&[j]).await.unwrap()[0].id();
    let runner = Runner::new(s.clone(), config()).register(Patient {
        defer_first: 5,
        calls: AtomicU32::new(0),
    });
    assert_eq!(runner.run_pending().await.unwrap(), 6);
    let j = s.get_job(id).await.unwrap();
    assert_eq!((j.state, j.attempts, j.deferrals), (JobState::Done, 1, 5));
    assert_eq!(j.last_error.as_deref(), Some("not yet (4)"));
}

/// Signals when it starts, then waits until released (or forever); reports when its runner
/// stopped.
struct Blocking {
    started: mpsc::UnboundedSender<()>,
    release: Arc<Notify>,
    stopped: mpsc::UnboundedSender<String>,
}

#[async_trait::async_trait]
impl JobHandler for Blocking {
    fn kind(&self) -> &'static str {
        "block"
    }

    async fn run(&self, _job: &Job) -> Result<(), JobError> {
        let _ = self.started.send(());
        self.release.notified().await;
        Ok(())
    }

    async fn stopped(&self, worker: &str) {
        let _ = self.stopped.send(worker.to_owned());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_runner_wakes_for_new_work_and_hands_back_unfinished_jobs_on_shutdown() {
    let (s, _dir) = store().await;
    let (started_tx, mut started) = mpsc::unbounded_channel();
    let release = Arc::new(Notify::new());
    let (stopped_tx, mut stopped) = mpsc::unbounded_channel();
    let (h, mut done) = flaky("quick", 0, false);
    let runner = Runner::new(s.clone(), config())
        .register(Blocking {
            started: started_tx,
            release: release.clone(),
            stopped: stopped_tx,
        })
        .register(h);
    let worker = runner.worker_id().to_owned();
    let token = CancellationToken::new();
    let task = tokio::spawn({
        let token = token.clone();
        async move { runner.run(token).await }
    });

    // The runner is idle, waiting (poll interval 30 s): an enqueue must wake it.
    tokio::time::sleep(Duration::from_millis(100)).await;
    s.enqueue(&[job("quick", 7)]).await.unwrap();
    let got = tokio::time::timeout(Duration::from_secs(20), done.recv())
        .await
        .expect("woken by the enqueue");
    assert_eq!(got.unwrap()["n"], 7);

    let blocked = s.enqueue(&[job("block", 1)]).await.unwrap()[0].id();
    tokio::time::timeout(Duration::from_secs(20), started.recv())
        .await
        .expect("blocking job started");
    assert_eq!(s.get_job(blocked).await.unwrap().state, JobState::Running);

    token.cancel();
    task.await.unwrap();
    let j = s.get_job(blocked).await.unwrap();
    assert_eq!(j.state, JobState::Ready, "handed back, not left leased");
    assert_eq!(j.attempts, 0, "a handed-back attempt does not count");
    assert!(j.lease_owner.is_none());
    assert_eq!(
        stopped.try_recv().ok(),
        Some(worker),
        "handlers hear of the stop"
    );
}
