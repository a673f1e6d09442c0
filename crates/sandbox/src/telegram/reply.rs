//! The Bot API's answers: `{"ok":true,"result":...}`, and `{"ok":false,"error_code":N,
//! "description":...,"parameters"?:...}` with HTTP status N, which is what clients see.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// One `ok:false` answer.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TgError {
    pub code: u16,
    pub description: String,
    pub parameters: Option<Value>,
}

impl TgError {
    pub fn new(code: u16, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            parameters: None,
        }
    }

    /// `400 Bad Request: {what}`.
    pub fn bad(what: impl std::fmt::Display) -> Self {
        Self::new(400, format!("Bad Request: {what}"))
    }

    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized")
    }

    pub fn not_found() -> Self {
        Self::new(404, "Not Found")
    }

    pub fn chat_not_found() -> Self {
        Self::bad("chat not found")
    }

    pub fn too_many(retry_after: u64) -> Self {
        Self {
            code: 429,
            description: format!("Too Many Requests: retry after {retry_after}"),
            parameters: Some(json!({"retry_after": retry_after})),
        }
    }
}

impl IntoResponse for TgError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "ok": false,
            "error_code": self.code,
            "description": self.description,
        });
        if let Some(p) = self.parameters {
            body["parameters"] = p;
        }
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::BAD_REQUEST);
        (status, Json(body)).into_response()
    }
}

/// `{"ok":true,"result":...}`.
pub(super) fn ok(result: Value) -> Response {
    Json(json!({"ok": true, "result": result})).into_response()
}
