//! The child processes: this binary re-executed in a role, the address it announces on its first
//! line of output, its memory from `/proc`, and a clean stop with SIGTERM.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The line a child prints once it listens: `LISTEN 127.0.0.1:port`.
const LISTEN: &str = "LISTEN ";

/// A running child.
pub struct Process {
    pub name: &'static str,
    pub addr: SocketAddr,
    child: Child,
    /// When it was spawned (time to ready counts from here).
    pub spawned: Instant,
}

impl Process {
    /// Spawns `role` with `env` and waits for its address.
    pub async fn spawn(
        name: &'static str,
        role: &[&str],
        env: &[(String, String)],
    ) -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("locating this binary")?;
        let spawned = Instant::now();
        let mut child = Command::new(exe)
            .args(role)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting the {name}"))?;
        let stdout = child.stdout.take().context("child stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(addr) = line.strip_prefix(LISTEN) {
                    return Ok::<_, anyhow::Error>(addr.trim().parse::<SocketAddr>()?);
                }
            }
            bail!("the {name} exited before listening")
        })
        .await
        .with_context(|| format!("the {name} did not start within 60 s"))??;
        // Keep draining its output so a chatty child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self {
            name,
            addr,
            child,
            spawned,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// (current RSS, peak RSS) in bytes, from `/proc/{pid}/status`.
    pub fn memory(&self) -> Option<(u64, u64)> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .map(|kb| kb * 1024)
        };
        Some((field("VmRSS:")?, field("VmHWM:")?))
    }

    /// SIGTERM, then waits for a clean exit (killed after 30 s).
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await;
        }
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                if !status.success() {
                    bail!("the {} exited with {status}", self.name);
                }
                Ok(())
            }
            Err(_) => {
                self.child.kill().await?;
                bail!("the {} did not stop within 30 s", self.name)
            }
        }
    }
}

/// Announces the listening address to the parent.
pub fn announce(addr: SocketAddr) {
    println!("{LISTEN}{addr}");
}

/// The `__sandbox` role: the sandbox with the run's configuration file.
pub async fn serve_sandbox(config: &Path) -> anyhow::Result<()> {
    let config = switchboard_sandbox::SandboxConfig::from_file(config)?;
    let sandbox = switchboard_sandbox::Sandbox::start(config).await?;
    announce(sandbox.addr());
    let stop = switchboard::shutdown_on_signals();
    let stopped = sandbox.shutdown_token();
    tokio::select! {
        () = stop.cancelled() => {}
        () = stopped.cancelled() => {}
    }
    sandbox.shutdown().await;
    Ok(())
}
