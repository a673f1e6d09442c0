//! Stored media files (PRODUCT §6): one row per file Switchboard keeps (uploaded through the API
//! or downloaded from a provider for an inbound message), and the cache of each file's uploads to
//! providers, so a file sent to many customers on one channel is uploaded there once.

use std::str::FromStr;

use switchboard_domain::{ChannelId, ContactId, MediaId, MessageId, OrgId, Timestamp};

use crate::Result;

/// The five media kinds of the content model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Image,
    Video,
    Audio,
    Document,
    Sticker,
}

impl MediaKind {
    pub const ALL: [MediaKind; 5] = [
        Self::Image,
        Self::Video,
        Self::Audio,
        Self::Document,
        Self::Sticker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::Document => "document",
            Self::Sticker => "sticker",
        }
    }
}

/// A kind name that is not one of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown media kind `{0}` (expected image, video, audio, document or sticker)")]
pub struct MediaKindError(pub String);

impl FromStr for MediaKind {
    type Err = MediaKindError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| MediaKindError(s.to_owned()))
    }
}

/// How a file came to be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaOrigin {
    /// `POST /v1/media`.
    Upload,
    /// Downloaded from the provider for an inbound message.
    Inbound,
}

impl MediaOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upload => "upload",
            Self::Inbound => "inbound",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "upload" => Some(Self::Upload),
            "inbound" => Some(Self::Inbound),
            _ => None,
        }
    }
}

/// One stored file. The bytes live in the media storage under `storage_key`, which Switchboard
/// builds from ids only (never from a client's file name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    pub id: MediaId,
    pub org_id: OrgId,
    /// The channel it was uploaded for (its limits were checked), or the inbound message's.
    pub channel_id: Option<ChannelId>,
    pub kind: MediaKind,
    pub mime: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    pub filename: Option<String>,
    pub storage_key: String,
    pub origin: MediaOrigin,
    /// The inbound message the file came with; at most one file per message
    /// (`Conflict { what: "media_message" }`).
    pub message_id: Option<MessageId>,
    pub created_at: Timestamp,
}

/// A file's copy at one channel's provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderUpload {
    pub media_id: MediaId,
    pub channel_id: ChannelId,
    pub provider_media_id: String,
    pub uploaded_at: Timestamp,
    /// When the provider forgets it (WhatsApp keeps uploads 30 days).
    pub expires_at: Timestamp,
}

#[async_trait::async_trait]
pub trait MediaStore: Send + Sync {
    /// `Conflict { what: "media_message" }` when the message already has a file.
    async fn create_media(&self, media: &MediaFile) -> Result<()>;
    async fn get_media(&self, org: OrgId, id: MediaId) -> Result<MediaFile>;
    /// Any organization's file: only for signed download links, whose signature (checked before)
    /// names the file.
    async fn find_media(&self, id: MediaId) -> Result<MediaFile>;
    /// The files of these messages (inbound media), in no particular order.
    async fn media_of_messages(&self, org: OrgId, messages: &[MessageId])
    -> Result<Vec<MediaFile>>;
    /// The files of a contact's messages, which go with them when the contact is deleted (the
    /// caller then removes their bytes).
    async fn media_of_contact(&self, org: OrgId, contact: ContactId) -> Result<Vec<MediaFile>>;
    /// Deletes the row and its provider uploads; answers the deleted row (its storage key).
    async fn delete_media(&self, org: OrgId, id: MediaId) -> Result<MediaFile>;
    /// The file's upload to `channel` that is still valid at `now`, if any.
    async fn provider_upload(
        &self,
        org: OrgId,
        media: MediaId,
        channel: ChannelId,
        now: Timestamp,
    ) -> Result<Option<ProviderUpload>>;
    /// Records (or replaces) the file's upload to a channel. `NotFound` when the file is not
    /// the organization's.
    async fn put_provider_upload(&self, org: OrgId, upload: &ProviderUpload) -> Result<()>;
}
