use serde::{Deserialize, Serialize};

/// Body of `/healthz` and `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    /// `ok` or `unavailable`.
    pub status: String,
    /// For `/readyz`: the database backend that was checked (`sqlite`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}
