//! Group commit under a real crash: a child process (this same test binary, re-executed) runs
//! concurrent writers and prints each id only after its write was acknowledged; the parent
//! SIGKILLs it mid-stream, reopens the file and checks that every acknowledged write is there.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use switchboard_domain::{JobId, Name, OrgId};
use switchboard_store::{Effects, JobStore, NewJob, Org, OrgStore};
use switchboard_store_sqlite::{SqliteConfig, SqliteStore};

/// Set in the child's environment to the database path it must write to.
const CHILD_DB: &str = "SWITCHBOARD_SQLITE_CRASH_CHILD_DB";
/// Enough acknowledged writes to span many batches before the kill.
const ACKS_BEFORE_KILL: usize = 400;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill() {
    if let Ok(path) = std::env::var(CHILD_DB) {
        run_child(path).await;
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "acknowledged_writes_survive_sigkill",
            "--exact",
            "--nocapture",
        ])
        .env(CHILD_DB, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut orgs = Vec::new();
    let mut jobs = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(id) = line.strip_prefix("ACK org ") {
            orgs.push(id.parse::<OrgId>().unwrap());
        } else if let Some(id) = line.strip_prefix("ACK job ") {
            jobs.push(id.parse::<JobId>().unwrap());
        }
        if orgs.len() + jobs.len() >= ACKS_BEFORE_KILL {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        orgs.len() + jobs.len() >= ACKS_BEFORE_KILL,
        "the child stopped early"
    );

    let store = SqliteStore::open(SqliteConfig::new(&path)).await.unwrap();
    for id in &orgs {
        store
            .get_org(*id)
            .await
            .unwrap_or_else(|e| panic!("acknowledged org {id} lost: {e}"));
    }
    for id in &jobs {
        store
            .get_job(*id)
            .await
            .unwrap_or_else(|e| panic!("acknowledged job {id} lost: {e}"));
    }
}

/// Eight writers, forever (until killed): four create orgs, four enqueue jobs.
async fn run_child(path: String) {
    let store = SqliteStore::open(SqliteConfig::new(path)).await.unwrap();
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0.. {
                let line = if w % 2 == 0 {
                    let org = Org {
                        id: OrgId::new(),
                        name: Name::parse(&format!("org {w}-{i}")).unwrap(),
                        created_at: switchboard_domain::now(),
                        settings: Default::default(),
                    };
                    store.create_org(&org, &Effects::none()).await.unwrap();
                    format!("ACK org {}\n", org.id)
                } else {
                    let job = NewJob::new(None, "crash.test", serde_json::json!({ "i": i }));
                    store.enqueue(std::slice::from_ref(&job)).await.unwrap();
                    format!("ACK job {}\n", job.id)
                };
                // Printed only after the acknowledgement, flushed so the parent sees it at once.
                let mut out = std::io::stdout().lock();
                out.write_all(line.as_bytes()).unwrap();
                out.flush().unwrap();
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}
