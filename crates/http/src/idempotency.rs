//! `Idempotency-Key` on POST requests: the first request with a key runs and its answer (status,
//! content type, body) is stored; the same key with the same method, path and body replays that
//! answer; with another request it is refused (422), and while the first still runs, 409. A 5xx
//! abandons the claim so the client may retry. Records are per organization and per caller.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use switchboard_core::Principal;
use switchboard_store::{IdempotencyBegin, StoredResponse};

use crate::{ApiError, AppState};

pub const HEADER: &str = "idempotency-key";
/// Long enough for a UUID or a client's own composite key.
const MAX_KEY_LEN: usize = 255;

fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/")
        })
}

pub async fn layer(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    // File uploads stream to disk and are never buffered (up to 100 MB); one repeated after a
    // lost answer only makes a second file, which the client may delete. Documented on the route.
    if req.method() != Method::POST || is_multipart(req.headers()) {
        return Ok(next.run(req).await);
    }
    let Some(key) = req.headers().get(HEADER) else {
        return Ok(next.run(req).await);
    };
    let key = key
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= MAX_KEY_LEN)
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::validation(
                "Idempotency-Key",
                format!("must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
            )
        })?;
    let principal = req
        .extensions()
        .get::<Principal>()
        .cloned()
        .ok_or(ApiError::Core(switchboard_core::CoreError::Unauthenticated))?;
    let limit = state.settings.body_limit_bytes;
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge { limit })?;
    let hash = request_hash(&parts.method, parts.uri.path(), &body);
    match state.core.begin_idempotent(&principal, &key, &hash).await? {
        IdempotencyBegin::Replay(stored) => return Ok(replay(stored)),
        IdempotencyBegin::Mismatch => return Err(ApiError::IdempotencyKeyReused),
        IdempotencyBegin::InProgress => return Err(ApiError::IdempotencyInProgress),
        IdempotencyBegin::Started => {}
    }
    let res = next.run(Request::from_parts(parts, Body::from(body))).await;
    if res.status().is_server_error() {
        if let Err(e) = state.core.abandon_idempotent(&principal, &key).await {
            tracing::warn!(error = %e, "could not abandon an idempotency claim");
        }
        return Ok(res);
    }
    let (parts, body) = res.into_parts();
    // Our own handlers' answers are small JSON documents; the cap only guards against surprises.
    let bytes = match to_bytes(body, 16 * 1024 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "could not buffer a response to store it");
            let _ = state.core.abandon_idempotent(&principal, &key).await;
            return Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    let stored = StoredResponse {
        status: parts.status.as_u16(),
        content_type: parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/json")
            .to_owned(),
        body: match parts.extensions.get::<SecretFields>() {
            Some(fields) => redact(&bytes, fields.0),
            None => bytes.to_vec(),
        },
    };
    // The change is committed whatever happens here: answer it. A lost record only means a retry
    // waits for the claim to expire and then runs again, which beats hiding a success behind a 500.
    if let Err(e) = state
        .core
        .finish_idempotent(&principal, &key, &stored)
        .await
    {
        tracing::error!(error = %e, "could not store an idempotent answer");
    }
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

/// Put on a response whose JSON carries secrets (a new API key's): those top-level fields are
/// stored as `null`, so no secret rests in the idempotency table. A replay then tells the client
/// what was created, without the secret (rotate the key to get a new one).
#[derive(Debug, Clone, Copy)]
pub struct SecretFields(pub &'static [&'static str]);

fn redact(body: &[u8], fields: &[&str]) -> Vec<u8> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(mut o)) => {
            for f in fields {
                if let Some(v) = o.get_mut(*f) {
                    *v = serde_json::Value::Null;
                }
            }
            serde_json::Value::Object(o).to_string().into_bytes()
        }
        // Not a JSON object (an error page): it holds no secret field to hide.
        _ => body.to_vec(),
    }
}

/// SHA-256 over method, path and body, with separators so that fields cannot run together.
pub fn request_hash(method: &Method, path: &str, body: &[u8]) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(method.as_str().as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    h.finalize().to_vec()
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut res = (status, stored.body).into_response();
    let ct = HeaderValue::from_str(&stored.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/json"));
    res.headers_mut().insert(header::CONTENT_TYPE, ct);
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_fields_are_stored_as_null() {
        let stored = redact(br#"{"id":"k","secret":"sbk_x"}"#, &["secret"]);
        let v: serde_json::Value = serde_json::from_slice(&stored).unwrap();
        assert_eq!(v, serde_json::json!({ "id": "k", "secret": null }));
    }

    #[test]
    fn the_hash_separates_its_parts() {
        let a = request_hash(&Method::POST, "/v1/teams", b"{}");
        assert_eq!(a, request_hash(&Method::POST, "/v1/teams", b"{}"));
        assert_ne!(a, request_hash(&Method::POST, "/v1/teams", b"{ }"));
        assert_ne!(a, request_hash(&Method::POST, "/v1/team", b"s{}"));
    }
}
