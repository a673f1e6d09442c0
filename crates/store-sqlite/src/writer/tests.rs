//! Writer tests: batch neighbours of a failing unit keep their work, a batch that dies before
//! COMMIT acknowledges nothing, and stopping drains the queue first.

use std::sync::mpsc;

use super::*;

fn writer() -> (tempfile::TempDir, Writer) {
    let dir = tempfile::tempdir().unwrap();
    let conn = Connection::open(dir.path().join("w.db")).unwrap();
    conn.execute_batch("CREATE TABLE t (v INTEGER PRIMARY KEY)")
        .unwrap();
    (
        dir,
        Writer::spawn(conn, Arc::new(Notify::new()), Arc::default()).unwrap(),
    )
}

fn insert(v: i64) -> impl FnOnce(&Connection) -> Result<i64> + Send + 'static {
    move |conn| {
        conn.execute("INSERT INTO t (v) VALUES (?1)", [v]).db()?;
        Ok(v)
    }
}

/// Holds the writer inside a unit until the test has queued the units of the next batch,
/// so that they are drained into one transaction.
async fn hold_writer(w: &Arc<Writer>) -> (mpsc::Sender<()>, tokio::task::JoinHandle<()>) {
    let (started_tx, started) = tokio::sync::oneshot::channel();
    let (release, released) = mpsc::channel::<()>();
    let held = {
        let w = w.clone();
        tokio::spawn(async move {
            w.run(false, move |_| {
                let _ = started_tx.send(());
                let _ = released.recv();
                Ok(())
            })
            .await
            .unwrap();
        })
    };
    started.await.unwrap();
    (release, held)
}

async fn wait_queued(w: &Writer, n: usize) {
    while w.tx.len() < n {
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_failing_unit_does_not_spoil_its_batch() {
    let (_dir, w) = writer();
    let w = Arc::new(w);
    w.run(false, insert(1)).await.unwrap();
    let (release, held) = hold_writer(&w).await;
    let mut calls = Vec::new();
    // 2 and 4 succeed; the second 1 breaks the primary key; the panicking unit is contained.
    for v in [2, 1, 4] {
        let w = w.clone();
        calls.push(tokio::spawn(async move { w.run(false, insert(v)).await }));
    }
    let boom = {
        let w = w.clone();
        tokio::spawn(async move {
            w.run(false, |conn: &Connection| -> Result<()> {
                conn.execute("INSERT INTO t (v) VALUES (99)", []).db()?;
                panic!("unit bug")
            })
            .await
        })
    };
    wait_queued(&w, 4).await;
    release.send(()).unwrap();
    held.await.unwrap();

    let results: Vec<_> = futures_results(calls).await;
    assert_eq!(results[0].as_ref().ok(), Some(&2));
    assert!(matches!(
        results[1],
        Err(StoreError::Conflict { what: "id", .. })
    ));
    assert_eq!(results[2].as_ref().ok(), Some(&4));
    assert!(boom.await.unwrap().is_err());

    let rows = w
        .run(false, |conn| {
            conn.prepare("SELECT v FROM t ORDER BY v")
                .and_then(|mut s| {
                    s.query_map([], |r| r.get::<_, i64>(0))?
                        .collect::<rusqlite::Result<Vec<_>>>()
                })
                .db()
        })
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![1, 2, 4],
        "only the failed units' rows are missing"
    );
}

async fn futures_results(calls: Vec<tokio::task::JoinHandle<Result<i64>>>) -> Vec<Result<i64>> {
    let mut out = Vec::new();
    for c in calls {
        out.push(c.await.unwrap());
    }
    out
}

#[tokio::test]
async fn stop_drains_the_queue_then_refuses_work() {
    let (_dir, w) = writer();
    let w = Arc::new(w);
    let (release, held) = hold_writer(&w).await;
    let queued = {
        let w = w.clone();
        tokio::spawn(async move { w.run(false, insert(7)).await })
    };
    wait_queued(&w, 1).await;
    let stopping = {
        let w = w.clone();
        tokio::spawn(async move { w.stop().await })
    };
    wait_queued(&w, 2).await;
    release.send(()).unwrap();
    held.await.unwrap();
    stopping.await.unwrap();
    assert_eq!(
        queued.await.unwrap().unwrap(),
        7,
        "work queued before stop is done"
    );
    assert!(w.run(false, insert(8)).await.is_err());
}

#[tokio::test]
async fn a_batch_that_dies_before_commit_acknowledges_nothing() {
    let (dir, w) = writer();
    let w = Arc::new(w);
    w.run(false, insert(1)).await.unwrap();
    let (release, held) = hold_writer(&w).await;
    let mut calls = Vec::new();
    for v in [10, 11, 12] {
        let w = w.clone();
        let fail = w.fail_next_commit.clone();
        calls.push(tokio::spawn(async move {
            // Armed from inside the batch, so it is this batch (not the holder's) that dies.
            w.run(false, move |conn| {
                fail.store(true, Ordering::SeqCst);
                insert(v)(conn)
            })
            .await
        }));
    }
    wait_queued(&w, 3).await;
    release.send(()).unwrap();
    held.await.unwrap();
    for result in futures_results(calls).await {
        assert!(
            result.is_err(),
            "acknowledged {result:?} from a batch that never committed"
        );
    }
    assert!(
        w.run(false, insert(13)).await.is_err(),
        "the dead writer still answers"
    );

    let conn = Connection::open(dir.path().join("w.db")).unwrap();
    let rows: Vec<i64> = conn
        .prepare("SELECT v FROM t ORDER BY v")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(rows, vec![1]);
}
