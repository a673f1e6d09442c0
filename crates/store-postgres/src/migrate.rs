//! Schema migrations: the SQL files under `migrations/`, embedded in the binary and applied in
//! order, each in its own transaction, recorded in `schema_migrations`. Every step holds a
//! transaction-scoped advisory lock, so several nodes starting at once apply each migration once.

use std::future::Future;

use sqlx::PgPool;
use switchboard_store::{Result, StoreError};

use crate::errors::db;

/// Every migration, in the order it applies. Names are recorded once applied; never rename or
/// edit a released migration, add a new one instead.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_foundation",
        include_str!("../migrations/0001_foundation.sql"),
    ),
    (
        "0002_messaging",
        include_str!("../migrations/0002_messaging.sql"),
    ),
    ("0003_search", include_str!("../migrations/0003_search.sql")),
    ("0004_media", include_str!("../migrations/0004_media.sql")),
    (
        "0006_dispatch",
        include_str!("../migrations/0006_dispatch.sql"),
    ),
    (
        "0007_webhooks",
        include_str!("../migrations/0007_webhooks.sql"),
    ),
    (
        "0008_consent",
        include_str!("../migrations/0008_consent.sql"),
    ),
    (
        "0009_send_notes",
        include_str!("../migrations/0009_send_notes.sql"),
    ),
    (
        "0010_revisions",
        include_str!("../migrations/0010_revisions.sql"),
    ),
    (
        "0011_org_settings",
        include_str!("../migrations/0011_org_settings.sql"),
    ),
    (
        "0012_templates",
        include_str!("../migrations/0012_templates.sql"),
    ),
];

/// PostgreSQL truncates identifiers beyond 63 bytes (NAMEDATALEN - 1).
const MAX_IDENTIFIER: usize = 63;

/// Schema names are restricted to lower-case ASCII identifiers so they never need escaping in a
/// startup option or a NOTIFY channel name, and cannot be used for SQL injection.
pub(crate) fn check_schema_name(schema: &str) -> Result<()> {
    let mut chars = schema.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if first_ok && rest_ok && schema.len() <= MAX_IDENTIFIER {
        Ok(())
    } else {
        Err(StoreError::msg(format!(
            "invalid schema name `{schema}`: use lower-case letters, digits and _ (at most 63)"
        )))
    }
}

/// Applies pending migrations; returns the names applied by this call.
pub(crate) async fn run(pool: &PgPool, schema: Option<&str>) -> Result<Vec<String>> {
    if let Some(s) = schema {
        check_schema_name(s)?;
    }
    // One lock per schema: nodes of one installation serialize, unrelated schemas do not.
    let lock_name = format!("switchboard_migrate:{}", schema.unwrap_or("public"));

    // The schema and the bookkeeping table come first, under the same lock, because concurrent
    // `CREATE ... IF NOT EXISTS` statements can still collide in PostgreSQL's catalogs.
    let mut tx = pool.begin().await.map_err(db)?;
    lock(&mut tx, &lock_name, schema).await?;
    if let Some(s) = schema {
        simple(&mut tx, &format!("CREATE SCHEMA IF NOT EXISTS \"{s}\""))
            .await
            .map_err(db)?;
        set_search_path(&mut tx, s).await?;
    }
    simple(
        &mut tx,
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            name text PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )",
    )
    .await
    .map_err(db)?;
    tx.commit().await.map_err(db)?;

    let mut applied = Vec::new();
    for (name, sql) in MIGRATIONS {
        let mut tx = pool.begin().await.map_err(db)?;
        lock(&mut tx, &lock_name, schema).await?;
        let done: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)")
                .bind(name)
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?;
        if done {
            tx.commit().await.map_err(db)?;
            continue;
        }
        simple(&mut tx, sql)
            .await
            .map_err(|e| StoreError::msg(format!("migration {name} failed: {e}")))?;
        sqlx::query("INSERT INTO schema_migrations (name) VALUES ($1)")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        tracing::info!(migration = name, "applied migration");
        applied.push((*name).to_owned());
    }
    Ok(applied)
}

async fn lock(tx: &mut sqlx::PgConnection, lock_name: &str, schema: Option<&str>) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind(lock_name)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    if let Some(s) = schema {
        set_search_path(tx, s).await?;
    }
    Ok(())
}

/// The pool's connections already carry the schema; setting it again here makes the migration
/// independent of whether the schema existed when the connection was opened.
async fn set_search_path(tx: &mut sqlx::PgConnection, schema: &str) -> Result<()> {
    simple(tx, &format!("SET LOCAL search_path TO \"{schema}\""))
        .await
        .map_err(db)?;
    Ok(())
}

/// Runs SQL text as it is, through the simple-query protocol (so a file of several statements
/// works). `Executor::execute` hands back a boxed future, which keeps `run` provably `Send`
/// where `sqlx::raw_sql(..).execute(..)` does not.
fn simple<'c>(
    conn: &'c mut sqlx::PgConnection,
    sql: &'c str,
) -> impl Future<Output = std::result::Result<(), sqlx::Error>> + Send + 'c {
    use sqlx::Executor;
    let run = conn.execute(sql);
    async move { run.await.map(|_| ()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_names_are_plain_identifiers() {
        assert!(check_schema_name("sbtest_0a1b").is_ok());
        assert!(check_schema_name("_x").is_ok());
        for bad in ["", "1abc", "Public", "a-b", "a\"; DROP", &"x".repeat(64)] {
            assert!(check_schema_name(bad).is_err(), "{bad:?} accepted");
        }
    }
}
