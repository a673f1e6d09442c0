//! Claiming due jobs under a lease with `FOR UPDATE SKIP LOCKED`, in priority order.

use switchboard_domain::Timestamp;
use switchboard_store::{ClaimRequest, Job, Result};

use crate::PgStore;
use crate::errors::db;
use crate::job_rows::{JobRow, qualified_columns, to_jobs};

/// An `UPDATE` leasing up to `$5` rows matching `filter` (and the kinds `$4`), taken in `order`
/// and skipping rows another claimer holds.
fn lease_sql(filter: &str, order: &str) -> String {
    format!(
        "UPDATE jobs
         SET state = 'running', lease_owner = $1, lease_until = $2,
             attempts = attempts + 1, updated_at = $3
         FROM (SELECT id FROM jobs
               WHERE {filter} AND (cardinality($4::text[]) = 0 OR kind = ANY($4))
               ORDER BY {order}
               LIMIT $5
               FOR UPDATE SKIP LOCKED) AS chosen
         WHERE jobs.id = chosen.id
         RETURNING {}",
        qualified_columns()
    )
}

/// Up to `req.limit` due jobs, leased to `req.worker` until `lease_until`.
///
/// Running jobs whose lease ran out are leased first (oldest lease first); then the priorities in
/// use are walked from the highest, each found by a seek on the `jobs_ready` index, and the due
/// jobs of each are leased in due order. Ordering the whole index by `priority DESC, run_at`
/// instead walks past every not-yet-due job of a higher priority (a sender's deferred jobs wait
/// there by the hundred thousand) before it reaches a due one below.
pub(super) async fn claim(
    store: &PgStore,
    req: &ClaimRequest,
    lease_until: Timestamp,
) -> Result<Vec<Job>> {
    if req.limit == 0 {
        return Ok(Vec::new());
    }
    // Expired leases first: the oldest work, and rare.
    let expired = lease_sql("state = 'running' AND lease_until <= $3", "lease_until");
    let mut jobs = to_jobs(
        sqlx::query_as(&expired)
            .bind(&req.worker)
            .bind(lease_until)
            .bind(req.now)
            .bind(&req.kinds)
            .bind(i64::from(req.limit))
            .fetch_all(store.pool())
            .await
            .map_err(db)?,
    )?;
    let lease = lease_sql(
        "state = 'ready' AND priority = $6 AND run_at <= $3",
        "run_at, id",
    );
    let mut below = i32::MAX;
    while jobs.len() < req.limit as usize {
        let level: Option<i16> = sqlx::query_scalar(
            "SELECT max(priority) FROM jobs WHERE state = 'ready' AND priority < $1",
        )
        .bind(below)
        .fetch_one(store.pool())
        .await
        .map_err(db)?;
        let Some(level) = level else { break };
        let left = i64::from(req.limit) - jobs.len() as i64;
        let rows: Vec<JobRow> = sqlx::query_as(&lease)
            .bind(&req.worker)
            .bind(lease_until)
            .bind(req.now)
            .bind(&req.kinds)
            .bind(left)
            .bind(level)
            .fetch_all(store.pool())
            .await
            .map_err(db)?;
        let mut leased = to_jobs(rows)?;
        // RETURNING follows no particular order; hand jobs out in the order they were chosen.
        leased.sort_by(|a, b| a.run_at.cmp(&b.run_at).then(a.id.cmp(&b.id)));
        jobs.extend(leased);
        below = i32::from(level);
    }
    Ok(jobs)
}
