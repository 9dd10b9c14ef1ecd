use serde::{Deserialize, Serialize};

/// The error envelope of seed 000 (`ErrorEnvelope`), returned on every 4xx and 5xx of the REST API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// Seed 000 `Error`: the HTTP status code and a message that tells a person what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: u16,
    pub message: String,
}

impl ErrorEnvelope {
    pub fn new(code: u16, message: impl Into<String>) -> Self {
        Self {
            error: ErrorBody {
                code,
                message: message.into(),
            },
        }
    }
}
