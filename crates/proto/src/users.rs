use serde::{Deserialize, Serialize};

/// Seed 000 `User`, plus `createdAt`/`lastModifiedAt` from seed 002.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub uid: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Group ids the user belongs to.
    pub groups: Vec<String>,
    pub user_status: UserStatus,
    /// RFC 3339 timestamp (seed 002).
    pub created_at: String,
    /// RFC 3339 timestamp (seed 002).
    pub last_modified_at: String,
}

/// Seed 000 `User.userStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    Active,
    Inactive,
    PendingInvite,
}

/// Seed 000 `UserCreateRequest`, the body of createUser and updateUser.
///
/// updateUser is a full replacement: omitting `groups` clears the user's memberships.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCreateRequest {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Absent clears memberships on update; `null` is refused (the schema type is an array).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_helpers::present"
    )]
    pub groups: Option<Vec<String>>,
}

/// Seed 000 `UserCollection` (listUsers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCollection {
    /// Absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    pub total_count: u64,
    pub items: Vec<User>,
}
