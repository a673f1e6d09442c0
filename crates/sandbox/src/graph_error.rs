//! Meta's Graph API error shape (PROVIDERS §1.5), built by code so every module answers alike:
//! `{"error":{"message":"(#131047) Re-engagement message","type":"OAuthException","code":131047,
//! "error_data":{"messaging_product":"whatsapp","details":"…"},"fbtrace_id":"…"}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::ids;

/// One Graph error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GraphError {
    /// The HTTP status it is answered with.
    pub status: StatusCode,
    /// `error.code`.
    pub code: i64,
    /// `error.error_subcode`, when Meta sends one.
    pub subcode: Option<i64>,
    /// `error.message`.
    pub message: String,
    /// `error.type`.
    pub error_type: &'static str,
    /// `error.error_data.details`.
    pub details: Option<String>,
}

impl GraphError {
    /// The error Meta answers for `code`, with the HTTP status and title of PROVIDERS §1.5 and
    /// `details` as the human explanation.
    pub fn code(code: i64, details: impl Into<String>) -> Self {
        let (status, title) = describe(code);
        Self {
            status,
            code,
            subcode: None,
            message: format!("(#{code}) {title}"),
            error_type: "OAuthException",
            details: Some(details.into()),
        }
    }

    /// 190: the token is missing, malformed or not the account's (401, no `error_data`).
    pub fn bad_token() -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: 190,
            subcode: None,
            message: "Invalid OAuth access token - Cannot parse access token".to_owned(),
            error_type: "OAuthException",
            details: None,
        }
    }

    /// 100 / subcode 33: the object in the path does not exist or this token cannot reach it.
    pub fn unknown_object(id: &str, method: &str) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: 100,
            subcode: Some(33),
            message: format!(
                "Unsupported {method} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
            ),
            error_type: "GraphMethodException",
            details: None,
        }
    }

    /// 100 with Meta's "Invalid parameter" title and a precise reason.
    pub fn invalid_parameter(details: impl Into<String>) -> Self {
        Self::code(100, details)
    }

    /// The JSON body Meta sends.
    pub fn body(&self) -> Value {
        let mut error = Map::new();
        error.insert("message".into(), json!(self.message));
        error.insert("type".into(), json!(self.error_type));
        error.insert("code".into(), json!(self.code));
        if let Some(sub) = self.subcode {
            error.insert("error_subcode".into(), json!(sub));
        }
        if let Some(details) = &self.details {
            error.insert(
                "error_data".into(),
                json!({"messaging_product": "whatsapp", "details": details}),
            );
        }
        error.insert("fbtrace_id".into(), json!(ids::fbtrace_id()));
        json!({ "error": error })
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// The HTTP status and title Meta (or, where Meta documents no status, our emulator) uses.
pub(crate) fn describe(code: i64) -> (StatusCode, &'static str) {
    let bad = StatusCode::BAD_REQUEST;
    match code {
        0 => (StatusCode::UNAUTHORIZED, "AuthException"),
        190 => (StatusCode::UNAUTHORIZED, "Invalid OAuth access token"),
        3 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Capability or permissions issue",
        ),
        10 | 200..=299 => (StatusCode::FORBIDDEN, "Permission denied"),
        4 => (bad, "Application request limit reached"),
        80007 => (bad, "Rate limit issues"),
        100 => (bad, "Invalid parameter"),
        368 => (
            StatusCode::FORBIDDEN,
            "Temporarily blocked for policies violations",
        ),
        131031 => (StatusCode::FORBIDDEN, "Account has been locked"),
        130429 => (bad, "Rate limit hit"),
        131000 => (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong"),
        131016 => (StatusCode::SERVICE_UNAVAILABLE, "Service unavailable"),
        131008 => (bad, "Required parameter is missing"),
        131009 => (bad, "Parameter value is not valid"),
        131026 => (bad, "Message Undeliverable"),
        131030 => (bad, "Recipient phone number not in allowed list"),
        131042 => (bad, "Business eligibility payment issue"),
        131047 => (bad, "Re-engagement message"),
        131048 => (bad, "Spam rate limit hit"),
        131049 => (
            bad,
            "This message was not delivered to maintain healthy ecosystem engagement",
        ),
        131050 => (bad, "User has stopped receiving marketing messages"),
        131051 => (bad, "Unsupported message type"),
        131052 => (bad, "Media download error"),
        131053 => (bad, "Media upload error"),
        131056 => (
            bad,
            "(Business Account, Consumer Account) pair rate limit hit",
        ),
        131057 => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Account in maintenance mode",
        ),
        132000 => (
            bad,
            "Number of parameters does not match the expected number of params",
        ),
        132001 => (
            StatusCode::NOT_FOUND,
            "Template name does not exist in the translation",
        ),
        132005 => (bad, "Translated text too long"),
        132007 => (bad, "Template Format Character Policy Violated"),
        132008 => (bad, "Template Parameter Format Mismatch"),
        132012 => (bad, "Template Parameter Format Mismatch"),
        132015 => (bad, "Template is Paused"),
        132016 => (bad, "Template is Disabled"),
        _ => (bad, "Unknown error"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_error_has_metas_shape() {
        let body = GraphError::code(131047, "more than 24 hours").body();
        let e = &body["error"];
        assert_eq!(e["message"], "(#131047) Re-engagement message");
        assert_eq!(e["type"], "OAuthException");
        assert_eq!(e["code"], 131047);
        assert_eq!(e["error_data"]["messaging_product"], "whatsapp");
        assert_eq!(e["error_data"]["details"], "more than 24 hours");
        assert!(e["fbtrace_id"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(e.get("error_subcode").is_none());
    }

    #[test]
    fn token_error_is_401_without_error_data() {
        let err = GraphError::bad_token();
        assert_eq!(err.status, StatusCode::UNAUTHORIZED);
        assert!(err.body()["error"].get("error_data").is_none());
    }

    #[test]
    fn unknown_object_has_subcode_33() {
        let body = GraphError::unknown_object("42", "post").body();
        assert_eq!(body["error"]["code"], 100);
        assert_eq!(body["error"]["error_subcode"], 33);
    }
}
