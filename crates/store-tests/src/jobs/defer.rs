//! Deferral: a job put back for later without counting an attempt (a wait, not a failure).

use std::sync::Arc;

use switchboard_store::{JobOutcome, JobState, NewJob, Store};

use super::claim;
use crate::fixtures::{job, plus_secs};

pub async fn defer_gives_the_attempt_back_and_counts_itself(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let j = NewJob {
        max_attempts: 1,
        ..job("defer")
    }
    .at(t);
    let other = job("defer").at(t);
    s.enqueue(&[j.clone(), other.clone()])
        .await
        .expect("enqueue");
    assert_eq!(claim(&*s, "w1", &["defer"], 10, t).await.len(), 2);

    let later = plus_secs(t, 30);
    let deferral = |note: Option<&str>| {
        [(
            j.id,
            JobOutcome::Defer {
                run_at: later,
                note: note.map(str::to_owned),
            },
        )]
    };
    assert_eq!(
        s.finish("w2", &deferral(Some("busy")), t)
            .await
            .expect("defer by stranger"),
        0,
        "only the lease holder defers"
    );
    assert_eq!(
        s.finish("w1", &deferral(Some("sender busy")), plus_secs(t, 1))
            .await
            .expect("defer"),
        1
    );
    let got = s.get_job(j.id).await.expect("get");
    assert_eq!(
        (
            got.state,
            got.run_at,
            got.attempts,
            got.deferrals,
            got.last_error.as_deref(),
            got.lease_owner.as_deref()
        ),
        (JobState::Ready, later, 0, 1, Some("sender busy"), None),
        "ready at run_at, the attempt given back, the deferral counted, the reason noted"
    );
    assert_eq!(
        got.priority,
        j.priority + 1,
        "the first deferral lifts it one step"
    );
    assert_eq!(
        s.get_job(other.id).await.expect("other").state,
        JobState::Running,
        "only the deferred one"
    );
    s.finish("w1", &[(other.id, JobOutcome::Done)], plus_secs(t, 1))
        .await
        .expect("finish the other");
    assert!(
        claim(&*s, "w1", &["defer"], 10, plus_secs(t, 29))
            .await
            .is_empty(),
        "not due before run_at"
    );

    // Deferred again and again on its one-attempt budget, it still never dies; a deferral
    // without a note keeps the last one.
    for round in 1..=3u32 {
        let at = plus_secs(later, i64::from(round) * 60);
        let again = claim(&*s, "w1", &["defer"], 10, at).await;
        assert_eq!(again.len(), 1, "round {round}");
        assert_eq!((again[0].attempts, again[0].deferrals), (1, round));
        let outcome = [(
            j.id,
            JobOutcome::Defer {
                run_at: at,
                note: None,
            },
        )];
        assert_eq!(s.finish("w1", &outcome, at).await.expect("defer"), 1);
    }
    let got = s.get_job(j.id).await.expect("get");
    assert_eq!(
        (
            got.state,
            got.attempts,
            got.deferrals,
            got.last_error.as_deref()
        ),
        (JobState::Ready, 0, 4, Some("sender busy"))
    );
    assert_eq!(
        got.priority,
        j.priority + 1,
        "only the first deferral lifts it"
    );

    // The attempt budget is intact: a real failure still counts, a success finishes.
    let last = plus_secs(later, 600);
    let taken = claim(&*s, "w1", &["defer"], 10, last).await;
    assert_eq!(taken[0].attempts, 1, "its only attempt");
    s.finish("w1", &[(j.id, JobOutcome::Done)], last)
        .await
        .expect("done");
    let got = s.get_job(j.id).await.expect("get");
    assert_eq!(
        (got.state, got.attempts, got.deferrals),
        (JobState::Done, 1, 4)
    );
}

pub async fn redrive_starts_a_deferred_job_over(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let j = job("defer.dead").at(t);
    s.enqueue(std::slice::from_ref(&j)).await.expect("enqueue");
    claim(&*s, "w1", &["defer.dead"], 1, t).await;
    let defer = JobOutcome::Defer {
        run_at: t,
        note: Some("throttled".into()),
    };
    s.finish("w1", &[(j.id, defer)], t).await.expect("defer");
    claim(&*s, "w1", &["defer.dead"], 1, t).await;
    let dead = JobOutcome::Dead {
        error: "throttled for ever".into(),
    };
    s.finish("w1", &[(j.id, dead)], t).await.expect("dead");
    let got = s.get_job(j.id).await.expect("get");
    assert_eq!(
        (got.state, got.attempts, got.deferrals),
        (JobState::Dead, 1, 1)
    );

    assert_eq!(
        s.redrive(&Default::default(), &[j.id], t)
            .await
            .expect("redrive"),
        1
    );
    let got = s.get_job(j.id).await.expect("get");
    assert_eq!(
        (got.state, got.attempts, got.deferrals),
        (JobState::Ready, 0, 0),
        "a fresh budget: no attempts and no deferrals counted"
    );
}
