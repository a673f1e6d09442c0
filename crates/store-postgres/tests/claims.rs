//! The PostgreSQL claim looks for ready and expired jobs separately (one index each) and merges
//! them: check that the merge keeps the contract's order across both kinds of candidate.

use std::time::Duration;

use switchboard_domain::now;
use switchboard_store::{ClaimRequest, JobStore, NewJob};
use switchboard_store_postgres::testing;

fn claim_request(worker: &str, limit: u32, lease: Duration) -> ClaimRequest {
    ClaimRequest {
        worker: worker.to_owned(),
        kinds: vec!["merge".to_owned()],
        limit,
        lease,
        now: now(),
    }
}

#[tokio::test]
async fn expired_and_ready_jobs_are_claimed_in_one_priority_order() {
    let Some((store, _schema)) = testing::fresh_store().await else {
        return;
    };
    let start = now();
    let mut urgent = NewJob::new(None, "merge", serde_json::json!({"n": "urgent"}));
    urgent.priority = 5;
    urgent.run_at = start - time::Duration::seconds(10);
    let mut routine = NewJob::new(None, "merge", serde_json::json!({"n": "routine"}));
    routine.run_at = start - time::Duration::seconds(20);
    store.enqueue(&[urgent.clone()]).await.unwrap();

    // A worker takes the urgent job with a lease that runs out at once (it "crashed").
    let taken = store
        .claim(&claim_request("crashed", 10, Duration::ZERO))
        .await
        .unwrap();
    assert_eq!(taken.len(), 1);
    store.enqueue(&[routine.clone()]).await.unwrap();

    // Now one expired job (priority 5) and one ready job (priority 0, due earlier) compete.
    let first = store
        .claim(&claim_request("w", 1, Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].id, urgent.id, "higher priority wins across kinds");
    assert_eq!(first[0].attempts, 2, "the expired attempt still counts");

    let second = store
        .claim(&claim_request("w", 10, Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(
        second.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![routine.id]
    );
    switchboard_store::Store::close(&store).await;
}
