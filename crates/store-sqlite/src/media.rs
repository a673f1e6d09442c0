//! Stored media files and their per-channel provider uploads. Every statement is keyed by the
//! organization (uploads through their file's row), so another tenant's file is simply not found.

use rusqlite::types::Type;
use rusqlite::{OptionalExtension, Row, params};
use switchboard_domain::{ChannelId, ContactId, MediaId, MessageId, OrgId, Timestamp};
use switchboard_store::{
    MediaFile, MediaKind, MediaOrigin, MediaStore, ProviderUpload, Result, StoreError,
};

use crate::codec::{get_int, get_opt_uuid, get_parsed, get_ts, get_uuid, ms};
use crate::error::DbResult;
use crate::{SqliteStore, one_row};

const COLUMNS: &str = "id, org_id, channel_id, kind, mime, size, sha256, filename, storage_key, \
                       origin, message_id, created_at";

fn media_from_row(row: &Row<'_>) -> rusqlite::Result<MediaFile> {
    let origin: String = row.get(9)?;
    Ok(MediaFile {
        id: MediaId(get_uuid(row, 0)?),
        org_id: OrgId(get_uuid(row, 1)?),
        channel_id: get_opt_uuid(row, 2)?.map(ChannelId),
        kind: get_parsed(row, 3, str::parse::<MediaKind>)?,
        mime: row.get(4)?,
        size: get_int(row, 5)?,
        sha256: row.get(6)?,
        filename: row.get(7)?,
        storage_key: row.get(8)?,
        origin: MediaOrigin::parse(&origin).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(9, Type::Text, "unknown media origin".into())
        })?,
        message_id: get_opt_uuid(row, 10)?.map(MessageId),
        created_at: get_ts(row, 11)?,
    })
}

fn get(conn: &rusqlite::Connection, org: OrgId, id: MediaId) -> Result<MediaFile> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM media WHERE id = ?1 AND org_id = ?2"
    ))
    .db()?
    .query_row(params![id.0.as_bytes(), org.0.as_bytes()], media_from_row)
    .db()
}

#[async_trait::async_trait]
impl MediaStore for SqliteStore {
    async fn create_media(&self, media: &MediaFile) -> Result<()> {
        let m = media.clone();
        self.write(move |conn| {
            let size = i64::try_from(m.size).map_err(StoreError::other)?;
            conn.prepare_cached(&format!(
                "INSERT INTO media ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ))
            .db()?
            .execute(params![
                m.id.0.as_bytes(),
                m.org_id.0.as_bytes(),
                m.channel_id.map(|c| c.0.as_bytes().to_vec()),
                m.kind.as_str(),
                m.mime,
                size,
                m.sha256,
                m.filename,
                m.storage_key,
                m.origin.as_str(),
                m.message_id.map(|id| id.0.as_bytes().to_vec()),
                ms(m.created_at)
            ])
            .db()?;
            Ok(())
        })
        .await
    }

    async fn get_media(&self, org: OrgId, id: MediaId) -> Result<MediaFile> {
        self.read(move |conn| get(conn, org, id)).await
    }

    async fn find_media(&self, id: MediaId) -> Result<MediaFile> {
        self.read(move |conn| {
            conn.prepare_cached(&format!("SELECT {COLUMNS} FROM media WHERE id = ?1"))
                .db()?
                .query_row(params![id.0.as_bytes()], media_from_row)
                .db()
        })
        .await
    }

    async fn media_of_messages(
        &self,
        org: OrgId,
        messages: &[MessageId],
    ) -> Result<Vec<MediaFile>> {
        let ids: Vec<Vec<u8>> = messages.iter().map(|m| m.0.as_bytes().to_vec()).collect();
        self.read(move |conn| {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM media WHERE message_id = ?1 AND org_id = ?2"
                ))
                .db()?;
            let mut out = Vec::new();
            for id in ids {
                let found = stmt
                    .query_row(params![id, org.0.as_bytes()], media_from_row)
                    .optional()
                    .db()?;
                out.extend(found);
            }
            Ok(out)
        })
        .await
    }

    async fn media_of_contact(&self, org: OrgId, contact: ContactId) -> Result<Vec<MediaFile>> {
        self.read(move |conn| {
            conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM media WHERE org_id = ?1 AND message_id IN
                     (SELECT id FROM messages WHERE org_id = ?1 AND contact_id = ?2)"
            ))
            .db()?
            .query_map(
                params![org.0.as_bytes(), contact.0.as_bytes()],
                media_from_row,
            )
            .db()?
            .collect::<rusqlite::Result<Vec<_>>>()
            .db()
        })
        .await
    }

    async fn delete_media(&self, org: OrgId, id: MediaId) -> Result<MediaFile> {
        self.write(move |conn| {
            let media = get(conn, org, id)?;
            conn.prepare_cached("DELETE FROM media_uploads WHERE media_id = ?1")
                .db()?
                .execute(params![id.0.as_bytes()])
                .db()?;
            let changed = conn
                .prepare_cached("DELETE FROM media WHERE id = ?1 AND org_id = ?2")
                .db()?
                .execute(params![id.0.as_bytes(), org.0.as_bytes()])
                .db()?;
            one_row(changed)?;
            Ok(media)
        })
        .await
    }

    async fn provider_upload(
        &self,
        org: OrgId,
        media: MediaId,
        channel: ChannelId,
        now: Timestamp,
    ) -> Result<Option<ProviderUpload>> {
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT u.provider_media_id, u.uploaded_at, u.expires_at
                 FROM media_uploads u JOIN media m ON m.id = u.media_id
                 WHERE u.media_id = ?1 AND u.channel_id = ?2 AND m.org_id = ?3
                   AND u.expires_at > ?4",
            )
            .db()?
            .query_row(
                params![
                    media.0.as_bytes(),
                    channel.0.as_bytes(),
                    org.0.as_bytes(),
                    ms(now)
                ],
                |row| {
                    Ok(ProviderUpload {
                        media_id: media,
                        channel_id: channel,
                        provider_media_id: row.get(0)?,
                        uploaded_at: get_ts(row, 1)?,
                        expires_at: get_ts(row, 2)?,
                    })
                },
            )
            .optional()
            .db()
        })
        .await
    }

    async fn put_provider_upload(&self, org: OrgId, upload: &ProviderUpload) -> Result<()> {
        let u = upload.clone();
        self.write(move |conn| {
            get(conn, org, u.media_id)?;
            conn.prepare_cached(
                "INSERT INTO media_uploads
                     (media_id, channel_id, provider_media_id, uploaded_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (media_id, channel_id) DO UPDATE SET
                     provider_media_id = excluded.provider_media_id,
                     uploaded_at = excluded.uploaded_at,
                     expires_at = excluded.expires_at",
            )
            .db()?
            .execute(params![
                u.media_id.0.as_bytes(),
                u.channel_id.0.as_bytes(),
                u.provider_media_id,
                ms(u.uploaded_at),
                ms(u.expires_at)
            ])
            .db()?;
            Ok(())
        })
        .await
    }
}
