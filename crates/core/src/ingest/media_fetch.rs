//! The `media.fetch` job: downloads an inbound message's media from the provider while the
//! provider still has it (WhatsApp keeps inbound media for a limited time), keeps the bytes in
//! the media storage and records a `media` row linked to the message (origin `inbound`), which
//! the message views and the media API then serve.
//!
//! Idempotent: a message that already has its row is done (the row is written after the file,
//! so a row always has its file), and the one-file-per-message rule makes a concurrent second
//! run give up its own copy instead of adding another row.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;
use switchboard_connectors::SendError;
use switchboard_connectors::media::digest_matches;
use switchboard_domain::{ChannelId, MediaId, MessageId};
use switchboard_jobs::{JobError, JobHandler};
use switchboard_store::{Job, MediaFile, MediaKind, MediaOrigin, Message, StoreError};

use super::MEDIA_FETCH;
use crate::Core;
use crate::media::{LocalDisk, MediaStorage, clean_filename, key_of};

/// What the ingest put in the job (`message_id` is added by the store).
#[derive(Debug, Deserialize)]
struct Payload {
    channel_id: ChannelId,
    message_id: MessageId,
    media_id: String,
    /// The provider's digest from the webhook, checked against the bytes when present.
    #[serde(default)]
    sha256: Option<String>,
}

/// The `media.fetch` handler, to register with the job runner.
pub struct MediaFetcher {
    core: Core,
    storage: Arc<dyn MediaStorage>,
}

impl Core {
    /// The `media.fetch` handler, keeping files on the local disk under `dir` (the data dir's
    /// `media/`, where the server's media storage is).
    pub fn media_fetcher(&self, dir: impl Into<PathBuf>) -> MediaFetcher {
        MediaFetcher {
            core: self.clone(),
            storage: Arc::new(LocalDisk::new(dir.into())),
        }
    }
}

#[async_trait::async_trait]
impl JobHandler for MediaFetcher {
    fn kind(&self) -> &'static str {
        MEDIA_FETCH
    }

    async fn run(&self, job: &Job) -> Result<(), JobError> {
        let org = job
            .org_id
            .ok_or_else(|| JobError::permanent("a media.fetch job needs an organization"))?;
        let p: Payload = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobError::permanent(format!("media.fetch payload: {e}")))?;
        let store = &self.core.store;
        let kept = store
            .media_of_messages(org, &[p.message_id])
            .await
            .map_err(|e| JobError::retry(e.to_string()))?;
        if !kept.is_empty() {
            return Ok(());
        }
        let channel = match store.find_channel(p.channel_id).await {
            Ok(c) if c.org_id == org => c,
            // Deleted since, or (never by our own jobs) another organization's: nothing to do.
            Ok(_) | Err(StoreError::NotFound) => {
                return Err(JobError::permanent(
                    "the message's channel no longer exists",
                ));
            }
            Err(e) => return Err(JobError::retry(e.to_string())),
        };
        let connector = self
            .core
            .connector(&channel)
            .await
            .map_err(|e| JobError::retry(format!("connector: {e}")))?;
        let media = connector
            .fetch_media(&p.media_id)
            .await
            .map_err(fetch_error)?;
        if let Some(expected) = p.sha256.as_deref().filter(|s| !s.trim().is_empty()) {
            let actual: [u8; 32] = match hex::decode(&media.sha256) {
                Ok(raw) => raw.try_into().unwrap_or([0; 32]),
                Err(_) => [0; 32],
            };
            if !digest_matches(expected, &actual) {
                // A download cut or garbled on the way: the next attempt fetches it again.
                return Err(JobError::retry(
                    "the media's digest does not match the webhook's",
                ));
            }
        }
        let message = match store.get_message(org, p.message_id).await {
            Ok(m) => m,
            Err(StoreError::NotFound) => {
                return Err(JobError::permanent("the message no longer exists"));
            }
            Err(e) => return Err(JobError::retry(e.to_string())),
        };
        let id = MediaId::new();
        let row = MediaFile {
            id,
            org_id: org,
            channel_id: Some(channel.id),
            kind: kind_of(&message),
            mime: media.mime_type.clone(),
            size: media.file_size,
            sha256: media.sha256.clone(),
            filename: filename_of(&message),
            storage_key: key_of(org, id),
            origin: MediaOrigin::Inbound,
            message_id: Some(message.id),
            created_at: switchboard_domain::now(),
        };
        self.storage
            .put_bytes(&row.storage_key, media.bytes)
            .await
            .map_err(|e| JobError::retry(format!("storing media: {e}")))?;
        match store.create_media(&row).await {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = self.storage.delete(&row.storage_key).await;
                match e {
                    // Another run recorded it first: its file is the one.
                    StoreError::Conflict { .. } => Ok(()),
                    StoreError::NotFound => {
                        Err(JobError::permanent("the message no longer exists"))
                    }
                    e => Err(JobError::retry(e.to_string())),
                }
            }
        }
    }
}

/// The message's kind as a media kind; anything else is kept as a document.
fn kind_of(message: &Message) -> MediaKind {
    message.kind.parse().unwrap_or(MediaKind::Document)
}

/// A document's file name, where the inbound content carries one.
fn filename_of(message: &Message) -> Option<String> {
    let c = &message.content;
    [&c["filename"], &c[message.kind.as_str()]["filename"]]
        .into_iter()
        .find_map(|v| v.as_str())
        .and_then(clean_filename)
}

fn fetch_error(e: SendError) -> JobError {
    if e.is_retryable() {
        JobError::Retry {
            error: e.to_string(),
            retry_after: e.action.delay(),
        }
    } else {
        JobError::permanent(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_refusals_are_final_and_outages_retry_after_their_delay() {
        use std::time::Duration;
        use switchboard_connectors::SendAction;
        let gone = SendError::local(SendAction::Rejected, "media_not_found", "expired");
        assert!(matches!(fetch_error(gone), JobError::Permanent { .. }));
        let busy = SendError::local(
            SendAction::RateLimited(Duration::from_secs(6)),
            "rate_limited",
            "slow down",
        );
        assert_eq!(
            fetch_error(busy),
            JobError::Retry {
                error: "rate_limited: slow down".into(),
                retry_after: Some(Duration::from_secs(6)),
            }
        );
    }
}
