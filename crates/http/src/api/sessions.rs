//! `/v1/auth`: signing in with e-mail and password (a session cookie plus a CSRF token), signing
//! out, and changing one's password (which ends every session of the user).

use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json as JsonOut, Router};
use serde::{Deserialize, Serialize};
use switchboard_core::Login;
use switchboard_domain::Secret;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::session_set_cookie;
use crate::extract::{Caller, Json};
use crate::{ApiError, AppState, client_ip};

pub fn public_router() -> Router<AppState> {
    Router::new().route("/v1/auth/login", post(login))
}

pub fn authenticated_router() -> Router<AppState> {
    Router::new()
        .route("/v1/auth/logout", post(logout))
        .route("/v1/auth/password", post(change_password))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: Secret,
    /// The organization to work in; the user's first one when absent.
    pub org_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub user_id: Uuid,
    pub org_id: Uuid,
    /// Send back as `X-CSRF-Token` on every POST, PATCH and DELETE made with the cookie.
    #[serde(serialize_with = "crate::views::expose")]
    #[schema(value_type = String)]
    pub csrf_token: Secret,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: OffsetDateTime,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(value_type = String, format = Password)]
    pub current_password: Secret,
    #[schema(value_type = String, format = Password)]
    pub new_password: Secret,
}

/// Signs in: sets the `sb_session` cookie (HttpOnly, SameSite=Lax) and answers the CSRF token.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest, security(()),
    responses((status = 200, body = LoginResponse), crate::openapi::Errors))]
pub async fn login(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let ip = client_ip::client_ip(req.extensions(), req.headers(), &s.settings.trusted_proxies);
    let Json(body) = <Json<LoginRequest> as FromRequest<AppState>>::from_request(req, &s).await?;
    let LoginRequest {
        email,
        password,
        org_id,
    } = body;
    let ttl = s.settings.session_ttl;
    let done = s
        .core
        .login(Login {
            email,
            password,
            org: org_id.map(Into::into),
            ip,
            ttl,
        })
        .await?;
    let cookie = session_set_cookie(
        done.token.expose(),
        ttl.as_secs(),
        s.settings.secure_cookies,
    );
    let body = LoginResponse {
        user_id: done.user.id.0,
        org_id: done.org_id.0,
        csrf_token: done.csrf_token,
        expires_at: done.expires_at,
    };
    Ok(with_cookie(JsonOut(body).into_response(), &cookie))
}

#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth",
    responses((status = 204), crate::openapi::Errors))]
pub async fn logout(State(s): State<AppState>, Caller(p): Caller) -> Result<Response, ApiError> {
    s.core.logout(&p).await?;
    let cookie = session_set_cookie("", 0, s.settings.secure_cookies);
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), &cookie))
}

/// Changes the signed-in user's password; every session of the user ends, this one included.
#[utoipa::path(post, path = "/v1/auth/password", tag = "auth", request_body = ChangePasswordRequest,
    responses((status = 204), crate::openapi::Errors))]
pub async fn change_password(
    State(s): State<AppState>,
    Caller(p): Caller,
    Json(req): Json<ChangePasswordRequest>,
) -> Result<Response, ApiError> {
    s.core
        .change_password(&p, &req.current_password, &req.new_password)
        .await?;
    let cookie = session_set_cookie("", 0, s.settings.secure_cookies);
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), &cookie))
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}
