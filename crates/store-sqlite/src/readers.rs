//! A small pool of read connections, used inline on the calling thread.
//!
//! A point lookup costs ~5 µs here; handing it to `spawn_blocking` costs more than the query
//! (DESIGN.md: 71k req/s inline vs 45k via spawn_blocking). Readers never wait for the writer
//! (WAL), and no lock is held across an `.await`, so blocking briefly is safe.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use accountd_core::Result;
use accountd_core::store::PoolStatus;
use rusqlite::Connection;

use crate::connection::FileAccess;

pub struct Readers {
    connections: Vec<Mutex<Connection>>,
    next: AtomicUsize,
    /// Read connections in use, for the `store_readers_busy` gauge and [`Readers::status`].
    busy: AtomicUsize,
    /// Callers blocked until a connection is free (every one was in use).
    waiting: AtomicUsize,
    /// Resolved once: looking a metric up by name on every read cost more than recording it.
    busy_gauge: metrics::Gauge,
    read_seconds: metrics::Histogram,
}

impl Readers {
    pub fn open(path: &Path, size: usize, access: FileAccess) -> Result<Self> {
        let connections = (0..size.max(1))
            .map(|_| crate::connection::open(path, access).map(Mutex::new))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            connections,
            next: AtomicUsize::new(0),
            busy: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
            busy_gauge: metrics::gauge!("store_readers_busy"),
            read_seconds: metrics::histogram!("store_read_seconds"),
        })
    }

    /// The connections now: all are opened up front, so the pool is always full.
    pub fn status(&self) -> PoolStatus {
        PoolStatus {
            max_size: self.connections.len(),
            open: self.connections.len(),
            in_use: self.busy.load(Ordering::Relaxed),
            waiting: self.waiting.load(Ordering::Relaxed),
        }
    }

    /// Runs `f` in a read transaction: one consistent snapshot for a listing's page and count,
    /// and one lock acquisition (a syscall) for several statements instead of one each.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        self.with_connection(|conn| {
            // Cached statements: execute_batch would parse the SQL on every call.
            conn.prepare_cached("BEGIN DEFERRED")?.execute([])?;
            let result = f(conn);
            // A read transaction has nothing to keep; end it whatever happened.
            let _ = conn
                .prepare_cached("COMMIT")
                .and_then(|mut stmt| stmt.execute([]));
            result
        })
    }

    /// Runs `f` without an explicit transaction: for point lookups, where each statement's own
    /// snapshot is enough and `BEGIN`/`COMMIT` would cost more than the lookup.
    pub fn lookup<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        self.with_connection(f)
    }

    fn with_connection<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let started = std::time::Instant::now();
        // The first free connection, not the next in turn: under load as many connections are
        // busy as there are worker threads, and reusing the same few keeps their page caches and
        // prepared statements warm. Only when all are busy does it queue, in turn.
        let guard = self
            .connections
            .iter()
            .find_map(|connection| connection.try_lock().ok())
            .unwrap_or_else(|| {
                let start = self.next.fetch_add(1, Ordering::Relaxed);
                self.waiting.fetch_add(1, Ordering::Relaxed);
                let guard = self.connections[start % self.connections.len()]
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                self.waiting.fetch_sub(1, Ordering::Relaxed);
                guard
            });
        let busy = self.busy.fetch_add(1, Ordering::Relaxed) + 1;
        self.busy_gauge.set(busy as f64);
        let result = f(&guard).map_err(crate::errors::internal);
        self.busy.fetch_sub(1, Ordering::Relaxed);
        self.read_seconds.record(started.elapsed().as_secs_f64());
        result
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;
    use std::time::{Duration, Instant};

    use super::*;

    fn idle(size: usize) -> PoolStatus {
        PoolStatus {
            max_size: size,
            open: size,
            in_use: 0,
            waiting: 0,
        }
    }

    #[test]
    fn status_counts_connections_in_use_and_callers_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let readers = Readers::open(&dir.path().join("db"), 1, FileAccess::Exclusive).unwrap();
        assert_eq!(readers.status(), idle(1));
        let inside = readers.lookup(|_| Ok(readers.status())).unwrap();
        assert_eq!((inside.in_use, inside.waiting), (1, 0));

        // One thread holds the only connection until a second one is seen waiting for it.
        let held = Barrier::new(2);
        let seen_waiting = std::thread::scope(|scope| {
            let holder = scope.spawn(|| {
                readers
                    .lookup(|_| {
                        held.wait();
                        let deadline = Instant::now() + Duration::from_secs(10);
                        while readers.status().waiting == 0 && Instant::now() < deadline {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        Ok(readers.status())
                    })
                    .unwrap()
            });
            held.wait();
            readers.lookup(|_| Ok(())).unwrap();
            holder.join().unwrap()
        });
        assert_eq!((seen_waiting.in_use, seen_waiting.waiting), (1, 1));
        assert_eq!(readers.status(), idle(1));
    }
}
