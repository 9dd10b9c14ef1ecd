//! Transactions.
//!
//! A write is one READ COMMITTED transaction that first locks the rows whose state it reads to
//! decide (the user for any change to a user or its memberships, the group for its name or
//! permissions, the account for a reset, ...) and reads them only after the lock is granted.
//! Writes that touch the same thing therefore queue behind each other and each sees what the
//! previous one committed, as under SQLite's single writer; writes that touch different things
//! run in parallel. Uniqueness races end in the constraint (a `Conflict`).
//!
//! Why not SERIALIZABLE: it was tried first. Conflicting writes abort rather than wait, and on
//! a hot row (twelve concurrent membership changes of one user) the last one needed ten attempts:
//! a burst larger than the retry budget would answer 503s. Locks make the same burst wait a few
//! milliseconds instead.
//!
//! A connection that broke before the transaction's COMMIT was sent (a restarted or failed-over
//! server) means the server rolled the transaction back: it runs once more on a new connection,
//! after the other idle connections, broken too in all likelihood, are closed. A connection that
//! broke while COMMIT was under way is not retried: the change may have been made.
//!
//! Every attempt runs under a deadline measured here (`PostgresStore::within_deadline`): a server
//! that cannot answer at all gives `Unavailable` after the statement timeout plus the connect
//! timeout, and is not retried (it would only multiply the wait).
//!
//! A deadlock (40P01; e.g. deleting a service user, which locks the user and then its group,
//! while the group gains that user as a member, which locks them the other way round) or a
//! serialization failure (40001: READ COMMITTED does not raise it, but a PostgreSQL-compatible
//! engine that only serializes does) rolls the transaction back; the whole transaction then
//! runs again after a short, jittered pause. Callers never see those errors unless the retries
//! run out, and then as `Unavailable`.

use std::time::Duration;

use accountd_core::Result;
use deadpool_postgres::{Client, Transaction};
use tokio_postgres::IsolationLevel;

use crate::PostgresStore;
use crate::errors::DbResult;

/// Attempts per write before giving up with `Unavailable`.
pub(crate) const MAX_ATTEMPTS: u32 = 16;
/// First pause; doubles per attempt up to [`MAX_PAUSE`], each drawn with ±50% jitter.
const FIRST_PAUSE: Duration = Duration::from_millis(2);
const MAX_PAUSE: Duration = Duration::from_millis(200);

pub(crate) async fn begin_write(client: &mut Client) -> DbResult<Transaction<'_>> {
    Ok(client
        .build_transaction()
        .isolation_level(IsolationLevel::ReadCommitted)
        .start()
        .await?)
}

/// Counts the attempts of one write.
pub(crate) struct Retry {
    attempt: u32,
    reconnected: bool,
}

impl Retry {
    pub(crate) fn new() -> Self {
        Self {
            attempt: 1,
            reconnected: false,
        }
    }

    /// `None`: run the transaction again (after a pause); `Some`: the final answer.
    /// `committing`: the failure, if any, happened while COMMIT was under way.
    pub(crate) async fn settle<T>(
        &mut self,
        store: &PostgresStore,
        outcome: DbResult<T>,
        committing: bool,
    ) -> Option<Result<T>> {
        match outcome {
            Err(err) if err.is_connection_lost() && !committing && !self.reconnected => {
                store.drop_idle_connections();
                self.reconnected = true;
                None
            }
            Err(err) if err.is_retryable() && self.attempt < MAX_ATTEMPTS => {
                tracing::debug!(
                    attempt = self.attempt,
                    "deadlock or serialization failure; retrying"
                );
                tokio::time::sleep(pause(self.attempt)).await;
                self.attempt += 1;
                None
            }
            Err(err) => {
                if err.is_retryable() {
                    tracing::warn!(attempts = self.attempt, "giving up on a conflicting write");
                }
                Some(Err(err.into_error()))
            }
            Ok(value) => Some(Ok(value)),
        }
    }
}

/// The store metrics every backend records (`GET /metrics`): read latency, and per write
/// transaction its latency (retries included) and its size. Each write is a transaction of its
/// own here (no group commit), so every "batch" holds one write.
pub(crate) fn record_read(started: std::time::Instant) {
    metrics::histogram!("store_read_seconds").record(started.elapsed().as_secs_f64());
}

pub(crate) fn record_write(started: std::time::Instant) {
    metrics::histogram!("store_write_batch_size").record(1.0);
    metrics::histogram!("store_write_batch_seconds").record(started.elapsed().as_secs_f64());
}

fn pause(attempt: u32) -> Duration {
    let base = FIRST_PAUSE
        .saturating_mul(1 << attempt.saturating_sub(1).min(16))
        .min(MAX_PAUSE);
    let micros = u64::try_from(base.as_micros()).unwrap_or(u64::MAX);
    Duration::from_micros(fastrand::u64(micros / 2..=micros + micros / 2))
}

/// Runs `$body` (an expression of type `DbResult<T>` that may `.await` and uses the transaction
/// `$tx`) in a write transaction on `$store`, retrying it on deadlocks and serialization
/// failures, and evaluates to `accountd_core::Result<T>`.
///
/// A macro rather than a function taking a closure: the body borrows the method's arguments
/// across awaits, which a closure returning a future cannot express without cloning every
/// argument on every attempt.
macro_rules! write_tx {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let started = std::time::Instant::now();
        let mut retry = $crate::tx::Retry::new();
        let answer = loop {
            let mut committing = false;
            let outcome: $crate::errors::DbResult<_> = async {
                let mut client = $store.client().await?;
                let outcome = $store
                    .within_deadline(async {
                        let $tx = $crate::tx::begin_write(&mut client).await?;
                        let value = $body?;
                        committing = true;
                        $tx.commit().await?;
                        Ok(value)
                    })
                    .await;
                if outcome.as_ref().is_err_and(|err| err.is_deadline()) {
                    $crate::connection::discard(client);
                }
                outcome
            }
            .await;
            if let Some(answer) = retry.settle($store, outcome, committing).await {
                break answer;
            }
        };
        $crate::tx::record_write(started);
        answer
    }};
}

/// Runs `$body` (an expression of type `DbResult<T>` using the pooled connection `$client`)
/// outside any explicit transaction: every read is one statement, so it sees one snapshot. A
/// read on a connection that turns out to be broken runs once more on a new one.
macro_rules! read {
    ($store:expr, |$client:ident| $body:expr) => {{
        let started = std::time::Instant::now();
        let mut reconnected = false;
        let answer = loop {
            let outcome: $crate::errors::DbResult<_> = async {
                let $client = $store.client().await?;
                let outcome = $store.within_deadline(async { $body }).await;
                if outcome.as_ref().is_err_and(|err| err.is_deadline()) {
                    $crate::connection::discard($client);
                }
                outcome
            }
            .await;
            match outcome {
                Err(err) if !reconnected && err.is_connection_lost() => {
                    $store.drop_idle_connections();
                    reconnected = true;
                }
                outcome => break outcome.map_err($crate::errors::DbError::into_error),
            }
        };
        $crate::tx::record_read(started);
        answer
    }};
}
