use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A user of the account (seed 000 `User`, plus `createdAt`/`lastModifiedAt` from seed 002).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The unique identifier of the user (a UUID).
    #[schema(example = "4f0e8a52-1c3d-4b7e-9a6f-2d5c8b1e0f37")]
    pub uid: String,
    /// The email address of the user, used as their login identifier.
    #[schema(format = Email, example = "jane.doe@example.com")]
    pub email: String,
    /// The first name of the user.
    #[schema(example = "Jane")]
    pub first_name: String,
    /// The last name of the user.
    #[schema(example = "Doe")]
    pub last_name: String,
    /// The ids of the groups the user belongs to.
    pub groups: Vec<String>,
    pub user_status: UserStatus,
    /// When the user was created (RFC 3339, UTC, milliseconds; seed 002).
    #[schema(format = DateTime, example = "2026-03-15T14:30:00.000Z")]
    pub created_at: String,
    /// When the user or its memberships last changed (RFC 3339; seed 002).
    #[schema(format = DateTime, example = "2026-03-15T14:30:00.000Z")]
    pub last_modified_at: String,
}

/// The current status of the user (seed 000 `User.userStatus`): `PENDING_INVITE` until the
/// invitation is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    Active,
    Inactive,
    PendingInvite,
}

/// The body of createUser and updateUser (seed 000 `UserCreateRequest`).
///
/// updateUser is a full replacement: omitting `groups` clears the user's memberships.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(example = json!({"email": "jane.doe@example.com", "firstName": "Jane", "lastName": "Doe"}))]
pub struct UserCreateRequest {
    /// The email address of the user, used as the login identifier; unique in the account
    /// (compared case-insensitively: a duplicate is a 409).
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// The first name of the user: not blank, no control characters.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub first_name: String,
    /// The last name of the user: not blank, no control characters.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F]*$"
    )]
    pub last_name: String,
    /// The ids of existing groups of the account (an unknown id is a 400). On updateUser the
    /// memberships become exactly this list; omitting it clears them. `null` is refused.
    #[schema(nullable = false)]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_helpers::present"
    )]
    pub groups: Option<Vec<String>>,
}

/// A page of users (seed 000 `UserCollection`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserCollection {
    /// The key of the next page: send it back as `nextPageKey`. Absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_key: Option<String>,
    /// The number of users in the whole (filtered) listing.
    #[schema(format = Int64)]
    pub total_count: u64,
    /// The users on this page.
    pub items: Vec<User>,
}
