//! Claiming due jobs under a lease, in priority order, through the single writer.
//!
//! The claim reads one index range per step instead of one statement with
//! `(ready AND due) OR (running AND expired) ORDER BY priority DESC, run_at`: SQLite answered that
//! with an OR over two indexes and a sort of every ready job (24 ms per claim with 310,000 queued),
//! and an index walk in that order would pass every not-yet-due job of a higher priority (a
//! sender's deferred jobs wait there by the hundred thousand) before a due one below it.

use rusqlite::{Connection, OptionalExtension, params};
use switchboard_store::{ClaimRequest, Job, Result, StoreError};

use super::{JOB_COLUMNS, job_from_row};
use crate::codec::{json, ms};
use crate::error::DbResult;

/// Running jobs whose lease ran out (their worker died or stalled), oldest lease first.
pub(crate) const EXPIRED: &str = "SELECT id FROM jobs
     WHERE state = 'running' AND lease_until <= ?1
       AND (?2 IS NULL OR kind IN (SELECT value FROM json_each(?2)))
     ORDER BY lease_until
     LIMIT ?3";

/// The highest priority of a ready job below `?1`.
pub(crate) const NEXT_LEVEL: &str =
    "SELECT MAX(priority) FROM jobs WHERE state = 'ready' AND priority < ?1";

/// Due ready jobs of one priority, in due order.
pub(crate) const DUE_AT_LEVEL: &str = "SELECT id FROM jobs
     WHERE state = 'ready' AND priority = ?1 AND run_at <= ?2
       AND (?3 IS NULL OR kind IN (SELECT value FROM json_each(?3)))
     ORDER BY run_at, id
     LIMIT ?4";

/// Up to `req.limit` jobs leased to `req.worker`: expired leases first (they are the oldest
/// work, and rare), then due ready jobs by priority and due time.
pub(super) fn claim(conn: &Connection, req: &ClaimRequest) -> Result<Vec<Job>> {
    if req.limit == 0 {
        return Ok(Vec::new());
    }
    let now = ms(req.now);
    let lease_until = time::Duration::try_from(req.lease)
        .ok()
        .and_then(|lease| req.now.checked_add(lease))
        .map(ms)
        .ok_or_else(|| StoreError::msg("lease too long"))?;
    // Kinds travel as one JSON array so the statement text (and its cached plan) never changes.
    let kinds = (!req.kinds.is_empty()).then(|| json(&req.kinds));
    let limit = req.limit as usize;
    let mut chosen = ids(conn, EXPIRED, params![now, kinds, limit])?;
    choose_due(conn, now, kinds.as_deref(), limit, &mut chosen)?;
    let mut lease = conn
        .prepare_cached(&format!(
            "UPDATE jobs SET state = 'running', lease_owner = ?2, lease_until = ?3,
                             attempts = attempts + 1, updated_at = ?4
             WHERE id = ?1
             RETURNING {JOB_COLUMNS}"
        ))
        .db()?;
    let mut jobs = Vec::with_capacity(chosen.len());
    // In the order chosen. Nothing can change a row in between: this runs on the only writer.
    for id in &chosen {
        let job = lease
            .query_row(params![id, req.worker, lease_until, now], job_from_row)
            .optional()
            .db()?;
        jobs.extend(job);
    }
    Ok(jobs)
}

/// Adds the ids of due ready jobs to `chosen` until it holds `limit`, walking the priorities in
/// use from the highest, each found by a seek on `jobs_claimable`.
fn choose_due(
    conn: &Connection,
    now: i64,
    kinds: Option<&str>,
    limit: usize,
    chosen: &mut Vec<Vec<u8>>,
) -> Result<()> {
    let mut next_level = conn.prepare_cached(NEXT_LEVEL).db()?;
    let mut below = i64::MAX;
    while chosen.len() < limit {
        let level: Option<i64> = next_level.query_row([below], |r| r.get(0)).db()?;
        let Some(level) = level else { break };
        let left = limit - chosen.len();
        chosen.extend(ids(conn, DUE_AT_LEVEL, params![level, now, kinds, left])?);
        below = level;
    }
    Ok(())
}

fn ids(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<Vec<u8>>> {
    conn.prepare_cached(sql)
        .db()?
        .query_map(params, |r| r.get(0))
        .db()?
        .collect::<rusqlite::Result<Vec<Vec<u8>>>>()
        .db()
}
