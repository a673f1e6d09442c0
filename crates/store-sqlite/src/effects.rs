//! Writes a change's [`Effects`] (audit entries, jobs) inside the change's own unit of work, so
//! the change, its audit trail and its queued work commit together or not at all.

use rusqlite::Connection;
use switchboard_store::{Effects, Result};

use crate::{audit, jobs};

pub(crate) fn write(conn: &Connection, effects: &Effects) -> Result<()> {
    for entry in &effects.audit {
        audit::insert(conn, entry)?;
    }
    // A duplicate dedup key writes nothing for that job; the change itself still commits.
    for job in &effects.jobs {
        jobs::insert(conn, job)?;
    }
    Ok(())
}
