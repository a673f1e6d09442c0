//! Two nodes ("a" and "b": two job runners, each with its own dispatcher, limiter and view of the
//! sender leases) sharing one PostgreSQL database: a sender's messages are all sent exactly once,
//! every one by the node holding the sender's lease; when that node crashes the other takes the
//! sender over once the lease runs out, and a node that stops gracefully releases its leases.
//! PostgreSQL only: SQLite serves one process.

mod dispatch_support;
mod outbound_support;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use dispatch_support::{Recording, Sent, channel_at_rate, settled};
use outbound_support::{Sandbox, send_text};
use parking_lot::Mutex;
use switchboard_domain::{ChannelId, MessageId, OrgId};
use switchboard_jobs::{Runner, RunnerConfig};
use switchboard_test_support::{Backend, TestApp};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const CUSTOMER: &str = "447700900123";
/// Long enough that a loaded machine's pauses do not let the lease lapse under a busy owner.
const SENDER_LEASE: Duration = Duration::from_secs(6);

struct Node {
    stop: CancellationToken,
    task: JoinHandle<()>,
}

/// Starts node `name` working in the background, recording its sends in `log`.
fn start(app: &TestApp, name: &str, log: &Arc<Mutex<Vec<Sent>>>) -> Node {
    let config = RunnerConfig {
        worker_id: name.to_owned(),
        // Small batches, so both nodes take part in a burst.
        concurrency: 4,
        batch_size: 2,
        poll_interval: Duration::from_millis(50),
        ..RunnerConfig::default()
    };
    let recording = Recording {
        inner: app.core.dispatcher().with_sender_lease(SENDER_LEASE),
        store: app.store.clone(),
        log: log.clone(),
    };
    let runner = Runner::new(app.store.clone(), config).register(recording);
    let stop = CancellationToken::new();
    let token = stop.clone();
    let task = tokio::spawn(async move { runner.run(token).await });
    Node { stop, task }
}

async fn send_burst(app: &TestApp, channel: uuid::Uuid, n: usize, label: &str) -> Vec<MessageId> {
    let mut ids = Vec::new();
    for i in 0..n {
        let res = send_text(app, channel, CUSTOMER, &format!("{label} {i}")).await;
        let id = res.assert_status(202)["messageId"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("message id");
        ids.push(MessageId(id));
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_senders_messages_go_out_once_through_its_lease_owner_and_move_when_it_stops() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let ch = channel_at_rate(&app, 50).await;
    let sb = Sandbox::of(&app).await;
    sb.customer_writes(&ch.phone_number_id, CUSTOMER, "Hello")
        .await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let a = start(&app, "node-a", &log);
    let b = start(&app, "node-b", &log);

    let first = send_burst(&app, ch.id, 20, "first").await;
    let sent = settled(&app, &first, Duration::from_secs(60)).await;
    assert!(
        sent.iter().all(|m| m.provider_message_id.is_some()),
        "{sent:?}"
    );
    let phase_one: Vec<Sent> = log.lock().clone();
    assert_eq!(phase_one.len(), 20, "each sent once: {phase_one:?}");
    // Every send came from the node holding the sender's lease at the time. (A job deferred to
    // its slot may be claimed by the other node, which puts it back; if the owner's lease ran out
    // meanwhile, the sender moves, and only then does the other node send.)
    for s in &phase_one {
        assert_eq!(
            s.lease_owner.as_deref(),
            Some(s.node.as_str()),
            "{phase_one:?}"
        );
    }
    let owner = app
        .store
        .sender_lease(OrgId(app.org.id), ChannelId(ch.id))
        .await
        .expect("lease")
        .expect("held")
        .owner;
    assert_eq!(
        phase_one.last().map(|s| s.node.clone()),
        Some(owner.clone()),
        "the last send was the owner's"
    );

    // The owner crashes (its lease is neither renewed nor released); the other takes over once
    // the lease has run out.
    let (crashing, staying) = if owner == "node-a" { (a, b) } else { (b, a) };
    crashing.task.abort();
    assert!(crashing.task.await.is_err_and(|e| e.is_cancelled()));
    let held = app
        .store
        .sender_lease(OrgId(app.org.id), ChannelId(ch.id))
        .await
        .expect("lease");
    assert_eq!(
        held.map(|l| l.owner),
        Some(owner.clone()),
        "a crash releases nothing"
    );
    let second = send_burst(&app, ch.id, 10, "second").await;
    let sent = settled(&app, &second, Duration::from_secs(60)).await;
    assert!(
        sent.iter().all(|m| m.provider_message_id.is_some()),
        "{sent:?}"
    );
    let phase_two: Vec<Sent> = log.lock()[20..].to_vec();
    assert_eq!(phase_two.len(), 10, "each sent once: {phase_two:?}");
    for s in &phase_two {
        assert_ne!(s.node, owner, "the stopped node sent nothing more: {s:?}");
        assert_eq!(s.lease_owner.as_deref(), Some(s.node.as_str()), "{s:?}");
    }
    let lease = app
        .store
        .sender_lease(OrgId(app.org.id), ChannelId(ch.id))
        .await
        .expect("lease")
        .expect("held");
    assert_ne!(lease.owner, owner, "the lease moved");

    let outbox = sb.outbox(&ch.phone_number_id).await;
    let callbacks: HashSet<String> = outbox
        .iter()
        .filter_map(|o| {
            o["body"]["biz_opaque_callback_data"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(outbox.len(), 30, "nothing sent twice");
    let expected: HashSet<String> = first
        .iter()
        .chain(&second)
        .map(ToString::to_string)
        .collect();
    assert_eq!(callbacks, expected);

    // A node that stops gracefully gives its senders up at once.
    staying.stop.cancel();
    staying.task.await.expect("other node stopped");
    assert_eq!(
        app.store
            .sender_lease(OrgId(app.org.id), ChannelId(ch.id))
            .await
            .expect("lease"),
        None,
        "released on shutdown"
    );
}
