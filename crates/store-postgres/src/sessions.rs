//! Browser sessions, found by the SHA-256 of their cookie token. Expired sessions are invisible.

use switchboard_domain::{OrgId, SessionId, Timestamp, UserId};
use switchboard_store::{Result, Session, SessionStore, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::db;

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: Uuid,
    token_hash: Vec<u8>,
    user_id: Uuid,
    org_id: Uuid,
    csrf_token: String,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    ip: Option<String>,
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Session {
            id: SessionId(r.id),
            token_hash: r.token_hash,
            user_id: UserId(r.user_id),
            org_id: OrgId(r.org_id),
            csrf_token: r.csrf_token,
            created_at: r.created_at,
            expires_at: r.expires_at,
            ip: r.ip,
        }
    }
}

#[async_trait::async_trait]
impl SessionStore for PgStore {
    async fn create_session(&self, s: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, org_id, csrf_token, created_at,
                                   expires_at, ip)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(s.id.0)
        .bind(&s.token_hash)
        .bind(s.user_id.0)
        .bind(s.org_id.0)
        .bind(&s.csrf_token)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(s.ip.as_deref())
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn find_session(&self, token_hash: &[u8], now: Timestamp) -> Result<Session> {
        let row: SessionRow = sqlx::query_as(
            "SELECT id, token_hash, user_id, org_id, csrf_token, created_at, expires_at, ip
             FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        Ok(row.into())
    }

    async fn delete_session(&self, id: SessionId) -> Result<()> {
        let deleted = sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.0)
            .execute(self.pool())
            .await
            .map_err(db)?
            .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
