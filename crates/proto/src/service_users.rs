//! Service users: the list exactly as seed 003, CRUD as the real API.

use serde::{Deserialize, Serialize};

use crate::UserStatus;

/// Seed 003 `ExternalServiceUserDto` (plus `login`, `type`, `userStatus` as in 003's example),
/// and the real API's `ExternalServiceUserWithGroupUuidDto` when `groupUuid` is present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceUser {
    pub uid: String,
    pub email: String,
    pub name: String,
    /// Always `SERVICE_IDENTITY`.
    pub surname: String,
    pub description: String,
    pub created_at: String,
    /// Same as `email`.
    pub login: String,
    /// Always `SERVICE_EXTERNAL`.
    #[serde(rename = "type")]
    pub kind: String,
    pub user_status: UserStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_uuid: Option<String>,
}

/// Seed 003 `ExternalServiceUsersPageDto`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceUsersPage {
    pub results: Vec<ServiceUser>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    pub total_count: u64,
}

/// Real API `ServiceUserDto`: the body of create and update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceUserRequest {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
