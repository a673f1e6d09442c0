//! `switchboard-bench`: starts a bare axum JSON echo server (the baseline), Switchboard and the
//! sandbox as separate processes on loopback, drives them with one load generator, and prints one
//! table (and JSON with the same figures). Throughputs are also given as ratios of the echo
//! server's rate in the same run, so figures from noisy machines stay comparable.
//!
//! The children are this same binary re-executed with a hidden role (`__hub`, `__sandbox`,
//! `__echo`), so one `cargo run` builds everything and the hub is the real `serve` code path.

mod children;
mod echo;
mod hub;
mod load;
mod report;
mod run;
mod scenarios;
mod webhook;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "switchboard-bench",
    about = "Benchmarks Switchboard on this machine"
)]
pub struct Args {
    /// The store the hub runs on.
    #[arg(long, value_enum, default_value = "sqlite")]
    pub backend: Backend,
    /// A few seconds per scenario and a small inbox: checks the harness end to end.
    #[arg(long)]
    pub quick: bool,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// PostgreSQL server for `--backend postgres`; the run uses a fresh schema and drops it.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    pub database_url: String,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Only these scenarios (comma separated: ingest,send,webhooks,inbox,dispatch); all by default.
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    #[command(subcommand)]
    pub role: Option<Role>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The children's roles; not for people.
#[derive(Debug, Subcommand)]
pub enum Role {
    #[command(name = "__hub", hide = true)]
    Hub,
    #[command(name = "__sandbox", hide = true)]
    Sandbox { config: PathBuf },
    #[command(name = "__echo", hide = true)]
    Echo,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match args.role {
            Some(Role::Hub) => hub::serve().await,
            Some(Role::Sandbox { ref config }) => children::serve_sandbox(config).await,
            Some(Role::Echo) => echo::serve().await,
            None => run::run(args).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
