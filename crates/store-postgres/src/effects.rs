//! Writes a change's [`Effects`] (audit entries, events, queued jobs) inside the change's own transaction,
//! so that a committed change always has its audit trail and its work, and a failed one has neither.

use sqlx::PgConnection;
use switchboard_store::{Effects, EnqueueOutcome, Result};

use crate::{PgStore, audit, enqueue, events};

impl PgStore {
    /// Returns whether a job was queued, so the caller can wake local workers after committing.
    /// A job whose dedup key is already taken is skipped, never an error: the change it rides
    /// with must not fail because its work is already queued.
    pub(crate) async fn write_effects(
        &self,
        conn: &mut PgConnection,
        effects: &Effects,
    ) -> Result<bool> {
        audit::insert(&mut *conn, &effects.audit).await?;
        events::insert(&mut *conn, &effects.events).await?;
        let outcomes = enqueue::insert(&mut *conn, &effects.jobs).await?;
        let queued = outcomes
            .iter()
            .any(|o| matches!(o, EnqueueOutcome::Created(_)));
        if queued {
            self.notify_jobs(conn).await?;
        }
        Ok(queued)
    }
}
