//! The hourly maintenance purge, run by the server's real workers, also drops statuses that have
//! waited for their message's receipt longer than `[jobs] keep_pending_statuses`, and keeps
//! younger ones.

mod dispatch_support;

use std::time::Duration;

use dispatch_support::text_request;
use switchboard_domain::{ChannelId, MessageStatus, OrgId};
use switchboard_store::{Effects, IngestBatch, JobState, NewJob, StatusReport};
use switchboard_test_support::{TestApp, both_backends};

const CUSTOMER: &str = "447700900123";

/// A delivery report for `pid` that arrives before its message's receipt, then the maintenance
/// purge with `keep`, then the receipt: answers the message's status afterwards.
async fn status_after_purge(app: &TestApp, pid: &str, keep: Duration) -> MessageStatus {
    let ch = app.whatsapp_channel().await;
    let org = OrgId(app.org.id);
    // Accepted without its dispatch job: only the purge is to run here.
    let request = text_request(ChannelId(ch.id), CUSTOMER, "Shipped");
    let id = request.id;
    app.store
        .accept_outbound(org, &request, &Effects::none())
        .await
        .expect("accept");
    let early = IngestBatch {
        messages: Vec::new(),
        statuses: vec![StatusReport {
            provider_message_id: pid.to_owned(),
            status: MessageStatus::Delivered,
            at: switchboard_domain::now(),
            error: None,
        }],
        events: Vec::new(),
    };
    let out = app
        .store
        .ingest(org, ChannelId(ch.id), &early)
        .await
        .expect("ingest");
    assert_eq!(out.statuses_pending, 1, "waits for the receipt");
    // Stored times are whole milliseconds: with no wait at all the cutoff could equal the
    // status's arrival, which is not older than it.
    tokio::time::sleep(Duration::from_millis(5)).await;

    let data = tempfile::tempdir().expect("data dir");
    let mut config = switchboard::Config {
        data_dir: data.path().to_path_buf(),
        ..Default::default()
    };
    config.jobs.keep_pending_statuses = keep;
    let runner = switchboard::workers(&app.core, app.store.clone(), &config);
    let purge = NewJob::new(None, "maintenance.purge", serde_json::json!({}));
    let job = app.store.enqueue(&[purge]).await.expect("enqueue")[0].id();
    runner.run_pending().await.expect("run");
    assert_eq!(
        app.store.get_job(job).await.expect("job").state,
        JobState::Done
    );

    let m = app
        .store
        .record_receipt(org, id, pid, switchboard_domain::now())
        .await
        .expect("receipt");
    m.status
}

both_backends! {
    async fn the_purge_drops_pending_statuses_past_their_age_only(app) {
        assert_eq!(
            status_after_purge(&app, "wamid.young", Duration::from_secs(3600)).await,
            MessageStatus::Delivered,
            "younger than the age: kept, and applied by the receipt"
        );
        assert_eq!(
            status_after_purge(&app, "wamid.old", Duration::ZERO).await,
            MessageStatus::Enqueued,
            "older than the age: purged, so the receipt applies nothing"
        );
    }
}
