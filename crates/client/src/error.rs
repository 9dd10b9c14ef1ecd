use reqwest::StatusCode;

/// What went wrong talking to the API.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The API answered with an error envelope (or an error without one).
    #[error("{status}: {message}")]
    Api { status: StatusCode, message: String },
    /// The token endpoint refused the credentials or the request (RFC 6749 §5.2).
    #[error("token request failed ({status}): {error}: {description}")]
    OAuth {
        status: StatusCode,
        error: String,
        description: String,
    },
    /// The request could not be sent or the response not read.
    #[error("HTTP: {0}")]
    Http(#[source] reqwest::Error),
    /// The response was not the expected JSON.
    #[error("unexpected response from {url}: {reason}")]
    Decode { url: String, reason: String },
}

impl Error {
    /// The HTTP status of an API or OAuth error.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::OAuth { status, .. } => Some(*status),
            Error::Http(err) => err.status(),
            Error::Decode { .. } => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
