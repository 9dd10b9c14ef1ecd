use serde::{Deserialize, Serialize};

/// Seed 000 `Permission`: one permission assignment of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    pub permission_name: String,
    pub scope: String,
    pub scope_type: PermissionScopeType,
    pub group_id: String,
}

/// Seed 000 `Permission.scopeType`. Management-zone assignments are reported as `TENANT` with the
/// scope `<environment>:<zone>` (see docs/contract.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PermissionScopeType {
    Account,
    Tenant,
}

/// Seed 000 `PermissionCollection` (listPermissions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionCollection {
    pub permissions: Vec<Permission>,
}

/// One permission of a group in the real API's shape (`PermissionsDto`): the request item of
/// `POST|PUT .../groups/{groupId}/permissions` and the response item of `GET`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupPermission {
    pub permission_name: String,
    /// Account uuid, environment id, or `<environment id>:<management zone id>`.
    pub scope: String,
    /// `account`, `tenant` or `management-zone` (accepted in any case).
    pub scope_type: String,
}

/// `GET .../groups/{groupId}/permissions` (real API `PermissionsGroupDto`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupPermissions {
    pub uuid: String,
    pub name: String,
    pub description: String,
    pub owner: String,
    pub created_at: String,
    pub updated_at: String,
    pub permissions: Vec<GroupPermission>,
}
