//! A small pool of read connections, used inline on the calling thread.
//!
//! A point lookup costs ~5 µs here; handing it to `spawn_blocking` costs more than the query
//! (DESIGN.md: 71k req/s inline vs 45k via spawn_blocking). Readers never wait for the writer
//! (WAL), and no lock is held across an `.await`, so blocking briefly is safe.
//!
//! Each connection keeps its read transaction open from one read to the next while no write
//! has landed: starting and ending a WAL read transaction takes and drops a lock on the shared
//! memory (two `fcntl` calls) and re-reads the WAL header, which was an eighth of the server's
//! CPU in `GET /users/{uid}` on users the cache does not hold (benchmarks.md). The writer's
//! *write generation* (see the `writer` module) says when a snapshot is out of date: a read
//! that finds the generation moved since its connection's snapshot began starts a new one, so
//! a client that got a write's answer reads what it wrote. After every write batch the writer
//! calls [`Readers::release_stale`], which ends the out-of-date snapshots of idle connections:
//! an old snapshot kept open would stop checkpoints from moving past it, and the WAL would
//! grow.

use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use accountd_core::Result;
use accountd_core::store::PoolStatus;
use rusqlite::Connection;

/// A read connection and the snapshot it holds.
struct Reader {
    conn: Connection,
    /// The write generation read before its open read transaction began; `None`: none is open.
    snapshot: Option<u64>,
}

impl Reader {
    /// Makes the connection read a snapshot at least as new as write generation `generation`.
    fn ensure_snapshot(&mut self, generation: u64) -> rusqlite::Result<()> {
        if self.snapshot == Some(generation) {
            return Ok(());
        }
        self.end_snapshot();
        // Cached statements: execute_batch would parse the SQL on every call. DEFERRED: the
        // snapshot is taken by the first read, which comes after `generation` was read.
        self.conn.prepare_cached("BEGIN DEFERRED")?.execute([])?;
        self.snapshot = Some(generation);
        Ok(())
    }

    fn end_snapshot(&mut self) {
        if self.snapshot.take().is_some() {
            // A read transaction has nothing to keep; should COMMIT fail, the next BEGIN
            // reports the connection's state.
            let _ = self
                .conn
                .prepare_cached("COMMIT")
                .and_then(|mut stmt| stmt.execute([]));
        }
    }
}

pub struct Readers {
    connections: Vec<Mutex<Reader>>,
    /// The writer's write generation.
    writes: Arc<AtomicU64>,
    next: AtomicUsize,
    /// Read connections in use, for the `store_readers_busy` gauge and [`Readers::status`].
    busy: AtomicUsize,
    /// Callers blocked until a connection is free (every one was in use).
    waiting: AtomicUsize,
}

impl Readers {
    /// `size` connections to the database at `path`, whose snapshots follow `writes`.
    pub fn open(path: &Path, size: usize, writes: Arc<AtomicU64>) -> Result<Self> {
        let connections = (0..size.max(1))
            .map(|_| {
                crate::connection::open(path).map(|conn| {
                    Mutex::new(Reader {
                        conn,
                        snapshot: None,
                    })
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            connections,
            writes,
            next: AtomicUsize::new(0),
            busy: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
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

    /// Runs `f` on a snapshot that holds every write answered before the call: one consistent
    /// view for a listing's page and count.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let started = std::time::Instant::now();
        // The first free connection, not the next in turn: under load as many connections are
        // busy as there are worker threads, and reusing the same few keeps their page caches and
        // prepared statements warm. Only when all are busy does it queue, in turn.
        let mut reader = self
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
        metrics::gauge!("store_readers_busy").set(busy as f64);
        // Acquire pairs with the writer's Release: the rows of every answered write are visible.
        let generation = self.writes.load(Ordering::Acquire);
        let result = reader
            .ensure_snapshot(generation)
            .and_then(|()| f(&reader.conn))
            .map_err(crate::errors::internal);
        if result.is_err() || self.writes.load(Ordering::Acquire) != generation {
            // Out of date already, or in an unknown state after an error: not worth keeping.
            reader.end_snapshot();
        }
        drop(reader);
        self.busy.fetch_sub(1, Ordering::Relaxed);
        metrics::histogram!("store_read_seconds").record(started.elapsed().as_secs_f64());
        result
    }

    /// Ends the snapshots that writes have made out of date on the connections nobody is using
    /// (one in use ends its own when its read finishes).
    pub fn release_stale(&self) {
        let generation = self.writes.load(Ordering::Acquire);
        for connection in &self.connections {
            if let Ok(mut reader) = connection.try_lock()
                && reader.snapshot.is_some_and(|taken| taken != generation)
            {
                reader.end_snapshot();
            }
        }
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

    /// A database with a one-row table, a pool of one reader, and a connection to write with
    /// (standing in for the writer thread, which would count the generation itself).
    fn with_reader() -> (tempfile::TempDir, Readers, Connection, Arc<AtomicU64>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let writer = crate::connection::open(&path).unwrap();
        writer
            .execute_batch("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);")
            .unwrap();
        let writes = Arc::new(AtomicU64::new(0));
        let readers = Readers::open(&path, 1, Arc::clone(&writes)).unwrap();
        (dir, readers, writer, writes)
    }

    fn value(readers: &Readers) -> i64 {
        readers
            .read(|conn| conn.query_row("SELECT v FROM t", [], |row| row.get(0)))
            .unwrap()
    }

    fn holds_snapshot(readers: &Readers) -> bool {
        readers.connections[0].lock().unwrap().snapshot.is_some()
    }

    #[test]
    fn a_snapshot_is_kept_between_reads_until_the_write_generation_moves() {
        let (_dir, readers, writer, writes) = with_reader();
        assert_eq!(value(&readers), 1);
        assert!(holds_snapshot(&readers));
        // Committed, but not yet counted: the reader still reads its snapshot (which is why
        // the writer counts a batch before it answers anyone).
        writer.execute("UPDATE t SET v = 2", []).unwrap();
        assert_eq!(value(&readers), 1);
        writes.fetch_add(1, Ordering::Release);
        assert_eq!(value(&readers), 2);
    }

    #[test]
    fn idle_out_of_date_snapshots_are_released_so_checkpoints_complete() {
        let (_dir, readers, writer, writes) = with_reader();
        assert_eq!(value(&readers), 1);
        writer.execute("UPDATE t SET v = 2", []).unwrap();
        // The idle reader's snapshot predates the update: the WAL cannot be emptied.
        // PASSIVE does not wait for readers: (frames in the WAL, frames copied back).
        let checkpoint = |conn: &Connection| -> (i64, i64) {
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
                Ok((row.get(1)?, row.get(2)?))
            })
            .unwrap()
        };
        let (frames, copied) = checkpoint(&writer);
        assert!(
            copied < frames,
            "{copied} of {frames} frames copied past the old snapshot"
        );

        // Nothing happens while the generation has not moved.
        readers.release_stale();
        assert!(holds_snapshot(&readers));
        writes.fetch_add(1, Ordering::Release);
        readers.release_stale();
        assert!(!holds_snapshot(&readers));
        let (frames, copied) = checkpoint(&writer);
        assert_eq!(copied, frames, "complete once it is released");
        assert_eq!(value(&readers), 2);
    }

    #[test]
    fn a_failed_read_ends_its_snapshot() {
        let (_dir, readers, _writer, _writes) = with_reader();
        assert_eq!(value(&readers), 1);
        let failed = readers
            .read(|conn| conn.query_row("SELECT nope FROM t", [], |row| row.get::<_, i64>(0)));
        assert!(failed.is_err());
        assert!(!holds_snapshot(&readers));
        assert_eq!(value(&readers), 1);
    }

    #[test]
    fn status_counts_connections_in_use_and_callers_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let readers =
            Readers::open(&dir.path().join("db"), 1, Arc::new(AtomicU64::new(0))).unwrap();
        assert_eq!(readers.status(), idle(1));
        let inside = readers.read(|_| Ok(readers.status())).unwrap();
        assert_eq!((inside.in_use, inside.waiting), (1, 0));

        // One thread holds the only connection until a second one is seen waiting for it.
        let held = Barrier::new(2);
        let seen_waiting = std::thread::scope(|scope| {
            let holder = scope.spawn(|| {
                readers
                    .read(|_| {
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
            readers.read(|_| Ok(())).unwrap();
            holder.join().unwrap()
        });
        assert_eq!((seen_waiting.in_use, seen_waiting.waiting), (1, 1));
        assert_eq!(readers.status(), idle(1));
    }
}
