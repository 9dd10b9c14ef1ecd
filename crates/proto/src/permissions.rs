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
