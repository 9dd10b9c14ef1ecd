use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The error envelope (seed 000 `ErrorEnvelope`), returned on every 4xx and 5xx of the REST API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"error": {"code": 404, "message": "user 'ada@example.com' not found"}}))]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// The details of an error (seed 000 `Error`): the HTTP status code and a message that tells a
/// person what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    /// The HTTP status code of the response.
    #[schema(minimum = 400, maximum = 599, example = 404)]
    pub code: u16,
    /// What went wrong and what to fix.
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
