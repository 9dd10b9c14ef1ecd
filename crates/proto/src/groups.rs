use serde::{Deserialize, Serialize};

/// Seed 000 `Group`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub group_id: String,
    pub name: String,
    pub description: String,
    /// `LOCAL` for groups made through the REST API, `SCIM` for groups made through SCIM.
    pub owner: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Seed 000 `GroupCreateRequest`, the body of createGroup and updateGroup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupCreateRequest {
    pub name: String,
    /// `null` is refused (the schema type is a string).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_helpers::present"
    )]
    pub description: Option<String>,
}

/// Seed 000 `GroupCollection` (listGroups).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupCollection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    pub total_count: u64,
    pub items: Vec<Group>,
}
