//! API keys: looked up by their unique visible prefix; scopes, channel limits and allowed
//! networks are JSON lists.

use rusqlite::{Connection, Row, params};
use switchboard_domain::{ApiKeyId, Name, OrgId, Timestamp, UserId};
use switchboard_store::{ApiKey, ApiKeyStore, Effects, Page, PageRequest, Result};

use crate::codec::{
    get_json, get_opt_ts, get_opt_uuid, get_parsed, get_ts, get_uuid, json, ms, opt_ms,
};
use crate::error::DbResult;
use crate::{SqliteStore, one_row};

const KEY_COLUMNS: &str = "id, org_id, name, prefix, secret_hash, scopes, channel_ids, allowed_ips,
                           expires_at, revoked_at, created_by_user, created_by_key, created_at,
                           last_used_at, last_used_ip";

fn key_from_row(row: &Row<'_>) -> rusqlite::Result<ApiKey> {
    Ok(ApiKey {
        id: ApiKeyId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        name: get_parsed(row, 2, Name::parse)?,
        prefix: row.get(3)?,
        secret_hash: row.get(4)?,
        scopes: get_json(row, 5)?,
        channel_ids: get_json(row, 6)?,
        allowed_ips: get_json(row, 7)?,
        expires_at: get_opt_ts(row, 8)?,
        revoked_at: get_opt_ts(row, 9)?,
        created_by_user: get_opt_uuid(row, 10)?.map(UserId),
        created_by_key: get_opt_uuid(row, 11)?.map(ApiKeyId),
        created_at: get_ts(row, 12)?,
        last_used_at: get_opt_ts(row, 13)?,
        last_used_ip: row.get(14)?,
    })
}

pub(crate) fn insert(conn: &Connection, k: &ApiKey) -> Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO api_keys ({KEY_COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
    ))
    .db()?
    .execute(params![
        k.id.0.as_bytes(),
        k.org_id.0.as_bytes(),
        k.name.as_str(),
        k.prefix,
        k.secret_hash,
        json(&k.scopes),
        json(&k.channel_ids),
        json(&k.allowed_ips),
        opt_ms(k.expires_at),
        opt_ms(k.revoked_at),
        k.created_by_user.map(|u| u.0.as_bytes().to_vec()),
        k.created_by_key.map(|u| u.0.as_bytes().to_vec()),
        ms(k.created_at),
        opt_ms(k.last_used_at),
        k.last_used_ip
    ])
    .db()?;
    Ok(())
}

#[async_trait::async_trait]
impl ApiKeyStore for SqliteStore {
    async fn create_api_key(&self, key: &ApiKey, effects: &Effects) -> Result<()> {
        let key = key.clone();
        self.change(effects, move |conn| insert(conn, &key)).await
    }

    async fn get_api_key(&self, org: OrgId, id: ApiKeyId) -> Result<ApiKey> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {KEY_COLUMNS} FROM api_keys WHERE id = ?1 AND org_id = ?2"
            ))
            .db()?
            .query_row(params![id.0.as_bytes(), org.0.as_bytes()], key_from_row)
            .db()
        })
        .await
    }

    async fn find_api_key_by_prefix(&self, prefix: &str) -> Result<ApiKey> {
        let prefix = prefix.to_owned();
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {KEY_COLUMNS} FROM api_keys WHERE prefix = ?1"
            ))
            .db()?
            .query_row([prefix], key_from_row)
            .db()
        })
        .await
    }

    async fn list_api_keys(&self, org: OrgId, page: PageRequest) -> Result<Page<ApiKey>> {
        self.read(move |conn| {
            let after = page.after.map(|u| u.as_bytes().to_vec());
            let rows = conn
                .prepare_cached(&format!(
                    "SELECT {KEY_COLUMNS} FROM api_keys
                     WHERE org_id = ?1 AND (?2 IS NULL OR id > ?2) ORDER BY id LIMIT ?3"
                ))
                .db()?
                .query_map(
                    params![org.0.as_bytes(), after, page.fetch_limit()],
                    key_from_row,
                )
                .db()?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db()?;
            Ok(Page::from_rows(rows, page, |k| k.id.0))
        })
        .await
    }

    async fn revoke_api_key(
        &self,
        org: OrgId,
        id: ApiKeyId,
        at: Timestamp,
        effects: &Effects,
    ) -> Result<()> {
        self.change(effects, move |conn| {
            // COALESCE keeps the first revocation time: revoking twice is harmless.
            let changed = conn
                .prepare_cached(
                    "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?3)
                     WHERE id = ?1 AND org_id = ?2",
                )
                .db()?
                .execute(params![id.0.as_bytes(), org.0.as_bytes(), ms(at)])
                .db()?;
            one_row(changed)
        })
        .await
    }

    async fn rotate_api_key(
        &self,
        org: OrgId,
        id: ApiKeyId,
        prefix: &str,
        secret_hash: &[u8],
        effects: &Effects,
    ) -> Result<()> {
        let prefix = prefix.to_owned();
        let secret_hash = secret_hash.to_vec();
        self.change(effects, move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE api_keys SET prefix = ?3, secret_hash = ?4
                     WHERE id = ?1 AND org_id = ?2 AND revoked_at IS NULL",
                )
                .db()?
                .execute(params![
                    id.0.as_bytes(),
                    org.0.as_bytes(),
                    prefix,
                    secret_hash
                ])
                .db()?;
            one_row(changed)
        })
        .await
    }

    async fn touch_api_key(&self, id: ApiKeyId, at: Timestamp, ip: Option<&str>) -> Result<()> {
        let ip = ip.map(str::to_owned);
        self.write(move |conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE api_keys SET last_used_at = ?2, last_used_ip = ?3 WHERE id = ?1",
                )
                .db()?
                .execute(params![id.0.as_bytes(), ms(at), ip])
                .db()?;
            one_row(changed)
        })
        .await
    }
}
