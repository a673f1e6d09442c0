//! `/v1/media`: upload a file (multipart, streamed to disk), read its description with a fresh
//! signed link, delete it; and the public `/media/{id}?expires=..&signature=..`, which serves the
//! bytes to whoever holds a link that has not expired (no API key: a browser or a provider).

use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json as JsonOut, Router};
use serde::Serialize;
use switchboard_core::media::limits::MAX_UPLOAD;
use switchboard_core::media::{MediaInfo, NewMedia, StagedFile};
use switchboard_core::{Core, CoreError};
use switchboard_domain::{ChannelId, MediaId};
use switchboard_store::MediaKind;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::extract::{Caller, Path};
use crate::{ApiError, AppState};

pub mod download;

/// Room for the multipart framing and the small text parts around the largest file.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/media",
            post(upload_media).layer(DefaultBodyLimit::max(
                usize::try_from(MAX_UPLOAD).unwrap_or(usize::MAX) + MULTIPART_OVERHEAD,
            )),
        )
        .route("/v1/media/{id}", get(get_media).delete(delete_media))
        .route("/v1/media/{id}/content", get(download::media_content))
}

/// The signed download route, outside authentication.
pub fn public_router() -> Router<AppState> {
    Router::new().route("/media/{id}", get(download::download_media))
}

/// A stored file.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaView {
    pub id: Uuid,
    /// `image`, `video`, `audio`, `document` or `sticker`.
    pub kind: String,
    pub mime: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    pub filename: Option<String>,
    pub channel_id: Option<Uuid>,
    /// `upload` (through this API) or `inbound` (a customer's message).
    pub origin: String,
    pub message_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// A signed download link, valid until `url_expires_at`.
    pub url: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub url_expires_at: OffsetDateTime,
}

impl MediaView {
    fn new(info: MediaInfo, base: &str) -> Self {
        let m = info.media;
        Self {
            id: m.id.0,
            kind: m.kind.as_str().to_owned(),
            mime: m.mime,
            size: m.size,
            sha256: m.sha256,
            filename: m.filename,
            channel_id: m.channel_id.map(|c| c.0),
            origin: m.origin.as_str().to_owned(),
            message_id: m.message_id.map(|id| id.0),
            created_at: m.created_at,
            url: format!("{base}{}", info.link.path_and_query),
            url_expires_at: info.link.expires_at,
        }
    }
}

/// A message's stored file, in the message views.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageMediaView {
    pub id: Uuid,
    pub mime: String,
    pub size: u64,
    /// A signed download link (see `GET /v1/media/{id}` for a fresh one).
    pub url: String,
}

/// Puts each message's stored file (inbound media) on its view.
pub(crate) async fn attach_to_messages(
    s: &AppState,
    p: &switchboard_core::Principal,
    headers: &HeaderMap,
    views: &mut [super::messages::MessageView],
) -> Result<(), ApiError> {
    let ids: Vec<switchboard_domain::MessageId> = views
        .iter()
        .map(|v| switchboard_domain::MessageId(v.id))
        .collect();
    let found = s.core.media_of_messages(p, &ids).await?;
    if found.is_empty() {
        return Ok(());
    }
    let base = base(s, headers);
    for info in found {
        let Some(message) = info.media.message_id else {
            continue;
        };
        if let Some(view) = views.iter_mut().find(|v| v.id == message.0) {
            view.media = Some(MessageMediaView {
                id: info.media.id.0,
                mime: info.media.mime,
                size: info.media.size,
                url: format!("{base}{}", info.link.path_and_query),
            });
        }
    }
    Ok(())
}

/// The multipart form of `POST /v1/media` (for the OpenAPI document).
#[derive(Debug, ToSchema)]
pub struct UploadMediaForm {
    /// The file; its part's `Content-Type` is the declared MIME type, checked against the bytes.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// The channel it is meant for: its type and size limits are checked now.
    pub channel_id: Option<Uuid>,
    /// `image`, `video`, `audio`, `document` or `sticker`; inferred from the type when absent.
    pub kind: Option<String>,
}

/// The hub's external base URL for links.
fn base(s: &AppState, headers: &HeaderMap) -> String {
    super::channels::public_base(s, headers)
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        CoreError::MediaTooLarge {
            size: MAX_UPLOAD + 1,
            limit: MAX_UPLOAD,
        }
        .into()
    } else {
        ApiError::validation(
            "file",
            format!("malformed multipart body: {}", e.body_text()),
        )
    }
}

async fn text(field: Field<'_>) -> Result<String, ApiError> {
    field.text().await.map_err(multipart_error)
}

/// Streams the `file` part into a staging file, chunk by chunk.
async fn stage(core: &Core, mut field: Field<'_>) -> Result<StagedFile, ApiError> {
    let mut staging = core.stage_media().await?;
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        staging.write(&chunk).await?;
    }
    Ok(staging.finish().await?)
}

/// Uploads a file. `Idempotency-Key` does not apply (the body is streamed, never buffered): an
/// upload repeated after a lost answer makes a second file.
#[utoipa::path(post, path = "/v1/media", tag = "media",
    request_body(content = UploadMediaForm, content_type = "multipart/form-data"),
    responses((status = 201, body = MediaView), crate::openapi::Errors))]
pub async fn upload_media(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut multipart = multipart.map_err(|_| {
        ApiError::validation(
            "file",
            "send the file as multipart/form-data in a `file` part",
        )
    })?;
    let mut new = NewMedia::default();
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name().unwrap_or_default() {
            "file" if file.is_none() => {
                new.mime = field.content_type().map(str::to_owned);
                new.filename = field.file_name().map(str::to_owned);
                file = Some(stage(&s.core, field).await?);
            }
            "file" => return Err(ApiError::validation("file", "send one `file` part")),
            "channel_id" => {
                let raw = text(field).await?;
                let id = super::id_param("channel_id", raw.trim())?;
                new.channel_id = Some(ChannelId(id));
            }
            "kind" => {
                let raw = text(field).await?;
                let kind = raw
                    .trim()
                    .parse::<MediaKind>()
                    .map_err(|e| ApiError::validation("kind", e.to_string()))?;
                new.kind = Some(kind);
            }
            // Unknown parts are ignored, as providers' upload APIs do.
            _ => {}
        }
    }
    let file = file.ok_or_else(|| ApiError::validation("file", "the `file` part is missing"))?;
    let info = s.core.upload_media(&p, new, file).await?;
    let view = MediaView::new(info, &base(&s, &headers));
    Ok((StatusCode::CREATED, JsonOut(view)).into_response())
}

#[utoipa::path(get, path = "/v1/media/{id}", tag = "media",
    params(("id" = Uuid, Path)), responses((status = 200, body = MediaView), crate::openapi::Errors))]
pub async fn get_media(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    Path(id): Path<MediaId>,
) -> Result<JsonOut<MediaView>, ApiError> {
    let info = s.core.get_media(&p, id).await?;
    Ok(JsonOut(MediaView::new(info, &base(&s, &headers))))
}

#[utoipa::path(delete, path = "/v1/media/{id}", tag = "media",
    params(("id" = Uuid, Path)), responses((status = 204), crate::openapi::Errors))]
pub async fn delete_media(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<MediaId>,
) -> Result<StatusCode, ApiError> {
    s.core.delete_media(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
