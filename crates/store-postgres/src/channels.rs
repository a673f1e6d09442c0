//! Channels: an organization's messaging accounts. Deletion is soft (`deleted_at`), so that
//! conversations and messages keep their channel; every lookup and listing leaves deleted ones
//! out, and the partial unique indexes `channel_name` and `channel_account` free a deleted
//! channel's name and account.

use switchboard_domain::{ChannelId, ChannelKind, ChannelStatus, OrgId, Timestamp};
use switchboard_store::{
    Channel, ChannelDraft, ChannelFilter, ChannelStore, Effects, Event, Page, PageRequest, Result,
    StoreError,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db};

const COLUMNS: &str = "id, org_id, kind, protocol, name, status, last_error, last_error_at, \
                       config::text AS config, credentials, draft_config::text AS draft_config, \
                       draft_credentials, draft_updated_at, webhook_secret, account, created_at, \
                       updated_at";

#[derive(sqlx::FromRow)]
struct ChannelRow {
    id: Uuid,
    org_id: Uuid,
    kind: String,
    protocol: String,
    name: String,
    status: String,
    last_error: Option<Vec<u8>>,
    last_error_at: Option<OffsetDateTime>,
    config: String,
    credentials: Vec<u8>,
    draft_config: Option<String>,
    draft_credentials: Option<Vec<u8>>,
    draft_updated_at: Option<OffsetDateTime>,
    webhook_secret: Vec<u8>,
    account: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<ChannelRow> for Channel {
    type Error = StoreError;
    fn try_from(r: ChannelRow) -> Result<Self> {
        let draft = match (r.draft_config, r.draft_updated_at) {
            (Some(config), Some(updated_at)) => Some(ChannelDraft {
                config: serde_json::from_str(&config).map_err(|e| corrupt("channel draft", e))?,
                credentials: r.draft_credentials,
                updated_at,
            }),
            _ => None,
        };
        Ok(Channel {
            id: ChannelId(r.id),
            org_id: OrgId(r.org_id),
            kind: ChannelKind::parse(&r.kind).ok_or_else(|| corrupt("channel kind", &r.kind))?,
            protocol: r.protocol,
            name: r.name,
            status: ChannelStatus::parse(&r.status)
                .ok_or_else(|| corrupt("channel status", &r.status))?,
            last_error: r
                .last_error
                .map(String::from_utf8)
                .transpose()
                .map_err(|e| corrupt("channel error", e))?,
            last_error_at: r.last_error_at,
            config: serde_json::from_str(&r.config).map_err(|e| corrupt("channel config", e))?,
            credentials: r.credentials,
            draft,
            webhook_secret: r.webhook_secret,
            account: r.account,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// Channel names compare case-insensitively, folded in Rust as for teams (see [`crate::name_key`]).
fn name_key(name: &str) -> String {
    name.to_lowercase()
}

fn found(row: Option<ChannelRow>) -> Result<Channel> {
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The kind of the live channel `id` of `org`, which decides how addresses resolve to contacts.
/// `NotFound` when deleted or another organization's.
pub(crate) async fn kind_of(
    conn: &mut sqlx::PgConnection,
    org: OrgId,
    id: ChannelId,
) -> Result<ChannelKind> {
    let kind: String = sqlx::query_scalar(
        "SELECT kind FROM channels WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
    )
    .bind(org.0)
    .bind(id.0)
    .fetch_optional(conn)
    .await
    .map_err(db)?
    .ok_or(StoreError::NotFound)?;
    ChannelKind::parse(&kind).ok_or_else(|| corrupt("channel kind", &kind))
}

#[async_trait::async_trait]
impl ChannelStore for PgStore {
    async fn create_channel(&self, c: &Channel, effects: &Effects) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO channels (id, org_id, kind, protocol, name, name_key, status, last_error,
                                   last_error_at, config, credentials, draft_config,
                                   draft_credentials, draft_updated_at, webhook_secret, account,
                                   created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::json, $11, $12::json, $13, $14,
                     $15, $16, $17, $18)",
        )
        .bind(c.id.0)
        .bind(c.org_id.0)
        .bind(c.kind.as_str())
        .bind(&c.protocol)
        .bind(&c.name)
        .bind(name_key(&c.name))
        .bind(c.status.as_str())
        .bind(c.last_error.as_deref().map(str::as_bytes))
        .bind(c.last_error_at)
        .bind(c.config.to_string())
        .bind(&c.credentials)
        .bind(c.draft.as_ref().map(|d| d.config.to_string()))
        .bind(c.draft.as_ref().and_then(|d| d.credentials.as_deref()))
        .bind(c.draft.as_ref().map(|d| d.updated_at))
        .bind(&c.webhook_secret)
        .bind(c.account.as_deref())
        .bind(c.created_at)
        .bind(c.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let woke = self.write_effects(&mut tx, effects).await?;
        self.commit(tx, woke).await
    }

    async fn get_channel(&self, org: OrgId, id: ChannelId) -> Result<Channel> {
        let row = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM channels
             WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        found(row)
    }

    async fn find_channel(&self, id: ChannelId) -> Result<Channel> {
        let row = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM channels WHERE id = $1 AND deleted_at IS NULL"
        ))
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        found(row)
    }

    async fn find_channel_by_account(&self, protocol: &str, account: &str) -> Result<Channel> {
        let row = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM channels
             WHERE protocol = $1 AND account = $2 AND deleted_at IS NULL"
        ))
        .bind(protocol)
        .bind(account)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        found(row)
    }

    async fn list_channels(
        &self,
        org: OrgId,
        filter: &ChannelFilter,
        page: PageRequest,
    ) -> Result<Page<Channel>> {
        let only: Option<Vec<Uuid>> = filter
            .only
            .as_ref()
            .map(|ids| ids.iter().map(|c| c.0).collect());
        let rows: Vec<ChannelRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM channels
             WHERE org_id = $1 AND deleted_at IS NULL
               AND ($2::text IS NULL OR kind = $2)
               AND ($3::text IS NULL OR status = $3)
               AND ($4::uuid[] IS NULL OR id = ANY($4))
               AND ($5::uuid IS NULL OR id > $5)
             ORDER BY id
             LIMIT $6"
        ))
        .bind(org.0)
        .bind(filter.kind.map(|k| k.as_str()))
        .bind(filter.status.map(|s| s.as_str()))
        .bind(only)
        .bind(page.after)
        .bind(page.fetch_limit())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        crate::page_of(rows, page, |c: &Channel| c.id.0)
    }

    async fn update_channel(&self, c: &Channel, effects: &Effects) -> Result<()> {
        let query = sqlx::query(
            "UPDATE channels SET name = $3, name_key = $4, status = $5, last_error = $6,
                    last_error_at = $7, config = $8::json, credentials = $9,
                    draft_config = $10::json, draft_credentials = $11, draft_updated_at = $12,
                    webhook_secret = $13, account = $14, updated_at = $15
             WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
        )
        .bind(c.org_id.0)
        .bind(c.id.0)
        .bind(&c.name)
        .bind(name_key(&c.name))
        .bind(c.status.as_str())
        .bind(c.last_error.as_deref().map(str::as_bytes))
        .bind(c.last_error_at)
        .bind(c.config.to_string())
        .bind(&c.credentials)
        .bind(c.draft.as_ref().map(|d| d.config.to_string()))
        .bind(c.draft.as_ref().and_then(|d| d.credentials.as_deref()))
        .bind(c.draft.as_ref().map(|d| d.updated_at))
        .bind(&c.webhook_secret)
        .bind(c.account.as_deref())
        .bind(c.updated_at);
        self.change_existing(query, effects).await
    }

    async fn record_channel_health(
        &self,
        org: OrgId,
        id: ChannelId,
        error: Option<&str>,
        at: Timestamp,
    ) -> Result<()> {
        // An error keeps its message and time; success clears both. A disabled channel keeps its
        // status either way: only an admin turns it back on. The row lock of the inner SELECT
        // makes the status read before the change the one this update replaced.
        let mut tx = self.begin().await?;
        let moved: Option<(String, String)> = sqlx::query_as(
            "UPDATE channels c SET
                 status = CASE
                     WHEN c.status = 'disabled' THEN c.status
                     WHEN $3::bytea IS NOT NULL THEN 'error'
                     ELSE 'active' END,
                 last_error = $3,
                 last_error_at = CASE WHEN $3::bytea IS NULL THEN NULL ELSE $4 END,
                 updated_at = $4
             FROM (SELECT id, status FROM channels
                   WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL FOR UPDATE) old
             WHERE c.id = old.id
             RETURNING old.status, c.status",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(error.map(str::as_bytes))
        .bind(at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let (before, after) = moved.ok_or(StoreError::NotFound)?;
        if before != after {
            let status =
                |s: &str| ChannelStatus::parse(s).ok_or_else(|| corrupt("channel status", s));
            let event =
                Event::channel_status(org, id, status(&before)?, status(&after)?, error, at);
            crate::events::insert(&mut tx, &[event]).await?;
        }
        tx.commit().await.map_err(db)?;
        Ok(())
    }

    async fn delete_channel(&self, org: OrgId, id: ChannelId, effects: &Effects) -> Result<()> {
        let query = sqlx::query(
            "UPDATE channels SET deleted_at = $3, updated_at = $3
             WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
        )
        .bind(org.0)
        .bind(id.0)
        .bind(switchboard_domain::now());
        self.change_existing(query, effects).await
    }
}
