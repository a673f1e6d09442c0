//! How a job row is read: its columns and their conversion to the store's `Job`.

use switchboard_domain::{JobId, OrgId};
use switchboard_store::{Job, JobState, Result, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::errors::corrupt;

pub(crate) const COLUMNS: &str = "id, org_id, kind, payload::text AS payload, dedup_key, priority, run_at, attempts, \
                       max_attempts, state, lease_owner, lease_until, last_error, created_at, \
                       updated_at, deferrals";

#[derive(sqlx::FromRow)]
pub(crate) struct JobRow {
    id: Uuid,
    org_id: Option<Uuid>,
    kind: String,
    /// As text: the column is `json`, which sqlx decodes only through a string.
    payload: String,
    dedup_key: Option<String>,
    priority: i16,
    run_at: OffsetDateTime,
    attempts: i64,
    max_attempts: i64,
    state: String,
    lease_owner: Option<String>,
    lease_until: Option<OffsetDateTime>,
    last_error: Option<Vec<u8>>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    deferrals: i64,
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;
    fn try_from(r: JobRow) -> Result<Self> {
        Ok(Job {
            id: JobId(r.id),
            org_id: r.org_id.map(OrgId),
            kind: r.kind,
            payload: serde_json::from_str(&r.payload).map_err(|e| corrupt("job payload", e))?,
            dedup_key: r.dedup_key,
            priority: r.priority,
            run_at: r.run_at,
            attempts: u32::try_from(r.attempts).map_err(|e| corrupt("job attempts", e))?,
            max_attempts: u32::try_from(r.max_attempts)
                .map_err(|e| corrupt("job max_attempts", e))?,
            state: JobState::parse(&r.state).ok_or_else(|| corrupt("job state", &r.state))?,
            lease_owner: r.lease_owner,
            lease_until: r.lease_until,
            last_error: r
                .last_error
                .map(String::from_utf8)
                .transpose()
                .map_err(|e| corrupt("job error", e))?,
            created_at: r.created_at,
            updated_at: r.updated_at,
            deferrals: u32::try_from(r.deferrals).map_err(|e| corrupt("job deferrals", e))?,
        })
    }
}

/// The columns, qualified for statements that join `jobs` with another relation.
pub(crate) fn qualified_columns() -> String {
    COLUMNS
        .split(", ")
        .map(|c| format!("jobs.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn to_jobs(rows: Vec<JobRow>) -> Result<Vec<Job>> {
    rows.into_iter().map(Job::try_from).collect()
}
