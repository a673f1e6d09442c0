//! What the dispatcher keeps beyond messages and jobs: sender leases (one node owns a sender at a
//! time, taken over only once the lease ran out) and the purge of statuses still waiting for a
//! receipt.

use std::sync::Arc;
use std::time::Duration;

use switchboard_domain::{ChannelId, ChannelKind, MessageStatus, OrgId, Timestamp};
use switchboard_store::{SenderLease, Store};

use crate::fixtures::{batch, new_channel, new_org, outbound, plus_secs, send, status, wa_number};

const LEASE: Duration = Duration::from_secs(30);

async fn acquire(
    s: &dyn Store,
    org: OrgId,
    ch: ChannelId,
    node: &str,
    now: Timestamp,
) -> SenderLease {
    s.acquire_sender_lease(org, ch, node, LEASE, now)
        .await
        .expect("acquire sender lease")
}

fn lease(ch: ChannelId, owner: &str, until: Timestamp) -> SenderLease {
    SenderLease {
        channel_id: ch,
        owner: owner.to_owned(),
        lease_until: until,
    }
}

pub async fn sender_lease_is_renewed_by_its_owner_and_taken_over_once_run_out(s: Arc<dyn Store>) {
    let o = new_org(&*s).await.id;
    let t = switchboard_domain::now();
    let (ch, other) = (ChannelId::new(), ChannelId::new());
    assert_eq!(s.sender_lease(o, ch).await.expect("none yet"), None);

    let a = acquire(&*s, o, ch, "node-a", t).await;
    assert_eq!(a, lease(ch, "node-a", plus_secs(t, 30)), "free: taken");
    assert_eq!(s.sender_lease(o, ch).await.expect("read"), Some(a.clone()));
    assert_eq!(
        acquire(&*s, o, ch, "node-b", plus_secs(t, 10)).await,
        a,
        "held: the holder's lease answered, unchanged"
    );
    let renewed = acquire(&*s, o, ch, "node-a", plus_secs(t, 15)).await;
    assert_eq!(renewed, lease(ch, "node-a", plus_secs(t, 45)), "renewed");
    assert!(renewed.is_held_by("node-a") && !renewed.is_held_by("node-b"));
    assert_eq!(
        acquire(&*s, o, ch, "node-b", plus_secs(t, 44)).await.owner,
        "node-a",
        "not before it runs out"
    );
    assert_eq!(
        acquire(&*s, o, other, "node-b", plus_secs(t, 44)).await,
        lease(other, "node-b", plus_secs(t, 74)),
        "senders are independent"
    );
    let b = acquire(&*s, o, ch, "node-b", plus_secs(t, 45)).await;
    assert_eq!(
        b,
        lease(ch, "node-b", plus_secs(t, 75)),
        "run out: taken over"
    );
    assert_eq!(
        acquire(&*s, o, ch, "node-a", plus_secs(t, 50)).await,
        b,
        "the old owner cannot renew what it lost"
    );

    assert!(
        !s.release_sender_lease(o, ch, "node-a")
            .await
            .expect("release by non-owner"),
        "only the holder releases"
    );
    assert_eq!(s.sender_lease(o, ch).await.expect("read"), Some(b));
    assert!(
        s.release_sender_lease(o, ch, "node-b")
            .await
            .expect("release")
    );
    assert_eq!(s.sender_lease(o, ch).await.expect("released"), None);
    assert_eq!(
        acquire(&*s, o, ch, "node-a", plus_secs(t, 51)).await,
        lease(ch, "node-a", plus_secs(t, 81)),
        "released: anyone takes it at once"
    );
    assert_eq!(
        s.sender_lease(o, other)
            .await
            .expect("other")
            .map(|l| l.owner),
        Some("node-b".to_owned())
    );

    // Another organization's id names another sender: it sees and releases nothing of these.
    let x = new_org(&*s).await.id;
    assert_eq!(s.sender_lease(x, ch).await.expect("foreign read"), None);
    assert!(
        !s.release_sender_lease(x, ch, "node-a")
            .await
            .expect("foreign release")
    );
    assert_eq!(
        s.sender_lease(o, ch).await.expect("read").map(|l| l.owner),
        Some("node-a".to_owned()),
        "untouched"
    );
}

pub async fn concurrent_sender_lease_acquires_have_one_winner(s: Arc<dyn Store>) {
    let o = new_org(&*s).await.id;
    let t = switchboard_domain::now();
    for round in 0..5 {
        let ch = ChannelId::new();
        // Free the first rounds, run out (held by a node that is gone) the others.
        if round >= 3 {
            acquire(&*s, o, ch, "gone", plus_secs(t, -60)).await;
        }
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let s = s.clone();
                tokio::spawn(async move { acquire(&*s, o, ch, &format!("node-{i}"), t).await })
            })
            .collect();
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.expect("task"));
        }
        let winner = answers[0].clone();
        assert!(
            winner.owner.starts_with("node-"),
            "round {round}: {winner:?}"
        );
        assert!(
            answers.iter().all(|a| *a == winner),
            "round {round}: one winner, every node told the same: {answers:?}"
        );
        assert_eq!(s.sender_lease(o, ch).await.expect("read"), Some(winner));
    }
}

pub async fn purge_pending_statuses_deletes_only_those_older_than_the_cutoff(s: Arc<dyn Store>) {
    let o = new_org(&*s).await;
    let ch = new_channel(&*s, o.id, ChannelKind::Whatsapp).await;
    let (old, young) = (
        outbound(ch.id, &wa_number(), "old"),
        outbound(ch.id, &wa_number(), "young"),
    );
    send(&*s, o.id, &old).await;
    send(&*s, o.id, &young).await;
    let t = switchboard_domain::now();
    let early = |pid: &str| batch(Vec::new(), vec![status(pid, MessageStatus::Delivered, t)]);

    let out = s
        .ingest(o.id, ch.id, &early("wamid.old"))
        .await
        .expect("old");
    assert_eq!(out.statuses_pending, 1);
    // Stored times are whole milliseconds: step past the old one's before taking the cutoff, and
    // past the cutoff before the young one arrives.
    tokio::time::sleep(Duration::from_millis(5)).await;
    let cutoff = switchboard_domain::now();
    tokio::time::sleep(Duration::from_millis(5)).await;
    let out = s
        .ingest(o.id, ch.id, &early("wamid.young"))
        .await
        .expect("young");
    assert_eq!(out.statuses_pending, 1);

    assert_eq!(
        s.purge_pending_statuses(plus_secs(t, -3600))
            .await
            .expect("purge nothing"),
        0
    );
    assert_eq!(
        s.purge_pending_statuses(cutoff).await.expect("purge"),
        1,
        "only the old one"
    );
    // The purged status no longer applies when its receipt comes; the kept one does.
    let now = switchboard_domain::now();
    let m = s
        .record_receipt(o.id, old.id, "wamid.old", now)
        .await
        .expect("old receipt");
    assert_eq!(
        (m.status, m.delivered_at),
        (MessageStatus::Enqueued, None),
        "its early status was purged: the receipt alone applies nothing"
    );
    let m = s
        .record_receipt(o.id, young.id, "wamid.young", now)
        .await
        .expect("young receipt");
    assert_eq!(
        m.status,
        MessageStatus::Delivered,
        "its early status was kept"
    );
    assert_eq!(
        s.purge_pending_statuses(plus_secs(now, 60))
            .await
            .expect("purge all"),
        0,
        "applied statuses are not pending any more"
    );
}
