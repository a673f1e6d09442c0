//! `ApiError`: every error the HTTP edge answers, turned into an RFC 9457 problem document
//! (`application/problem+json`) in one `match`. 5xx bodies are opaque; their cause is logged once,
//! inside the request's span so the log line carries the request id.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use switchboard_core::{CoreError, Decision};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug)]
pub enum ApiError {
    Core(CoreError),
    /// The body is not JSON at all, or is cut short.
    MalformedJson(String),
    UnsupportedMediaType,
    PayloadTooLarge {
        limit: usize,
    },
    CsrfFailed,
    RateLimited(Decision),
    IdempotencyKeyReused,
    IdempotencyInProgress,
    /// No route for the path.
    RouteNotFound,
    MethodNotAllowed,
    /// `/readyz` found the store down.
    NotReady,
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        ApiError::Core(e)
    }
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Core(CoreError::validation(field, message))
    }
}

/// The parts of one problem document before serialization.
struct Problem {
    status: StatusCode,
    code: &'static str,
    title: &'static str,
    detail: String,
    extra: Map<String, Value>,
    retry_after: Option<Duration>,
}

fn problem(status: StatusCode, code: &'static str, title: &'static str, detail: String) -> Problem {
    Problem {
        status,
        code,
        title,
        detail,
        extra: Map::new(),
        retry_after: None,
    }
}

impl ApiError {
    fn problem(self) -> Problem {
        use StatusCode as S;
        match self {
            ApiError::Core(e) => {
                let code = e.code();
                let detail = e.to_string();
                match e {
                    CoreError::Unauthenticated => {
                        problem(S::UNAUTHORIZED, code, "Authentication required", detail)
                    }
                    CoreError::InvalidApiKey => {
                        problem(S::UNAUTHORIZED, code, "Invalid API key", detail)
                    }
                    CoreError::ApiKeyRevoked => {
                        problem(S::UNAUTHORIZED, code, "API key revoked", detail)
                    }
                    CoreError::ApiKeyExpired => {
                        problem(S::UNAUTHORIZED, code, "API key expired", detail)
                    }
                    CoreError::InvalidCredentials => {
                        problem(S::UNAUTHORIZED, code, "Invalid credentials", detail)
                    }
                    CoreError::IpNotAllowed => {
                        problem(S::FORBIDDEN, code, "IP address not allowed", detail)
                    }
                    CoreError::InsufficientScope { scope } => {
                        let mut p = problem(S::FORBIDDEN, code, "Insufficient scope", detail);
                        p.extra.insert("scope".into(), json!(scope.as_str()));
                        p
                    }
                    CoreError::ScopeEscalation(_) => {
                        problem(S::FORBIDDEN, code, "Scope escalation", detail)
                    }
                    CoreError::RoleEscalation(_) => {
                        problem(S::FORBIDDEN, code, "Role escalation", detail)
                    }
                    CoreError::ChannelNotAllowed(_) => {
                        problem(S::FORBIDDEN, code, "Channel not allowed", detail)
                    }
                    CoreError::LoginThrottled { retry_after_secs } => {
                        let mut p =
                            problem(S::TOO_MANY_REQUESTS, code, "Sign-in throttled", detail);
                        p.retry_after = Some(Duration::from_secs(retry_after_secs));
                        p
                    }
                    CoreError::LastOwner => problem(S::CONFLICT, code, "Last owner", detail),
                    CoreError::NotFound => problem(S::NOT_FOUND, code, "Not found", detail),
                    CoreError::Conflict { what } => {
                        let mut p = problem(S::CONFLICT, code, "Conflict", detail);
                        p.extra.insert("what".into(), json!(what));
                        p
                    }
                    CoreError::ContactExists { field, existing } => {
                        let mut p = problem(S::CONFLICT, code, "Contact exists", detail);
                        p.extra.insert("field".into(), json!(field));
                        p.extra.insert("existing_id".into(), json!(existing.0));
                        p
                    }
                    CoreError::Validation { field, .. } => {
                        let mut p =
                            problem(S::UNPROCESSABLE_ENTITY, code, "Validation failed", detail);
                        p.extra.insert("field".into(), json!(field));
                        p
                    }
                    CoreError::Unprocessable { field, .. } => {
                        let mut p = problem(
                            S::UNPROCESSABLE_ENTITY,
                            code,
                            "Unprocessable request",
                            detail,
                        );
                        p.extra.insert("field".into(), json!(field));
                        p
                    }
                    CoreError::InvalidConfig(errors) => {
                        let mut p =
                            problem(S::UNPROCESSABLE_ENTITY, code, "Validation failed", detail);
                        p.extra.insert("errors".into(), json!(errors));
                        p
                    }
                    CoreError::Busy => {
                        let mut p =
                            problem(S::SERVICE_UNAVAILABLE, code, "Service unavailable", detail);
                        p.retry_after = Some(Duration::from_secs(1));
                        p
                    }
                    CoreError::ChannelDisabled => {
                        problem(S::CONFLICT, code, "Channel disabled", detail)
                    }
                    CoreError::InvalidRecipient(e) => {
                        let mut p =
                            problem(S::UNPROCESSABLE_ENTITY, code, "Invalid recipient", detail);
                        p.extra.insert("field".into(), json!("to"));
                        p.extra.insert("expected".into(), json!(e.expected));
                        p
                    }
                    CoreError::InvalidContent(errors) => {
                        let mut p =
                            problem(S::UNPROCESSABLE_ENTITY, code, "Invalid content", detail);
                        p.extra.insert("errors".into(), json!(errors));
                        p
                    }
                    CoreError::UnsupportedContent { supported, .. } => {
                        let mut p =
                            problem(S::UNPROCESSABLE_ENTITY, code, "Unsupported content", detail);
                        let kinds: Vec<&str> = supported.iter().map(|k| k.as_str()).collect();
                        p.extra.insert("supported".into(), json!(kinds));
                        p
                    }
                    CoreError::WindowClosed(w) => {
                        let mut p = problem(S::UNPROCESSABLE_ENTITY, code, "Window closed", detail);
                        let rfc = |t: Option<time::OffsetDateTime>| {
                            t.and_then(|t| {
                                t.format(&time::format_description::well_known::Rfc3339)
                                    .ok()
                            })
                        };
                        p.extra
                            .insert("window_closed_at".into(), json!(rfc(w.closed_at)));
                        if w.templates_allowed {
                            p.extra.insert("allowed_content".into(), json!("template"));
                        }
                        if let Some(until) = rfc(w.human_agent_until) {
                            p.extra.insert("allowed_tag".into(), json!("human_agent"));
                            p.extra.insert("allowed_until".into(), json!(until));
                        }
                        p
                    }
                    CoreError::WebhookSignatureInvalid(_) => {
                        problem(S::UNAUTHORIZED, code, "Invalid webhook signature", detail)
                    }
                    CoreError::WebhookMalformed(_) => {
                        problem(S::BAD_REQUEST, code, "Malformed webhook", detail)
                    }
                    CoreError::WebhookHandshakeFailed(_) => {
                        problem(S::FORBIDDEN, code, "Webhook handshake failed", detail)
                    }
                    // 403, not 404: the channel exists and its owner turned it off; the provider's
                    // dashboard then shows a refusal the admin can recognise.
                    CoreError::WebhookChannelDisabled => {
                        problem(S::FORBIDDEN, code, "Channel disabled", detail)
                    }
                    CoreError::MediaTooLarge { limit, .. } => {
                        let mut p = problem(S::PAYLOAD_TOO_LARGE, code, "Media too large", detail);
                        p.extra.insert("limit_bytes".into(), json!(limit));
                        p
                    }
                    CoreError::UnsupportedMediaType(_) => problem(
                        S::UNSUPPORTED_MEDIA_TYPE,
                        code,
                        "Unsupported media type",
                        detail,
                    ),
                    CoreError::UnknownMedia(_) => {
                        problem(S::UNPROCESSABLE_ENTITY, code, "Unknown media", detail)
                    }
                    CoreError::MediaLinkExpired => {
                        problem(S::FORBIDDEN, code, "Media link expired", detail)
                    }
                    CoreError::MediaLinkInvalid => {
                        problem(S::FORBIDDEN, code, "Media link invalid", detail)
                    }
                    CoreError::TemplateInvalid(findings) => {
                        let mut p =
                            problem(S::UNPROCESSABLE_ENTITY, code, "Template invalid", detail);
                        p.extra.insert("errors".into(), json!(findings));
                        p
                    }
                    CoreError::TemplateParameters(problems) => {
                        let mut p = problem(
                            S::UNPROCESSABLE_ENTITY,
                            code,
                            "Template parameters invalid",
                            detail,
                        );
                        p.extra.insert("errors".into(), json!(problems));
                        p
                    }
                    CoreError::TemplateNotApproved { status, .. } => {
                        let mut p = problem(
                            S::UNPROCESSABLE_ENTITY,
                            code,
                            "Template not approved",
                            detail,
                        );
                        p.extra
                            .insert("template_status".into(), json!(status.as_str()));
                        p
                    }
                    // The provider's answer, not ours: a gateway error, with its code kept.
                    CoreError::TemplateProvider { code: provider, .. } => {
                        let mut p = problem(S::BAD_GATEWAY, code, "Provider refused", detail);
                        p.extra.insert("provider_code".into(), json!(provider));
                        p
                    }
                    CoreError::Internal(source) => {
                        tracing::error!(error = %chain(&*source), "internal error");
                        problem(
                            S::INTERNAL_SERVER_ERROR,
                            code,
                            "Internal error",
                            "the server failed; the request id identifies it in the logs".into(),
                        )
                    }
                }
            }
            ApiError::MalformedJson(why) => {
                problem(S::BAD_REQUEST, "malformed_json", "Malformed JSON", why)
            }
            ApiError::UnsupportedMediaType => problem(
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
                "the body must be JSON, sent with `Content-Type: application/json`".into(),
            ),
            ApiError::PayloadTooLarge { limit } => {
                let mut p = problem(
                    S::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "Payload too large",
                    format!("the body is larger than the limit of {limit} bytes"),
                );
                p.extra.insert("limit_bytes".into(), json!(limit));
                p
            }
            ApiError::CsrfFailed => problem(
                S::FORBIDDEN,
                "csrf_failed",
                "CSRF check failed",
                "a request signed in with a cookie must send the session's `X-CSRF-Token`".into(),
            ),
            ApiError::RateLimited(d) => {
                let mut p = problem(
                    S::TOO_MANY_REQUESTS,
                    "rate_limited",
                    "Rate limited",
                    format!("more than {} requests per minute; slow down", d.limit),
                );
                p.retry_after = Some(d.retry_after);
                p
            }
            ApiError::IdempotencyKeyReused => problem(
                S::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "Idempotency key reused",
                "this Idempotency-Key was used for a different request".into(),
            ),
            ApiError::IdempotencyInProgress => problem(
                S::CONFLICT,
                "idempotency_in_progress",
                "Request in progress",
                "a request with this Idempotency-Key is still running; retry later".into(),
            ),
            ApiError::RouteNotFound => problem(
                S::NOT_FOUND,
                "not_found",
                "Not found",
                "no such endpoint".into(),
            ),
            ApiError::MethodNotAllowed => problem(
                S::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed",
                "this endpoint does not answer this method".into(),
            ),
            ApiError::NotReady => problem(
                S::SERVICE_UNAVAILABLE,
                "not_ready",
                "Not ready",
                "the database does not answer".into(),
            ),
        }
    }
}

/// "outer: inner: innermost", so one log line shows the whole cause.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let rate = match &self {
            ApiError::RateLimited(d) => Some(*d),
            _ => None,
        };
        let p = self.problem();
        let mut body = Map::new();
        body.insert("type".into(), json!(format!("/problems/{}", p.code)));
        body.insert("title".into(), json!(p.title));
        body.insert("status".into(), json!(p.status.as_u16()));
        body.insert("detail".into(), json!(p.detail));
        body.insert("code".into(), json!(p.code));
        body.extend(p.extra);
        let mut res = (p.status, Value::Object(body).to_string()).into_response();
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(after) = p.retry_after {
            // Round up: retrying a fraction of a second early would only fail again.
            let secs = after.as_secs() + u64::from(after.subsec_nanos() > 0);
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        if let Some(d) = rate {
            crate::rate_limit::set_headers(headers, &d);
        }
        res
    }
}
