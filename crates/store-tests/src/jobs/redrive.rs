//! Redrive: dead jobs back to ready with a fresh attempt budget, by ids or by filter.

use std::sync::Arc;

use switchboard_domain::{JobId, Timestamp};
use switchboard_store::{Job, JobFilter, JobOutcome, JobState, NewJob, Store};

use super::claim;
use crate::fixtures::{new_org, plus_secs};

fn ids(jobs: &[Job]) -> Vec<JobId> {
    jobs.iter().map(|j| j.id).collect()
}

/// Enqueues, claims and kills a job: a dead job to redrive.
async fn dead_job(s: &dyn Store, j: NewJob, t: Timestamp) -> NewJob {
    s.enqueue(std::slice::from_ref(&j)).await.expect("enqueue");
    let claimed = claim(s, "w", &[j.kind.as_str()], 1, t).await;
    assert_eq!(ids(&claimed), vec![j.id]);
    let n = s
        .finish(
            "w",
            &[(
                j.id,
                JobOutcome::Dead {
                    error: "gave up".into(),
                },
            )],
            t,
        )
        .await
        .expect("finish");
    assert_eq!(n, 1);
    j
}

pub async fn redrive_by_ids_and_by_filter(s: Arc<dyn Store>) {
    let a = new_org(&*s).await;
    let b = new_org(&*s).await;
    let t = switchboard_domain::now();
    let mk = |org, kind: &str| {
        NewJob {
            max_attempts: 3,
            ..NewJob::new(Some(org), kind, serde_json::json!({}))
        }
        .at(t)
    };
    let d1 = dead_job(&*s, mk(a.id, "rx1"), t).await;
    let d2 = dead_job(&*s, mk(a.id, "rx2"), t).await;
    let d3 = dead_job(&*s, mk(b.id, "ry3"), t).await;
    let d4 = dead_job(&*s, mk(a.id, "ry4"), t).await;
    let ready = mk(a.id, "rz");
    s.enqueue(std::slice::from_ref(&ready))
        .await
        .expect("enqueue ready");

    let none = JobFilter::default();
    let n = s
        .redrive(&none, &[d1.id, ready.id], plus_secs(t, 1))
        .await
        .expect("redrive ids");
    assert_eq!(n, 1, "only dead jobs are redriven");
    let j1 = s.get_job(d1.id).await.expect("d1");
    assert_eq!(j1.state, JobState::Ready);
    assert_eq!(j1.max_attempts - j1.attempts, 3, "a fresh attempt budget");
    assert_eq!(
        s.get_job(d2.id).await.expect("d2").state,
        JobState::Dead,
        "not named"
    );

    let by_org = JobFilter {
        org_id: Some(b.id),
        ..JobFilter::default()
    };
    assert_eq!(s.redrive(&by_org, &[], t).await.expect("by org"), 1);
    assert_eq!(s.get_job(d3.id).await.expect("d3").state, JobState::Ready);
    let by_kind = JobFilter {
        kind: Some("ry4".into()),
        ..JobFilter::default()
    };
    assert_eq!(s.redrive(&by_kind, &[], t).await.expect("by kind"), 1);
    assert_eq!(s.get_job(d4.id).await.expect("d4").state, JobState::Ready);
    assert_eq!(
        s.get_job(d2.id).await.expect("d2").state,
        JobState::Dead,
        "filters matched only theirs"
    );
    assert_eq!(
        s.redrive(&none, &[], t).await.expect("every dead job"),
        1,
        "d2 was the last"
    );
    assert_eq!(s.redrive(&none, &[], t).await.expect("nothing dead"), 0);

    let now = plus_secs(t, 2);
    let mut back = ids(&claim(&*s, "w", &["rx1", "rx2", "ry3", "ry4"], 10, now).await);
    back.sort();
    assert_eq!(
        back,
        vec![d1.id, d2.id, d3.id, d4.id],
        "redriven jobs are claimable"
    );
}
