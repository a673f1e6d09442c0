//! The `media.fetch` job: downloads an inbound message's media from the provider while the
//! provider still has it (WhatsApp keeps inbound media for a limited time) and keeps the bytes
//! under the media directory at `{dir}/{org_id}/{message_id}`, where the media API can serve it.
//!
//! Idempotent: a file already in place means an earlier run finished its work before a crash,
//! and files appear only by an atomic rename, so a half-written download is never taken as done.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use switchboard_connectors::SendError;
use switchboard_connectors::media::digest_matches;
use switchboard_domain::{ChannelId, MessageId, OrgId};
use switchboard_jobs::{JobError, JobHandler};
use switchboard_store::{Job, StoreError};

use super::MEDIA_FETCH;
use crate::Core;

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
    dir: PathBuf,
}

impl Core {
    /// The `media.fetch` handler, keeping files under `dir` (the data dir's `media/`).
    pub fn media_fetcher(&self, dir: impl Into<PathBuf>) -> MediaFetcher {
        MediaFetcher {
            core: self.clone(),
            dir: dir.into(),
        }
    }
}

/// Where an inbound message's media is kept.
pub fn media_path(dir: &Path, org: OrgId, message: MessageId) -> PathBuf {
    dir.join(org.0.to_string()).join(message.0.to_string())
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
        let path = media_path(&self.dir, org, p.message_id);
        if exists(&path).await {
            return Ok(());
        }
        let channel = match self.core.store.find_channel(p.channel_id).await {
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
        write_atomically(path, media.bytes.to_vec())
            .await
            .map_err(|e| JobError::retry(format!("storing media: {e}")))
    }
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

async fn exists(path: &Path) -> bool {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || path.exists())
        .await
        .unwrap_or(false)
}

/// Writes `bytes` next to `path` and renames it into place, so `path` is whole or absent.
async fn write_atomically(path: PathBuf, bytes: Vec<u8>) -> std::io::Result<()> {
    tokio::task::spawn_blocking(move || {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let partial = path.with_extension("part");
        std::fs::write(&partial, &bytes)?;
        std::fs::rename(&partial, &path)
    })
    .await
    .map_err(std::io::Error::other)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_appear_whole_under_org_and_message() {
        let dir = tempfile_dir();
        let (org, message) = (OrgId::new(), MessageId::new());
        let path = media_path(&dir, org, message);
        assert!(path.starts_with(dir.join(org.0.to_string())));
        assert!(!exists(&path).await);
        write_atomically(path.clone(), b"jpeg bytes".to_vec())
            .await
            .expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), b"jpeg bytes");
        assert!(
            !path.with_extension("part").exists(),
            "no partial file left"
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

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

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sb-media-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }
}
