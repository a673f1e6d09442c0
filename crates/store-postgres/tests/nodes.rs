//! Several nodes on one database: concurrent start-up migrations, and job wake-ups that cross
//! nodes through NOTIFY and survive the listener losing its connection.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::Connection;
use switchboard_store::{JobStore, NewJob, Store};
use switchboard_store_postgres::{PgStore, testing};

async fn admin() -> sqlx::PgConnection {
    sqlx::PgConnection::connect(&testing::database_url())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_starting_together_migrate_once() {
    // Probe reachability the usual way (skips when PostgreSQL is absent).
    let Some((probe, _probe_schema)) = testing::fresh_store().await else {
        return;
    };
    probe.close().await;

    let schema = testing::new_schema();
    let nodes = (0..4).map(|_| {
        let config = schema.config();
        tokio::spawn(async move { PgStore::connect(config).await })
    });
    let mut stores = Vec::new();
    for node in nodes {
        stores.push(node.await.unwrap().expect("a node failed to start"));
    }
    let recorded: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM \"{}\".schema_migrations",
        schema.name()
    ))
    .fetch_one(&mut admin().await)
    .await
    .unwrap();
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .is_ok_and(|f| f.path().extension().is_some_and(|e| e == "sql"))
        })
        .count();
    assert_eq!(
        recorded as usize, migrations,
        "each migration is recorded exactly once"
    );
    for s in stores {
        s.close().await;
    }
}

/// Waits on `waiter` with a long timeout while `enqueuer` enqueues repeatedly; asserts that the
/// waiter woke, and only after the first enqueue.
async fn assert_cross_node_wake(waiter: &PgStore, enqueuer: &PgStore, kind: &'static str) {
    let triggered = Arc::new(AtomicBool::new(false));
    let wait = {
        let (waiter, triggered) = (waiter.clone(), triggered.clone());
        tokio::spawn(async move {
            waiter.wait_for_jobs(Duration::from_secs(3600)).await;
            triggered.load(Ordering::SeqCst)
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pump = {
        let (enqueuer, triggered) = (enqueuer.clone(), triggered.clone());
        tokio::spawn(async move {
            // A NOTIFY sent before the waiter registered is lost by design; a later one arrives.
            loop {
                triggered.store(true, Ordering::SeqCst);
                let job = NewJob::new(None, kind, serde_json::json!({}));
                enqueuer.enqueue(&[job]).await.unwrap();
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    let woke = tokio::time::timeout(Duration::from_secs(20), wait).await;
    pump.abort();
    let after_trigger = woke
        .expect("the other node's enqueue never woke this node")
        .unwrap();
    assert!(after_trigger, "woke before anything was enqueued");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enqueue_on_one_node_wakes_another_even_after_the_listener_reconnects() {
    let Some((a, schema)) = testing::fresh_store().await else {
        return;
    };
    let b = PgStore::connect(schema.config()).await.unwrap();
    assert_cross_node_wake(&a, &b, "wake.cross").await;

    // Kill every LISTEN connection of this schema: the listeners must come back by themselves.
    let app = format!("switchboard:{}", schema.name());
    let listeners = "SELECT pid FROM pg_stat_activity
                     WHERE application_name = $1 AND query LIKE 'LISTEN%'";
    let killed: Vec<i32> = sqlx::query_scalar(listeners)
        .bind(&app)
        .fetch_all(&mut admin().await)
        .await
        .unwrap();
    assert_eq!(killed.len(), 2, "one listener per node");
    sqlx::query("SELECT pg_terminate_backend(pid) FROM unnest($1::int4[]) AS pid")
        .bind(&killed)
        .execute(&mut admin().await)
        .await
        .unwrap();
    // Wait until both nodes listen again on new connections. The reconnection itself wakes
    // waiters (NOTIFYs may have been missed meanwhile): let that happen and drain it, so that the
    // next wake-up can only come from a NOTIFY.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let now_listening: Vec<i32> = sqlx::query_scalar(listeners)
            .bind(&app)
            .fetch_all(&mut admin().await)
            .await
            .unwrap();
        if now_listening.iter().filter(|p| !killed.contains(p)).count() == 2 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the listeners did not come back within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.wait_for_jobs(Duration::from_millis(100)).await;
    a.wait_for_jobs(Duration::from_millis(100)).await;
    assert_cross_node_wake(&a, &b, "wake.after_reconnect").await;

    b.close().await;
    a.close().await;
}
