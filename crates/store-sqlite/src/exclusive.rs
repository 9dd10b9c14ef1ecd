//! One process per database file.
//!
//! The store keeps state that only its own writes keep current (the user cache; also the rate
//! limits and token checks of the server above it), so a second process writing the same file
//! would make it serve stale answers. Opening the store takes an exclusive `flock` on
//! `<database>.lock`, held until the store is dropped; the kernel releases it when the process
//! ends, however it ends, so a crash leaves nothing to clean up.
//!
//! A file of its own rather than the database: SQLite locks the database with POSIX locks, which
//! a process loses on closing *any* descriptor of that file, so this module never opens it.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use accountd_core::{Error, Result};

/// The held lock; dropping it releases the database for another process.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Locks `database` for this process, or says which process holds it.
pub fn lock(database: &Path) -> Result<DatabaseLock> {
    let path = lock_path(database);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|err| {
            Error::Unavailable(format!(
                "cannot open the lock file '{}': {err}",
                path.display()
            ))
        })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = match holder.trim() {
                "" => String::new(),
                pid => format!(" (pid {pid})"),
            };
            return Err(Error::Unavailable(format!(
                "the database '{}' is in use by another accountd process{holder}; \
                 stop it first (one process per SQLite file; use PostgreSQL to run several)",
                database.display()
            )));
        }
        Err(TryLockError::Error(err)) => {
            return Err(Error::Unavailable(format!(
                "cannot lock '{}': {err}",
                path.display()
            )));
        }
    }
    // Who holds it, for the message above; the lock, not this text, is what excludes.
    let recorded = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| writeln!(file, "{}", std::process::id()));
    if let Err(err) = recorded {
        tracing::warn!(%err, path = %path.display(), "could not record the pid in the lock file");
    }
    Ok(DatabaseLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_database_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("accountd.db");
        let first = lock(&database).unwrap();
        let refused = lock(&database).unwrap_err().to_string();
        assert!(
            refused.contains("in use by another accountd process"),
            "{refused}"
        );
        assert!(
            refused.contains(&format!("pid {}", std::process::id())),
            "{refused}"
        );
        drop(first);
        lock(&database).unwrap();
    }

    #[test]
    fn databases_are_locked_apart() {
        let dir = tempfile::tempdir().unwrap();
        let _one = lock(&dir.path().join("one.db")).unwrap();
        let _two = lock(&dir.path().join("two.db")).unwrap();
    }

    #[test]
    fn the_lock_file_sits_beside_the_database() {
        assert_eq!(
            lock_path(Path::new("/var/lib/accountd/accountd.db")),
            Path::new("/var/lib/accountd/accountd.db.lock")
        );
    }
}
