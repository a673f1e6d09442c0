//! Authentication middleware for `/v1`: an API key (`Authorization: Bearer sbk_...`) or the session
//! cookie, whose unsafe requests must echo the session's CSRF token in `X-CSRF-Token`. The caller's
//! [`Principal`] goes on the request for the `Caller` extractor, after the per-caller rate limit.

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use subtle::ConstantTimeEq;
use switchboard_core::{CoreError, Origin, Principal};

use crate::{ApiError, AppState, client_ip, rate_limit};

pub const SESSION_COOKIE: &str = "sb_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub async fn layer(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    // Only the head is borrowed across the awaits: the body is not `Sync`.
    let (mut parts, body) = req.into_parts();
    let principal = authenticate(&state, &parts).await?;
    let decision = state.limiter.check(&principal.key());
    if !decision.allowed {
        return Err(ApiError::RateLimited(decision));
    }
    parts.extensions.insert(principal);
    let mut res = next.run(Request::from_parts(parts, body)).await;
    rate_limit::set_headers(res.headers_mut(), &decision);
    Ok(res)
}

async fn authenticate(state: &AppState, req: &Parts) -> Result<Principal, ApiError> {
    let headers = &req.headers;
    let origin = Origin {
        ip: client_ip::from_parts(req, &state.settings.trusted_proxies),
        request_id: headers
            .get(crate::telemetry::REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let secret = auth
            .to_str()
            .ok()
            .and_then(bearer_token)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(CoreError::Unauthenticated)?;
        return Ok(state.core.authenticate_api_key(secret, origin).await?);
    }
    let token = session_cookie(headers).ok_or(CoreError::Unauthenticated)?;
    let auth = state.core.authenticate_session(&token, origin).await?;
    if !is_safe(&req.method) {
        let sent = headers
            .get(CSRF_HEADER)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        let expected = auth.csrf_token.expose().as_bytes();
        if !bool::from(sent.ct_eq(expected)) {
            return Err(ApiError::CsrfFailed);
        }
    }
    Ok(auth.principal)
}

/// The credentials of `Bearer <token>`; the scheme name is case-insensitive (RFC 9110).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The session token from the `Cookie` header(s), if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` for a new session, or (with `max_age_secs = 0`) to clear it.
pub fn session_set_cookie(token: &str, max_age_secs: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age_secs}{secure}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_cookies() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; sb_session=tok; b=2".parse().unwrap());
        assert_eq!(session_cookie(&h).as_deref(), Some("tok"));
        assert_eq!(session_cookie(&HeaderMap::new()), None);
    }

    #[test]
    fn bearer_schemes_ignore_case() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
    }

    #[test]
    fn cookies_are_http_only_and_lax() {
        let c = session_set_cookie("t", 60, true);
        assert_eq!(
            c,
            "sb_session=t; HttpOnly; SameSite=Lax; Path=/; Max-Age=60; Secure"
        );
        assert!(!session_set_cookie("t", 60, false).contains("Secure"));
    }
}
