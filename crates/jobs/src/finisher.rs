//! Writes job outcomes back to the store in batches.

use std::sync::Arc;

use switchboard_store::Store;
use tokio::sync::mpsc;

use crate::runner::Finished;

/// Writes outcomes back in batches: whatever has arrived while the previous write ran goes in the
/// next one, so a busy runner makes one store call for many jobs.
pub(crate) async fn finish_loop(
    store: Arc<dyn Store>,
    worker: String,
    mut rx: mpsc::UnboundedReceiver<Finished>,
) {
    const MAX_BATCH: usize = 256;
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if let Err(e) = store
            .finish(&worker, &batch, switchboard_domain::now())
            .await
        {
            // The leases will run out and the jobs run again; handlers are idempotent.
            tracing::error!(error = %e, jobs = batch.len(), "recording job outcomes failed");
        }
        batch.clear();
    }
}
