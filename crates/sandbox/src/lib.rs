//! The sandbox: the providers on your laptop (PRODUCT §15).
//!
//! A real HTTP server that speaks the providers' own wire formats (PROVIDERS.md), validates requests
//! as strictly as they do, answers in their exact success and error shapes, enforces their limits,
//! sends signed webhooks to the hub and plays customers through a control API under
//! `/sandbox/v1/`. `switchboard sandbox` runs it as a process; tests start it in-process with
//! [`Sandbox::start`].
//!
//! Layout: `config` (accounts, limits, delays), `accounts` (authentication, runtime accounts),
//! `graph_error` and `ids` (Meta's shapes); the send path in `messages`, `limits`, `outbox`,
//! `faults`; webhooks to the hub in `webhooks`, `statuses`, `customers`; `media` and `templates`.

mod account_routes;
mod accounts;
pub mod config;
mod customers;
mod faults;
mod graph_error;
mod ids;
mod limits;
mod media;
mod messages;
mod meta_messaging;
mod outbox;
mod state;
mod statuses;
mod telegram;
mod templates;
mod twilio;
mod webhooks;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use anyhow::Context as _;
use axum::Router;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use config::SandboxConfig;

use state::AppState;

/// A running sandbox server.
pub struct Sandbox {
    addr: SocketAddr,
    base_url: String,
    state: Arc<AppState>,
    server: JoinHandle<()>,
}

impl Sandbox {
    /// Binds `config.listen` (127.0.0.1 on a free port when unset) and serves until [`shutdown`].
    ///
    /// [`shutdown`]: Sandbox::shutdown
    pub async fn start(config: SandboxConfig) -> anyhow::Result<Self> {
        let listen = config
            .listen
            .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("binding the sandbox to {listen}"))?;
        let addr = listener.local_addr()?;
        let base_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"))
            .trim_end_matches('/')
            .to_owned();
        let state = Arc::new(AppState::new(config, base_url.clone())?);
        let app = router(state.clone());
        let stop = state.shutdown.clone();
        let server = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        Ok(Self {
            addr,
            base_url,
            state,
            server,
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`: the base URL to give connectors (Graph paths start with `/v21.0/…`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The configuration it runs with (accounts, tokens, secrets, limits).
    pub fn config(&self) -> &SandboxConfig {
        &self.state.config
    }

    /// Resolves when the server stops (for the CLI: after a signal triggered [`shutdown`]).
    ///
    /// [`shutdown`]: Sandbox::shutdown
    pub fn shutdown_token(&self) -> CancellationToken {
        self.state.shutdown.clone()
    }

    /// Stops accepting requests and background work (webhook retries, scheduled statuses) and
    /// waits for the server to finish.
    pub async fn shutdown(self) {
        self.state.shutdown.cancel();
        let _ = self.server.await;
    }
}

/// Every route of the sandbox: provider APIs and the control API.
fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .merge(messages::routes())
        .merge(outbox::routes())
        .merge(faults::routes())
        .merge(media::routes())
        .merge(templates::routes())
        .merge(customers::routes())
        .merge(webhooks::routes())
        .merge(account_routes::routes())
        .merge(telegram::routes())
        .merge(meta_messaging::routes())
        .merge(twilio::routes())
        .with_state(state)
}
