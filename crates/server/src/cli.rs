//! The command line: `serve`, `migrate`, `sandbox`, and the operator's `org`, `apikey` and `user`
//! commands.
//! Every command that touches the store takes `--data-dir` and `--database-url`, so the CLI can
//! work on the same database as a running `serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::{Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand};

use crate::config::Config;

/// Switchboard: a self-hosted, multi-tenant omnichannel business-messaging hub.
///
/// Start with `switchboard serve --demo`: it opens an embedded SQLite database under ./data,
/// creates a demo organization whose simulated WhatsApp customers write in, and prints an API key
/// with example requests.
#[derive(Debug, Parser)]
#[command(name = "switchboard", version, propagate_version = true)]
pub struct Cli {
    /// A TOML configuration file (default: ./switchboard.toml when present). Settings can also
    /// come from SWITCHBOARD_* environment variables, e.g. SWITCHBOARD_LISTEN=0.0.0.0:8080 or
    /// SWITCHBOARD_HTTP__BODY_LIMIT_BYTES=2097152; command-line flags win over both.
    #[arg(long, global = true, env = "SWITCHBOARD_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Whether `--config` was written on the command line (not taken from SWITCHBOARD_CONFIG):
    /// `switchboard sandbox --config FILE` reads FILE as the sandbox's file, while the variable
    /// keeps naming Switchboard's own configuration.
    #[arg(skip)]
    pub config_on_command_line: bool,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process arguments (exiting with usage on error, like `Cli::parse`) and records
    /// where `--config` came from.
    pub fn parse_args() -> Self {
        Self::parse_from_args(std::env::args_os())
    }

    /// [`Cli::parse_args`] over explicit arguments.
    pub fn parse_from_args<I, T>(args: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Self::command().get_matches_from(args);
        let mut cli = Self::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        cli.config_on_command_line =
            matches.value_source("config") == Some(ValueSource::CommandLine);
        cli
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API and the job workers (migrations run first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(StoreArgs),
    /// Manage organizations (tenants).
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage API keys.
    #[command(subcommand)]
    Apikey(ApiKeyCommand),
    /// Manage people and their roles.
    #[command(subcommand)]
    User(UserCommand),
    /// Inspect the job queue and redrive dead jobs.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Run the sandbox: the providers' APIs on your laptop (WhatsApp Cloud API paths, errors,
    /// limits and signed webhooks) for tests, benchmarks and first tries without credentials.
    Sandbox(SandboxArgs),
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on [default: 127.0.0.1:9090, or `listen` in the sandbox file].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// The sandbox's TOML file (accounts, tokens, app secrets, webhook URLs, limits). With no
    /// file the sandbox runs one default account and prints its credentials. `--config FILE`
    /// given to this command is read as the sandbox file too.
    #[arg(long, env = "SWITCHBOARD_SANDBOX_CONFIG", value_name = "FILE")]
    pub sandbox_config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List jobs, newest first.
    List {
        /// ready, running, done or dead.
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Make dead jobs ready again with a fresh attempt budget: the given ids, or every dead job
    /// (of --kind, when given).
    Redrive {
        #[arg(long = "id", value_name = "ID")]
        ids: Vec<String>,
        #[arg(long)]
        kind: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Where the data is. Without --database-url, Switchboard uses embedded SQLite in --data-dir.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Directory of the embedded SQLite database [default: ./data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Use PostgreSQL instead, e.g. postgres://user:pass@127.0.0.1:5432/switchboard.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Run a live demo: the sandbox in-process, an organization named "Demo" with a WhatsApp
    /// channel wired to it, and simulated customers who write in; prints a fresh API key and
    /// requests to try.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization and print its id and a new owner API key with every scope.
    Create {
        #[arg(long)]
        name: String,
        /// Also create (or add) this person as the owner, able to sign in.
        #[arg(long, requires = "owner_password", value_name = "EMAIL")]
        owner_email: Option<String>,
        #[arg(long, requires = "owner_email", value_name = "PASSWORD")]
        owner_password: Option<String>,
        /// Print only {"org_id": "...", "api_key": "..."} on stdout.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List organizations.
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key; its secret is printed once and never again.
    Create {
        /// The organization's id.
        #[arg(long, value_name = "ID")]
        org: String,
        #[arg(long)]
        name: String,
        /// A permission such as messages:send (repeatable); none means every scope.
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Vec<String>,
        /// Restrict the key to this channel id (repeatable); none means every channel.
        #[arg(long = "channel", value_name = "ID")]
        channels: Vec<String>,
        /// Accept the key only from this IPv4/IPv6 network, e.g. 203.0.113.0/24 (repeatable).
        #[arg(long = "allow-ip", value_name = "CIDR")]
        allow_ips: Vec<String>,
        /// Expire the key after this long, e.g. 90d or 12h.
        #[arg(long, value_name = "DURATION")]
        expires_in: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a person (or add an existing one) as a member of an organization.
    Create {
        #[arg(long, value_name = "ID")]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// Sign-in password (at least 8 characters); without it the person cannot sign in yet.
        #[arg(long)]
        password: Option<String>,
        /// owner, admin, contributor or agent.
        #[arg(long, default_value = "agent")]
        role: String,
        /// Limit the person to this channel id (repeatable).
        #[arg(long = "channel", value_name = "ID")]
        channels: Vec<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

impl StoreArgs {
    /// Lays the flags over the loaded configuration.
    pub fn apply(&self, config: &mut Config) {
        if let Some(dir) = &self.data_dir {
            config.data_dir = dir.clone();
        }
        if let Some(url) = &self.database_url {
            config.database_url = Some(url.clone());
        }
    }
}
