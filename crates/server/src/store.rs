//! Chooses and opens the store backend: the only place outside tests that names one.

use std::sync::Arc;

use anyhow::Context;
use switchboard_store::Store;
use switchboard_store_postgres::{PgConfig, PgStore};
use switchboard_store_sqlite::{SqliteConfig, SqliteStore, Synchronous};

use crate::config::Config;

/// The backend a configuration selects, in words for logs and errors.
pub fn describe(config: &Config) -> String {
    match &config.database_url {
        Some(url) => format!("PostgreSQL at {}", redact_url(url)),
        None => format!(
            "SQLite at {}",
            sqlite_config(config)
                .map(|c| c.path.display().to_string())
                .unwrap_or_default()
        ),
    }
}

fn sqlite_config(config: &Config) -> anyhow::Result<SqliteConfig> {
    let mut c = SqliteConfig::new(config.data_dir.join("switchboard.db"));
    c.synchronous = match config.sqlite.synchronous.as_str() {
        "full" => Synchronous::Full,
        "normal" => Synchronous::Normal,
        other => anyhow::bail!("sqlite.synchronous must be `full` or `normal`, not `{other}`"),
    };
    c.read_connections = config.sqlite.read_connections.max(1);
    Ok(c)
}

fn pg_config(config: &Config, url: &str) -> PgConfig {
    PgConfig {
        url: url.to_owned(),
        schema: config.postgres.schema.clone(),
        max_connections: Some(config.postgres.max_connections.max(1)),
    }
}

fn check_url(url: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "--database-url must start with postgres:// (without it, Switchboard uses embedded SQLite)"
    );
    Ok(())
}

/// Opens the store, running pending migrations.
pub async fn open(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let what = describe(config);
    let store: Arc<dyn Store> = match &config.database_url {
        Some(url) => {
            check_url(url)?;
            Arc::new(
                PgStore::connect(pg_config(config, url))
                    .await
                    .with_context(|| format!("opening {what}"))?,
            )
        }
        None => Arc::new(
            SqliteStore::open(sqlite_config(config)?)
                .await
                .with_context(|| format!("opening {what}"))?,
        ),
    };
    Ok(store)
}

/// Runs pending migrations only; returns the names of those applied.
pub async fn migrate(config: &Config) -> anyhow::Result<Vec<String>> {
    let what = describe(config);
    let applied = match &config.database_url {
        Some(url) => {
            check_url(url)?;
            PgStore::migrate(&pg_config(config, url)).await
        }
        None => SqliteStore::migrate(&sqlite_config(config)?).await,
    };
    applied.with_context(|| format!("migrating {what}"))
}

/// Hides the password of a database URL for logs.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            super::redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}
