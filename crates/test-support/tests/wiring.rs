//! The harness runs the server's real wiring: its job handlers drain through `run_pending_jobs`.

use switchboard_store::{JobState, NewJob};
use switchboard_test_support::both_backends;

both_backends! {
    async fn pending_jobs_run_with_the_servers_handlers(app) {
        let job = NewJob::new(None, "maintenance.purge", serde_json::json!({}));
        let id = app.store.enqueue(&[job]).await.unwrap()[0].id();
        // The server's hourly scheduler may have enqueued its own purge at start-up too.
        assert!(app.run_pending_jobs().await >= 1);
        assert_eq!(app.store.get_job(id).await.unwrap().state, JobState::Done);
        assert_eq!(app.run_pending_jobs().await, 0, "nothing left to run");
    }
}
