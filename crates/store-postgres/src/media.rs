//! Stored media files and their per-channel provider uploads. Every statement is keyed by the
//! organization (uploads through their file's row), so another tenant's file is simply not found.

use switchboard_domain::{ChannelId, ContactId, MediaId, MessageId, OrgId, Timestamp};
use switchboard_store::{
    MediaFile, MediaKind, MediaOrigin, MediaStore, ProviderUpload, Result, StoreError,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::PgStore;
use crate::errors::{corrupt, db};

const COLUMNS: &str = "id, org_id, channel_id, kind, mime, size, sha256, filename, storage_key, \
                       origin, message_id, created_at";

#[derive(sqlx::FromRow)]
struct MediaRow {
    id: Uuid,
    org_id: Uuid,
    channel_id: Option<Uuid>,
    kind: String,
    mime: String,
    size: i64,
    sha256: String,
    /// UTF-8 bytes (the column is `bytea`, see the migration).
    filename: Option<Vec<u8>>,
    storage_key: String,
    origin: String,
    message_id: Option<Uuid>,
    created_at: OffsetDateTime,
}

impl TryFrom<MediaRow> for MediaFile {
    type Error = StoreError;
    fn try_from(r: MediaRow) -> Result<Self> {
        Ok(MediaFile {
            id: MediaId(r.id),
            org_id: OrgId(r.org_id),
            channel_id: r.channel_id.map(ChannelId),
            kind: r
                .kind
                .parse::<MediaKind>()
                .map_err(|e| corrupt("media kind", e))?,
            mime: r.mime,
            size: u64::try_from(r.size).map_err(|e| corrupt("media size", e))?,
            sha256: r.sha256,
            filename: r
                .filename
                .map(String::from_utf8)
                .transpose()
                .map_err(|e| corrupt("media filename", e))?,
            storage_key: r.storage_key,
            origin: MediaOrigin::parse(&r.origin)
                .ok_or_else(|| StoreError::msg(format!("unknown media origin `{}`", r.origin)))?,
            message_id: r.message_id.map(MessageId),
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct UploadRow {
    provider_media_id: String,
    uploaded_at: OffsetDateTime,
    expires_at: OffsetDateTime,
}

#[async_trait::async_trait]
impl MediaStore for PgStore {
    async fn create_media(&self, m: &MediaFile) -> Result<()> {
        let size = i64::try_from(m.size).map_err(StoreError::other)?;
        sqlx::query(&format!(
            "INSERT INTO media ({COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(m.id.0)
        .bind(m.org_id.0)
        .bind(m.channel_id.map(|c| c.0))
        .bind(m.kind.as_str())
        .bind(&m.mime)
        .bind(size)
        .bind(&m.sha256)
        .bind(m.filename.as_ref().map(|f| f.as_bytes()))
        .bind(&m.storage_key)
        .bind(m.origin.as_str())
        .bind(m.message_id.map(|id| id.0))
        .bind(m.created_at)
        .execute(self.pool())
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn get_media(&self, org: OrgId, id: MediaId) -> Result<MediaFile> {
        let row: MediaRow = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM media WHERE org_id = $1 AND id = $2"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        row.try_into()
    }

    async fn find_media(&self, id: MediaId) -> Result<MediaFile> {
        let row: MediaRow = sqlx::query_as(&format!("SELECT {COLUMNS} FROM media WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(self.pool())
            .await
            .map_err(db)?
            .ok_or(StoreError::NotFound)?;
        row.try_into()
    }

    async fn media_of_messages(
        &self,
        org: OrgId,
        messages: &[MessageId],
    ) -> Result<Vec<MediaFile>> {
        let ids: Vec<Uuid> = messages.iter().map(|m| m.0).collect();
        let rows: Vec<MediaRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM media WHERE org_id = $1 AND message_id = ANY($2)"
        ))
        .bind(org.0)
        .bind(&ids)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn media_of_contact(&self, org: OrgId, contact: ContactId) -> Result<Vec<MediaFile>> {
        let rows: Vec<MediaRow> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM media WHERE org_id = $1 AND message_id IN
                 (SELECT id FROM messages WHERE org_id = $1 AND contact_id = $2)"
        ))
        .bind(org.0)
        .bind(contact.0)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn delete_media(&self, org: OrgId, id: MediaId) -> Result<MediaFile> {
        let mut tx = self.begin().await?;
        // The uploads go with the row (ON DELETE CASCADE).
        let row: MediaRow = sqlx::query_as(&format!(
            "DELETE FROM media WHERE org_id = $1 AND id = $2 RETURNING {COLUMNS}"
        ))
        .bind(org.0)
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound)?;
        tx.commit().await.map_err(db)?;
        row.try_into()
    }

    async fn provider_upload(
        &self,
        org: OrgId,
        media: MediaId,
        channel: ChannelId,
        now: Timestamp,
    ) -> Result<Option<ProviderUpload>> {
        let row: Option<UploadRow> = sqlx::query_as(
            "SELECT u.provider_media_id, u.uploaded_at, u.expires_at
             FROM media_uploads u JOIN media m ON m.id = u.media_id
             WHERE u.media_id = $1 AND u.channel_id = $2 AND m.org_id = $3
               AND u.expires_at > $4",
        )
        .bind(media.0)
        .bind(channel.0)
        .bind(org.0)
        .bind(now)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?;
        Ok(row.map(|r| ProviderUpload {
            media_id: media,
            channel_id: channel,
            provider_media_id: r.provider_media_id,
            uploaded_at: r.uploaded_at,
            expires_at: r.expires_at,
        }))
    }

    async fn put_provider_upload(&self, org: OrgId, u: &ProviderUpload) -> Result<()> {
        // Inserted only through the organization's own file: another tenant's id inserts nothing.
        let done = sqlx::query(
            "INSERT INTO media_uploads
                 (media_id, channel_id, provider_media_id, uploaded_at, expires_at)
             SELECT id, $2, $3, $4, $5 FROM media WHERE id = $1 AND org_id = $6
             ON CONFLICT (media_id, channel_id) DO UPDATE SET
                 provider_media_id = excluded.provider_media_id,
                 uploaded_at = excluded.uploaded_at,
                 expires_at = excluded.expires_at",
        )
        .bind(u.media_id.0)
        .bind(u.channel_id.0)
        .bind(&u.provider_media_id)
        .bind(u.uploaded_at)
        .bind(u.expires_at)
        .bind(org.0)
        .execute(self.pool())
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
