//! Forward-only, numbered migrations tracked in `schema_migrations`, applied under an advisory
//! lock so that several instances starting at once apply each migration exactly once.

use accountd_core::{Error, Result};
use deadpool_postgres::Client;

use crate::errors::{DbError, describe};

/// Every migration in order; the schema version is the number of the last one applied.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (
        2,
        "rate_limits",
        include_str!("../migrations/0002_rate_limits.sql"),
    ),
    (3, "scim", include_str!("../migrations/0003_scim.sql")),
];

/// The advisory lock key of accountd's migrations ("accountd" in ASCII). Advisory locks are
/// per database, so instances of unrelated databases on one server do not wait for each other.
const LOCK_KEY: i64 = 0x6163_636f_756e_7464;

pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |(version, _, _)| *version)
}

/// Brings the schema up to date and returns its version. Refuses a database whose schema is
/// newer than this binary, rather than guess what an unknown schema means.
pub(crate) async fn run(client: &mut Client) -> Result<i64> {
    let failed = |err: tokio_postgres::Error| match DbError::Pg(err).into_error() {
        Error::Internal(cause) => Error::Internal(format!("migration failed: {cause}")),
        other => other,
    };
    let tx = client.transaction().await.map_err(failed)?;
    // The lock is held until this transaction ends. Waiting for another instance's migration
    // may take longer than a request may: lift the statement timeout for this transaction
    // (and keep "already exists, skipping" notices out of the log on every start).
    tx.batch_execute(
        "SET LOCAL statement_timeout = '10min'; SET LOCAL client_min_messages = warning",
    )
    .await
    .map_err(failed)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await
        .map_err(failed)?;
    // Each statement below sees everything committed before the lock was granted (READ
    // COMMITTED), including another instance's migrations.
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .await
    .map_err(failed)?;
    let current: i64 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )
        .await
        .map_err(failed)?
        .try_get(0)
        .map_err(failed)?;
    let latest = latest_version();
    if current > latest {
        return Err(Error::Unavailable(format!(
            "the database schema is version {current}, newer than this accountd knows ({latest}); upgrade accountd"
        )));
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > current) {
        tx.batch_execute(sql).await.map_err(|err| {
            Error::Internal(format!(
                "migration {version} ({name}) failed: {}",
                describe(&err)
            ))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .await
        .map_err(failed)?;
        tracing::info!(version, name, "applied database migration");
    }
    tx.commit().await.map_err(failed)?;
    Ok(latest)
}
