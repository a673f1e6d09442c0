//! The job queue on SQLite: claim order and leases, finishing only one's own jobs, release,
//! redrive, dedup keys (also inside a change's effects) and the in-process wake-up.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{org, temp_store};
use switchboard_domain::JobId;
use switchboard_store::*;

fn claim_req(worker: &str, limit: u32, now: switchboard_domain::Timestamp) -> ClaimRequest {
    ClaimRequest {
        worker: worker.into(),
        kinds: vec![],
        limit,
        lease: Duration::from_secs(30),
        now,
    }
}

#[tokio::test]
async fn claims_in_priority_order_and_never_twice() {
    let (_dir, _cfg, store) = temp_store().await;
    let now = switchboard_domain::now();
    let mut jobs = Vec::new();
    for i in 0..40 {
        let mut j = NewJob::new(None, "test.kind", serde_json::json!({ "i": i })).at(now);
        j.priority = (i % 3) as i16;
        jobs.push(j);
    }
    let future =
        NewJob::new(None, "test.kind", serde_json::json!({})).at(now + time::Duration::hours(1));
    jobs.push(future.clone());
    store.enqueue(&jobs).await.unwrap();

    let first = store.claim(&claim_req("w0", 5, now)).await.unwrap();
    assert_eq!(first.len(), 5);
    assert!(first.iter().all(|j| j.priority == 2 && j.attempts == 1));
    assert!(first.iter().all(|j| j.lease_owner.as_deref() == Some("w0")));

    // Eight workers claim concurrently: every due job exactly once, the future one never.
    let mut tasks = Vec::new();
    for w in 1..=8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .claim(&claim_req(&format!("w{w}"), 4, now))
                .await
                .unwrap()
        }));
    }
    let mut seen: HashSet<JobId> = first.iter().map(|j| j.id).collect();
    for t in tasks {
        for j in t.await.unwrap() {
            assert!(seen.insert(j.id), "{:?} claimed twice", j.id);
        }
    }
    assert_eq!(seen.len(), 37);
    assert!(!seen.contains(&future.id));
}

#[tokio::test]
async fn an_expired_lease_is_reclaimed_and_only_its_holder_finishes() {
    let (_dir, _cfg, store) = temp_store().await;
    let now = switchboard_domain::now();
    let job = NewJob::new(None, "k", serde_json::json!(null)).at(now);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    let a = store.claim(&claim_req("a", 10, now)).await.unwrap();
    assert_eq!(a.len(), 1);
    assert!(
        store
            .claim(&claim_req("b", 10, now))
            .await
            .unwrap()
            .is_empty()
    );

    let after_lease = now + time::Duration::seconds(31);
    let b = store.claim(&claim_req("b", 10, after_lease)).await.unwrap();
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].attempts, 2);

    // `a` lost its lease: its outcome is ignored.
    let applied = store
        .finish("a", &[(job.id, JobOutcome::Done)], after_lease)
        .await
        .unwrap();
    assert_eq!(applied, 0);
    let retry_at = after_lease + time::Duration::seconds(60);
    let outcome = JobOutcome::Retry {
        run_at: retry_at,
        error: "provider 503".into(),
    };
    assert_eq!(
        store
            .finish("b", &[(job.id, outcome)], after_lease)
            .await
            .unwrap(),
        1
    );
    let got = store.get_job(job.id).await.unwrap();
    assert_eq!(got.state, JobState::Ready);
    assert_eq!(got.run_at, retry_at);
    assert_eq!(got.last_error.as_deref(), Some("provider 503"));
    assert_eq!(got.lease_owner, None);
}

#[tokio::test]
async fn release_gives_the_attempt_back_and_redrive_revives_the_dead() {
    let (_dir, _cfg, store) = temp_store().await;
    let now = switchboard_domain::now();
    let job = NewJob::new(None, "k", serde_json::json!(1)).at(now);
    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
    store.claim(&claim_req("a", 1, now)).await.unwrap();
    assert_eq!(store.release("other", &[job.id], now).await.unwrap(), 0);
    assert_eq!(store.release("a", &[job.id], now).await.unwrap(), 1);
    let got = store.get_job(job.id).await.unwrap();
    assert_eq!((got.state, got.attempts), (JobState::Ready, 0));

    store.claim(&claim_req("a", 1, now)).await.unwrap();
    let dead = JobOutcome::Dead {
        error: "gave up".into(),
    };
    store.finish("a", &[(job.id, dead)], now).await.unwrap();
    let filter = JobFilter {
        state: Some(JobState::Dead),
        ..JobFilter::default()
    };
    assert_eq!(
        store
            .list_jobs(&filter, PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let later = now + time::Duration::seconds(1);
    assert_eq!(
        store
            .redrive(&JobFilter::default(), &[], later)
            .await
            .unwrap(),
        1
    );
    let got = store.get_job(job.id).await.unwrap();
    assert_eq!((got.state, got.attempts), (JobState::Ready, 0));
    assert_eq!(got.run_at, later);
    assert_eq!(
        got.last_error.as_deref(),
        Some("gave up"),
        "the last error is kept"
    );
    assert_eq!(
        store
            .redrive(&JobFilter::default(), &[job.id], later)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_dedup_key_holds_under_concurrent_enqueues_and_inside_effects() {
    let (_dir, _cfg, store) = temp_store().await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let job = NewJob::new(None, "k", serde_json::json!({})).dedup("once");
            store.enqueue(&[job]).await.unwrap()[0]
        }));
    }
    let mut created = Vec::new();
    let mut ids = HashSet::new();
    for t in tasks {
        let outcome = t.await.unwrap();
        ids.insert(outcome.id());
        if let EnqueueOutcome::Created(id) = outcome {
            created.push(id);
        }
    }
    assert_eq!(created.len(), 1);
    assert_eq!(
        ids.len(),
        1,
        "every duplicate names the job that holds the key"
    );

    // Inside a change: the change commits, the duplicate job is not written.
    let o = org("Acme");
    let dup = NewJob::new(Some(o.id), "k", serde_json::json!({})).dedup("once");
    store
        .create_org(&o, &Effects::none().with_job(dup.clone()))
        .await
        .unwrap();
    assert!(store.get_org(o.id).await.is_ok());
    assert!(matches!(
        store.get_job(dup.id).await,
        Err(StoreError::NotFound)
    ));

    // Purging the done job frees its key.
    let now = switchboard_domain::now();
    store.claim(&claim_req("w", 10, now)).await.unwrap();
    store
        .finish("w", &[(created[0], JobOutcome::Done)], now)
        .await
        .unwrap();
    let purged = store
        .purge_done_jobs(now + time::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(purged, 1);
    let again = NewJob::new(None, "k", serde_json::json!({})).dedup("once");
    assert_eq!(
        store.enqueue(std::slice::from_ref(&again)).await.unwrap(),
        vec![EnqueueOutcome::Created(again.id)]
    );
}

#[tokio::test]
async fn an_enqueue_wakes_a_waiting_worker() {
    let (_dir, _cfg, store) = temp_store().await;
    let waiter = {
        let store = store.clone();
        tokio::spawn(async move { store.wait_for_jobs(Duration::from_secs(600)).await })
    };
    // Keep enqueueing until the waiter has registered and been woken (no sleep-based guess).
    let mut woken = false;
    for _ in 0..1000 {
        store
            .enqueue(&[NewJob::new(None, "k", serde_json::json!({}))])
            .await
            .unwrap();
        if waiter.is_finished() {
            woken = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(woken, "the worker was never woken");
}
