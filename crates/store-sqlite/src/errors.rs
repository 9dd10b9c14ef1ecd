//! Driver errors become domain errors here, and nowhere else.

use accountd_core::Error;
use rusqlite::ErrorCode;

/// Maps an error that has no more specific meaning for the operation at hand.
pub fn internal(err: rusqlite::Error) -> Error {
    match &err {
        rusqlite::Error::SqliteFailure(failure, _) => match failure.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                Error::Unavailable("the database is busy; retry shortly".to_owned())
            }
            ErrorCode::CannotOpen
            | ErrorCode::SystemIoFailure
            | ErrorCode::DiskFull
            | ErrorCode::ReadOnly => {
                tracing::error!(%err, "database unavailable");
                Error::Unavailable("the database is unavailable".to_owned())
            }
            _ => Error::Internal(format!("sqlite: {err}")),
        },
        _ => Error::Internal(format!("sqlite: {err}")),
    }
}

/// True when the error is a UNIQUE or PRIMARY KEY violation.
pub fn is_unique_violation(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// Maps a unique violation to `Conflict(message)`, anything else through [`internal`].
pub fn conflict_or_internal(err: rusqlite::Error, message: impl FnOnce() -> String) -> Error {
    if is_unique_violation(&err) {
        Error::Conflict(message())
    } else {
        internal(err)
    }
}

/// A value read back from the database that does not parse: the database was changed outside
/// accountd, or there is a bug.
pub fn corrupt(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("stored {what} '{value}' does not parse").into(),
    )
}
