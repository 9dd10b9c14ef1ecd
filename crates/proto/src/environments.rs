use serde::{Deserialize, Serialize};

/// Seed 000 `Environment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    pub id: String,
    pub name: String,
    pub status: EnvironmentStatus,
    pub trial: bool,
}

/// Seed 000 `Environment.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EnvironmentStatus {
    Active,
    Suspended,
    Trial,
}

/// Seed 000 `EnvironmentCollection` (listEnvironments).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentCollection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    pub total_count: u64,
    pub environments: Vec<Environment>,
}
