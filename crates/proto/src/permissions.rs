use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One permission assignment of a group (seed 000 `Permission`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    /// The name of the permission, e.g. `tenant-viewer` or `account-company-info`.
    #[schema(example = "tenant-viewer")]
    pub permission_name: String,
    /// The account uuid (account permissions), the environment id (tenant permissions), or
    /// `<environment id>:<management zone id>` (management-zone permissions).
    #[schema(example = "abc12345")]
    pub scope: String,
    pub scope_type: PermissionScopeType,
    /// The group the permission is assigned to.
    #[schema(example = "9b2f6c1e-4d3a-4e8b-a5c7-1f0d2e3b4a59")]
    pub group_id: String,
}

/// The type of scope (seed 000): `ACCOUNT` or `TENANT`. Management-zone assignments are reported
/// as `TENANT` with the scope `<environment>:<zone>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PermissionScopeType {
    Account,
    Tenant,
}

/// Every permission assignment of the account (seed 000 `PermissionCollection`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PermissionCollection {
    /// The assignments, ordered by group, then by grant order.
    pub permissions: Vec<Permission>,
}

/// One permission of a group in the real API's shape (`PermissionsDto`): the request item of
/// `POST|PUT .../groups/{groupId}/permissions` and the response item of `GET`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupPermission {
    /// A permission name of the real API, or `tenant-operator`/`tenant-admin` (seed 000).
    #[schema(schema_with = permission_name_schema)]
    pub permission_name: String,
    /// The account uuid (`account`), an environment id of the account (`tenant`), or
    /// `<environment id>:<management zone id>` (`management-zone`).
    #[schema(example = "abc12345")]
    pub scope: String,
    /// `account`, `tenant` or `management-zone`; any case, `_` for `-` accepted on input.
    #[schema(schema_with = scope_type_schema)]
    pub scope_type: String,
}

/// The permission names accountd knows: the real API's enum plus seed 000's two.
pub const PERMISSION_NAMES: [&str; 17] = [
    "account-company-info",
    "account-user-management",
    "account-viewer",
    "account-saml-flexible-federation",
    "tenant-viewer",
    "tenant-manage-settings",
    "tenant-agent-install",
    "tenant-logviewer",
    "tenant-view-sensitive-request-data",
    "tenant-configure-request-capture-data",
    "tenant-replay-sessions-with-masking",
    "tenant-replay-sessions-without-masking",
    "tenant-manage-security-problems",
    "tenant-manage-support-tickets",
    "tenant-view-security-problems",
    "tenant-operator",
    "tenant-admin",
];

/// The schema of a permission name: one of [`PERMISSION_NAMES`].
pub fn permission_name_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(PERMISSION_NAMES))
        .description(Some(
            "A permission name of the real API, or `tenant-operator`/`tenant-admin` (seed 000).",
        ))
        .build()
}

/// The schema of a scope type: `account`, `tenant` or `management-zone` in any case.
pub fn scope_type_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(
            "^([Aa][Cc][Cc][Oo][Uu][Nn][Tt]|[Tt][Ee][Nn][Aa][Nn][Tt]|[Mm][Aa][Nn][Aa][Gg][Ee][Mm][Ee][Nn][Tt][-_][Zz][Oo][Nn][Ee])$",
        ))
        .description(Some(
            "`account`, `tenant` or `management-zone`, in any case (`_` may stand for `-`).",
        ))
        .examples(["tenant"])
        .build()
}

/// A group with its permissions (the real API's `PermissionsGroupDto`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupPermissions {
    /// The group id.
    pub uuid: String,
    pub name: String,
    pub description: String,
    /// `LOCAL` or `SCIM`.
    pub owner: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// The group's permissions, with the real API's lowercase `scopeType`.
    pub permissions: Vec<GroupPermission>,
}
