//! The webhook fan-out loop: turns committed events into deliveries for the endpoints that want
//! them, in batches, as long as there are pending events, then naps briefly. Ingestion never
//! waits for it; on PostgreSQL every node runs it and `SKIP LOCKED` shares the work.

use std::sync::Arc;
use std::time::Duration;

use switchboard_store::Store;
use tokio_util::sync::CancellationToken;

/// Events taken per transaction.
const BATCH: u32 = 500;
/// The nap when nothing is pending: the delay a quiet system adds before a delivery starts.
const IDLE: Duration = Duration::from_millis(100);

pub async fn run(store: Arc<dyn Store>, shutdown: CancellationToken) {
    loop {
        let nap = match store.fan_out_events(BATCH).await {
            Ok(n) if n as u32 >= BATCH => Duration::ZERO,
            Ok(_) => IDLE,
            Err(e) => {
                tracing::warn!(error = %e, "webhook fan-out failed; trying again shortly");
                Duration::from_secs(1)
            }
        };
        tokio::select! {
            () = tokio::time::sleep(nap) => {}
            () = shutdown.cancelled() => return,
        }
    }
}
