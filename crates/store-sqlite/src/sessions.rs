//! Browser sessions, found by the SHA-256 of their cookie token.

use rusqlite::params;
use switchboard_domain::{OrgId, SessionId, Timestamp, UserId};
use switchboard_store::{Result, Session, SessionStore};

use crate::codec::{get_ts, get_uuid, ms};
use crate::error::DbResult;
use crate::{SqliteStore, one_row};

#[async_trait::async_trait]
impl SessionStore for SqliteStore {
    async fn create_session(&self, session: &Session) -> Result<()> {
        let s = session.clone();
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO sessions (id, org_id, user_id, token_hash, csrf_token, created_at,
                                       expires_at, ip)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .db()?
            .execute(params![
                s.id.0.as_bytes(),
                s.org_id.0.as_bytes(),
                s.user_id.0.as_bytes(),
                s.token_hash,
                s.csrf_token,
                ms(s.created_at),
                ms(s.expires_at),
                s.ip
            ])
            .db()?;
            Ok(())
        })
        .await
    }

    async fn find_session(&self, token_hash: &[u8], now: Timestamp) -> Result<Session> {
        let token_hash = token_hash.to_vec();
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT id, token_hash, user_id, org_id, csrf_token, created_at, expires_at, ip
                 FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
            )
            .db()?
            .query_row(params![token_hash, ms(now)], |row| {
                Ok(Session {
                    id: SessionId(get_uuid(row, 0)?),
                    token_hash: row.get(1)?,
                    user_id: UserId(get_uuid(row, 2)?),
                    org_id: OrgId(get_uuid(row, 3)?),
                    csrf_token: row.get(4)?,
                    created_at: get_ts(row, 5)?,
                    expires_at: get_ts(row, 6)?,
                    ip: row.get(7)?,
                })
            })
            .db()
        })
        .await
    }

    async fn delete_session(&self, id: SessionId) -> Result<()> {
        self.write(move |conn| {
            let changed = conn
                .prepare_cached("DELETE FROM sessions WHERE id = ?1")
                .db()?
                .execute([id.0.as_bytes()])
                .db()?;
            one_row(changed)
        })
        .await
    }
}
