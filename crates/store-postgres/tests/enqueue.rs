//! Enqueue batches racing over the same dedup keys: every key is taken exactly once and no batch
//! fails, whatever order the keys come in (the inserts take their key locks in one global order,
//! so two batches cannot deadlock).

use std::collections::HashSet;
use std::sync::Arc;

use switchboard_store::{EnqueueOutcome, JobStore, NewJob};
use switchboard_store_postgres::testing;

fn batch(keys: impl Iterator<Item = usize>) -> Vec<NewJob> {
    keys.map(|k| {
        NewJob::new(None, "race.batch", serde_json::json!({ "k": k })).dedup(format!("key-{k}"))
    })
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_racing_over_keys_in_opposite_orders_all_commit() {
    let Some((store, _schema)) = testing::fresh_store().await else {
        return;
    };
    let store = Arc::new(store);
    for round in 0..10 {
        let offset = round * 100;
        let forward = batch(offset..offset + 100);
        let backward = batch((offset..offset + 100).rev());
        let tasks = [forward, backward].map(|jobs| {
            let store = store.clone();
            tokio::spawn(async move { store.enqueue(&jobs).await })
        });
        let mut created = HashSet::new();
        for task in tasks {
            let outcomes = task.await.unwrap().expect("a racing batch failed");
            assert_eq!(outcomes.len(), 100);
            for o in outcomes {
                if let EnqueueOutcome::Created(id) = o {
                    assert!(created.insert(id));
                }
            }
        }
        assert_eq!(
            created.len(),
            100,
            "each key taken exactly once (round {round})"
        );
    }
}
