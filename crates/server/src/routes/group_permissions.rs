//! Real API: `GET|POST|PUT|DELETE /iam/v1/accounts/{a}/groups/{groupId}/permissions`.
//! POST adds (201), PUT replaces (200; `[]` clears), DELETE removes one (200) named by the
//! `scope`, `permission-name` and `scope-type` query parameters.

use accountd_core::permissions::{PermissionChange, PermissionInput, tenant_scoped_only};
use accountd_proto::{GroupPermission, GroupPermissions};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, JsonArray, account_path};
use crate::openapi::{AccountUuid, GroupId, TAG_GROUP_PERMISSIONS};
use crate::state::AppState;
use crate::wire;

/// The permission `DELETE` removes (documentation only; the handler parses the raw query).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct PermissionQuery {
    /// The permission name.
    #[param(rename = "permission-name", value_type = PermissionName, inline)]
    permission_name: String,
    /// The scope: the account uuid, an environment id, or `<environment id>:<zone id>`.
    #[param(min_length = 1)]
    scope: String,
    /// `account`, `tenant` or `management-zone`, in any case.
    #[param(rename = "scope-type", value_type = ScopeType, inline)]
    scope_type: String,
}

/// A permission name, as a schema of its own (documentation only).
struct PermissionName;

impl utoipa::PartialSchema for PermissionName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        accountd_proto::permissions::permission_name_schema().into()
    }
}

impl utoipa::ToSchema for PermissionName {}

/// A scope type, as a schema of its own (documentation only).
struct ScopeType;

impl utoipa::PartialSchema for ScopeType {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        accountd_proto::permissions::scope_type_schema().into()
    }
}

impl utoipa::ToSchema for ScopeType {}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(
        get_group_permissions,
        add_group_permissions,
        replace_group_permissions,
        remove_group_permission
    ))
}

fn inputs(body: Vec<GroupPermission>) -> Vec<PermissionInput> {
    body.into_iter()
        .map(|p| PermissionInput {
            permission_name: p.permission_name,
            scope: p.scope,
            scope_type: p.scope_type,
        })
        .collect()
}

/// Get a group with its permissions
#[utoipa::path(
    get,
    path = "/iam/v1/accounts/{accountUuid}/groups/{groupId}/permissions",
    operation_id = "getGroupPermissions",
    tag = TAG_GROUP_PERMISSIONS,
    params(AccountUuid, GroupId),
    responses(
        (status = 200, description = "The group and its permissions", body = GroupPermissions),
        (status = 404, description = "No such group in the account"),
    ),
    security(("oauth2" = ["account-idm-read"]), ("bearer" = []))
)]
async fn get_group_permissions(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
) -> ApiResult<Json<GroupPermissions>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    let (group, permissions) = app.core.group_permissions(&access, &group).await?;
    Ok(Json(wire::group_permissions(group, permissions)))
}

/// Add permissions to a group
///
/// Keeps the group's other permissions. `account-env-write` suffices when every permission is
/// tenant- or management-zone-scoped.
#[utoipa::path(
    post,
    path = "/iam/v1/accounts/{accountUuid}/groups/{groupId}/permissions",
    operation_id = "addGroupPermissions",
    tag = TAG_GROUP_PERMISSIONS,
    params(AccountUuid, GroupId),
    request_body(content = Vec<GroupPermission>, description = "The permissions to add"),
    responses(
        (status = 201, description = "The group has the permissions"),
        (status = 400, description = "An unknown permission name or scope type, or a scope that is not this account or one of its environments"),
        (status = 404, description = "No such group in the account"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("oauth2" = ["account-env-write"]), ("bearer" = []))
)]
async fn add_group_permissions(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
    JsonArray(body): JsonArray<GroupPermission>,
) -> ApiResult<StatusCode> {
    let inputs = inputs(body);
    let access =
        principal.permission_writer(account_path(&account)?, tenant_scoped_only(&inputs))?;
    app.core
        .change_group_permissions(&access, &group, PermissionChange::Add(&inputs))
        .await?;
    Ok(StatusCode::CREATED)
}

/// Replace a group's permissions
///
/// The group's permissions become exactly the array (`[]` clears).
#[utoipa::path(
    put,
    path = "/iam/v1/accounts/{accountUuid}/groups/{groupId}/permissions",
    operation_id = "replaceGroupPermissions",
    tag = TAG_GROUP_PERMISSIONS,
    params(AccountUuid, GroupId),
    request_body(content = Vec<GroupPermission>, description = "The group's permissions"),
    responses(
        (status = 200, description = "The group has exactly these permissions"),
        (status = 400, description = "An unknown permission name or scope type, or a scope that is not this account or one of its environments"),
        (status = 404, description = "No such group in the account"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn replace_group_permissions(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
    JsonArray(body): JsonArray<GroupPermission>,
) -> ApiResult<StatusCode> {
    let inputs = inputs(body);
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core
        .change_group_permissions(&access, &group, PermissionChange::Replace(&inputs))
        .await?;
    Ok(StatusCode::OK)
}

/// Remove a permission from a group
#[utoipa::path(
    delete,
    path = "/iam/v1/accounts/{accountUuid}/groups/{groupId}/permissions",
    operation_id = "removeGroupPermission",
    tag = TAG_GROUP_PERMISSIONS,
    params(AccountUuid, GroupId, PermissionQuery),
    responses(
        (status = 200, description = "The group no longer has the permission"),
        (status = 400, description = "A missing parameter, an unknown permission name or scope type, or an invalid scope"),
        (status = 404, description = "No such group, or the group does not have the permission"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("oauth2" = ["account-env-write"]), ("bearer" = []))
)]
async fn remove_group_permission(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> ApiResult<StatusCode> {
    let mut input = PermissionInput {
        permission_name: String::new(),
        scope: String::new(),
        scope_type: String::new(),
    };
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "permission-name" => input.permission_name = value.into_owned(),
            "scope" => input.scope = value.into_owned(),
            "scope-type" => input.scope_type = value.into_owned(),
            _ => {}
        }
    }
    for (value, name) in [
        (&input.permission_name, "permission-name"),
        (&input.scope, "scope"),
        (&input.scope_type, "scope-type"),
    ] {
        if value.is_empty() {
            return Err(ApiError::BadRequest(format!(
                "the query parameter '{name}' is required"
            )));
        }
    }
    let access = principal.permission_writer(
        account_path(&account)?,
        tenant_scoped_only(std::slice::from_ref(&input)),
    )?;
    app.core
        .change_group_permissions(&access, &group, PermissionChange::Remove(&input))
        .await?;
    Ok(StatusCode::OK)
}
