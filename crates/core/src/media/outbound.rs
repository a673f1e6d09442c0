//! Switchboard media ids in outbound content. A `media_id` that is a UUID names a file of the
//! organization: `POST /v1/messages` checks it exists and fits the channel, and the dispatcher
//! uploads it to the provider (once per channel while the provider keeps it) and sends the
//! provider's id. Any other `media_id` keeps its old meaning, a provider's own id.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use switchboard_connectors::registry;
use switchboard_connectors::{AttachedFile, Connector, KeptFile, SendError};
use switchboard_domain::content::{Content, Header, Media, TemplateComponent, TemplateParameter};
use switchboard_domain::{ChannelId, MediaId};
use switchboard_store::{Channel, MediaFile, MediaKind, ProviderUpload};

use super::{limits, sniff};
use crate::{Core, CoreError, CoreResult, Principal};

/// Held while one file is uploaded to one channel's provider.
type UploadLock = Arc<tokio::sync::Mutex<()>>;

/// Per (file, channel) locks held while a file is uploaded to the channel's provider.
#[derive(Default)]
pub struct UploadLocks(Mutex<HashMap<(MediaId, ChannelId), UploadLock>>);

impl UploadLocks {
    fn of(&self, media: MediaId, channel: ChannelId) -> UploadLock {
        self.0.lock().entry((media, channel)).or_default().clone()
    }

    /// Forgets the lock once nobody else holds or waits for it (the map stays small).
    fn release(&self, media: MediaId, channel: ChannelId, lock: UploadLock) {
        let mut map = self.0.lock();
        // Ours and the map's: nobody else has it.
        if Arc::strong_count(&lock) == 2 {
            map.remove(&(media, channel));
        }
    }
}

/// WhatsApp keeps an upload 30 days; one day less leaves a margin for messages queued long.
const UPLOAD_KEPT_DAYS: i64 = 29;

/// Every media attachment of `content` with the kind it is sent as.
pub fn media_refs(content: &mut Content) -> Vec<(MediaKind, &mut Media)> {
    let mut out = Vec::new();
    match content {
        Content::Image(m) => out.push((MediaKind::Image, m)),
        Content::Video(m) => out.push((MediaKind::Video, m)),
        Content::Audio(m) => out.push((MediaKind::Audio, m)),
        Content::Document(m) => out.push((MediaKind::Document, m)),
        Content::Sticker(m) => out.push((MediaKind::Sticker, m)),
        Content::ReplyButtons(r) => push_header(r.header.as_mut(), &mut out),
        Content::CtaUrl(c) => push_header(c.header.as_mut(), &mut out),
        Content::Template(t) => {
            for component in &mut t.components {
                let (TemplateComponent::Header { parameters }
                | TemplateComponent::Body { parameters }) = component
                else {
                    continue;
                };
                for p in parameters {
                    match p {
                        TemplateParameter::Image(m) => out.push((MediaKind::Image, m)),
                        TemplateParameter::Video(m) => out.push((MediaKind::Video, m)),
                        TemplateParameter::Document(m) => out.push((MediaKind::Document, m)),
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
    out
}

fn push_header<'a>(h: Option<&'a mut Header>, out: &mut Vec<(MediaKind, &'a mut Media)>) {
    match h {
        Some(Header::Image(m)) => out.push((MediaKind::Image, m)),
        Some(Header::Video(m)) => out.push((MediaKind::Video, m)),
        Some(Header::Document(m)) => out.push((MediaKind::Document, m)),
        _ => {}
    }
}

/// The Switchboard media id in an attachment, when it is one.
pub fn switchboard_id(m: &Media) -> Option<MediaId> {
    m.media_id.as_deref().and_then(|id| id.parse().ok())
}

/// Why an attachment could not be turned into a provider id at dispatch.
#[derive(Debug)]
pub enum ResolveError {
    /// The provider refused or failed the upload: decided like a failed send.
    Provider(SendError),
    /// The file is gone (deleted after the message was accepted): the message fails.
    Gone(String),
    /// Store or storage trouble: worth another try.
    Retry(String),
    /// The provider fetches media by URL but the hub does not know its public address.
    NoPublicUrl,
}

impl Core {
    /// At send time: every Switchboard media id in `content` is a file the caller may see, of
    /// a type and size `channel` carries as the kind it is attached as.
    pub async fn check_outbound_media(
        &self,
        who: &Principal,
        channel: &Channel,
        content: &mut Content,
    ) -> CoreResult<()> {
        for (kind, m) in media_refs(content) {
            let Some(id) = switchboard_id(m) else {
                continue;
            };
            let media = match self.visible_media(who, id).await {
                Ok(media) => media,
                Err(CoreError::NotFound) => return Err(CoreError::UnknownMedia(id.to_string())),
                Err(e) => return Err(e),
            };
            let head = match self.media_head(&media).await {
                Ok(head) => head,
                Err(CoreError::NotFound) => return Err(CoreError::UnknownMedia(id.to_string())),
                Err(e) => return Err(e),
            };
            let facts = limits::FileFacts {
                kind,
                mime: &media.mime,
                size: media.size,
                sniffed: sniff::sniff(&head),
            };
            limits::check(Some(channel.kind), &facts)?;
        }
        Ok(())
    }

    /// At dispatch: replaces every Switchboard media id in `content` with the provider's id for
    /// `channel`, uploading the file first unless a valid upload is cached. For protocols
    /// without a separate upload (Telegram) an uncached file keeps its id and is answered as an
    /// attachment, to travel with the message ([`Connector::send_with_files`]); protocols that
    /// fetch by URL (Twilio) get a signed public link instead.
    pub async fn resolve_outbound_media(
        &self,
        channel: &Channel,
        connector: &dyn Connector,
        content: &mut Content,
    ) -> Result<Vec<AttachedFile>, ResolveError> {
        let org = channel.org_id;
        let capabilities = registry::protocol(&channel.protocol).map(|p| p.capabilities);
        let uploads = capabilities.is_none_or(|c| c.media_upload);
        let links = capabilities.is_some_and(|c| !c.media_upload && c.media_links);
        let mut attached = Vec::new();
        for (kind, m) in media_refs(content) {
            let Some(id) = switchboard_id(m) else {
                continue;
            };
            if links {
                // Twilio and the like fetch by URL: hand them a signed public link instead.
                m.url = Some(self.public_media_url(org, id).await?);
                m.media_id = None;
                continue;
            }
            let media = match self.store.get_media(org, id).await {
                Ok(media) => media,
                Err(switchboard_store::StoreError::NotFound) => {
                    return Err(ResolveError::Gone(format!("media {id} was deleted")));
                }
                Err(e) => return Err(ResolveError::Retry(e.to_string())),
            };
            if kind == MediaKind::Document && m.filename.is_none() {
                m.filename = media.filename.clone();
            }
            if uploads {
                m.media_id = Some(self.provider_media_id(channel, connector, &media).await?);
            } else if let Some(kept) = self.cached_upload(channel, &media).await? {
                m.media_id = Some(kept);
            } else {
                let bytes = self.media_bytes(&media).await?;
                attached.push(AttachedFile {
                    media_id: id.to_string(),
                    bytes,
                    mime_type: media.mime.clone(),
                    filename: media
                        .filename
                        .clone()
                        .unwrap_or_else(|| media.id.to_string()),
                });
            }
        }
        Ok(attached)
    }

    /// Keeps what the provider kept of attached files (Telegram's `file_id`), so the next send
    /// of the same file to the channel carries only the id. Not keeping it only costs sending
    /// the bytes again.
    pub async fn keep_sent_files(&self, channel: &Channel, kept: &[KeptFile]) {
        let now = switchboard_domain::now();
        for k in kept {
            let Ok(media_id) = k.media_id.parse::<MediaId>() else {
                continue;
            };
            let upload = ProviderUpload {
                media_id,
                channel_id: channel.id,
                provider_media_id: k.provider_media_id.clone(),
                uploaded_at: now,
                expires_at: now + time::Duration::days(UPLOAD_KEPT_DAYS),
            };
            if let Err(e) = self
                .store
                .put_provider_upload(channel.org_id, &upload)
                .await
            {
                tracing::warn!(media_id = %media_id, error = %e, "could not keep the provider's file id");
            }
        }
    }

    async fn cached_upload(
        &self,
        channel: &Channel,
        media: &MediaFile,
    ) -> Result<Option<String>, ResolveError> {
        let now = switchboard_domain::now();
        let cached = self
            .store
            .provider_upload(channel.org_id, media.id, channel.id, now)
            .await
            .map_err(|e| ResolveError::Retry(e.to_string()))?;
        Ok(cached.map(|u| u.provider_media_id))
    }

    async fn media_bytes(&self, media: &MediaFile) -> Result<bytes::Bytes, ResolveError> {
        let storage = self
            .media_storage()
            .map_err(|e| ResolveError::Retry(e.to_string()))?;
        match storage.read(&media.storage_key).await {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(ResolveError::Gone(format!(
                "media {} has no file",
                media.id
            ))),
            Err(e) => Err(ResolveError::Retry(format!("reading media: {e}"))),
        }
    }

    /// A signed, expiring public link to a file of `org`, for providers that fetch by URL.
    async fn public_media_url(
        &self,
        org: switchboard_domain::OrgId,
        id: MediaId,
    ) -> Result<String, ResolveError> {
        match self.store.get_media(org, id).await {
            Ok(_) => {}
            Err(switchboard_store::StoreError::NotFound) => {
                return Err(ResolveError::Gone(format!("media {id} was deleted")));
            }
            Err(e) => return Err(ResolveError::Retry(e.to_string())),
        }
        let base = self
            .settings
            .public_base_url
            .as_deref()
            .ok_or(ResolveError::NoPublicUrl)?;
        let link = self.media_link(id);
        Ok(format!(
            "{}{}",
            base.trim_end_matches('/'),
            link.path_and_query
        ))
    }

    async fn provider_media_id(
        &self,
        channel: &Channel,
        connector: &dyn Connector,
        media: &MediaFile,
    ) -> Result<String, ResolveError> {
        let lock = self.media_uploads.of(media.id, channel.id);
        let result = {
            let _one_at_a_time = lock.lock().await;
            self.upload_unless_cached(channel, connector, media).await
        };
        self.media_uploads.release(media.id, channel.id, lock);
        result
    }

    async fn upload_unless_cached(
        &self,
        channel: &Channel,
        connector: &dyn Connector,
        media: &MediaFile,
    ) -> Result<String, ResolveError> {
        if let Some(cached) = self.cached_upload(channel, media).await? {
            return Ok(cached);
        }
        let now = switchboard_domain::now();
        let bytes = self.media_bytes(media).await?;
        let filename = media
            .filename
            .clone()
            .unwrap_or_else(|| media.id.to_string());
        let provider_media_id = connector
            .upload_media(bytes, &media.mime, &filename)
            .await
            .map_err(ResolveError::Provider)?;
        let upload = ProviderUpload {
            media_id: media.id,
            channel_id: channel.id,
            provider_media_id: provider_media_id.clone(),
            uploaded_at: now,
            expires_at: now + time::Duration::days(UPLOAD_KEPT_DAYS),
        };
        // Not caching only costs another upload next time: the send goes on.
        if let Err(e) = self
            .store
            .put_provider_upload(channel.org_id, &upload)
            .await
        {
            tracing::warn!(media_id = %media.id, error = %e, "could not cache the provider upload");
        }
        tracing::info!(media_id = %media.id, channel_id = %channel.id, "media uploaded to the provider");
        Ok(provider_media_id)
    }
}
