//! Browser sessions. The cookie holds a random token; only its SHA-256 is stored.

use switchboard_domain::{OrgId, SessionId, Timestamp, UserId};

use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    /// SHA-256 of the cookie token.
    pub token_hash: Vec<u8>,
    pub user_id: UserId,
    /// The organization the session works in.
    pub org_id: OrgId,
    /// Sent back in `X-CSRF-Token` (or a form field) on every state-changing request.
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub ip: Option<String>,
}

#[async_trait::async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, session: &Session) -> Result<()>;
    /// `NotFound` for an unknown or expired (`expires_at <= now`) session.
    async fn find_session(&self, token_hash: &[u8], now: Timestamp) -> Result<Session>;
    async fn delete_session(&self, id: SessionId) -> Result<()>;
}
