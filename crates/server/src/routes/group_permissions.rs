//! Real API: `GET|POST|PUT|DELETE /iam/v1/accounts/{a}/groups/{groupId}/permissions`.
//! POST adds (201), PUT replaces (200; `[]` clears), DELETE removes one (200) named by the
//! `scope`, `permission-name` and `scope-type` query parameters.

use accountd_core::permissions::{PermissionChange, PermissionInput, tenant_scoped_only};
use accountd_proto::{GroupPermission, GroupPermissions};
use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, JsonArray, account_path};
use crate::state::AppState;
use crate::wire;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/iam/v1/accounts/{accountUuid}/groups/{groupId}/permissions",
        get(get_group_permissions)
            .post(add_group_permissions)
            .put(replace_group_permissions)
            .delete(remove_group_permission),
    )
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

async fn get_group_permissions(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
) -> ApiResult<Json<GroupPermissions>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    let (group, permissions) = app.core.group_permissions(&access, &group).await?;
    Ok(Json(wire::group_permissions(group, permissions)))
}

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
