use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A Dynatrace environment (tenant) of the account (seed 000 `Environment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Environment {
    /// The environment (tenant) id.
    #[schema(example = "abc12345")]
    pub id: String,
    /// The display name of the environment.
    #[schema(example = "Production")]
    pub name: String,
    pub status: EnvironmentStatus,
    /// Whether the environment is a trial environment.
    pub trial: bool,
}

/// The status of an environment (seed 000 `Environment.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EnvironmentStatus {
    Active,
    Suspended,
    Trial,
}

/// A page of environments (seed 000 `EnvironmentCollection`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentCollection {
    /// The key of the next page: send it back as `nextPageKey`. Absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    /// The number of environments in the account.
    #[schema(format = Int64)]
    pub total_count: u64,
    /// The environments on this page.
    pub environments: Vec<Environment>,
}
