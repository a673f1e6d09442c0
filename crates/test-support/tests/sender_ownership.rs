//! One node's view of the sender leases (`Senders`) over a real store: the first node to ask owns
//! the sender, another is told to come back within a second, the owner's checks are answered from
//! memory (no store write per message, even many at once), and a stopping owner hands over
//! within a second.

use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard_core::dispatch::ownership::{Ownership, Senders};
use switchboard_domain::{ChannelId, OrgId};
use switchboard_test_support::both_backends;

both_backends! {
    async fn the_first_node_owns_the_sender_and_answers_from_memory(app) {
        let (org, ch) = (OrgId(app.org.id), ChannelId::new());
        let one = Arc::new(Senders::new(app.store.clone(), Duration::from_secs(30)));
        let two = Senders::new(app.store.clone(), Duration::from_secs(30));
        assert_eq!(one.check(org, ch, "node-1").await.expect("check"), Ownership::Mine);
        let first = app.store.sender_lease(org, ch).await.expect("read").expect("taken");
        assert_eq!(first.owner, "node-1");

        match two.check(org, ch, "node-2").await.expect("check") {
            Ownership::Theirs { owner, retry_in } => {
                assert_eq!(owner, "node-1");
                assert!(retry_in <= Duration::from_secs(1), "{retry_in:?}");
            }
            Ownership::Mine => panic!("the sender is node-1's"),
        }

        // Many messages at once: all answered from memory, the lease is not rewritten.
        let checks: Vec<_> = (0..50)
            .map(|_| {
                let one = one.clone();
                tokio::spawn(async move { one.check(org, ch, "node-1").await })
            })
            .collect();
        for c in checks {
            assert_eq!(c.await.expect("task").expect("check"), Ownership::Mine);
        }
        let now = app.store.sender_lease(org, ch).await.expect("read").expect("held");
        assert_eq!(now, first, "no write per message");

        one.release_all("node-1").await;
        assert_eq!(app.store.sender_lease(org, ch).await.expect("read"), None);
        // node-2 remembers node-1's lease for a second at most, then finds the sender free.
        let deadline = Instant::now() + Duration::from_secs(30);
        while two.check(org, ch, "node-2").await.expect("check") != Ownership::Mine {
            assert!(Instant::now() < deadline, "never taken over");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let taken = app.store.sender_lease(org, ch).await.expect("read").expect("held");
        assert_eq!(taken.owner, "node-2");
    }

    async fn the_owner_renews_once_half_the_lease_is_spent(app) {
        let (org, ch) = (OrgId(app.org.id), ChannelId::new());
        let senders = Senders::new(app.store.clone(), Duration::from_secs(2));
        assert_eq!(senders.check(org, ch, "node-1").await.expect("check"), Ownership::Mine);
        let first = app.store.sender_lease(org, ch).await.expect("read").expect("taken");
        // Checking on as messages come, the lease moves on before it runs out; nobody else
        // could take the sender meanwhile.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            assert_eq!(senders.check(org, ch, "node-1").await.expect("check"), Ownership::Mine);
            let now = app.store.sender_lease(org, ch).await.expect("read").expect("held");
            assert_eq!(now.owner, "node-1");
            if now.lease_until > first.lease_until {
                break;
            }
            assert!(Instant::now() < deadline, "never renewed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
