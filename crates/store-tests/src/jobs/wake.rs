//! Wake-ups: `wait_for_jobs` returns once work may be there (an enqueue, a change's job, on this
//! or another node) or at its timeout, and not over and over when nothing happened.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::future::BoxFuture;
use switchboard_store::{Effects, NewJob, Store};

use super::claim;
use crate::fixtures::{job, new_org, secs, tag, team};

/// A few early returns are legitimate ("jobs *may* have become available": e.g. PostgreSQL wakes
/// workers when its listener (re)connects, since it may have missed a NOTIFY). A waiter that
/// keeps returning with nothing enqueued is not waiting at all.
const MAX_SPURIOUS_WAKES: u32 = 10;

/// Asserts that a waiter in `wait_for_jobs` (with an hour's timeout) on `s` wakes because of
/// `trigger` run repeatedly from another task (possibly on another node), and then finds a job of
/// `kind` to claim.
pub async fn assert_wakes(
    s: Arc<dyn Store>,
    kind: &'static str,
    trigger: Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>,
) {
    let triggered = Arc::new(AtomicBool::new(false));
    let waiter = {
        let (s, triggered) = (s.clone(), triggered.clone());
        tokio::spawn(async move {
            let mut spurious = 0;
            loop {
                s.wait_for_jobs(secs(3600)).await;
                if !triggered.load(Ordering::SeqCst) {
                    spurious += 1;
                    assert!(
                        spurious <= MAX_SPURIOUS_WAKES,
                        "wait_for_jobs keeps returning although nothing was enqueued"
                    );
                    continue;
                }
                let found = claim(&*s, "waiter", &[kind], 100, switchboard_domain::now()).await;
                if !found.is_empty() {
                    return;
                }
            }
        })
    };
    // Give a waiter that would return on its own the chance to do so before anything happens.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let enqueuer = {
        let triggered = triggered.clone();
        tokio::spawn(async move {
            // Repeat: a wake-up sent before the waiter registered may be lost, which the contract
            // allows; a later one must arrive.
            loop {
                triggered.store(true, Ordering::SeqCst);
                trigger().await;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    let outcome = tokio::time::timeout(secs(20), waiter).await;
    enqueuer.abort();
    outcome
        .expect("wait_for_jobs(1 h) did not wake within 20 s of repeated enqueues")
        .expect("the woken waiter claims the job");
}

pub async fn wait_for_jobs_wakes_on_enqueue(s: Arc<dyn Store>) {
    let s2 = s.clone();
    let trigger = Arc::new(move || -> BoxFuture<'static, ()> {
        let s = s2.clone();
        Box::pin(async move {
            s.enqueue(&[job("wake.enqueue")]).await.expect("enqueue");
        })
    });
    assert_wakes(s, "wake.enqueue", trigger).await;
}

pub async fn wait_for_jobs_wakes_on_effects_job(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let s2 = s.clone();
    let trigger = Arc::new(move || -> BoxFuture<'static, ()> {
        let s = s2.clone();
        Box::pin(async move {
            let j = NewJob::new(Some(o.id), "wake.effects", serde_json::json!({}));
            let t = team(o.id, &format!("Team {}", tag()));
            s.create_team(&t, &Effects::none().with_job(j))
                .await
                .expect("create team");
        })
    });
    assert_wakes(s, "wake.effects", trigger).await;
}

pub async fn wait_for_jobs_returns_after_its_timeout(s: Arc<dyn Store>) {
    // Nothing is enqueued: only the timeout can end the wait.
    let waited = tokio::time::timeout(secs(20), s.wait_for_jobs(Duration::from_millis(200))).await;
    assert!(
        waited.is_ok(),
        "wait_for_jobs(200 ms) was still waiting after 20 s"
    );
}

pub async fn wait_for_jobs_right_after_an_enqueue_returns_at_once(s: Arc<dyn Store>) {
    // A worker that found the queue empty and is about to wait must not sleep through work that
    // was committed in between: the wake-up is kept until the next wait.
    s.enqueue(&[job("wake.gap")]).await.expect("enqueue");
    let waited = tokio::time::timeout(secs(20), s.wait_for_jobs(secs(3600))).await;
    assert!(
        waited.is_ok(),
        "wait_for_jobs slept through a job enqueued just before it began"
    );
    let claimed = claim(&*s, "w", &["wake.gap"], 10, switchboard_domain::now()).await;
    assert_eq!(claimed.len(), 1, "the job is there to claim");
}
