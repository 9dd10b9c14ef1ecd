//! Driver errors become domain errors here, and nowhere else.
//!
//! Inside the store, functions return [`DbError`], which keeps the driver error intact so the
//! transaction loop can tell a serialization failure (retry) from everything else; the
//! conversion to [`accountd_core::Error`] happens once, at the `Store` boundary.

use accountd_core::Error;
use deadpool_postgres::PoolError;
use tokio_postgres::error::SqlState;

pub(crate) enum DbError {
    /// A domain answer decided inside the transaction (`Conflict`, `Invalid`, ...).
    Domain(Error),
    Pg(tokio_postgres::Error),
    Pool(PoolError),
    /// The database did not answer within the store's deadline (see `tx.rs`).
    Deadline(std::time::Duration),
}

pub(crate) type DbResult<T> = std::result::Result<T, DbError>;

impl From<Error> for DbError {
    fn from(err: Error) -> Self {
        Self::Domain(err)
    }
}

impl From<tokio_postgres::Error> for DbError {
    fn from(err: tokio_postgres::Error) -> Self {
        Self::Pg(err)
    }
}

impl From<PoolError> for DbError {
    fn from(err: PoolError) -> Self {
        Self::Pool(err)
    }
}

impl DbError {
    /// A serialization failure or a deadlock: the transaction was rolled back and running it
    /// again may succeed.
    pub(crate) fn is_retryable(&self) -> bool {
        matches!(self, Self::Pg(err) if is_retryable(err))
    }

    /// An established connection broke (the server restarted or failed over, or the backend was
    /// terminated): the statement did not run, or ran in a transaction the server rolled back.
    /// Not a failure to connect: that is the pool's error, and retrying it at once is pointless.
    pub(crate) fn is_connection_lost(&self) -> bool {
        let Self::Pg(err) = self else {
            return false;
        };
        match err.code() {
            Some(code) => {
                code.code().starts_with("08")
                    || *code == SqlState::ADMIN_SHUTDOWN
                    || *code == SqlState::CRASH_SHUTDOWN
            }
            None => {
                err.is_closed()
                    || std::error::Error::source(err).is_some_and(|s| s.is::<std::io::Error>())
            }
        }
    }

    pub(crate) fn is_deadline(&self) -> bool {
        matches!(self, Self::Deadline(_))
    }

    pub(crate) fn into_error(self) -> Error {
        match self {
            Self::Domain(err) => err,
            Self::Pg(err) => from_pg(&err),
            Self::Pool(err) => from_pool(err),
            Self::Deadline(limit) => {
                tracing::error!(?limit, "the database did not answer in time");
                Error::Unavailable(format!(
                    "the database did not answer within {} ms",
                    limit.as_millis()
                ))
            }
        }
    }
}

pub(crate) fn is_retryable(err: &tokio_postgres::Error) -> bool {
    matches!(
        err.code(),
        Some(code) if *code == SqlState::T_R_SERIALIZATION_FAILURE
            || *code == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// A unique violation becomes `Conflict(message)`; anything else stays a driver error (so a
/// serialization failure is still retried).
pub(crate) fn conflict(err: tokio_postgres::Error, message: impl FnOnce() -> String) -> DbError {
    if err.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        DbError::Domain(Error::Conflict(message()))
    } else {
        DbError::Pg(err)
    }
}

/// A value read back from the database that does not parse: the database was changed outside
/// accountd, or there is a bug.
pub(crate) fn corrupt(what: &str, value: &str) -> DbError {
    DbError::Domain(Error::Internal(format!(
        "stored {what} '{value}' does not parse"
    )))
}

/// What the server said, for the log (the `Display` of a server error is only "db error").
pub(crate) fn describe(err: &tokio_postgres::Error) -> String {
    match err.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => match std::error::Error::source(err) {
            Some(source) => format!("{err}: {source}"),
            None => err.to_string(),
        },
    }
}

fn from_pg(err: &tokio_postgres::Error) -> Error {
    let cause = describe(err);
    let Some(code) = err.code() else {
        // No SQLSTATE: the connection failed (I/O, closed, timed out) or a value did not convert.
        let io = std::error::Error::source(err).is_some_and(|s| s.is::<std::io::Error>());
        if err.is_closed() || io {
            tracing::error!(%cause, "database unavailable");
            return Error::Unavailable(format!("the database is unavailable: {cause}"));
        }
        return Error::Internal(format!("postgres: {cause}"));
    };
    let class = &code.code()[..2.min(code.code().len())];
    if is_retryable(err) {
        // Only reached when the retries ran out.
        Error::Unavailable(format!(
            "the database is busy (the change kept conflicting with others); retry shortly: {cause}"
        ))
    } else if *code == SqlState::QUERY_CANCELED {
        Error::Unavailable(format!(
            "the database did not answer within the statement timeout: {cause}"
        ))
    } else if matches!(
        class,
        // connection exception, invalid authorization, invalid catalog name (no such database),
        // insufficient resources, operator intervention (shutdown, cannot connect now),
        // system error
        "08" | "28" | "3D" | "53" | "57" | "58"
    ) || *code == SqlState::READ_ONLY_SQL_TRANSACTION
        // The outcome of the statement (a commit) is unknown: a distributed engine's "result is
        // ambiguous". Not retried (the change may have been made); the client may retry.
        || *code == SqlState::T_R_STATEMENT_COMPLETION_UNKNOWN
        || *code == SqlState::LOCK_NOT_AVAILABLE
    {
        tracing::error!(%cause, "database unavailable");
        Error::Unavailable(format!("the database is unavailable: {cause}"))
    } else {
        Error::Internal(format!("postgres: {cause}"))
    }
}

fn from_pool(err: PoolError) -> Error {
    match err {
        PoolError::Backend(err) => {
            // Could not open a new connection: whatever the reason, the database cannot be used.
            let cause = describe(&err);
            tracing::error!(%cause, "cannot connect to the database");
            Error::Unavailable(format!("cannot connect to the database: {cause}"))
        }
        PoolError::Timeout(kind) => Error::Unavailable(format!(
            "no database connection became available in time ({kind:?})"
        )),
        PoolError::Closed => Error::Unavailable("the connection pool is closed".to_owned()),
        other => Error::Internal(format!("connection pool: {other}")),
    }
}
