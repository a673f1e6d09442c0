//! Media: `POST /{phone-number-id}/media` (multipart), `GET /{media-id}` for the short-lived url,
//! the download itself with the same token, and `DELETE /{media-id}`; BSP paths alike.
//!
//! Media lives in memory, bounded twice: Meta's per-type size caps (PROVIDERS §1.7) on upload, and
//! [`TOTAL_CAP`] over everything stored, the oldest evicted first.

mod routes;

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use parking_lot::Mutex;
use rand::Rng as _;
use rand::distributions::Alphanumeric;
use sha2::{Digest as _, Sha256};

use crate::config::SandboxConfig;
use crate::graph_error::GraphError;
use crate::ids;

pub(crate) use routes::routes;

/// All media together: generous for tests and demos, small enough for a laptop.
const TOTAL_CAP: usize = 256 * 1024 * 1024;
/// Meta's download URLs last about five minutes.
const URL_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// What a send by media id needs to know about the media.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaSummary {
    /// The number it was uploaded to.
    pub phone_number_id: String,
    /// Its MIME type.
    pub mime_type: String,
    /// Its size in bytes.
    pub file_size: usize,
}

/// One stored file.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub phone_number_id: String,
    pub mime_type: String,
    pub bytes: Bytes,
    /// Base64 of the SHA-256 of the bytes, as Meta gives it.
    pub sha256: String,
}

#[derive(Default)]
struct Inner {
    items: HashMap<String, Stored>,
    /// Upload order, for eviction; may name ids deleted since.
    order: VecDeque<String>,
    total: usize,
    /// Download tokens: token -> (media id, expiry).
    urls: HashMap<String, (String, Instant)>,
}

/// Stored media.
pub(crate) struct MediaStore {
    inner: Mutex<Inner>,
    /// [`TOTAL_CAP`], smaller in tests.
    total_cap: usize,
}

/// The largest file Meta takes for a MIME type (parameters such as `; codecs=opus` ignored), or
/// `None` when Meta does not take the type at all.
pub(crate) fn size_cap(mime_type: &str) -> Option<usize> {
    const MB: usize = 1024 * 1024;
    let essence = mime_type.split(';').next().unwrap_or("").trim();
    Some(match essence.to_ascii_lowercase().as_str() {
        "image/jpeg" | "image/png" => 5 * MB,
        "audio/aac" | "audio/amr" | "audio/mpeg" | "audio/mp4" | "audio/ogg" => 16 * MB,
        "video/mp4" | "video/3gpp" => 16 * MB,
        // Animated stickers may be 500 KB, static ones 100 KB; telling them apart needs decoding
        // the WebP, so the sandbox applies the larger cap.
        "image/webp" => 500 * 1024,
        "text/plain"
        | "application/pdf"
        | "application/msword"
        | "application/vnd.ms-excel"
        | "application/vnd.ms-powerpoint"
        | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        | "application/vnd.openxmlformats-officedocument.presentationml.presentation" => 100 * MB,
        _ => return None,
    })
}

/// Base64 of SHA-256, as in Meta's `sha256` fields.
pub(crate) fn sha256_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes))
}

impl MediaStore {
    pub(crate) fn new(_config: &SandboxConfig) -> Self {
        Self::with_cap(TOTAL_CAP)
    }

    fn with_cap(total_cap: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            total_cap,
        }
    }

    /// Stores a file for a number, checking Meta's type and size rules; returns its new id.
    pub(crate) fn put(
        &self,
        phone_number_id: &str,
        mime_type: &str,
        bytes: Bytes,
    ) -> Result<String, GraphError> {
        let Some(cap) = size_cap(mime_type) else {
            return Err(GraphError::invalid_parameter(format!(
                "Param file must be a file with one of the following types: audio/aac, audio/amr, \
                 audio/mpeg, audio/mp4, audio/ogg, text/plain, application/pdf, application/msword, \
                 application/vnd.ms-excel, application/vnd.ms-powerpoint, the Office Open XML \
                 types, image/jpeg, image/png, image/webp, video/mp4, video/3gpp. Received file \
                 of type '{mime_type}'."
            )));
        };
        if bytes.is_empty() {
            return Err(GraphError::code(131_053, "The uploaded file is empty."));
        }
        if bytes.len() > cap {
            return Err(GraphError::code(
                131_053,
                format!(
                    "File is too big: {} bytes; the maximum for {mime_type} is {cap} bytes.",
                    bytes.len()
                ),
            ));
        }
        let id = ids::numeric_id();
        let stored = Stored {
            phone_number_id: phone_number_id.to_owned(),
            mime_type: mime_type.to_owned(),
            sha256: sha256_base64(&bytes),
            bytes,
        };
        let mut inner = self.inner.lock();
        let size = stored.bytes.len();
        while inner.total + size > self.total_cap {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(old) = inner.items.remove(&oldest) {
                inner.total -= old.bytes.len();
            }
        }
        inner.total += size;
        inner.order.push_back(id.clone());
        inner.items.insert(id.clone(), stored);
        Ok(id)
    }

    /// The media with this id, if it exists and has not been deleted.
    pub(crate) fn lookup(&self, media_id: &str) -> Option<MediaSummary> {
        self.get(media_id).map(|m| MediaSummary {
            phone_number_id: m.phone_number_id,
            mime_type: m.mime_type,
            file_size: m.bytes.len(),
        })
    }

    /// The stored file (bytes are shared, not copied).
    pub(crate) fn get(&self, media_id: &str) -> Option<Stored> {
        self.inner.lock().items.get(media_id).cloned()
    }

    /// Deletes the media; false when there was none.
    pub(crate) fn delete(&self, media_id: &str) -> bool {
        let mut inner = self.inner.lock();
        match inner.items.remove(media_id) {
            Some(old) => {
                inner.total -= old.bytes.len();
                inner.urls.retain(|_, (id, _)| id != media_id);
                // Deleted ids linger in `order` until eviction reaches them; when they are most
                // of it, drop them so upload-and-delete loops cannot grow it without bound.
                if inner.order.len() > 2 * inner.items.len() + 1024 {
                    let Inner { items, order, .. } = &mut *inner;
                    order.retain(|id| items.contains_key(id));
                }
                true
            }
            None => false,
        }
    }

    /// A fresh download token for the media, valid for [`URL_LIFETIME`].
    pub(crate) fn issue_token(&self, media_id: &str) -> String {
        let token: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(32)
            .map(char::from)
            .collect();
        let now = Instant::now();
        let mut inner = self.inner.lock();
        // Expired tokens are dropped here, so the map never outgrows the live ones.
        inner.urls.retain(|_, (_, expires)| *expires > now);
        inner
            .urls
            .insert(token.clone(), (media_id.to_owned(), now + URL_LIFETIME));
        token
    }

    /// The media a live download token opens, if it is for this id.
    pub(crate) fn redeem(&self, media_id: &str, token: &str) -> Option<Stored> {
        let inner = self.inner.lock();
        let (id, expires) = inner.urls.get(token)?;
        if id != media_id || *expires <= Instant::now() {
            return None;
        }
        inner.items.get(media_id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_follow_metas_table() {
        assert_eq!(size_cap("image/jpeg"), Some(5 * 1024 * 1024));
        assert_eq!(size_cap("audio/ogg; codecs=opus"), Some(16 * 1024 * 1024));
        assert_eq!(size_cap("application/pdf"), Some(100 * 1024 * 1024));
        assert_eq!(size_cap("image/gif"), None);
    }

    #[test]
    fn put_get_delete_and_tokens() {
        let store = MediaStore::new(&SandboxConfig::default());
        let id = store
            .put("1", "image/png", Bytes::from_static(b"png"))
            .unwrap();
        assert_eq!(store.lookup(&id).unwrap().file_size, 3);
        assert_eq!(store.get(&id).unwrap().sha256, sha256_base64(b"png"));
        let token = store.issue_token(&id);
        assert!(store.redeem(&id, &token).is_some());
        assert!(store.redeem(&id, "other").is_none());
        assert!(store.delete(&id));
        assert!(store.redeem(&id, &token).is_none());
        assert!(store.lookup(&id).is_none());
        assert!(!store.delete(&id));
        let err = store
            .put("1", "image/gif", Bytes::from_static(b"x"))
            .unwrap_err();
        assert_eq!(err.code, 100);
        let big = Bytes::from(vec![0u8; 5 * 1024 * 1024 + 1]);
        assert_eq!(store.put("1", "image/jpeg", big).unwrap_err().code, 131_053);
    }

    #[test]
    fn download_tokens_expire() {
        let store = MediaStore::new(&SandboxConfig::default());
        let id = store
            .put("1", "text/plain", Bytes::from_static(b"t"))
            .unwrap();
        let token = store.issue_token(&id);
        let expired = Instant::now() - Duration::from_millis(1);
        store
            .inner
            .lock()
            .urls
            .insert(token.clone(), (id.clone(), expired));
        assert!(store.redeem(&id, &token).is_none());
        // Issuing another token sweeps the expired one out.
        let fresh = store.issue_token(&id);
        assert!(!store.inner.lock().urls.contains_key(&token));
        assert!(store.redeem(&id, &fresh).is_some());
    }

    #[test]
    fn the_oldest_are_evicted_past_the_total_cap() {
        let store = MediaStore::with_cap(10);
        let put = |data: &'static [u8]| {
            store
                .put("1", "text/plain", Bytes::from_static(data))
                .unwrap()
        };
        let (a, b) = (put(b"aaaa"), put(b"bbbb"));
        let c = put(b"cccc");
        assert!(store.lookup(&a).is_none());
        assert!(store.lookup(&b).is_some() && store.lookup(&c).is_some());
        // Upload-and-delete loops leave `order` bounded.
        for _ in 0..5_000 {
            let id = put(b"x");
            store.delete(&id);
        }
        assert!(store.inner.lock().order.len() <= 2 * 2 + 1024 + 1);
        assert!(store.lookup(&b).is_some());
    }
}
