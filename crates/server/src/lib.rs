//! The switchboard library: configuration, store selection, and the wiring of the HTTP server and
//! the job workers into one process. `main` parses the command line and calls into here; tests
//! call [`run`] the same way with their own listener and shutdown token.

pub mod admin;
mod admin_jobs;
pub mod cli;
pub mod config;
mod demo;
mod fan_out;
mod maintenance;
pub mod master_key;
pub mod store;
pub mod telemetry;

use std::net::SocketAddr;
use std::sync::Arc;

use switchboard_core::{Core, CoreSettings};
use switchboard_store::Store;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub use config::Config;

/// Serves the API and runs the workers on `listener` until `shutdown` is cancelled; then stops
/// accepting, finishes in-flight requests, hands unfinished jobs back and closes the store.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let store = store::open(&config).await?;
    serve_with_store(config, store, listener, shutdown).await
}

/// `[core]` with the public base URL filled in: `[core]`'s own, else `[http]`'s, else the
/// address the server listens on (right for a laptop, where providers are the local sandbox).
fn core_settings(config: &Config, listener: &TcpListener) -> anyhow::Result<CoreSettings> {
    let mut settings = config.core.clone();
    if settings.public_base_url.is_none() {
        settings.public_base_url = match &config.http.public_base_url {
            Some(base) => Some(base.clone()),
            None => Some(format!("http://{}", listener.local_addr()?)),
        };
    }
    Ok(settings)
}

/// [`run`] on a store that is already open.
pub async fn serve_with_store(
    config: Config,
    store: Arc<dyn Store>,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let master_key = master_key::load_for_serve(&config)?;
    let core = Core::new(
        store.clone(),
        core_settings(&config, &listener)?,
        master_key,
    );
    let core = with_media(core, &config);
    let app = switchboard_http::router(core.clone(), config.http.clone());

    let workers = config.jobs.enabled.then(|| {
        let runner = workers(&core, store.clone(), &config);
        let token = shutdown.clone();
        tokio::spawn(async move { runner.run(token).await })
    });
    let scheduler = tokio::spawn(maintenance::schedule(store.clone(), shutdown.clone()));
    let fan_out = config
        .jobs
        .enabled
        .then(|| tokio::spawn(fan_out::run(store.clone(), shutdown.clone())));

    tracing::info!(addr = %listener.local_addr()?, backend = store.backend(), "switchboard is ready");
    let token = shutdown.clone();
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move { token.cancelled().await })
    .await;
    // Whatever ended the server (error or shutdown), the rest must stop too.
    shutdown.cancel();
    if let Some(workers) = workers {
        let _ = workers.await;
    }
    let _ = scheduler.await;
    if let Some(fan_out) = fan_out {
        let _ = fan_out.await;
    }
    store.close().await;
    served.map_err(Into::into)
}

/// The job runner with every handler this build knows. `serve` runs it in the background; tests
/// call `run_pending()` on it to drain the queue deterministically. The dispatcher holds this
/// node's per-sender rate limiter, so a process builds one runner.
pub fn workers(core: &Core, store: Arc<dyn Store>, config: &Config) -> switchboard_jobs::Runner {
    // The dispatcher reads uploaded files to send them: the same storage as the API's.
    let core = &with_media(core.clone(), config);
    let runner = switchboard_jobs::Runner::new(store.clone(), config.jobs.runner())
        .register(core.dispatcher())
        // Inbound media is downloaded while the provider still has it, into the data dir.
        .register(core.media_fetcher(config.data_dir.join("media")))
        // Customers' webhooks: one attempt of one delivery per job.
        .register(core.webhook_deliverer());
    maintenance::register(runner, store, config.jobs.keep_pending_statuses)
}

/// The core with its media kept on the local disk under `{data_dir}/media`.
pub fn with_media(core: Core, config: &Config) -> Core {
    let disk = switchboard_core::media::LocalDisk::new(config.data_dir.join("media"));
    core.with_media_storage(Arc::new(disk))
}

/// Cancels the token on Ctrl-C or SIGTERM.
pub fn shutdown_on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    let t = token.clone();
    // Installed before the task starts: a SIGTERM right after this returns (a script that read
    // the demo's banner) must stop us cleanly, not kill us.
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term = match term {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for SIGTERM");
                    let _ = ctrl_c.await;
                    t.cancel();
                    return;
                }
            };
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutting down");
        t.cancel();
    });
    token
}

/// `switchboard serve`: binds the configured address and runs until a signal.
pub async fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
    let store = store::open(&config).await?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "store open and migrated"
    );
    // Before the demo, whose banner a script may read and stop us at once.
    let shutdown = shutdown_on_signals();
    let demo = if demo {
        let addr = listener.local_addr()?;
        Some(demo::start(&config, store.clone(), addr, shutdown.clone()).await?)
    } else {
        None
    };
    let served = serve_with_store(config, store, listener, shutdown).await;
    if let Some(demo) = demo {
        demo.stop().await;
    }
    served
}
