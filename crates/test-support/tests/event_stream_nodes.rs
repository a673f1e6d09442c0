//! Live streams are woken by commits, not only by their poll: on SQLite by the writer once the
//! event's transaction committed, on PostgreSQL by the NOTIFY sent in it, on every node. With
//! PostgreSQL, two hub nodes (two servers, two store connections and so two LISTENs, one schema):
//! an event committed through node A reaches a stream opened on node B.

mod webhook_support;

use std::time::Duration;

use serde_json::json;
use switchboard_domain::OrgId;
use switchboard_test_support::{Backend, TestApp, both_backends};
use webhook_support::Stream;

/// Long enough for a loaded machine; the poll alone (once a second) would not raise a signal.
const WAIT: Duration = Duration::from_secs(20);

both_backends! {
    async fn a_commit_wakes_the_streams_of_its_organization_only(app) {
        let mine = app.store.event_signal().subscribe(OrgId(app.org.id));
        let other = app.other_org().await.id;
        let mut theirs = app.store.event_signal().subscribe(OrgId(other));
        let mut mine = mine;
        app.post_json("/v1/contacts", json!({"name": "Ada"})).await.assert_status(201);
        tokio::time::timeout(WAIT, mine.changed())
            .await
            .expect("woken by the commit")
            .expect("signal open");
        assert!(!theirs.has_changed().unwrap(), "another organization's streams sleep on");
        // Nothing but a team (no event): no wake-up either.
        app.create_team("Support").await;
        assert!(
            tokio::time::timeout(Duration::from_millis(500), mine.changed()).await.is_err(),
            "no event, no wake-up"
        );
        let _ = theirs.borrow_and_update();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_committed_through_one_node_reaches_a_stream_on_the_other() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let b = app.second_node().await;
    // Node B's own listener is told of node A's commit (a poll would not raise this).
    let mut woken = b.store.event_signal().subscribe(OrgId(app.org.id));
    let mut stream = Stream::open(&b.base_url, &app.org.key).await;

    let created = app
        .post_json(
            "/v1/contacts",
            json!({"name": "Grace", "email": "grace@example.com"}),
        )
        .await;
    let id = created.assert_status(201)["id"].clone();
    tokio::time::timeout(WAIT, woken.changed())
        .await
        .expect("node B's listener heard node A's commit")
        .expect("signal open");
    let (kind, data) = stream
        .next_within(WAIT)
        .await
        .expect("the event reached node B's stream");
    assert_eq!(kind, "contact.created");
    assert_eq!(data["data"]["contact_id"], id);

    // And the other way round, while the stream stays open.
    let mut on_a = Stream::open(&app.base_url, &app.org.key).await;
    let through_b = reqwest::Client::new()
        .post(format!("{}/v1/contacts", b.base_url))
        .bearer_auth(&app.org.key)
        .json(&json!({"name": "Edsger"}))
        .send()
        .await
        .expect("node B answers");
    assert_eq!(through_b.status(), 201);
    let (kind, data) = on_a
        .next_within(WAIT)
        .await
        .expect("the event reached node A's stream");
    assert_eq!(
        (kind.as_str(), &data["data"]["name"]),
        ("contact.created", &json!("Edsger"))
    );
    let (kind, _) = stream
        .next_within(WAIT)
        .await
        .expect("and node B's own stream");
    assert_eq!(kind, "contact.created");
}
