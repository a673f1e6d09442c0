//! Health: `ping` answers on a working store and `backend` names one of the two backends.

use std::sync::Arc;

use switchboard_store::Store;

use crate::fixtures::new_org;

pub async fn ping_answers_and_backend_is_named(s: Arc<dyn Store>) {
    s.ping().await.expect("ping on a fresh store");
    // A ping after writes, too: the write path and the read path both answer.
    new_org(&*s).await;
    s.ping().await.expect("ping after a write");
    assert!(
        matches!(s.backend(), "sqlite" | "postgres"),
        "unexpected backend name {:?}",
        s.backend()
    );
}
