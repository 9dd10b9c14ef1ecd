//! One writer thread with group commit.
//!
//! SQLite allows one writer at a time, and with `synchronous=FULL` every commit is an fsync. The
//! writer takes every job waiting in its queue, runs each inside its own savepoint (a failing job
//! rolls back alone), commits the batch once, and only then answers each caller. Every
//! acknowledged write is durable, and the fsync is shared by the whole batch.
//!
//! After every batch, and before it answers, the writer tells the user cache which users the
//! batch changed or removed (the `user_cache` module): temporary triggers, which only the
//! writer's connection has, note them in a temporary table as the batch runs.

use std::path::Path;
use std::sync::mpsc;

use accountd_core::ids::UserId;
use accountd_core::{Error, Result};
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::connection::FileAccess;
use crate::user_cache::Changed;

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

/// Told, after each batch commits (or fails to) and before any of its jobs is answered, which
/// users the batch changed.
pub type OnBatch = Box<dyn Fn(Changed) + Send>;

/// Most changed users named one by one; a batch that changed more (a group with its members
/// deleted, say) reports [`Changed::Everyone`].
const MOST_CHANGED_NAMED: usize = 4_096;

/// Notes the uid of every user whose doc a statement clears (every change to what a user's
/// JSON shows does, the `docs` module), whose uid changes, or who is deleted. TEMP: these live
/// on the writer's connection only, and the table in memory (`temp_store`).
const NOTE_CHANGED_USERS: &str = "
CREATE TEMP TABLE changed_users (uid TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TEMP TRIGGER user_doc_cleared AFTER UPDATE OF doc ON main.users WHEN NEW.doc IS NULL BEGIN
    INSERT OR IGNORE INTO changed_users (uid) VALUES (NEW.uid);
END;
CREATE TEMP TRIGGER user_uid_changed AFTER UPDATE OF uid ON main.users WHEN OLD.uid IS NOT NEW.uid BEGIN
    INSERT OR IGNORE INTO changed_users (uid) VALUES (OLD.uid);
END;
CREATE TEMP TRIGGER user_deleted AFTER DELETE ON main.users BEGIN
    INSERT OR IGNORE INTO changed_users (uid) VALUES (OLD.uid);
END;
";

/// Handle to the writer thread; the thread ends when the last handle is dropped.
pub struct Writer {
    queue: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    pub fn start(path: &Path, access: FileAccess, on_batch: OnBatch) -> Result<Self> {
        let conn = crate::connection::open(path, access)?;
        conn.execute_batch(NOTE_CHANGED_USERS)
            .map_err(crate::errors::internal)?;
        let (queue, jobs) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("accountd-sqlite-writer".to_owned())
            .spawn(move || write_loop(&conn, &jobs, &on_batch))
            .map_err(|err| {
                Error::Internal(format!("cannot start the SQLite writer thread: {err}"))
            })?;
        Ok(Self { queue })
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

fn write_loop(conn: &Connection, jobs: &mpsc::Receiver<Box<dyn Job>>, on_batch: &OnBatch) {
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
        // answer reads no cached user the batch changed). A batch that did not commit changed
        // nothing, and its notes rolled back with it.
        on_batch(take_changed_users(conn));
        for completion in completions {
            completion.finish(committed.clone());
        }
    }
}

/// The users noted since the last call, forgotten as they are taken. Outside a transaction: the
/// table is in memory, so this commits nothing to disk.
fn take_changed_users(conn: &Connection) -> Changed {
    match read_changed_users(conn) {
        Ok(changed) => changed,
        Err(err) => {
            tracing::error!(%err, "could not read which users a write changed; dropping the user cache");
            Changed::Everyone
        }
    }
}

fn read_changed_users(conn: &Connection) -> rusqlite::Result<Changed> {
    let limit = i64::try_from(MOST_CHANGED_NAMED + 1).unwrap_or(i64::MAX);
    let texts = conn
        .prepare_cached("SELECT uid FROM temp.changed_users LIMIT ?1")?
        .query_map([limit], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if texts.is_empty() {
        return Ok(Changed::Users(Vec::new()));
    }
    conn.prepare_cached("DELETE FROM temp.changed_users")?
        .execute([])?;
    if texts.len() > MOST_CHANGED_NAMED {
        return Ok(Changed::Everyone);
    }
    // A uid that does not parse names nobody the cache could hold under it; to be safe, drop all.
    Ok(texts
        .iter()
        .map(|text| UserId::parse(text))
        .collect::<Option<Vec<_>>>()
        .map_or(Changed::Everyone, Changed::Users))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noting() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let mut conn =
            crate::connection::open(&dir.path().join("db"), FileAccess::default()).unwrap();
        crate::migrate::run(&mut conn).unwrap();
        conn.execute_batch(NOTE_CHANGED_USERS).unwrap();
        (dir, conn)
    }

    fn note(conn: &Connection, uids: impl IntoIterator<Item = String>) {
        let mut insert = conn
            .prepare("INSERT INTO temp.changed_users (uid) VALUES (?1)")
            .unwrap();
        for uid in uids {
            insert.execute([uid]).unwrap();
        }
    }

    #[test]
    fn the_noted_users_are_taken_once() {
        let (_dir, conn) = noting();
        let uids: Vec<UserId> = (0..3).map(|_| UserId::generate()).collect();
        note(&conn, uids.iter().map(UserId::to_string));
        let Changed::Users(mut taken) = take_changed_users(&conn) else {
            panic!("named users expected");
        };
        let mut expected = uids.clone();
        taken.sort();
        expected.sort();
        assert_eq!(taken, expected);
        assert_eq!(take_changed_users(&conn), Changed::Users(Vec::new()));
    }

    #[test]
    fn more_changed_users_than_are_named_is_everyone() {
        let (_dir, conn) = noting();
        note(
            &conn,
            (0..=MOST_CHANGED_NAMED).map(|_| UserId::generate().to_string()),
        );
        assert_eq!(take_changed_users(&conn), Changed::Everyone);
        assert_eq!(take_changed_users(&conn), Changed::Users(Vec::new()));
        note(
            &conn,
            (0..MOST_CHANGED_NAMED).map(|_| UserId::generate().to_string()),
        );
        assert!(
            matches!(take_changed_users(&conn), Changed::Users(uids) if uids.len() == MOST_CHANGED_NAMED)
        );
    }

    #[test]
    fn a_uid_that_does_not_parse_is_everyone() {
        let (_dir, conn) = noting();
        note(&conn, ["not a uid".to_owned()]);
        assert_eq!(take_changed_users(&conn), Changed::Everyone);
    }
}
