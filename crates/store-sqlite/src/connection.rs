//! Opening connections with the settings every connection needs.

use std::path::Path;
use std::time::Duration;

use accountd_core::Result;
use rusqlite::{Connection, OpenFlags};

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
    conn.pragma_update(None, "mmap_size", 1i64 << 30)
        .map_err(crate::errors::internal)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}
