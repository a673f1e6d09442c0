//! Switchboard's HTTP edge: the axum router with REST v1 (`api/`), problem errors, authentication,
//! idempotency, rate limits, OpenAPI, probes and metrics. `router(core, settings)` is the whole app;
//! serve it with `into_make_service_with_connect_info::<SocketAddr>()` so client IPs are known.

pub mod api;
pub mod auth;
pub mod client_ip;
pub mod event_schemas;
pub mod extract;
pub mod health;
pub mod hooks;
pub mod idempotency;
pub mod openapi;
pub mod pagination;
pub mod problem;
pub mod rate_limit;
pub mod settings;
pub mod state;
pub mod telemetry;
pub mod views;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use switchboard_core::{Core, CoreError};
use tower_http::catch_panic::CatchPanicLayer;

pub use problem::ApiError;
pub use settings::HttpSettings;
pub use state::AppState;

use crate::extract::BodyLimit;

/// The complete application.
pub fn router(core: Core, settings: HttpSettings) -> Router {
    // Install the metrics recorder now: anything recorded before it exists is lost.
    telemetry::prometheus();
    let state = AppState::new(core, settings);
    let limit = state.settings.body_limit_bytes;
    // Layers added later run first: authentication, then idempotency, then the handler.
    let authenticated = api::authenticated()
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::layer));
    Router::new()
        .merge(authenticated)
        .merge(api::public())
        // Provider webhooks: authenticated by their signature, outside the API's auth and limiter.
        .merge(hooks::router())
        .merge(openapi::router())
        .merge(health::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn(
            move |mut req: Request, next: Next| async move {
                req.extensions_mut().insert(BodyLimit(limit));
                next.run(req).await
            },
        ))
        // Inside telemetry, so a panic still gets a request id, a log line and a metric.
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiError::Core(CoreError::internal_msg("a handler panicked")).into_response()
            },
        ))
        .layer(middleware::from_fn(telemetry::layer))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::RouteNotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
