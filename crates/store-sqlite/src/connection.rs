//! Opening connections with the settings every connection needs.

use std::path::Path;
use std::time::Duration;

use accountd_core::Result;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

/// Memory-mapped I/O for files up to 256 GiB (address space, not memory).
const MMAP_BYTES: i64 = 1 << 38;

/// WAL pages between automatic checkpoints.
const WAL_CHECKPOINT_PAGES: i64 = 10_000;

/// Opens a connection: WAL journal, foreign keys on, and `synchronous=FULL` so a committed
/// transaction has been fsynced (a 2xx survives kill -9 and power loss alike).
pub fn open(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|err| {
        accountd_core::Error::Unavailable(format!(
            "cannot open SQLite database '{}': {err}",
            path.display()
        ))
    })?;
    conn.busy_timeout(Duration::from_secs(5))
        .map_err(crate::errors::internal)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(crate::errors::internal)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(crate::errors::internal)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(crate::errors::internal)?;
    // Reads through a memory map instead of a pread per page: fewer syscalls on the hot path.
    // The whole file, however large (the ceiling is raised in .cargo/config.toml): with a map of
    // 1 GiB, point lookups on a 1.5 GB database of a million users fell to pread for the pages
    // past it, and lost a fifth of their throughput.
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)
        .map_err(crate::errors::internal)?;
    // Checkpoint every 10,000 WAL pages (~40 MB) instead of SQLite's 1,000: creates dirty
    // random leaf pages of the uid and email indexes, and a page written many times between two
    // checkpoints is copied back into the database once.
    conn.pragma_update(None, "wal_autocheckpoint", WAL_CHECKPOINT_PAGES)
        .map_err(crate::errors::internal)?;
    // The query planner stability guarantee: plans never depend on bound values. Without it,
    // SQLite reads the value bound to a `LIMIT ?` while planning and marks the statement to be
    // compiled again whenever that parameter is bound, i.e. on every execution of every paged
    // query: 11% of a listing's time went to parsing and planning the same SQL again, and SCIM
    // `userName eq` lookups ran 1.5× faster without it (benchmarks.md).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
        .map_err(crate::errors::internal)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use rusqlite::{StatementStatus, params};

    use super::*;

    #[test]
    fn statements_are_not_compiled_again_when_their_parameters_change() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir.path().join("db")).unwrap();
        crate::migrate::run(&mut conn).unwrap();
        // A page as `paging::fetch` asks for it: SQLite reads a bound LIMIT's value while planning,
        // and (without the QPSG) compiles the statement again on every new binding.
        let listing = format!(
            "SELECT {} FROM users WHERE account_id = ?1 AND kind = 'HUMAN' AND seq > ?2 ORDER BY seq LIMIT ?3 OFFSET ?4",
            crate::users::COLUMNS
        );
        let mut stmt = conn.prepare(&listing).unwrap();
        for (account, after, limit) in [("a", 0, 101), ("b", 100, 11), ("a", 0, 101)] {
            let mut rows = stmt.query(params![account, after, limit, 0]).unwrap();
            while rows.next().unwrap().is_some() {}
        }
        assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0);
    }
}
