//! The queue under concurrency: workers racing for jobs, enqueues racing for a dedup key, and
//! leases that run out.

use std::collections::HashSet;
use std::sync::Arc;

use switchboard_domain::JobId;
use switchboard_store::{ClaimRequest, EnqueueOutcome, JobOutcome, JobState, NewJob, Store};

use super::claim;
use crate::fixtures::{job, plus_secs, secs, tag};

const JOBS: usize = 500;
const WORKERS: usize = 8;

pub async fn concurrent_workers_never_claim_the_same_job(s: Arc<dyn Store>) {
    assert_claims_never_overlap(&[s]).await;
}

/// 500 jobs, 8 workers spread over `nodes` (stores on one database) claiming batches of 7 until
/// the queue is empty: every job is claimed exactly once.
pub async fn assert_claims_never_overlap(nodes: &[Arc<dyn Store>]) {
    let s = nodes[0].clone();
    let all: Vec<NewJob> = (0..JOBS).map(|_| job("race.claim")).collect();
    for chunk in all.chunks(100) {
        s.enqueue(chunk).await.expect("enqueue");
    }
    let mut tasks = Vec::new();
    for w in 0..WORKERS {
        let s = nodes[w % nodes.len()].clone();
        tasks.push(tokio::spawn(async move {
            let worker = format!("worker-{w}");
            let mut seen = Vec::new();
            loop {
                // A lease far longer than the test, so no claim can legitimately be repeated.
                let req = ClaimRequest {
                    worker: worker.clone(),
                    kinds: vec!["race.claim".to_owned()],
                    limit: 7,
                    lease: secs(3600),
                    now: switchboard_domain::now(),
                };
                let batch = s.claim(&req).await.expect("claim");
                if batch.is_empty() {
                    return seen;
                }
                assert!(batch.len() <= 7, "claim exceeded its limit");
                let outcomes: Vec<_> = batch.iter().map(|j| (j.id, JobOutcome::Done)).collect();
                let n = s
                    .finish(&worker, &outcomes, switchboard_domain::now())
                    .await
                    .expect("finish");
                assert_eq!(n as usize, batch.len(), "{worker} finishes what it claimed");
                seen.extend(batch.iter().map(|j| j.id));
            }
        }));
    }
    let mut seen: Vec<JobId> = Vec::new();
    for t in tasks {
        seen.extend(t.await.expect("worker task"));
    }
    // With SKIP LOCKED a worker may find nothing while others hold the rest; sweep what is left.
    seen.extend(
        claim(
            &*s,
            "sweeper",
            &["race.claim"],
            1000,
            switchboard_domain::now(),
        )
        .await
        .iter()
        .map(|j| j.id),
    );

    let unique: HashSet<JobId> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "some job was claimed twice");
    let expected: HashSet<JobId> = all.iter().map(|j| j.id).collect();
    assert_eq!(unique, expected, "every job claimed exactly once");
}

pub async fn dedup_key_holds_under_concurrent_enqueues(s: Arc<dyn Store>) {
    for round in 0..4 {
        let key = format!("race-{round}-{}", tag());
        let barrier = Arc::new(tokio::sync::Barrier::new(16));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (s, key, barrier) = (s.clone(), key.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                let j = job("race.dedup").dedup(key);
                barrier.wait().await;
                let out = s.enqueue(std::slice::from_ref(&j)).await.expect("enqueue");
                (j.id, out)
            }));
        }
        let mut created = Vec::new();
        let mut duplicates = Vec::new();
        for t in tasks {
            let (id, out) = t.await.expect("enqueue task");
            match out[..] {
                [EnqueueOutcome::Created(c)] => {
                    assert_eq!(c, id, "Created carries the job's own id");
                    created.push(c);
                }
                [EnqueueOutcome::Duplicate(d)] => duplicates.push(d),
                ref other => panic!("one outcome per job expected, got {other:?}"),
            }
        }
        assert_eq!(created.len(), 1, "round {round}: exactly one enqueue wins");
        assert!(
            duplicates.iter().all(|d| *d == created[0]),
            "duplicates name the winner"
        );
        let j = s.get_job(created[0]).await.expect("the winner exists");
        assert_eq!(j.dedup_key.as_deref(), Some(key.as_str()));
    }
}

pub async fn expired_lease_is_reclaimed(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let j = job("lease").at(t);
    s.enqueue(std::slice::from_ref(&j)).await.expect("enqueue");
    let first = claim(&*s, "w1", &["lease"], 10, t).await;
    assert_eq!(first.len(), 1);
    assert!(
        claim(&*s, "w2", &["lease"], 10, plus_secs(t, 10))
            .await
            .is_empty(),
        "lease still held"
    );

    let second = claim(&*s, "w2", &["lease"], 10, plus_secs(t, 31)).await;
    assert_eq!(second.len(), 1, "the lease ran out: claimable again");
    let got = &second[0];
    assert_eq!(got.id, j.id);
    assert_eq!(got.attempts, 2);
    assert_eq!(got.lease_owner.as_deref(), Some("w2"));
    assert_eq!(got.lease_until, Some(plus_secs(t, 61)));

    let stale = s
        .finish("w1", &[(j.id, JobOutcome::Done)], plus_secs(t, 32))
        .await
        .expect("finish w1");
    assert_eq!(stale, 0, "the first worker's finish is ignored");
    let still = s.get_job(j.id).await.expect("get");
    assert_eq!(
        (still.state, still.lease_owner.as_deref()),
        (JobState::Running, Some("w2"))
    );
    let dead = JobOutcome::Dead {
        error: "w2 says no".into(),
    };
    assert_eq!(
        s.finish("w2", &[(j.id, dead)], plus_secs(t, 33))
            .await
            .expect("finish w2"),
        1
    );
    let done = s.get_job(j.id).await.expect("get");
    assert_eq!(
        (done.state, done.last_error.as_deref()),
        (JobState::Dead, Some("w2 says no"))
    );
}

pub async fn expired_lease_goes_to_exactly_one_of_many_claimers(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let j = job("lease.race").at(t);
    s.enqueue(std::slice::from_ref(&j)).await.expect("enqueue");
    assert_eq!(claim(&*s, "w0", &["lease.race"], 1, t).await.len(), 1);

    let later = plus_secs(t, 31);
    let tasks = (0..8).map(|w| {
        let s = s.clone();
        tokio::spawn(
            async move { claim(&*s, &format!("w{}", w + 1), &["lease.race"], 5, later).await },
        )
    });
    let mut winners = Vec::new();
    for t in futures::future::join_all(tasks).await {
        winners.extend(t.expect("claimer task"));
    }
    assert_eq!(winners.len(), 1, "one claimer takes the expired lease");
    assert_eq!(winners[0].attempts, 2);
    let stored = s.get_job(j.id).await.expect("get");
    assert_eq!(
        stored.lease_owner, winners[0].lease_owner,
        "the stored owner is the winner"
    );
}

pub async fn finish_after_the_lease_ran_out_applies_while_nobody_took_it(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let j = job("lease.late").at(t);
    s.enqueue(std::slice::from_ref(&j)).await.expect("enqueue");
    assert_eq!(claim(&*s, "w1", &["lease.late"], 1, t).await.len(), 1);
    // Slow, but nobody else took the job: the outcome still belongs to w1.
    let n = s
        .finish("w1", &[(j.id, JobOutcome::Done)], plus_secs(t, 45))
        .await
        .expect("late finish");
    assert_eq!(n, 1);
    assert_eq!(s.get_job(j.id).await.expect("get").state, JobState::Done);
    assert!(
        claim(&*s, "w2", &["lease.late"], 1, plus_secs(t, 60))
            .await
            .is_empty(),
        "a done job is not reclaimed"
    );
}
