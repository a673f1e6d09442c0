//! Writes a change's [`Effects`] (audit entries, jobs, events) inside the change's own unit of
//! work, so the change, its audit trail, its queued work and its events commit together or not at
//! all.

use rusqlite::Connection;
use switchboard_store::{Effects, Result};

use crate::{audit, events, jobs};

pub(crate) fn write(conn: &Connection, effects: &Effects) -> Result<()> {
    for entry in &effects.audit {
        audit::insert(conn, entry)?;
    }
    // A duplicate dedup key writes nothing for that job; the change itself still commits.
    for job in &effects.jobs {
        jobs::insert(conn, job)?;
    }
    for event in &effects.events {
        events::insert(conn, event)?;
    }
    Ok(())
}
