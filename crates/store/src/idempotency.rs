//! Idempotency records for creating requests (`Idempotency-Key`). A request first *begins* its
//! record (claiming the key), runs, then *finishes* it with the answer to replay. A crash between
//! the two leaves a claim that expires at `locked_until`, after which the key may run again.

use switchboard_domain::{OrgId, Timestamp};

use crate::Result;

/// Identifies one record: keys are per organization and per caller (a key id or a user id), so
/// two callers can never replay each other's answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub org_id: OrgId,
    pub principal: String,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyBegin {
    /// The key was free (or its earlier claim had expired): run the request, then finish.
    Started,
    /// Same key, same request: answer this again.
    Replay(StoredResponse),
    /// Same key, another request (method, path or body differ).
    Mismatch,
    /// Same key, same request, still running elsewhere.
    InProgress,
}

#[async_trait::async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// `request_hash` is a digest of method, path and body. An existing claim whose `locked_until`
    /// has passed is taken over (answers `Started`).
    async fn begin_idempotent(
        &self,
        key: &IdempotencyKey,
        request_hash: &[u8],
        now: Timestamp,
        locked_until: Timestamp,
    ) -> Result<IdempotencyBegin>;
    async fn finish_idempotent(
        &self,
        key: &IdempotencyKey,
        response: &StoredResponse,
        now: Timestamp,
    ) -> Result<()>;
    /// Drops an unfinished claim (the request failed in a way worth retrying).
    async fn abandon_idempotent(&self, key: &IdempotencyKey) -> Result<()>;
    /// Deletes records created before `before`; returns how many.
    async fn purge_idempotency(&self, before: Timestamp) -> Result<u64>;
}
