//! Where media bytes live: the [`MediaStorage`] trait (so object storage can replace the disk
//! for installations with several nodes) and [`LocalDisk`], the default, under
//! `{data_dir}/media`. Keys are built by Switchboard from ids only (`{org}/{media}`), never from
//! a client's file name, and are checked again here so no key can leave the root.
//!
//! Files appear by an atomic rename of a fully written staging file, so a reader (or a job rerun
//! after a crash) never sees half a file.

use std::path::{Path, PathBuf};
use std::pin::Pin;

use bytes::Bytes;
use switchboard_domain::{MediaId, OrgId};
use tokio::io::AsyncRead;

/// A file's bytes, streamed.
pub type MediaReader = Pin<Box<dyn AsyncRead + Send>>;

/// The storage key of a file: `{org}/{media}`.
pub fn key_of(org: OrgId, id: MediaId) -> String {
    format!("{org}/{id}")
}

#[async_trait::async_trait]
pub trait MediaStorage: Send + Sync {
    /// A fresh local file to stream an upload into before it is [`put`](Self::put).
    async fn staging_path(&self) -> std::io::Result<PathBuf>;
    /// Moves a fully written staging file to `key` (replacing what was there).
    async fn put_file(&self, key: &str, staged: &Path) -> std::io::Result<()>;
    /// Stores `bytes` at `key`.
    async fn put_bytes(&self, key: &str, bytes: Bytes) -> std::io::Result<()>;
    /// The file at `key`; `NotFound` when there is none.
    async fn open(&self, key: &str) -> std::io::Result<MediaReader>;
    /// The whole file (for provider uploads, which take the bytes at once).
    async fn read(&self, key: &str) -> std::io::Result<Bytes>;
    /// Removes the file; a missing file is not an error.
    async fn delete(&self, key: &str) -> std::io::Result<()>;
}

/// Files under one directory.
#[derive(Debug, Clone)]
pub struct LocalDisk {
    root: PathBuf,
}

impl LocalDisk {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The path of `key`, refusing anything but `{uuid}/{uuid}`-like keys: ASCII letters,
    /// digits, `-` and exactly one `/` between two non-empty parts.
    fn path(&self, key: &str) -> std::io::Result<PathBuf> {
        let ok_part =
            |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        match key.split_once('/') {
            Some((dir, file)) if ok_part(dir) && ok_part(file) => {
                Ok(self.root.join(dir).join(file))
            }
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("`{key}` is not a media storage key"),
            )),
        }
    }

    fn staging_dir(&self) -> PathBuf {
        self.root.join(".staging")
    }
}

#[async_trait::async_trait]
impl MediaStorage for LocalDisk {
    async fn staging_path(&self) -> std::io::Result<PathBuf> {
        let dir = self.staging_dir();
        tokio::fs::create_dir_all(&dir).await?;
        Ok(dir.join(format!("{}.part", uuid::Uuid::now_v7())))
    }

    async fn put_file(&self, key: &str, staged: &Path) -> std::io::Result<()> {
        let path = self.path(key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        // Staging files live under the root, on the same file system: the rename is atomic.
        tokio::fs::rename(staged, &path).await?;
        // The rename itself reaches the disk with its directory: durable before acknowledged.
        if let Some(parent) = path.parent() {
            tokio::fs::File::open(parent).await?.sync_all().await?;
        }
        Ok(())
    }

    async fn put_bytes(&self, key: &str, bytes: Bytes) -> std::io::Result<()> {
        let staged = self.staging_path().await?;
        let written = async {
            let mut file = tokio::fs::File::create(&staged).await?;
            tokio::io::AsyncWriteExt::write_all(&mut file, &bytes).await?;
            file.sync_all().await?;
            self.put_file(key, &staged).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&staged).await;
        }
        written
    }

    async fn open(&self, key: &str) -> std::io::Result<MediaReader> {
        let file = tokio::fs::File::open(self.path(key)?).await?;
        Ok(Box::pin(file))
    }

    async fn read(&self, key: &str) -> std::io::Result<Bytes> {
        tokio::fs::read(self.path(key)?).await.map(Bytes::from)
    }

    async fn delete(&self, key: &str) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_round_trip_and_keys_stay_inside_the_root() {
        let dir = std::env::temp_dir().join(format!("sb-disk-{}", uuid::Uuid::now_v7()));
        let disk = LocalDisk::new(&dir);
        let key = key_of(OrgId::new(), MediaId::new());
        disk.put_bytes(&key, Bytes::from_static(b"bytes"))
            .await
            .expect("put");
        assert_eq!(disk.read(&key).await.expect("read"), "bytes");
        let staged = disk.staging_path().await.expect("staging");
        tokio::fs::write(&staged, b"other")
            .await
            .expect("write staged");
        disk.put_file(&key, &staged).await.expect("replace");
        assert_eq!(disk.read(&key).await.expect("read"), "other");
        assert!(!staged.exists(), "the staging file moved");
        disk.delete(&key).await.expect("delete");
        disk.delete(&key).await.expect("delete twice");
        let gone = disk.open(&key).await.err().expect("gone");
        assert_eq!(gone.kind(), std::io::ErrorKind::NotFound);
        for bad in [
            "../etc/passwd",
            "a/../../b",
            "/abs",
            "a/b/c",
            "a",
            "a/",
            "a/.b",
        ] {
            assert!(disk.read(bad).await.is_err(), "{bad}");
        }
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
