//! Media on the Cloud API: multipart upload, the two-step download (look the id up for a
//! short-lived URL, then fetch that URL with the same credential) and delete (PROVIDERS §1.1).

use bytes::Bytes;
use http::Method;
use reqwest::multipart::{Form, Part};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::super::wire::string_or_number;
use super::{WhatsAppCloud, call, expect_success};
use crate::media::{FetchedMedia, digest_matches};
use crate::outbound::{SendAction, SendError};

/// Why a download is not the file the provider described: the transfer (or the provider) went
/// wrong, which a fresh download usually fixes.
const CHECKSUM_MISMATCH: &str = "media_checksum_mismatch";

/// `{"id":"…"}`: the answer to an upload.
#[derive(Deserialize)]
struct Uploaded {
    #[serde(deserialize_with = "string_or_number")]
    id: String,
}

/// The answer to `GET /{media-id}`.
#[derive(Deserialize)]
struct MediaInfo {
    url: String,
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default)]
    sha256: Option<String>,
    #[serde(default, deserialize_with = "opt_size")]
    file_size: Option<u64>,
}

/// Meta writes `file_size` as a number, some BSPs as a string.
fn opt_size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "string_or_number")] String);
    Ok(Option::<Wrap>::deserialize(d)?.and_then(|Wrap(s)| s.parse().ok()))
}

pub(super) async fn upload(
    wa: &WhatsAppCloud,
    bytes: Bytes,
    mime_type: &str,
    filename: &str,
) -> Result<String, SendError> {
    let part = Part::stream(bytes)
        .file_name(filename.to_owned())
        .mime_str(mime_type)
        .map_err(|_| {
            SendError::local(
                SendAction::Rejected,
                "invalid_media",
                format!("{mime_type:?} is not a MIME type"),
            )
        })?;
    let form = Form::new()
        .text("messaging_product", "whatsapp")
        .text("type", mime_type.to_owned())
        .part("file", part);
    let request = wa
        .request(Method::POST, wa.endpoints.media_upload())
        .multipart(form);
    let uploaded: Uploaded = call::json(request).await?;
    Ok(uploaded.id)
}

pub(super) async fn fetch(wa: &WhatsAppCloud, media_id: &str) -> Result<FetchedMedia, SendError> {
    check_id(media_id)?;
    let lookup = wa.request(Method::GET, wa.endpoints.media(media_id));
    let info: MediaInfo = call::json(lookup).await?;
    let url = wa.endpoints.download(&info.url).ok_or_else(|| {
        SendError::local(
            SendAction::Retry,
            call::BAD_RESPONSE,
            "the media lookup gave no usable download URL",
        )
    })?;
    // The download URL wants the same credential as the API (PROVIDERS §1.1).
    let answer = call::exchange(wa.request(Method::GET, url), call::MAX_MEDIA_BODY).await?;
    let digest: [u8; 32] = Sha256::digest(&answer.body).into();
    let file_size = answer.body.len() as u64;
    if let Some(expected) = info.sha256.as_deref().filter(|s| !s.is_empty())
        && !digest_matches(expected, &digest)
    {
        return Err(mismatch(format!(
            "the download's SHA-256 is not the {expected:?} the provider gave"
        )));
    }
    if let Some(expected) = info.file_size.filter(|&n| n != file_size) {
        return Err(mismatch(format!(
            "downloaded {file_size} bytes, the provider said {expected}"
        )));
    }
    let mime_type = info
        .mime_type
        .or(answer.content_type)
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    Ok(FetchedMedia {
        bytes: Bytes::from(answer.body),
        mime_type,
        sha256: hex::encode(digest),
        file_size,
    })
}

pub(super) async fn delete(wa: &WhatsAppCloud, media_id: &str) -> Result<(), SendError> {
    check_id(media_id)?;
    expect_success(wa.request(Method::DELETE, wa.endpoints.media(media_id))).await
}

/// A media id is one opaque path segment; `.` and `..` would be resolved away by URL rules and
/// point at another endpoint.
fn check_id(media_id: &str) -> Result<(), SendError> {
    if media_id.is_empty() || media_id == "." || media_id == ".." {
        return Err(SendError::local(
            SendAction::Rejected,
            "invalid_media",
            format!("{media_id:?} is not a media id"),
        ));
    }
    Ok(())
}

fn mismatch(text: String) -> SendError {
    SendError::local(SendAction::Retry, CHECKSUM_MISMATCH, text)
}
