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

/// Whether other processes may open the database file while the store has it open.
///
/// The store is one process per file either way (`exclusive.rs`: no second accountd); this is
/// about other programs, such as the `sqlite3` shell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FileAccess {
    /// SQLite's `unix-excl` VFS: the first lock of the file is a process-wide exclusive one, and
    /// the WAL index lives on the heap instead of in the `-shm` file, so a read's WAL lock is a
    /// mutex instead of two `fcntl` calls on that file (uncached `GET /users/{uid}` ~16% faster
    /// in an A/B, docs/benchmarks.md). No other process can read the file meanwhile.
    #[default]
    Exclusive,
    /// SQLite's default `unix` VFS: other processes may read the file (and take its write
    /// lock between our writes) while accountd runs, e.g. `sqlite3 accountd.db .backup copy.db`.
    Shared,
}

impl FileAccess {
    /// Every connection of a process to one file must use the same VFS: the two keep the WAL
    /// index in different places.
    fn vfs(self) -> &'static std::ffi::CStr {
        match self {
            FileAccess::Exclusive => c"unix-excl",
            FileAccess::Shared => c"unix",
        }
    }
}

/// Opens a connection: WAL journal, foreign keys on, and `synchronous=FULL` so a committed
/// transaction has been fsynced (a 2xx survives kill -9 and power loss alike).
pub fn open(path: &Path, access: FileAccess) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags_and_vfs(path, flags, access.vfs()).map_err(|err| {
        accountd_core::Error::Unavailable(format!(
            "cannot open SQLite database '{}': {err}",
            path.display()
        ))
    })?;
    conn.busy_timeout(Duration::from_secs(5))
        .map_err(crate::errors::internal)?;
    // The first statement that touches the file, so the one that meets another process's lock.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(|err| in_use_or_internal(path, err))?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(crate::errors::internal)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(crate::errors::internal)?;
    // Savepoint journals in memory: the writer runs every job of a batch in a savepoint, and
    // SQLite spills a savepoint's journal to a temporary file past 64 KiB, after which every
    // page a job changed for the first time cost a `pwrite` (15% of the writer thread's time
    // under durable creates, docs/benchmarks.md). A job's pages are few, and the journal is
    // emptied when its savepoint is released.
    conn.pragma_update(None, "temp_store", "MEMORY")
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

/// The lock another process holds on the file (a `sqlite3` shell, another program), said as
/// such; other failures stay internal.
fn in_use_or_internal(path: &Path, err: rusqlite::Error) -> accountd_core::Error {
    if err.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
        return accountd_core::Error::Unavailable(format!(
            "the SQLite database '{}' is locked by another process; close the other program \
             first (by default accountd keeps the file to itself while it runs)",
            path.display()
        ));
    }
    crate::errors::internal(err)
}

#[cfg(test)]
mod tests {
    use rusqlite::{StatementStatus, params};

    use super::*;

    #[test]
    fn statements_are_not_compiled_again_when_their_parameters_change() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir.path().join("db"), FileAccess::Exclusive).unwrap();
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

    #[test]
    fn the_wal_index_is_kept_in_memory_not_in_a_shm_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let mut conn = open(&path, FileAccess::Exclusive).unwrap();
        crate::migrate::run(&mut conn).unwrap();
        let reader = open(&path, FileAccess::Exclusive).unwrap();
        let tables: i64 = reader
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
            .unwrap();
        assert!(tables > 0);
        assert!(dir.path().join("db-wal").exists(), "WAL mode");
        assert!(!dir.path().join("db-shm").exists());
    }

    /// Set in the child process of the test below: the database it tries to open.
    const CHILD_OPENS: &str = "ACCOUNTD_TEST_CHILD_OPENS";

    /// What another process (the `sqlite3` shell, say) gets when it reads the file while a
    /// connection with `access` has it open: runs this test binary again as that process.
    fn read_from_another_process(path: &Path) -> String {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "connection::tests::other_processes_read_the_file_only_with_shared_access",
                "--nocapture",
            ])
            .env(CHILD_OPENS, path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        stdout
            .lines()
            .find_map(|line| line.strip_prefix("child-outcome: "))
            .unwrap_or_else(|| panic!("the child printed no outcome: {stdout}"))
            .to_owned()
    }

    #[test]
    fn other_processes_read_the_file_only_with_shared_access() {
        if let Ok(path) = std::env::var(CHILD_OPENS) {
            // The child: a plain connection, as the sqlite3 shell would open it.
            let conn = Connection::open(&path).unwrap();
            conn.busy_timeout(Duration::ZERO).unwrap();
            let outcome = conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
                row.get::<_, i64>(0)
            });
            println!(
                "child-outcome: {:?}",
                outcome.map_err(|e| e.sqlite_error_code())
            );
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let mut conn = open(&path, FileAccess::Exclusive).unwrap();
        crate::migrate::run(&mut conn).unwrap();
        assert_eq!(read_from_another_process(&path), "Err(Some(DatabaseBusy))");
        drop(conn);
        // Closed, the file is anyone's again.
        let closed = read_from_another_process(&path);
        assert!(closed.starts_with("Ok("), "{closed}");

        let shared = dir.path().join("shared");
        let mut conn = open(&shared, FileAccess::Shared).unwrap();
        crate::migrate::run(&mut conn).unwrap();
        let tables = read_from_another_process(&shared);
        assert!(tables.starts_with("Ok(") && tables != "Ok(0)", "{tables}");
        assert!(dir.path().join("shared-shm").exists());
    }

    #[test]
    fn a_lock_held_elsewhere_is_said_as_such() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        let message = in_use_or_internal(Path::new("/data/accountd.db"), busy).to_string();
        assert!(
            message.contains("'/data/accountd.db' is locked by another process"),
            "{message}"
        );
        let other = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR),
            None,
        );
        assert!(
            !in_use_or_internal(Path::new("x"), other)
                .to_string()
                .contains("locked")
        );
    }
}
