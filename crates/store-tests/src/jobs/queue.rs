//! Enqueue, dedup keys, jobs riding a change through `Effects`, listing and purging.

use std::sync::Arc;

use switchboard_domain::JobId;
use switchboard_store::{
    EnqueueOutcome, JobFilter, JobOutcome, JobState, NewJob, PageRequest, Store,
};

use super::{claim, fresh_job};
use crate::fixtures::{assert_not_found, job, new_org, plus_ms, plus_secs};

pub async fn enqueue_returns_ids_in_order_and_stores_fields(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let t = switchboard_domain::now();
    let a = NewJob {
        priority: -3,
        max_attempts: 5,
        payload: serde_json::json!({ "to": "+15550001", "body": "hé ✓", "n": [1, 2.5, null] }),
        ..NewJob::new(Some(o.id), "message.dispatch", serde_json::Value::Null)
    }
    .at(plus_secs(t, 90));
    let b = job("webhook.deliver").dedup("wh-1");
    let c = NewJob {
        priority: 7,
        ..job("maintenance.purge")
    };
    let out = s
        .enqueue(&[a.clone(), b.clone(), c.clone()])
        .await
        .expect("enqueue");
    assert_eq!(
        out,
        vec![
            EnqueueOutcome::Created(a.id),
            EnqueueOutcome::Created(b.id),
            EnqueueOutcome::Created(c.id)
        ]
    );
    for j in [&a, &b, &c] {
        let got = s.get_job(j.id).await.expect("get job");
        assert_eq!(got, fresh_job(j, &got), "fields of {}", j.kind);
    }
    assert_not_found(s.get_job(JobId::new()).await, "unknown job");
    assert!(s.enqueue(&[]).await.expect("enqueue nothing").is_empty());
}

pub async fn dedup_key_answers_the_first_id(s: Arc<dyn Store>) {
    let first = job("dedup.first").dedup("order-1");
    assert_eq!(
        s.enqueue(std::slice::from_ref(&first))
            .await
            .expect("enqueue"),
        vec![EnqueueOutcome::Created(first.id)]
    );
    let second = job("dedup.other").dedup("order-1");
    assert_eq!(
        s.enqueue(std::slice::from_ref(&second))
            .await
            .expect("enqueue dup"),
        vec![EnqueueOutcome::Duplicate(first.id)]
    );
    assert_not_found(
        s.get_job(second.id).await,
        "nothing written for the duplicate",
    );

    let (x, y, z) = (
        job("dedup.x"),
        job("dedup.y").dedup("order-1"),
        job("dedup.z").dedup("order-2"),
    );
    assert_eq!(
        s.enqueue(&[x.clone(), y.clone(), z.clone()])
            .await
            .expect("mixed batch"),
        vec![
            EnqueueOutcome::Created(x.id),
            EnqueueOutcome::Duplicate(first.id),
            EnqueueOutcome::Created(z.id)
        ],
        "one outcome per job, in order"
    );

    // The key holds in every state until the job is purged.
    let claimed = claim(&*s, "w1", &["dedup.first"], 10, switchboard_domain::now()).await;
    assert_eq!(
        claimed.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![first.id]
    );
    let done = s
        .finish(
            "w1",
            &[(first.id, JobOutcome::Done)],
            switchboard_domain::now(),
        )
        .await
        .expect("finish");
    assert_eq!(done, 1);
    let third = job("dedup.third").dedup("order-1");
    assert_eq!(
        s.enqueue(&[third]).await.expect("enqueue after done"),
        vec![EnqueueOutcome::Duplicate(first.id)],
        "a done job still holds its key"
    );
}

pub async fn dedup_key_within_one_batch(s: Arc<dyn Store>) {
    let a = job("batch.a").dedup("same");
    let b = job("batch.b").dedup("same");
    assert_eq!(
        s.enqueue(&[a.clone(), b.clone()]).await.expect("enqueue"),
        vec![
            EnqueueOutcome::Created(a.id),
            EnqueueOutcome::Duplicate(a.id)
        ],
        "the second job of a batch duplicates the first"
    );
    assert_not_found(s.get_job(b.id).await, "nothing written for the duplicate");
}

pub async fn list_jobs_filters_and_paging(s: Arc<dyn Store>) {
    let a = new_org(&*s).await;
    let b = new_org(&*s).await;
    let jobs = [
        NewJob::new(Some(a.id), "x", serde_json::json!(0)),
        NewJob::new(Some(a.id), "y", serde_json::json!(1)),
        NewJob::new(Some(b.id), "z", serde_json::json!(2)),
        NewJob::new(None, "x", serde_json::json!(3)),
        NewJob::new(Some(a.id), "x", serde_json::json!(4)),
    ];
    // One call each, in id order, so "newest first" is unambiguous.
    for j in &jobs {
        s.enqueue(std::slice::from_ref(j)).await.expect("enqueue");
    }
    let now = switchboard_domain::now();
    let dead = claim(&*s, "w", &["y"], 1, now).await;
    let n = s
        .finish(
            "w",
            &[(
                dead[0].id,
                JobOutcome::Dead {
                    error: "boom".into(),
                },
            )],
            now,
        )
        .await
        .expect("finish");
    assert_eq!(n, 1);
    assert_eq!(claim(&*s, "w", &["z"], 1, now).await.len(), 1, "j2 running");

    let ids = |v: &[usize]| v.iter().map(|i| jobs[*i].id).collect::<Vec<_>>();
    let list = |f: JobFilter| {
        let s = s.clone();
        async move {
            let p = s
                .list_jobs(&f, PageRequest::default())
                .await
                .expect("list jobs");
            p.items.iter().map(|j| j.id).collect::<Vec<_>>()
        }
    };
    let f = |org_id, state, kind: Option<&str>| JobFilter {
        org_id,
        state,
        kind: kind.map(str::to_owned),
    };
    assert_eq!(
        list(JobFilter::default()).await,
        ids(&[4, 3, 2, 1, 0]),
        "newest first"
    );
    assert_eq!(list(f(Some(a.id), None, None)).await, ids(&[4, 1, 0]));
    assert_eq!(list(f(Some(b.id), None, None)).await, ids(&[2]));
    assert_eq!(
        list(f(None, Some(JobState::Ready), None)).await,
        ids(&[4, 3, 0])
    );
    assert_eq!(list(f(None, Some(JobState::Dead), None)).await, ids(&[1]));
    assert_eq!(
        list(f(None, Some(JobState::Running), None)).await,
        ids(&[2])
    );
    assert_eq!(list(f(None, None, Some("x"))).await, ids(&[4, 3, 0]));
    assert_eq!(
        list(f(Some(a.id), Some(JobState::Ready), Some("x"))).await,
        ids(&[4, 0])
    );
    assert!(list(f(None, Some(JobState::Done), None)).await.is_empty());

    let all = JobFilter::default();
    let p1 = s.list_jobs(&all, PageRequest::first(2)).await.expect("p1");
    assert_eq!(
        p1.items.iter().map(|j| j.id).collect::<Vec<_>>(),
        ids(&[4, 3])
    );
    assert_eq!(p1.next, Some(jobs[3].id.0));
    let p2 = s
        .list_jobs(
            &all,
            PageRequest {
                after: p1.next,
                limit: 2,
            },
        )
        .await
        .expect("p2");
    assert_eq!(
        p2.items.iter().map(|j| j.id).collect::<Vec<_>>(),
        ids(&[2, 1])
    );
    let p3 = s
        .list_jobs(
            &all,
            PageRequest {
                after: p2.next,
                limit: 2,
            },
        )
        .await
        .expect("p3");
    assert_eq!(p3.items.iter().map(|j| j.id).collect::<Vec<_>>(), ids(&[0]));
    assert_eq!(p3.next, None);
    let dead_row = s
        .list_jobs(&f(None, Some(JobState::Dead), None), PageRequest::default())
        .await
        .expect("dead");
    assert_eq!(dead_row.items[0].last_error.as_deref(), Some("boom"));
}

pub async fn purge_done_jobs_frees_the_dedup_key(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let done = job("purge.done").dedup("once").at(t);
    let dead = job("purge.dead").dedup("dead-key").at(t);
    let ready = job("purge.ready").dedup("ready-key");
    s.enqueue(&[done.clone(), dead.clone(), ready.clone()])
        .await
        .expect("enqueue");
    let claimed = claim(&*s, "w", &["purge.done", "purge.dead"], 10, t).await;
    assert_eq!(claimed.len(), 2);
    let outcomes = [
        (done.id, JobOutcome::Done),
        (
            dead.id,
            JobOutcome::Dead {
                error: "gave up".into(),
            },
        ),
    ];
    let finished = plus_secs(t, 10);
    assert_eq!(s.finish("w", &outcomes, finished).await.expect("finish"), 2);

    // "Last updated" is the finish time the worker gave, and "before" is strict.
    assert_eq!(
        s.purge_done_jobs(finished)
            .await
            .expect("purge at the finish time"),
        0,
        "a job finished exactly at `before` stays"
    );
    assert_eq!(
        s.purge_done_jobs(plus_ms(finished, 1))
            .await
            .expect("purge"),
        1,
        "only the done job"
    );
    assert_not_found(s.get_job(done.id).await, "purged job");
    assert_eq!(
        s.get_job(dead.id).await.expect("dead stays").state,
        JobState::Dead
    );
    assert_eq!(
        s.get_job(ready.id).await.expect("ready stays").state,
        JobState::Ready
    );

    let again = job("purge.again").dedup("once");
    assert_eq!(
        s.enqueue(std::slice::from_ref(&again))
            .await
            .expect("enqueue"),
        vec![EnqueueOutcome::Created(again.id)]
    );
    let dup = job("purge.again").dedup("dead-key");
    assert_eq!(
        s.enqueue(&[dup]).await.expect("enqueue"),
        vec![EnqueueOutcome::Duplicate(dead.id)],
        "dead jobs keep their key"
    );
}

/// Payloads and provider errors come from outside and may hold any character, NUL included;
/// refusing them would leave an inbound event unqueued or a job that can never be finished.
pub async fn payloads_and_errors_with_nul_round_trip(s: Arc<dyn Store>) {
    let t = switchboard_domain::now();
    let payload = serde_json::json!({ "text": "before\u{0}after", "nested": ["\u{0}"] });
    let j = NewJob::new(None, "nul.payload", payload.clone()).at(t);
    s.enqueue(std::slice::from_ref(&j))
        .await
        .expect("enqueue a payload holding NUL");
    assert_eq!(s.get_job(j.id).await.expect("get").payload, payload);

    let claimed = claim(&*s, "w", &["nul.payload"], 1, t).await;
    assert_eq!(claimed.len(), 1);
    let error = "provider said \u{0}garbage".to_owned();
    let dead = JobOutcome::Dead {
        error: error.clone(),
    };
    let n = s
        .finish("w", &[(j.id, dead)], t)
        .await
        .expect("finish with an error holding NUL");
    assert_eq!(n, 1);
    let got = s.get_job(j.id).await.expect("get");
    assert_eq!((got.state, got.last_error), (JobState::Dead, Some(error)));
}
