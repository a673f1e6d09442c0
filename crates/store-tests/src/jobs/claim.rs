//! Claims (due time, kinds, priority, limit, the lease they take), outcomes, release and redrive.

use std::sync::Arc;

use switchboard_domain::{JobId, Timestamp};
use switchboard_store::{Job, JobOutcome, JobState, NewJob, Store};

use super::claim;
use crate::fixtures::{job, plus_secs};

fn ids(jobs: &[Job]) -> Vec<JobId> {
    jobs.iter().map(|j| j.id).collect()
}

fn at(kind: &str, priority: i16, run_at: Timestamp) -> NewJob {
    NewJob {
        priority,
        ..job(kind)
    }
    .at(run_at)
}

pub async fn claim_respects_run_at_kinds_priority_and_limit(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let a = at("a", 0, plus_secs(t, -3));
    let b = at("a", 5, plus_secs(t, -1));
    let c = at("a", 0, plus_secs(t, -5));
    let d = at("b", 10, plus_secs(t, -1));
    let e = at("a", 100, plus_secs(t, 60));
    s.enqueue(&[a.clone(), b.clone(), c.clone(), d.clone(), e.clone()])
        .await
        .expect("enqueue");

    let first = claim(&*s, "w1", &["a"], 1, t).await;
    assert_eq!(
        ids(&first),
        vec![b.id],
        "highest priority among due jobs of the kind"
    );
    let j = &first[0];
    assert_eq!(j.state, JobState::Running);
    assert_eq!(j.attempts, 1);
    assert_eq!(j.lease_owner.as_deref(), Some("w1"));
    assert_eq!(
        j.lease_until,
        Some(plus_secs(t, 30)),
        "lease = now + lease length"
    );
    assert_eq!(
        &s.get_job(b.id).await.expect("get"),
        j,
        "claim returns the stored row"
    );

    assert_eq!(
        ids(&claim(&*s, "w1", &["a"], 1, t).await),
        vec![c.id],
        "then the earlier run_at"
    );
    assert_eq!(ids(&claim(&*s, "w1", &["a"], 1, t).await), vec![a.id]);
    assert!(
        claim(&*s, "w1", &["a"], 5, t).await.is_empty(),
        "e is not due, d is another kind"
    );
    assert_eq!(
        ids(&claim(&*s, "w1", &["nope", "b"], 5, t).await),
        vec![d.id],
        "any of the kinds"
    );
    // Finish them, or their leases would run out and they would be claimable again below.
    let done: Vec<_> = [a.id, b.id, c.id, d.id]
        .map(|id| (id, JobOutcome::Done))
        .to_vec();
    assert_eq!(s.finish("w1", &done, t).await.expect("finish"), 4);
    assert!(
        claim(&*s, "w1", &[], 5, plus_secs(t, 59)).await.is_empty(),
        "e still not due"
    );
    assert_eq!(
        ids(&claim(&*s, "w1", &[], 5, plus_secs(t, 60)).await),
        vec![e.id],
        "due at run_at"
    );

    // The limit caps a batch; no kinds means any kind.
    let many: Vec<NewJob> = (0..10)
        .map(|i| at(if i % 2 == 0 { "p" } else { "q" }, 0, t))
        .collect();
    s.enqueue(&many).await.expect("enqueue many");
    let batch = claim(&*s, "w2", &[], 4, t).await;
    assert_eq!(batch.len(), 4);
    let rest = claim(&*s, "w2", &[], 100, t).await;
    assert_eq!(rest.len(), 6);
    let mut all = ids(&batch);
    all.extend(ids(&rest));
    all.sort();
    let mut expected = ids_of(&many);
    expected.sort();
    assert_eq!(all, expected, "every job exactly once");
}

fn ids_of(jobs: &[NewJob]) -> Vec<JobId> {
    jobs.iter().map(|j| j.id).collect()
}

pub async fn finish_applies_done_retry_dead(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let (d, r, x, keep) = (at("f", 0, t), at("f", 0, t), at("f", 0, t), at("f", 0, t));
    s.enqueue(&[d.clone(), r.clone(), x.clone(), keep.clone()])
        .await
        .expect("enqueue");
    assert_eq!(claim(&*s, "w1", &["f"], 10, t).await.len(), 4);

    let later = plus_secs(t, 60);
    let outcomes = [
        (d.id, JobOutcome::Done),
        (
            r.id,
            JobOutcome::Retry {
                run_at: later,
                error: "503 from provider".into(),
            },
        ),
        (
            x.id,
            JobOutcome::Dead {
                error: "400 invalid number".into(),
            },
        ),
    ];
    assert_eq!(
        s.finish("w2", &outcomes, t)
            .await
            .expect("finish by stranger"),
        0,
        "not w2's jobs"
    );
    assert_eq!(
        s.get_job(d.id).await.expect("get").state,
        JobState::Running,
        "stranger changed nothing"
    );
    assert_eq!(
        s.finish("w1", &outcomes, plus_secs(t, 1))
            .await
            .expect("finish"),
        3
    );

    assert_eq!(s.get_job(d.id).await.expect("get d").state, JobState::Done);
    let rj = s.get_job(r.id).await.expect("get r");
    assert_eq!(
        (rj.state, rj.run_at, rj.attempts, rj.last_error.as_deref()),
        (JobState::Ready, later, 1, Some("503 from provider")),
        "retry: ready again at run_at, the attempt counted, the error kept"
    );
    let xj = s.get_job(x.id).await.expect("get x");
    assert_eq!(
        (xj.state, xj.last_error.as_deref()),
        (JobState::Dead, Some("400 invalid number"))
    );
    assert_eq!(
        s.get_job(keep.id).await.expect("get keep").state,
        JobState::Running,
        "not in the batch"
    );

    assert_eq!(
        s.finish("w1", &[(d.id, JobOutcome::Done)], plus_secs(t, 2))
            .await
            .expect("finish again"),
        0,
        "a finished job is no longer leased"
    );
    let kept = [(keep.id, JobOutcome::Done)];
    assert_eq!(
        s.finish("w1", &kept, plus_secs(t, 2))
            .await
            .expect("finish keep"),
        1
    );
    assert!(
        claim(&*s, "w1", &["f"], 10, plus_secs(t, 29))
            .await
            .is_empty(),
        "retry not due yet"
    );
    let again = claim(&*s, "w1", &["f"], 10, later).await;
    assert_eq!(
        ids(&again),
        vec![r.id],
        "retry due at run_at; done and dead never come back"
    );
    assert_eq!(again[0].attempts, 2);
}

pub async fn release_hands_back_without_counting(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let j = at("rel", 0, t);
    let other = at("rel", 0, t);
    s.enqueue(&[j.clone(), other.clone()])
        .await
        .expect("enqueue");
    assert_eq!(claim(&*s, "w1", &["rel"], 10, t).await.len(), 2);

    assert_eq!(
        s.release("w2", &[j.id], t)
            .await
            .expect("release by stranger"),
        0
    );
    assert_eq!(
        s.release("w1", &[j.id], plus_secs(t, 1))
            .await
            .expect("release"),
        1
    );
    let got = s.get_job(j.id).await.expect("get");
    assert_eq!(
        (got.state, got.attempts),
        (JobState::Ready, 0),
        "ready, attempt not counted"
    );
    assert_eq!(
        s.get_job(other.id).await.expect("other").state,
        JobState::Running,
        "only the released one"
    );

    let again = claim(&*s, "w3", &["rel"], 10, plus_secs(t, 1)).await;
    assert_eq!(ids(&again), vec![j.id], "claimable again at once");
    assert_eq!(again[0].attempts, 1);
    assert_eq!(
        s.release("w1", &[j.id], plus_secs(t, 2))
            .await
            .expect("stale release"),
        0,
        "w1 lost it"
    );
}

/// Jobs deferred to a later slot wait at a higher priority; the due jobs below them must still be
/// claimed, in order, and an expired lease is taken before either.
pub async fn claim_passes_over_future_jobs_of_higher_priority(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let deferred: Vec<NewJob> = (0..300).map(|i| at("a", 1, plus_secs(t, 60 + i))).collect();
    s.enqueue(&deferred).await.expect("enqueue deferred");
    let late = at("a", 0, plus_secs(t, -1));
    let early = at("a", 0, plus_secs(t, -2));
    let urgent = at("a", 1, plus_secs(t, -1));
    let crashed = at("a", -5, plus_secs(t, -100));
    s.enqueue(&[late.clone(), early.clone(), urgent.clone(), crashed.clone()])
        .await
        .expect("enqueue due");
    // A worker takes the lowest-priority job and dies with it.
    let before = plus_secs(t, -40);
    let taken = claim(&*s, "dead", &["a"], 4, before).await;
    assert_eq!(ids(&taken), vec![crashed.id], "only it was due back then");

    let got = claim(&*s, "w", &["a"], 10, t).await;
    assert_eq!(
        ids(&got),
        vec![crashed.id, urgent.id, early.id, late.id],
        "the expired lease, then due jobs by priority and due time; none of the deferred"
    );
    assert!(got.iter().all(|j| j.lease_owner.as_deref() == Some("w")));
    assert_eq!(got[0].attempts, 2, "the expired claim counts an attempt");
    assert!(claim(&*s, "w", &["a"], 10, t).await.is_empty());
    let done: Vec<_> = got.iter().map(|j| (j.id, JobOutcome::Done)).collect();
    assert_eq!(s.finish("w", &done, t).await.expect("finish"), 4);
    let due_later = claim(&*s, "w", &["a"], 10, plus_secs(t, 61)).await;
    assert_eq!(ids(&due_later), vec![deferred[0].id, deferred[1].id]);
}
