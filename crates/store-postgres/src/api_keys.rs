//! API keys: stored by SHA-256 of the secret, found by their visible prefix (unique across the
//! installation through the `api_key_prefix` constraint).

use ipnet::IpNet;
use sqlx::PgConnection;
use switchboard_domain::{ApiKeyId, ChannelId, Name, OrgId, Scope, Timestamp, UserId};
use switchboard_store::{ApiKey, ApiKeyStore, Effects, Page, PageRequest, Result, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db};

const COLUMNS: &str = "id, org_id, name, prefix, secret_hash, scopes, channel_ids, allowed_ips, \
                       expires_at, revoked_at, created_by_user, created_by_key, created_at, \
                       last_used_at, last_used_ip";

#[derive(sqlx::FromRow)]
struct ApiKeyRow {
    id: Uuid,
    org_id: Uuid,
    name: String,
    prefix: String,
    secret_hash: Vec<u8>,
    scopes: Vec<String>,
    channel_ids: Vec<Uuid>,
    allowed_ips: Vec<String>,
    expires_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
    created_by_user: Option<Uuid>,
    created_by_key: Option<Uuid>,
    created_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    last_used_ip: Option<String>,
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = StoreError;
    fn try_from(r: ApiKeyRow) -> Result<Self> {
        Ok(ApiKey {
            id: ApiKeyId(r.id),
            org_id: OrgId(r.org_id),
            name: Name::parse(&r.name).map_err(|e| corrupt("API key name", e))?,
            prefix: r.prefix,
            secret_hash: r.secret_hash,
            scopes: r
                .scopes
                .iter()
                .map(|s| s.parse::<Scope>().map_err(|e| corrupt("API key scope", e)))
                .collect::<Result<_>>()?,
            channel_ids: r.channel_ids.into_iter().map(ChannelId).collect(),
            allowed_ips: r
                .allowed_ips
                .iter()
                .map(|s| {
                    s.parse::<IpNet>()
                        .map_err(|e| corrupt("API key network", e))
                })
                .collect::<Result<_>>()?,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            created_by_user: r.created_by_user.map(UserId),
            created_by_key: r.created_by_key.map(ApiKeyId),
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            last_used_ip: r.last_used_ip,
        })
    }
}

fn found(row: Option<ApiKeyRow>) -> Result<ApiKey> {
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Inserts one key; `Conflict { what: "api_key_prefix" }` when the prefix is taken.
pub(crate) async fn insert(conn: &mut PgConnection, key: &ApiKey) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO api_keys ({COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    ))
    .bind(key.id.0)
    .bind(key.org_id.0)
    .bind(key.name.as_str())
    .bind(&key.prefix)
    .bind(&key.secret_hash)
    .bind(key.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>())
    .bind(key.channel_ids.iter().map(|c| c.0).collect::<Vec<_>>())
    .bind(
        key.allowed_ips
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>(),
    )
    .bind(key.expires_at)
    .bind(key.revoked_at)
    .bind(key.created_by_user.map(|u| u.0))
    .bind(key.created_by_key.map(|k| k.0))
    .bind(key.created_at)
    .bind(key.last_used_at)
    .bind(key.last_used_ip.as_deref())
    .execute(conn)
    .await
    .map_err(db)?;
    Ok(())
}

#[async_trait::async_trait]
impl ApiKeyStore for PgStore {
    async fn create_api_key(&self, key: &ApiKey, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        insert(&mut tx, key).await?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn get_api_key(&self, org: OrgId, id: ApiKeyId) -> Result<ApiKey> {
        let row = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM api_keys WHERE org_id = $1 AND id = $2"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        found(row)
    }

    async fn find_api_key_by_prefix(&self, prefix: &str) -> Result<ApiKey> {
        let row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM api_keys WHERE prefix = $1"))
            .bind(prefix)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?;
        found(row)
    }

    async fn list_api_keys(&self, org: OrgId, page: PageRequest) -> Result<Page<ApiKey>> {
        let rows: Vec<ApiKeyRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM api_keys
             WHERE org_id = $1 AND ($2::uuid IS NULL OR id > $2)
             ORDER BY id
             LIMIT $3"
        ))
        .bind(org.0)
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |k: &ApiKey| k.id.0)
    }

    async fn revoke_api_key(
        &self,
        org: OrgId,
        id: ApiKeyId,
        at: Timestamp,
        effects: &Effects,
    ) -> Result<()> {
        let query = sqlx::query(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3)
             WHERE org_id = $1 AND id = $2",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(at);
        self.change_existing(query, effects).await
    }

    async fn rotate_api_key(
        &self,
        org: OrgId,
        id: ApiKeyId,
        prefix: &str,
        secret_hash: &[u8],
        effects: &Effects,
    ) -> Result<()> {
        let query = sqlx::query(
            "UPDATE api_keys SET prefix = $3, secret_hash = $4
             WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(prefix)
        .bind(secret_hash);
        self.change_existing(query, effects).await
    }

    async fn touch_api_key(&self, id: ApiKeyId, at: Timestamp, ip: Option<&str>) -> Result<()> {
        let touched =
            sqlx::query("UPDATE api_keys SET last_used_at = $2, last_used_ip = $3 WHERE id = $1")
                .bind(id.0)
                .bind(at)
                .bind(ip)
                .execute(self.pool())
                .await
                .map_err(db)?
                .rows_affected();
        if touched == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
