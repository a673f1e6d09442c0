//! The conformance suite on PostgreSQL: each scenario gets a fresh schema with every migration
//! applied, dropped when the scenario ends. Skipped (with a line on stderr) when the server is
//! unreachable, unless `SWITCHBOARD_REQUIRE_POSTGRES=1`. Two more tests run two stores on one
//! schema, as two nodes would: only PostgreSQL serves several nodes.

use std::sync::Arc;

use futures::future::BoxFuture;
use switchboard_store::Store;
use switchboard_store_postgres::{PgStore, testing};
use switchboard_store_tests::fixtures::job;
use switchboard_store_tests::jobs::{assert_claims_never_overlap, assert_wakes};
use switchboard_store_tests::{Harness, conformance_suite};

async fn make() -> Option<Harness> {
    let (store, schema) = testing::fresh_store().await?;
    Some(Harness::new(Arc::new(store), schema))
}

conformance_suite!(make);

/// Two stores on one fresh schema, like two nodes of a cluster; the schema lives as long as the
/// returned guard.
async fn two_nodes() -> Option<(Arc<dyn Store>, Arc<dyn Store>, testing::TestSchema)> {
    let (first, schema) = testing::fresh_store().await?;
    let second = PgStore::connect(schema.config())
        .await
        .expect("second node on the same schema");
    Some((Arc::new(first), Arc::new(second), schema))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn another_nodes_enqueue_wakes_this_nodes_workers() {
    let Some((here, there, _schema)) = two_nodes().await else {
        return;
    };
    let trigger = Arc::new(move || -> BoxFuture<'static, ()> {
        let there = there.clone();
        Box::pin(async move {
            there
                .enqueue(&[job("wake.remote")])
                .await
                .expect("enqueue on the other node");
        })
    });
    assert_wakes(here.clone(), "wake.remote", trigger).await;
    here.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_on_two_nodes_never_claim_the_same_job() {
    let Some((one, two, _schema)) = two_nodes().await else {
        return;
    };
    assert_claims_never_overlap(&[one.clone(), two.clone()]).await;
    one.close().await;
    two.close().await;
}
