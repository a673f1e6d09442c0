//! Serving a stored file's bytes: to an API caller (`GET /v1/media/{id}/content`) and to whoever
//! holds a signed link (`GET /media/{id}?expires=..&signature=..`), streamed from the storage
//! with the stored type, the file name, and `nosniff`.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use switchboard_core::CoreError;
use switchboard_core::media::MediaReader;
use switchboard_domain::MediaId;
use switchboard_store::{MediaFile, MediaKind};

use crate::extract::{Caller, Path, Query};
use crate::{ApiError, AppState};

/// The file's bytes for an API caller (no link needed).
#[utoipa::path(get, path = "/v1/media/{id}/content", tag = "media",
    params(("id" = Uuid, Path)),
    responses((status = 200, description = "The file's bytes, with its stored type"),
        crate::openapi::Errors))]
pub async fn media_content(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<MediaId>,
) -> Result<Response, ApiError> {
    let (media, reader) = s.core.read_media(&p, id).await?;
    Ok(file_response(&media, reader))
}

fn file_response(media: &MediaFile, reader: MediaReader) -> Response {
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(reader));
    let mut res = (StatusCode::OK, body).into_response();
    set_file_headers(res.headers_mut(), media);
    res
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LinkParams {
    /// Unix seconds after which the link no longer works.
    pub expires: Option<String>,
    /// Hex HMAC-SHA256 of the id and expiry.
    pub signature: Option<String>,
}

#[utoipa::path(get, path = "/media/{id}", tag = "media", security(),
    params(("id" = Uuid, Path), LinkParams),
    responses((status = 200, description = "The file's bytes, with its stored type"),
        crate::openapi::Errors))]
pub async fn download_media(
    State(s): State<AppState>,
    Path(id): Path<MediaId>,
    Query(q): Query<LinkParams>,
) -> Result<Response, ApiError> {
    let (Some(expires), Some(signature)) = (q.expires, q.signature) else {
        return Err(CoreError::MediaLinkInvalid.into());
    };
    let (media, reader) = s.core.download_media(id, &expires, &signature).await?;
    Ok(file_response(&media, reader))
}

fn set_file_headers(h: &mut HeaderMap, m: &MediaFile) {
    let mime = HeaderValue::from_str(&m.mime)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, mime);
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(m.size));
    // The stored type is the truth: a browser must not guess another (an HTML "image").
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    if let Ok(v) = HeaderValue::from_str(&disposition(m)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
}

/// `inline` for what a browser shows (pictures, sound, video), `attachment` for documents, with
/// the file name as ASCII (`filename=`) and exactly (`filename*=`, RFC 8187).
fn disposition(m: &MediaFile) -> String {
    let how = match m.kind {
        MediaKind::Document => "attachment",
        _ => "inline",
    };
    let Some(name) = &m.filename else {
        return how.to_owned();
    };
    let ascii: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}
