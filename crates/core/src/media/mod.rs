//! Media (PRODUCT §6): files uploaded through the API or downloaded for inbound messages, kept in
//! a [`MediaStorage`] and described by a store row; the type and size rules per channel
//! ([`limits`], checked against the file's first bytes by [`sniff`]); signed, expiring download
//! links ([`signing`]); and the use of a Switchboard media id in outbound content ([`outbound`]).

pub mod limits;
pub mod outbound;
pub mod signing;
pub mod sniff;
mod staging;
pub mod storage;

use std::sync::Arc;

use switchboard_domain::{ChannelId, MediaId, Scope};
use switchboard_store::{MediaFile, MediaKind, MediaOrigin};
use tokio::io::AsyncReadExt;

pub use signing::{SignedLink, UrlSigner};
pub use staging::{StagedFile, Staging};
pub use storage::{LocalDisk, MediaReader, MediaStorage, key_of};

use crate::{Core, CoreError, CoreResult, Principal};

/// Common file systems cap a name at 255 bytes; recipients save documents under this name.
const MAX_FILENAME_CHARS: usize = 255;

/// What the client said about an upload besides the bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMedia {
    /// The channel it is meant for: its limits are checked now.
    pub channel_id: Option<ChannelId>,
    /// Inferred from the MIME type when absent.
    pub kind: Option<MediaKind>,
    /// The declared MIME type (the multipart part's `Content-Type`).
    pub mime: Option<String>,
    pub filename: Option<String>,
}

/// A stored file and a fresh download link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaInfo {
    pub media: MediaFile,
    pub link: SignedLink,
}

impl Core {
    /// The media storage; set by the server (`with_media_storage`).
    pub fn media_storage(&self) -> CoreResult<&Arc<dyn MediaStorage>> {
        self.media
            .as_ref()
            .ok_or_else(|| CoreError::internal_msg("no media storage is configured"))
    }

    /// This core with its media kept in `storage`.
    pub fn with_media_storage(mut self, storage: Arc<dyn MediaStorage>) -> Self {
        self.media = Some(storage);
        self
    }

    fn url_signer(&self) -> UrlSigner {
        UrlSigner::new(self.master_key())
    }

    /// A download link for `media`, valid for the configured time.
    pub fn media_link(&self, media: MediaId) -> SignedLink {
        let ttl = time::Duration::seconds(
            i64::try_from(self.settings.media_url_ttl_secs).unwrap_or(i64::MAX / 2),
        );
        self.url_signer()
            .sign(media, switchboard_domain::now() + ttl)
    }

    /// Stores an uploaded file after checking it against the channel's (or the generic) rules.
    pub async fn upload_media(
        &self,
        who: &Principal,
        new: NewMedia,
        file: StagedFile,
    ) -> CoreResult<MediaInfo> {
        who.require(Scope::MediaWrite)?;
        let channel = match new.channel_id {
            Some(id) => Some(self.channel_for(who, id).await?),
            None if !who.channel_ids().is_empty() => {
                return Err(CoreError::ChannelNotAllowed(
                    "a key limited to channels must name one of them as `channel_id`".into(),
                ));
            }
            None => None,
        };
        let sniffed = sniff::sniff(&file.head);
        let mime = limits::effective_mime(new.mime.as_deref(), sniffed)?;
        let kind = new.kind.unwrap_or_else(|| limits::infer_kind(&mime));
        let facts = limits::FileFacts {
            kind,
            mime: &mime,
            size: file.size,
            sniffed,
        };
        limits::check(channel.as_ref().map(|c| c.kind), &facts)?;

        let org = who.org();
        let id = MediaId::new();
        let media = MediaFile {
            id,
            org_id: org,
            channel_id: channel.map(|c| c.id),
            kind,
            mime,
            size: file.size,
            sha256: file.sha256.clone(),
            filename: new.filename.as_deref().and_then(clean_filename),
            storage_key: key_of(org, id),
            origin: MediaOrigin::Upload,
            message_id: None,
            created_at: switchboard_domain::now(),
        };
        let storage = self.media_storage()?;
        storage
            .put_file(&media.storage_key, file.path())
            .await
            .map_err(CoreError::internal)?;
        if let Err(e) = self.store.create_media(&media).await {
            let _ = storage.delete(&media.storage_key).await;
            return Err(e.into());
        }
        tracing::info!(media_id = %id, kind = kind.as_str(), size = media.size, "media stored");
        let link = self.media_link(id);
        Ok(MediaInfo { media, link })
    }

    /// A file the caller may see, with a fresh link.
    pub async fn get_media(&self, who: &Principal, id: MediaId) -> CoreResult<MediaInfo> {
        if !who.has(Scope::MediaWrite) {
            who.require(Scope::MessagesRead)?;
        }
        let media = self.visible_media(who, id).await?;
        let link = self.media_link(id);
        Ok(MediaInfo { media, link })
    }

    /// The stored files of messages the caller has read (inbound media), with fresh links.
    pub async fn media_of_messages(
        &self,
        who: &Principal,
        messages: &[switchboard_domain::MessageId],
    ) -> CoreResult<Vec<MediaInfo>> {
        who.require(Scope::MessagesRead)?;
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let found = self.store.media_of_messages(who.org(), messages).await?;
        Ok(found
            .into_iter()
            .map(|media| MediaInfo {
                link: self.media_link(media.id),
                media,
            })
            .collect())
    }

    /// The bytes of a file the caller may see (the authenticated download).
    pub async fn read_media(
        &self,
        who: &Principal,
        id: MediaId,
    ) -> CoreResult<(MediaFile, MediaReader)> {
        if !who.has(Scope::MediaWrite) {
            who.require(Scope::MessagesRead)?;
        }
        let media = self.visible_media(who, id).await?;
        let reader = self.open_media(&media).await?;
        Ok((media, reader))
    }

    /// Deletes the row, then the bytes (a crash between the two leaves an unreachable file,
    /// never a row without its file).
    pub async fn delete_media(&self, who: &Principal, id: MediaId) -> CoreResult<()> {
        who.require(Scope::MediaWrite)?;
        self.visible_media(who, id).await?;
        let media = self.store.delete_media(who.org(), id).await?;
        if let Err(e) = self.media_storage()?.delete(&media.storage_key).await {
            tracing::warn!(media_id = %id, error = %e, "media row deleted, its file was not");
        }
        Ok(())
    }

    /// Removes the bytes of files whose rows are gone. Best effort: a failure is logged, and
    /// the file is unreachable without its row anyway.
    pub(crate) async fn remove_media_files(&self, files: &[MediaFile]) {
        let Some(storage) = self.media.as_ref() else {
            return;
        };
        for f in files {
            if let Err(e) = storage.delete(&f.storage_key).await {
                tracing::warn!(media_id = %f.id, error = %e, "could not remove a media file");
            }
        }
    }

    /// The file behind a signed link, checked before anything is looked up.
    pub async fn download_media(
        &self,
        id: MediaId,
        expires: &str,
        signature: &str,
    ) -> CoreResult<(MediaFile, MediaReader)> {
        self.url_signer()
            .verify(id, expires, signature, switchboard_domain::now())?;
        let media = self.store.find_media(id).await?;
        let reader = self.open_media(&media).await?;
        Ok((media, reader))
    }

    /// A file of the caller's organization on a channel it may use (a channel-limited caller
    /// sees only files of its channels).
    pub(crate) async fn visible_media(
        &self,
        who: &Principal,
        id: MediaId,
    ) -> CoreResult<MediaFile> {
        let media = self.store.get_media(who.org(), id).await?;
        let visible = match media.channel_id {
            Some(c) => who.may_use_channel(c),
            None => who.channel_ids().is_empty(),
        };
        if visible {
            Ok(media)
        } else {
            Err(CoreError::NotFound)
        }
    }

    async fn open_media(&self, media: &MediaFile) -> CoreResult<MediaReader> {
        match self.media_storage()?.open(&media.storage_key).await {
            Ok(r) => Ok(r),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(CoreError::NotFound),
            Err(e) => Err(CoreError::internal(e)),
        }
    }

    /// The first bytes of a stored file, for checks at send time.
    pub(crate) async fn media_head(&self, media: &MediaFile) -> CoreResult<Vec<u8>> {
        let mut head = Vec::with_capacity(sniff::HEAD_LEN);
        self.open_media(media)
            .await?
            .take(sniff::HEAD_LEN as u64)
            .read_to_end(&mut head)
            .await
            .map_err(CoreError::internal)?;
        Ok(head)
    }
}

/// The last path segment of a client's file name without control characters, at most 255
/// characters; `None` when nothing is left.
pub fn clean_filename(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILENAME_CHARS)
        .collect();
    let name = name.trim();
    (!name.is_empty() && name != "." && name != "..").then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_lose_paths_and_control_characters() {
        use super::clean_filename as c;
        assert_eq!(c("C:\\Users\\a\\Reçu.pdf").as_deref(), Some("Reçu.pdf"));
        assert_eq!(c("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(c("a\0b\r\n.txt").as_deref(), Some("ab.txt"));
        assert_eq!(c("dir/"), None);
        assert_eq!(c(".."), None);
        assert_eq!(c(&"x".repeat(300)).map(|s| s.len()), Some(255));
    }
}
