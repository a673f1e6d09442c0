//! The media HTTP routes: Graph (`/{version}/{phone-number-id}/media`, `/{version}/{media-id}`),
//! BSP (`/media`, `/{media-id}` with `D360-API-KEY`) and the download URL handed out by both.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::Stored;
use crate::accounts::{API_KEY_HEADER, Object, check_version};
use crate::config::WhatsAppAccount;
use crate::graph_error::GraphError;
use crate::state::AppState;

/// Uploads may be documents of 100 MB, far over axum's 2 MB default; a little room for the
/// multipart framing and the other fields.
const UPLOAD_LIMIT: usize = 101 * 1024 * 1024;

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/{version}/{id}/media",
            post(upload_graph).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/media",
            post(upload_bsp).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/{version}/{id}",
            get(get_media_or_template).delete(delete_graph),
        )
        // The BSP's `/{media-id}`: named `version` because the router needs one name per position
        // and the Graph routes call their first segment that.
        .route("/{version}", get(get_bsp).delete(delete_bsp))
        .route("/sandbox/media/{media_id}", get(download))
}

async fn upload_graph(
    State(state): State<Arc<AppState>>,
    Path((version, number)): Path<(String, String)>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Json<Value>, GraphError> {
    check_version(&version)?;
    let account = state.authenticate(&headers, Object::PhoneNumber, Some(&number), "post")?;
    upload(&state, &account, multipart).await
}

async fn upload_bsp(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Json<Value>, GraphError> {
    let account = state.authenticate_bsp(&headers)?;
    upload(&state, &account, multipart).await
}

/// Reads `file`, `type` and `messaging_product` (all required) and stores the file.
async fn upload(
    state: &AppState,
    account: &WhatsAppAccount,
    mut multipart: Multipart,
) -> Result<Json<Value>, GraphError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        GraphError::invalid_parameter(format!("Invalid multipart body: {}", e.body_text()))
    };
    let (mut file, mut mime, mut product) = (None, None, None);
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => file = Some(field.bytes().await.map_err(bad)?),
            "type" => mime = Some(field.text().await.map_err(bad)?),
            "messaging_product" => product = Some(field.text().await.map_err(bad)?),
            // Meta ignores parts it does not know; so does the sandbox.
            _ => {}
        }
    }
    match product.as_deref() {
        Some("whatsapp") => {}
        Some(_) => {
            return Err(GraphError::invalid_parameter(
                "Param messaging_product must be whatsapp",
            ));
        }
        None => {
            return Err(GraphError::invalid_parameter(
                "The parameter messaging_product is required.",
            ));
        }
    }
    let file = file.ok_or_else(|| GraphError::invalid_parameter("Param file is required"))?;
    let mime = mime
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| GraphError::invalid_parameter("Param type is required"))?;
    let id = state
        .media
        .put(&account.phone_number_id, mime.trim(), file)?;
    Ok(Json(json!({ "id": id })))
}

/// `GET /{version}/{id}`: a media id answers its download URL; otherwise the id may be a
/// template's (the two share Graph's object namespace, hence one route).
async fn get_media_or_template(
    State(state): State<Arc<AppState>>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    check_version(&version)?;
    if let Some(media) = state.media.get(&id) {
        owner_graph(&state, &headers, &media, &id, "get")?;
        return Ok(Json(info(&state, &id, &media)));
    }
    match crate::templates::get_by_id(&state, &headers, &id) {
        Some(answer) => answer.map(Json),
        None => Err(unknown(&state, &headers, &id, "get")),
    }
}

async fn delete_graph(
    State(state): State<Arc<AppState>>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    check_version(&version)?;
    let media = state
        .media
        .get(&id)
        .ok_or_else(|| unknown(&state, &headers, &id, "delete"))?;
    owner_graph(&state, &headers, &media, &id, "delete")?;
    state.media.delete(&id);
    Ok(Json(json!({ "success": true })))
}

async fn get_bsp(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    let media = owned_bsp(&state, &headers, &id, "get")?;
    Ok(Json(info(&state, &id, &media)))
}

async fn delete_bsp(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, GraphError> {
    owned_bsp(&state, &headers, &id, "delete")?;
    state.media.delete(&id);
    Ok(Json(json!({ "success": true })))
}

/// The download: the URL's token must be live (else 404, as Meta answers for an expired URL) and
/// the caller must hold the owning number's Bearer token or BSP key (else 401 with Graph's 190).
async fn download(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let token = query.get("token").map(String::as_str).unwrap_or("");
    let media = state.media.redeem(&id, token);
    let owner = media.as_ref().map_or("", |m| m.phone_number_id.as_str());
    match (is_owner(&state, &headers, owner), media) {
        (Err(e), _) => e.into_response(),
        (Ok(true), Some(media)) => {
            let mut response = Response::new(Body::from(media.bytes));
            if let Ok(v) = HeaderValue::from_str(&media.mime_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            response
        }
        _ => (StatusCode::NOT_FOUND, "Not Found").into_response(),
    }
}

/// Whether the caller's Bearer token or BSP key is the owning number's; an error (190) when it
/// is no valid credential at all.
fn is_owner(state: &AppState, headers: &HeaderMap, owner: &str) -> Result<bool, GraphError> {
    if headers.contains_key(API_KEY_HEADER) {
        return Ok(state.authenticate_bsp(headers)?.phone_number_id == owner);
    }
    match state.authenticate_graph(headers, Object::PhoneNumber, owner, "get") {
        Ok(_) => Ok(true),
        Err(e) if e.code == 190 => Err(e),
        Err(_) => Ok(false),
    }
}

/// `GET /{media-id}`'s answer, with a fresh short-lived URL.
fn info(state: &AppState, id: &str, media: &Stored) -> Value {
    let token = state.media.issue_token(id);
    json!({
        "messaging_product": "whatsapp",
        "url": format!("{}/sandbox/media/{id}?token={token}", state.base_url),
        "mime_type": media.mime_type,
        "sha256": media.sha256,
        "file_size": media.bytes.len(),
        "id": id,
    })
}

/// The Bearer token must be the owning number's; a valid token of another number sees 100/33,
/// as if the media did not exist.
fn owner_graph(
    state: &AppState,
    headers: &HeaderMap,
    media: &Stored,
    id: &str,
    method: &str,
) -> Result<(), GraphError> {
    match state.authenticate_graph(headers, Object::PhoneNumber, &media.phone_number_id, method) {
        Ok(_) => Ok(()),
        Err(e) if e.code == 190 => Err(e),
        Err(_) => Err(GraphError::unknown_object(id, method)),
    }
}

fn owned_bsp(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    method: &str,
) -> Result<Stored, GraphError> {
    let account = state.authenticate_bsp(headers)?;
    state
        .media
        .get(id)
        .filter(|m| m.phone_number_id == account.phone_number_id)
        .ok_or_else(|| GraphError::unknown_object(id, method))
}

/// An id that names nothing: 190 for a bad token first, as Graph checks the token before the path.
fn unknown(state: &AppState, headers: &HeaderMap, id: &str, method: &str) -> GraphError {
    match state.authenticate_graph(headers, Object::PhoneNumber, id, method) {
        Err(e) if e.code == 190 => e,
        _ => GraphError::unknown_object(id, method),
    }
}
