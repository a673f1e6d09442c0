//! Media: `POST /{phone-number-id}/media` (multipart), `GET /{media-id}` for the short-lived url,
//! the download itself with the same token, and `DELETE /{media-id}`; BSP paths alike.

use std::sync::Arc;

use axum::Router;

use crate::config::SandboxConfig;
use crate::state::AppState;

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

/// Stored media. (Being written: webhook-side helper.)
pub(crate) struct MediaStore {}

impl MediaStore {
    pub(crate) fn new(_config: &SandboxConfig) -> Self {
        Self {}
    }

    /// The media with this id, if it exists and has not been deleted.
    pub(crate) fn lookup(&self, _media_id: &str) -> Option<MediaSummary> {
        None
    }
}

/// The media routes.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
}
