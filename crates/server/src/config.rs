//! Configuration: built-in defaults, then a TOML file, then `SWITCHBOARD_*` environment variables
//! (nested keys with `__`, e.g. `SWITCHBOARD_HTTP__BODY_LIMIT_BYTES`), then command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where `serve` listens.
    pub listen: SocketAddr,
    /// Where the embedded SQLite database (and later media) lives.
    pub data_dir: PathBuf,
    /// `postgres://...` switches the store to PostgreSQL.
    pub database_url: Option<String>,
    /// The master key sealing channel credentials, base64 of 32 bytes (best from the environment:
    /// `SWITCHBOARD_MASTER_KEY`). Without it the key file is used.
    #[serde(skip_serializing)]
    pub master_key: Option<switchboard_domain::Secret>,
    /// Where the master key is kept when `master_key` is not set [default: `{data_dir}/master.key`,
    /// created on first run with mode 0600]. Nodes sharing a PostgreSQL database need the same key.
    pub master_key_file: Option<PathBuf>,
    pub sqlite: SqliteSection,
    pub postgres: PostgresSection,
    pub log: LogConfig,
    pub jobs: JobsConfig,
    #[serde(skip_serializing)]
    pub http: switchboard_http::HttpSettings,
    #[serde(skip_serializing)]
    pub core: switchboard_core::CoreSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SqliteSection {
    /// `full` (default: an acknowledged write survives power loss) or `normal` (faster; a power
    /// cut may lose the last moments of acknowledged writes, a process crash loses nothing).
    pub synchronous: String,
    pub read_connections: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostgresSection {
    pub max_connections: u32,
    /// A schema to use instead of `public` (several installations in one database).
    pub schema: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` for people, `json` for log collectors.
    pub format: String,
    /// A tracing filter, e.g. `info` or `switchboard=debug,info`; `RUST_LOG` overrides it.
    pub level: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Run the job workers in this process (turn off on API-only nodes).
    pub enabled: bool,
    pub concurrency: usize,
    pub batch_size: u32,
    #[serde(with = "humantime_serde_compat")]
    pub lease: Duration,
    #[serde(with = "humantime_serde_compat")]
    pub shutdown_grace: Duration,
    /// Statuses that arrived before their message's receipt are purged after this long: a
    /// status whose message never came is noise by then.
    #[serde(with = "humantime_serde_compat")]
    pub keep_pending_statuses: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            master_key: None,
            master_key_file: None,
            sqlite: SqliteSection::default(),
            postgres: PostgresSection::default(),
            log: LogConfig::default(),
            jobs: JobsConfig::default(),
            http: Default::default(),
            core: Default::default(),
        }
    }
}

impl Default for SqliteSection {
    fn default() -> Self {
        Self {
            synchronous: "full".into(),
            read_connections: 4,
        }
    }
}

impl Default for PostgresSection {
    fn default() -> Self {
        Self {
            max_connections: 10,
            schema: None,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: "text".into(),
            level: "info".into(),
        }
    }
}

impl Default for JobsConfig {
    fn default() -> Self {
        let d = switchboard_jobs::RunnerConfig::default();
        Self {
            enabled: true,
            concurrency: d.concurrency,
            batch_size: d.batch_size,
            lease: d.lease,
            shutdown_grace: d.shutdown_grace,
            keep_pending_statuses: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

impl JobsConfig {
    pub fn runner(&self) -> switchboard_jobs::RunnerConfig {
        switchboard_jobs::RunnerConfig {
            concurrency: self.concurrency.max(1),
            batch_size: self.batch_size.max(1),
            lease: self.lease,
            shutdown_grace: self.shutdown_grace,
            ..Default::default()
        }
    }
}

const TOP_LEVEL_KEYS: &[&str] = &[
    "listen",
    "data_dir",
    "database_url",
    "master_key",
    "master_key_file",
    "sqlite",
    "postgres",
    "log",
    "jobs",
    "http",
    "core",
];

impl Config {
    /// Loads defaults, the file (the given one must exist; `./switchboard.toml` is read when
    /// present), and the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.exists(),
                    "configuration file {} does not exist",
                    path.display()
                );
                fig = fig.merge(Toml::file(path));
            }
            None => fig = fig.merge(Toml::file("switchboard.toml")),
        }
        // Only our own keys: other SWITCHBOARD_* variables (test settings, say) are not config.
        let env = Env::prefixed("SWITCHBOARD_").split("__").filter(|key| {
            // Keys arrive here in the environment's case, already split on `__` into dots.
            let first = key.as_str().split('.').next().unwrap_or("");
            TOP_LEVEL_KEYS.iter().any(|k| k.eq_ignore_ascii_case(first))
        });
        fig = fig.merge(env);
        fig.extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))
    }
}

/// `lease = "5m"` in TOML, via humantime.
mod humantime_serde_compat {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&humantime::format_duration(*d).to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let s = String::deserialize(d)?;
        humantime::parse_duration(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[expect(
    clippy::result_large_err,
    reason = "figment's Jail closures return its large error type"
)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "sb.toml",
                "listen = \"127.0.0.1:9000\"\n[jobs]\nlease = \"2m\"\nkeep_pending_statuses = \"2days\"\n",
            )?;
            jail.set_env("SWITCHBOARD_DATABASE_URL", "postgres://x@127.0.0.1/db");
            jail.set_env("SWITCHBOARD_JOBS__CONCURRENCY", "7");
            let c = Config::load(Some(Path::new("sb.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.listen.port(), 9000);
            assert_eq!(c.jobs.lease, Duration::from_secs(120));
            assert_eq!(c.jobs.concurrency, 7);
            assert_eq!(c.jobs.keep_pending_statuses, Duration::from_secs(2 * 86400));
            assert_eq!(c.database_url.as_deref(), Some("postgres://x@127.0.0.1/db"));
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("sb.toml", "lisen = \"127.0.0.1:9000\"\n")?;
            let err = Config::load(Some(Path::new("sb.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("lisen"), "{err}");
            Ok(())
        });
    }
}
