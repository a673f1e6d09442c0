//! `switchboard sandbox`: runs the providers' APIs on this machine (PRODUCT §15) until Ctrl-C or
//! SIGTERM, after printing what a first try needs: the base URL, each account's credentials, an
//! example send and the control API.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;

use switchboard_sandbox::{Sandbox, SandboxConfig};

/// Where the sandbox listens when neither the flag nor the file says: beside `serve`'s 8080.
const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 9090);

/// Loads the configuration (`file`, then `listen` over it), serves, and shuts down cleanly.
pub async fn run(listen: Option<SocketAddr>, file: Option<&Path>) -> anyhow::Result<()> {
    let mut config = match file {
        Some(path) => SandboxConfig::from_file(path)?,
        None => SandboxConfig::default(),
    };
    config.listen = Some(listen.or(config.listen).unwrap_or(DEFAULT_LISTEN));
    let sandbox = Sandbox::start(config).await?;
    // Listen for signals before telling anyone we are ready: a script that reads the banner and
    // stops us at once must get a clean shutdown, not the default action of SIGTERM.
    let signal = signals()?;
    println!("{}", banner(&sandbox));
    tracing::info!(addr = %sandbox.addr(), "sandbox is ready");
    let stopped = sandbox.shutdown_token();
    tokio::select! {
        () = signal => tracing::info!("shutting down"),
        () = stopped.cancelled() => {}
    }
    sandbox.shutdown().await;
    tracing::info!("sandbox stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; the handlers are installed before this returns.
#[cfg(unix)]
fn signals() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn signals() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// The start-up block: stable `key: value` lines, so people can copy them and scripts can read
/// them.
fn banner(sandbox: &Sandbox) -> String {
    let base = sandbox.base_url();
    let mut out = String::new();
    let _ = writeln!(out, "Switchboard sandbox");
    let _ = writeln!(out, "  base URL: {base}");
    for (i, a) in sandbox.config().whatsapp.accounts.iter().enumerate() {
        let _ = writeln!(out, "WhatsApp account {}", i + 1);
        let _ = writeln!(out, "  phone_number_id: {}", a.phone_number_id);
        let _ = writeln!(out, "  waba_id: {}", a.waba_id);
        let _ = writeln!(out, "  display_phone_number: {}", a.display_phone_number);
        let _ = writeln!(out, "  access token: {}", a.access_token);
        let _ = writeln!(out, "  app secret: {}", a.app_secret);
        let _ = writeln!(out, "  verify token: {}", a.verify_token);
        let _ = writeln!(
            out,
            "  api key (D360-API-KEY): {}",
            a.api_key.as_deref().unwrap_or("(none)")
        );
        let _ = writeln!(
            out,
            "  webhook URL: {}",
            a.webhook_url
                .as_deref()
                .unwrap_or("(none: webhooks are only logged)")
        );
    }
    if let Some(a) = sandbox.config().whatsapp.accounts.first() {
        let _ = writeln!(
            out,
            "Send a message (a customer must have written in the last 24 h, or use a template):"
        );
        let _ = writeln!(
            out,
            "  curl -s {base}/v21.0/{}/messages -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' \\\n    -d '{{\"messaging_product\":\"whatsapp\",\"to\":\"447700900123\",\"type\":\"text\",\"text\":{{\"body\":\"Hello\"}}}}'",
            a.phone_number_id, a.access_token
        );
    }
    let _ = writeln!(out, "Control API:");
    for (path, what) in [
        (
            "POST /sandbox/v1/inbound",
            "a customer writes in (opens the 24 h window)",
        ),
        (
            "GET|DELETE /sandbox/v1/outbox",
            "what the fake provider received",
        ),
        (
            "GET /sandbox/v1/stats",
            "accepted sends and refusals by error code",
        ),
        (
            "POST|GET|DELETE /sandbox/v1/faults",
            "make the next sends fail with a chosen code",
        ),
        ("GET /sandbox/v1/deliveries", "webhooks sent to the hub"),
        (
            "POST|GET /sandbox/v1/accounts",
            "add a number with fresh credentials",
        ),
    ] {
        let _ = writeln!(out, "  {path:<38} {what}");
    }
    let _ = write!(out, "Press Ctrl-C to stop.");
    out
}
