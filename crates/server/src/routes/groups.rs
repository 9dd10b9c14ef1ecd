//! Seed 000: listGroups, createGroup, getGroup, updateGroup, deleteGroup.

use accountd_core::groups::GroupInput;
use accountd_proto::{Group, GroupCollection, GroupCreateRequest};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody, ListParams, account_path};
use crate::openapi::{AccountUuid, GroupId, PageQuery, TAG_GROUPS};
use crate::state::AppState;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group, update_group, delete_group))
}

fn input(body: GroupCreateRequest) -> GroupInput {
    GroupInput {
        name: body.name,
        description: body.description,
    }
}

/// Dynatrace List Groups
///
/// Returns the groups of the account, oldest first, in pages.
#[utoipa::path(
    get,
    path = "/iam/v1/accounts/{accountUuid}/groups",
    operation_id = "listGroups",
    tag = TAG_GROUPS,
    params(AccountUuid, PageQuery),
    responses(
        (status = 200, description = "A paginated list of user groups in the account", body = GroupCollection),
        (status = 400, description = "A malformed `pageSize` or `nextPageKey`; a repeated parameter"),
    ),
    security(("oauth2" = ["account-idm-read"]), ("bearer" = []))
)]
async fn list_groups(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<GroupCollection>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    let params = ListParams::parse(query.as_deref())?;
    let listing = app
        .core
        .list_groups(&access, params.page_size, params.page_key.as_deref())
        .await?;
    Ok(Json(GroupCollection {
        next_page_key: listing.next_page_key,
        total_count: listing.total,
        items: listing.items.into_iter().map(wire::group).collect(),
    }))
}

/// Dynatrace Create Group
///
/// Creates a group (owner `LOCAL`).
#[utoipa::path(
    post,
    path = "/iam/v1/accounts/{accountUuid}/groups",
    operation_id = "createGroup",
    tag = TAG_GROUPS,
    params(AccountUuid),
    request_body(content = GroupCreateRequest, description = "The group to create"),
    responses(
        (status = 200, description = "The group was successfully created", body = Group),
        (status = 400, description = "A malformed body or an invalid name or description"),
        (status = 409, description = "A group with this name already exists in the account"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn create_group(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
    JsonBody(body): JsonBody<GroupCreateRequest>,
) -> ApiResult<Json<Group>> {
    let access = principal.idm_writer(account_path(&account)?)?;
    Ok(Json(wire::group(
        app.core.create_group(&access, &input(body)).await?,
    )))
}

/// Dynatrace Get Group
#[utoipa::path(
    get,
    path = "/iam/v1/accounts/{accountUuid}/groups/{groupId}",
    operation_id = "getGroup",
    tag = TAG_GROUPS,
    params(AccountUuid, GroupId),
    responses(
        (status = 200, description = "The group details", body = Group),
        (status = 404, description = "No such group in the account"),
    ),
    security(("oauth2" = ["account-idm-read"]), ("bearer" = []))
)]
async fn get_group(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
) -> ApiResult<Json<Group>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    Ok(Json(wire::group(
        app.core.get_group(&access, &group).await?,
    )))
}

/// Dynatrace Update Group
///
/// Replaces the name and description (omitting `description` sets it to empty). Permissions are
/// managed with the group-permission routes. SCIM-owned groups cannot be changed here (409).
#[utoipa::path(
    put,
    path = "/iam/v1/accounts/{accountUuid}/groups/{groupId}",
    operation_id = "updateGroup",
    tag = TAG_GROUPS,
    params(AccountUuid, GroupId),
    request_body(content = GroupCreateRequest, description = "The updated group data"),
    responses(
        (status = 200, description = "The group was successfully updated", body = Group),
        (status = 400, description = "A malformed body or an invalid name or description"),
        (status = 404, description = "No such group in the account"),
        (status = 409, description = "Another group of the account has this name, or the group is owned by SCIM"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn update_group(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
    JsonBody(body): JsonBody<GroupCreateRequest>,
) -> ApiResult<Json<Group>> {
    let access = principal.idm_writer(account_path(&account)?)?;
    Ok(Json(wire::group(
        app.core.update_group(&access, &group, &input(body)).await?,
    )))
}

/// Dynatrace Delete Group
///
/// Deletes the group, its memberships and its permissions. SCIM-owned groups cannot be deleted
/// here (409).
#[utoipa::path(
    delete,
    path = "/iam/v1/accounts/{accountUuid}/groups/{groupId}",
    operation_id = "deleteGroup",
    tag = TAG_GROUPS,
    params(AccountUuid, GroupId),
    responses(
        (status = 204, description = "The group was successfully deleted"),
        (status = 404, description = "No such group in the account"),
        (status = 409, description = "The group is owned by SCIM"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn delete_group(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core.delete_group(&access, &group).await?;
    Ok(StatusCode::NO_CONTENT)
}
