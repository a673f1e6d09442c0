//! An upload on its way in: streamed chunk by chunk into a staging file of the media storage
//! (never held whole in memory), hashed and measured as it goes, and refused as soon as it
//! passes the largest size Switchboard keeps. Dropped before it is stored, the file goes too.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::limits::MAX_UPLOAD;
use super::sniff::HEAD_LEN;
use crate::{Core, CoreError, CoreResult};

/// A staging file being written.
pub struct Staging {
    file: Option<tokio::fs::File>,
    staged: StagedFile,
    hasher: Sha256,
}

/// A complete staging file, ready for [`Core::upload_media`].
#[derive(Debug)]
pub struct StagedFile {
    path: PathBuf,
    pub size: u64,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    /// The first bytes, for the content type check.
    pub head: Vec<u8>,
}

impl StagedFile {
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        // Gone already once stored (renamed into place): the error is expected then.
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Core {
    /// A staging file for one upload.
    pub async fn stage_media(&self) -> CoreResult<Staging> {
        let path = self
            .media_storage()?
            .staging_path()
            .await
            .map_err(CoreError::internal)?;
        let file = tokio::fs::File::create(&path)
            .await
            .map_err(CoreError::internal)?;
        Ok(Staging {
            file: Some(file),
            staged: StagedFile {
                path,
                size: 0,
                sha256: String::new(),
                head: Vec::with_capacity(HEAD_LEN),
            },
            hasher: Sha256::new(),
        })
    }
}

impl Staging {
    /// Appends a chunk; `media_too_large` once the file passes [`MAX_UPLOAD`].
    pub async fn write(&mut self, chunk: &[u8]) -> CoreResult<()> {
        let s = &mut self.staged;
        s.size += chunk.len() as u64;
        if s.size > MAX_UPLOAD {
            return Err(CoreError::MediaTooLarge {
                size: s.size,
                limit: MAX_UPLOAD,
            });
        }
        let room = HEAD_LEN.saturating_sub(s.head.len());
        s.head.extend_from_slice(&chunk[..room.min(chunk.len())]);
        self.hasher.update(chunk);
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| CoreError::internal_msg("staging file already finished"))?;
        file.write_all(chunk).await.map_err(CoreError::internal)
    }

    /// Flushes the file to disk (durable before the upload is acknowledged).
    pub async fn finish(mut self) -> CoreResult<StagedFile> {
        if let Some(mut file) = self.file.take() {
            file.flush().await.map_err(CoreError::internal)?;
            file.sync_all().await.map_err(CoreError::internal)?;
        }
        let hasher = std::mem::take(&mut self.hasher);
        self.staged.sha256 = hex::encode(hasher.finalize());
        Ok(StagedFile {
            path: std::mem::take(&mut self.staged.path),
            size: self.staged.size,
            sha256: std::mem::take(&mut self.staged.sha256),
            head: std::mem::take(&mut self.staged.head),
        })
    }
}
