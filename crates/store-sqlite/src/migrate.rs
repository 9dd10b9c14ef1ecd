//! Forward-only, numbered migrations tracked in `PRAGMA user_version`.

use accountd_core::{Error, Result};
use rusqlite::Connection;

/// Every migration in order; the schema version is the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_service_users.sql"),
    include_str!("../migrations/0003_account_rate_limit.sql"),
    include_str!("../migrations/0004_invitations.sql"),
    include_str!("../migrations/0005_audit_events.sql"),
    include_str!("../migrations/0006_row_counts.sql"),
    include_str!("../migrations/0007_rate_limits.sql"),
    include_str!("../migrations/0008_scim.sql"),
    include_str!("../migrations/0009_user_docs.sql"),
];

pub fn latest_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// Brings the schema up to date. Refuses a database whose schema is newer than this binary,
/// rather than guess what an unknown schema means.
pub fn run(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(crate::errors::internal)?;
    let latest = latest_version();
    if current > latest {
        return Err(Error::Unavailable(format!(
            "the database schema is version {current}, newer than this accountd knows ({latest}); upgrade accountd"
        )));
    }
    for (index, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(current).unwrap_or(0))
    {
        let version = index + 1;
        // IMMEDIATE takes the write lock first, so two processes starting at once apply each
        // migration exactly once: the second waits, then sees the new user_version.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(crate::errors::internal)?;
        let now: i64 = tx
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(crate::errors::internal)?;
        if now >= i64::try_from(version).unwrap_or(i64::MAX) {
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|err| Error::Internal(format!("migration {version} failed: {err}")))?;
        tx.pragma_update(
            None,
            "user_version",
            i64::try_from(version).unwrap_or(i64::MAX),
        )
        .map_err(crate::errors::internal)?;
        tx.commit().map_err(crate::errors::internal)?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}
