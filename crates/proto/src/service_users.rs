//! Service users: the list exactly as seed 003, CRUD as the real API.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::UserStatus;

/// Seed 003 `ExternalServiceUserDto` (plus `login`, `type`, `userStatus` as in 003's example),
/// and the real API's `ExternalServiceUserWithGroupUuidDto` when `groupUuid` is present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceUser {
    pub uid: String,
    pub email: String,
    pub name: String,
    /// Always `SERVICE_IDENTITY`.
    pub surname: String,
    pub description: String,
    #[schema(format = DateTime)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServiceUsersPage {
    pub results: Vec<ServiceUser>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    #[schema(format = Int64)]
    pub total_count: u64,
}

/// Real API `ServiceUserDto`: the body of create and update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ServiceUserRequest {
    /// The name: not blank, no control characters.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub name: String,
    /// What the service user is for: no control characters. `null` is refused.
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
