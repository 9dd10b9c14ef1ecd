use std::borrow::Cow;

/// What went wrong, in domain terms. The server maps every variant onto an HTTP status with an
/// exhaustive match; stores convert driver errors into these at their boundary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The addressed object does not exist (or is not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// A uniqueness rule or an ownership rule forbids the change.
    #[error("{0}")]
    Conflict(String),
    /// A field of the request is invalid; `reason` tells a person what to fix.
    #[error("{field}: {reason}")]
    Invalid {
        field: Cow<'static, str>,
        reason: String,
    },
    /// No credentials, or credentials that are malformed, expired or revoked.
    #[error("{0}")]
    Unauthenticated(String),
    /// Valid credentials that do not allow this operation on this account.
    #[error("{0}")]
    Forbidden(String),
    /// The store cannot be reached or is overloaded; retrying later may succeed.
    #[error("{0}")]
    Unavailable(String),
    /// A bug or an unexpected state. The message is for the log, never for the client.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
