//! Uniqueness rules under concurrent writers: one winner, precise conflicts for the others, and
//! a refused write never spoils the writes committed beside it (group commit's savepoints on
//! SQLite, concurrent transactions on PostgreSQL).

use std::sync::Arc;

use futures::future::join_all;
use switchboard_store::{
    Effects, IdempotencyBegin, IdempotencyKey, JobFilter, NewJob, Org, PageRequest, Store,
    StoreError, User,
};
use tokio::sync::Barrier;

use crate::fixtures::{assert_not_found, name, new_org, org, plus_secs, tag, team, user};

/// Runs `n` copies of `f(i)` at once (released together by a barrier) and returns their results.
async fn at_once<T, F, Fut>(n: usize, f: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(n));
    let tasks = (0..n).map(|i| {
        let (barrier, work) = (barrier.clone(), f(i));
        tokio::spawn(async move {
            barrier.wait().await;
            work.await
        })
    });
    join_all(tasks)
        .await
        .into_iter()
        .map(|r| r.expect("racing task"))
        .collect()
}

pub async fn concurrent_org_creates_one_name_one_winner(s: Arc<dyn Store>) {
    // Eight orgs want one name (in various cases), eight others have names of their own.
    let orgs: Vec<Org> = (0..16)
        .map(|i| Org {
            name: if i % 2 == 0 {
                name(if i % 4 == 0 { "Race Corp" } else { "RACE corp" })
            } else {
                name(&format!("Own Name {i} {}", tag()))
            },
            ..org()
        })
        .collect();
    let results = at_once(16, |i| {
        let (s, o) = (s.clone(), orgs[i].clone());
        async move { s.create_org(&o, &Effects::none()).await }
    })
    .await;

    let mut winners = 0;
    for (o, r) in orgs.iter().zip(&results) {
        match r {
            Ok(()) => {
                winners += usize::from(o.name.as_str().eq_ignore_ascii_case("race corp"));
                assert_eq!(&s.get_org(o.id).await.expect("a winner is stored"), o);
            }
            Err(StoreError::Conflict {
                what: "org_name", ..
            }) => {
                assert!(
                    o.name.as_str().eq_ignore_ascii_case("race corp"),
                    "{o:?} refused"
                );
                assert_not_found(s.get_org(o.id).await, "a refused org");
            }
            Err(e) => panic!("{o:?}: unexpected {e:?}"),
        }
    }
    assert_eq!(winners, 1, "exactly one org gets the contested name");
    let all = s
        .list_orgs(PageRequest::first(100))
        .await
        .expect("list orgs");
    assert_eq!(all.items.len(), 9, "eight own names and one winner");
}

pub async fn concurrent_user_creates_one_email_one_winner(s: Arc<dyn Store>) {
    let email = user().email;
    let users: Vec<User> = (0..12)
        .map(|_| User {
            email: email.clone(),
            ..user()
        })
        .collect();
    let results = at_once(12, |i| {
        let (s, u) = (s.clone(), users[i].clone());
        async move { s.create_user(&u, &Effects::none()).await }
    })
    .await;
    let winner = s.find_user_by_email(&email).await.expect("the winner");
    let mut ok = 0;
    for (u, r) in users.iter().zip(results) {
        match r {
            Ok(()) => {
                ok += 1;
                assert_eq!(u.id, winner.id, "the stored user is the one told Ok");
            }
            Err(StoreError::Conflict {
                what: "email",
                existing,
            }) => {
                assert_eq!(
                    existing,
                    Some(winner.id.to_string()),
                    "conflict names the winner"
                );
            }
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(ok, 1);
}

pub async fn concurrent_idempotent_begins_start_once(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let key = IdempotencyKey {
        org_id: o.id,
        principal: "key:1".to_owned(),
        key: tag(),
    };
    let t = switchboard_domain::now();
    let results = at_once(16, |_| {
        let (s, key) = (s.clone(), key.clone());
        async move {
            s.begin_idempotent(&key, b"same request", t, plus_secs(t, 60))
                .await
                .expect("begin")
        }
    })
    .await;
    let started = results
        .iter()
        .filter(|r| **r == IdempotencyBegin::Started)
        .count();
    assert_eq!(started, 1, "exactly one request runs: {results:?}");
    assert!(
        results
            .iter()
            .all(|r| matches!(r, IdempotencyBegin::Started | IdempotencyBegin::InProgress)),
        "the rest wait: {results:?}"
    );
}

pub async fn concurrent_changes_sharing_a_dedup_job_all_commit(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let kind = "race.effects";
    let results = at_once(8, |i| {
        let s = s.clone();
        async move {
            let t = team(o.id, &format!("Team {i}"));
            let j = NewJob::new(Some(o.id), kind, serde_json::json!({ "i": i })).dedup("shared");
            let r = s.create_team(&t, &Effects::none().with_job(j)).await;
            (t, r)
        }
    })
    .await;
    for (t, r) in &results {
        r.as_ref()
            .expect("a taken dedup key never fails the change");
        assert_eq!(&s.get_team(o.id, t.id).await.expect("team stored"), t);
    }
    let filter = JobFilter {
        kind: Some(kind.to_owned()),
        ..JobFilter::default()
    };
    let jobs = s
        .list_jobs(&filter, PageRequest::default())
        .await
        .expect("list jobs");
    assert_eq!(jobs.items.len(), 1, "one job for the shared key");
}
