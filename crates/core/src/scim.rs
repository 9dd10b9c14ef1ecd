//! The SCIM view of users and groups: what SCIM adds to the objects the REST API serves, as
//! the store keeps it. One store, two views: a SCIM user *is* a user, a SCIM group *is* a group.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::ids::{AccountId, Email, GroupId, UserId};
use crate::model::{Group, User, UserStatus};
use crate::secret::SecretDigest;

/// The attributes a SCIM client sets on a user that the REST API has no field for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScimUserAttrs {
    /// The SCIM `userName` when it is not the user's email address. `None`: the userName is the
    /// email. userNames are unique per account case-insensitively, among each other and with
    /// the emails of users that have none of their own.
    pub user_name: Option<String>,
    pub external_id: Option<String>,
    /// Further SCIM attributes (`displayName`, `emails`) as the client sent them: a JSON object
    /// the store keeps without interpreting it.
    pub extra: Map<String, Value>,
}

/// A group a user is a member of, with its name (SCIM's `groups[].display`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRef {
    pub id: GroupId,
    pub name: String,
}

/// A user as SCIM serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimUser {
    /// `user.groups` lists the same groups as `groups`, in the same order.
    pub user: User,
    pub attrs: ScimUserAttrs,
    pub groups: Vec<GroupRef>,
}

impl ScimUser {
    /// The SCIM `userName`.
    pub fn user_name(&self) -> &str {
        self.attrs
            .user_name
            .as_deref()
            .unwrap_or(self.user.email.as_str())
    }
}

/// The new state of a user's own fields through SCIM (memberships are changed on the group).
#[derive(Debug, Clone, PartialEq)]
pub struct ScimUserChange {
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    pub status: UserStatus,
    pub attrs: ScimUserAttrs,
    pub modified_at: OffsetDateTime,
    /// The `modifiedAt` the change was computed from: the store applies it only while the user
    /// is still in that state, so that two concurrent PATCHes cannot lose one another's change.
    pub expected_modified_at: OffsetDateTime,
}

/// A group as SCIM serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimGroup {
    pub group: Group,
    pub external_id: Option<String>,
    /// Member uids in the order they were added.
    pub members: Vec<UserId>,
}

/// A change to a group through SCIM. Members are changed as a difference, applied with set
/// operations, so that concurrent changes from several clients or instances all survive.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimGroupChange {
    pub name: String,
    pub external_id: Option<String>,
    pub add_members: Vec<UserId>,
    pub remove_members: Vec<UserId>,
    pub updated_at: OffsetDateTime,
}

/// The outcome of a conditional write.
#[derive(Debug, Clone, PartialEq)]
pub enum Replaced<T> {
    Done(T),
    NotFound,
    /// The object changed since it was read; read it again and recompute the change.
    Stale,
}

/// An indexed attribute a SCIM listing can be narrowed by (the filters IdPs send).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScimKey {
    /// `userName eq` (case-insensitive).
    UserName(String),
    /// `displayName eq` of a group, case-insensitively (SCIM's displayName is not case-exact,
    /// although group names are unique case-sensitively).
    DisplayName(String),
    /// `externalId eq` (case-exact).
    ExternalId(String),
}

/// A window of a SCIM listing in creation order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimQuery {
    pub key: Option<ScimKey>,
    /// Rows to skip (SCIM's `startIndex - 1`).
    pub offset: u64,
    /// At most this many rows; `None` for all of them.
    pub limit: Option<u64>,
}

/// One window of a listing and the size of the whole filtered set.
#[derive(Debug, Clone, PartialEq)]
pub struct ScimSlice<T> {
    pub total: u64,
    pub items: Vec<T>,
}

/// A SCIM bearer token as stored: only its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimToken {
    /// The public part of the token (`dt0s01.<id>.<secret>`), its handle in the admin API.
    pub id: String,
    pub account: AccountId,
    pub name: String,
    pub digest: SecretDigest,
    pub created_at: OffsetDateTime,
}
