use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A group of the account (seed 000 `Group`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// The unique identifier of the group (a UUID).
    #[schema(example = "9b2f6c1e-4d3a-4e8b-a5c7-1f0d2e3b4a59")]
    pub group_id: String,
    /// The display name of the group, unique in the account.
    #[schema(example = "Platform Engineering")]
    pub name: String,
    /// What the group is for (may be empty).
    #[schema(example = "Group for the platform engineering team")]
    pub description: String,
    /// `LOCAL` for groups made through the REST API, `SCIM` for groups made through SCIM.
    #[schema(example = "LOCAL")]
    pub owner: String,
    /// When the group was created (RFC 3339).
    #[schema(format = DateTime, example = "2026-03-15T14:30:00.000Z")]
    pub created_at: String,
    /// When the group was last changed (RFC 3339).
    #[schema(format = DateTime, example = "2026-03-15T14:30:00.000Z")]
    pub updated_at: String,
}

/// The body of createGroup and updateGroup (seed 000 `GroupCreateRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"name": "Platform Engineering", "description": "Group for the platform engineering team"}))]
pub struct GroupCreateRequest {
    /// The display name: unique in the account (compared exactly; a duplicate is a 409), not
    /// blank, no control characters.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    /// What the group is for: no control characters. `null` is refused.
    #[schema(
        nullable = false,
        max_length = 1024,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_helpers::present"
    )]
    pub description: Option<String>,
}

/// A page of groups (seed 000 `GroupCollection`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupCollection {
    /// The key of the next page: send it back as `nextPageKey`. Absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    /// The number of groups in the account.
    #[schema(format = Int64)]
    pub total_count: u64,
    /// The groups on this page.
    pub items: Vec<Group>,
}
