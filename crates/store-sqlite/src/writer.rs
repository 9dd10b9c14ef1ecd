//! One writer thread with group commit.
//!
//! SQLite allows one writer at a time, and with `synchronous=FULL` every commit is an fsync. The
//! writer takes every job waiting in its queue, runs each inside its own savepoint (a failing job
//! rolls back alone), commits the batch once, and only then answers each caller. Every
//! acknowledged write is durable, and the fsync is shared by the whole batch.
//!
//! After every batch the writer counts one more *write generation*, before it answers: a value
//! read before a read began that still matches afterwards proves no write of this process
//! landed in between (the user cache relies on it).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};

use accountd_core::{Error, Result};
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::connection::FileAccess;

/// Most jobs committed together; bounds the latency one commit adds to the first job.
const MAX_BATCH: usize = 256;

trait Job: Send {
    /// Runs the work inside the open transaction; returns how to answer once the batch commits.
    fn run(self: Box<Self>, conn: &Connection) -> Box<dyn Completion>;
    /// Answers without running: the transaction could not start.
    fn fail(self: Box<Self>, err: Error);
}

trait Completion: Send {
    fn finish(self: Box<Self>, committed: Result<()>);
}

struct WorkJob<T, F> {
    work: F,
    reply: oneshot::Sender<Result<T>>,
}

struct WorkDone<T> {
    outcome: Result<T>,
    reply: oneshot::Sender<Result<T>>,
}

impl<T, F> Job for WorkJob<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T> + Send,
{
    fn run(self: Box<Self>, conn: &Connection) -> Box<dyn Completion> {
        let outcome = match conn.execute_batch("SAVEPOINT job") {
            Err(err) => Err(crate::errors::internal(err)),
            Ok(()) => {
                let outcome = (self.work)(conn);
                let end = if outcome.is_ok() {
                    "RELEASE job"
                } else {
                    "ROLLBACK TO job; RELEASE job"
                };
                match conn.execute_batch(end) {
                    Ok(()) => outcome,
                    Err(err) => Err(crate::errors::internal(err)),
                }
            }
        };
        Box::new(WorkDone {
            outcome,
            reply: self.reply,
        })
    }

    fn fail(self: Box<Self>, err: Error) {
        let _ = self.reply.send(Err(err));
    }
}

impl<T: Send> Completion for WorkDone<T> {
    fn finish(self: Box<Self>, committed: Result<()>) {
        let answer = match committed {
            Ok(()) => self.outcome,
            Err(err) => Err(err),
        };
        // The caller may have gone away (request cancelled); the write stands regardless.
        let _ = self.reply.send(answer);
    }
}

/// Handle to the writer thread; the thread ends when the last handle is dropped.
pub struct Writer {
    queue: mpsc::Sender<Box<dyn Job>>,
    generation: Arc<AtomicU64>,
}

impl Writer {
    pub fn start(path: &Path, access: FileAccess) -> Result<Self> {
        let conn = crate::connection::open(path, access)?;
        let (queue, jobs) = mpsc::channel::<Box<dyn Job>>();
        let generation = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&generation);
        std::thread::Builder::new()
            .name("accountd-sqlite-writer".to_owned())
            .spawn(move || write_loop(&conn, &jobs, &counted))
            .map_err(|err| {
                Error::Internal(format!("cannot start the SQLite writer thread: {err}"))
            })?;
        Ok(Self { queue, generation })
    }

    /// The write generation: grows by one after every batch, committed or rolled back, before
    /// any job of the batch is answered.
    pub fn generation(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.generation)
    }

    /// Runs `work` in a write transaction and answers once it is durable.
    pub async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Box::new(WorkJob { work, reply }))
            .map_err(|_| Error::Unavailable("the database writer has stopped".to_owned()))?;
        answer
            .await
            .map_err(|_| Error::Internal("the database writer dropped a job".to_owned()))?
    }
}

fn write_loop(conn: &Connection, jobs: &mpsc::Receiver<Box<dyn Job>>, generation: &AtomicU64) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(err) = conn.execute_batch("BEGIN IMMEDIATE") {
            let err = crate::errors::internal(err);
            tracing::error!(%err, "could not begin a write transaction");
            for job in batch {
                job.fail(err.clone());
            }
            continue;
        }
        let started = std::time::Instant::now();
        metrics::histogram!("store_write_batch_size").record(batch.len() as f64);
        let completions: Vec<_> = batch.into_iter().map(|job| job.run(conn)).collect();
        // The docs the batch's changes cleared are written before anyone can see the changes.
        // Should that fail, the batch is not committed: its jobs fail rather than leave a
        // user without a doc.
        let committed = crate::docs::refresh(conn)
            .and_then(|_| conn.execute_batch("COMMIT"))
            .map_err(crate::errors::internal);
        if committed.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        metrics::histogram!("store_write_batch_seconds").record(started.elapsed().as_secs_f64());
        // After the commit (its rows are visible) and before the answers (a caller that got its
        // answer finds the new generation). Release pairs with the readers' Acquire.
        generation.fetch_add(1, Ordering::Release);
        for completion in completions {
            completion.finish(committed.clone());
        }
    }
}
