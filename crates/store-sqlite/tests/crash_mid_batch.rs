//! "Kill the writer mid-batch": the writer thread panics after running a batch's units but before
//! its COMMIT. No caller of that batch may be told "done", none of their rows may exist after a
//! reopen, everything acknowledged earlier must, and later calls must fail promptly, not hang.

mod common;

use std::time::Duration;

use common::{org, temp_store};
use switchboard_store::{Effects, OrgStore, Store, StoreError};
use switchboard_store_sqlite::SqliteStore;

/// Generous: a hang is what this guards against, not slowness.
const PROMPTLY: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_caller_of_a_crashed_batch_is_acknowledged() {
    let (_dir, config, store) = temp_store().await;
    let mut before = Vec::new();
    for i in 0..20 {
        let o = org(&format!("before {i}"));
        store.create_org(&o, &Effects::none()).await.unwrap();
        before.push(o);
    }

    store.fail_next_commit_by_panicking();
    let mut calls = Vec::new();
    let mut doomed = Vec::new();
    for i in 0..50 {
        let o = org(&format!("doomed {i}"));
        doomed.push(o.clone());
        let store = store.clone();
        calls.push(tokio::spawn(async move {
            store.create_org(&o, &Effects::none()).await
        }));
    }
    for call in calls {
        let result = tokio::time::timeout(PROMPTLY, call).await.unwrap().unwrap();
        assert!(
            result.is_err(),
            "a write of the crashed batch was acknowledged"
        );
    }

    // The writer is gone: writes fail at once instead of hanging; reads still work.
    let late = tokio::time::timeout(PROMPTLY, store.create_org(&org("late"), &Effects::none()))
        .await
        .expect("a write after the writer died hung");
    assert!(late.is_err());
    assert!(
        tokio::time::timeout(PROMPTLY, store.ping())
            .await
            .unwrap()
            .is_err()
    );
    drop(store);

    let reopened = SqliteStore::open(config).await.unwrap();
    for o in &before {
        assert_eq!(reopened.get_org(o.id).await.unwrap(), *o);
    }
    for o in &doomed {
        assert!(
            matches!(reopened.get_org(o.id).await, Err(StoreError::NotFound)),
            "{} was written although its caller got an error",
            o.name
        );
    }
    // And the database is healthy: the same names can be taken now.
    reopened
        .create_org(&org("doomed 0"), &Effects::none())
        .await
        .unwrap();
}
