//! Group membership. Group side (seed 002): `POST|GET .../groups/{groupId}/users`,
//! `DELETE .../groups/{groupId}/users/{userId}`. User side (real API): `POST .../users/{email}`
//! (adds), `PUT .../users/{email}/groups` (replaces), `DELETE .../users/{email}/groups?group-uuid=`.

use accountd_core::memberships::UserGroupsChange;
use accountd_proto::memberships::GroupMembers;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, JsonArray, UserGroupsBody, account_path};
use crate::json_bytes::JsonBytes;
use crate::openapi::{AccountUuid, GroupId, TAG_MEMBERSHIPS, UserId};
use crate::state::AppState;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_group_members, add_group_members))
        .routes(routes!(remove_group_member))
        .routes(routes!(replace_user_groups, remove_user_groups))
}

/// Add users to a group
///
/// Seed 002: the body is an array of user **uids** (an email address is a 400). An unknown uid is
/// a 400 naming it and nothing is applied; an existing member is not an error.
#[utoipa::path(
    post,
    path = "/iam/v1/accounts/{accountUuid}/groups/{groupId}/users",
    operation_id = "addGroupMembers",
    tag = TAG_MEMBERSHIPS,
    params(AccountUuid, GroupId),
    request_body(content = Vec<String>, description = "The uids of the users to add", example = json!(["4f0e8a52-1c3d-4b7e-9a6f-2d5c8b1e0f37"])),
    responses(
        (status = 204, description = "The users are members of the group"),
        (status = 400, description = "Not an array of uids, or an unknown uid"),
        (status = 404, description = "No such group in the account"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn add_group_members(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
    JsonArray(uids): JsonArray<String>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core.add_group_members(&access, &group, &uids).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List the members of a group
#[utoipa::path(
    get,
    path = "/iam/v1/accounts/{accountUuid}/groups/{groupId}/users",
    operation_id = "listGroupMembers",
    tag = TAG_MEMBERSHIPS,
    params(AccountUuid, GroupId),
    responses(
        (status = 200, description = "The members of the group", body = GroupMembers),
        (status = 404, description = "No such group in the account"),
    ),
    security(("oauth2" = ["account-idm-read"]), ("bearer" = []))
)]
async fn list_group_members(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
) -> ApiResult<JsonBytes> {
    let access = principal.idm_reader(account_path(&account)?)?;
    let members = app.core.list_group_members(&access, &group).await?;
    Ok(JsonBytes::from(wire::user_json::group_members(&members)))
}

/// Remove a user from a group
#[utoipa::path(
    delete,
    path = "/iam/v1/accounts/{accountUuid}/groups/{groupId}/users/{userId}",
    operation_id = "removeGroupMember",
    tag = TAG_MEMBERSHIPS,
    params(AccountUuid, GroupId, UserId),
    responses(
        (status = 204, description = "The user is no longer a member"),
        (status = 404, description = "No such group or user, or the user is not a member"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn remove_group_member(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group, user)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core.remove_group_member(&access, &group, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a user to groups
///
/// The real API's `POST .../users/{email}`: adds the user to the groups in the array and keeps
/// its other memberships. The seed declares no POST on a user: a body that is not a JSON array
/// is answered 405 (`Allow: GET, HEAD, PUT, DELETE`).
#[utoipa::path(
    post,
    path = "/iam/v1/accounts/{accountUuid}/users/{userId}",
    operation_id = "addUserToGroups",
    tag = TAG_MEMBERSHIPS,
    params(AccountUuid, UserId),
    request_body(content = Vec<String>, description = "The ids of the groups to add the user to", example = json!(["9b2f6c1e-4d3a-4e8b-a5c7-1f0d2e3b4a59"])),
    responses(
        (status = 201, description = "The user is a member of the groups"),
        (status = 400, description = "An unknown group id or an array of something else"),
        (status = 404, description = "No such user in the account"),
        (status = 405, description = "The body is not a JSON array: the seed's user resource has no POST"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
pub(super) async fn add_user_to_groups(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, user)): Path<(String, String)>,
    UserGroupsBody(groups): UserGroupsBody,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core
        .change_user_groups(&access, &user, UserGroupsChange::Add(&groups))
        .await?;
    Ok(StatusCode::CREATED)
}

/// Replace a user's groups
///
/// The real API's `PUT .../users/{email}/groups`: the user's groups become exactly the array
/// (`[]` clears).
#[utoipa::path(
    put,
    path = "/iam/v1/accounts/{accountUuid}/users/{userId}/groups",
    operation_id = "replaceUserGroups",
    tag = TAG_MEMBERSHIPS,
    params(AccountUuid, UserId),
    request_body(content = Vec<String>, description = "The ids of the user's groups", example = json!(["9b2f6c1e-4d3a-4e8b-a5c7-1f0d2e3b4a59"])),
    responses(
        (status = 200, description = "The user's groups are exactly the array"),
        (status = 400, description = "An unknown group id, or not an array of group ids"),
        (status = 404, description = "No such user in the account"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn replace_user_groups(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, user)): Path<(String, String)>,
    JsonArray(groups): JsonArray<String>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core
        .change_user_groups(&access, &user, UserGroupsChange::Replace(&groups))
        .await?;
    Ok(StatusCode::OK)
}

/// Remove a user from groups
///
/// The real API's `DELETE .../users/{email}/groups?group-uuid=a&group-uuid=b`.
#[utoipa::path(
    delete,
    path = "/iam/v1/accounts/{accountUuid}/users/{userId}/groups",
    operation_id = "removeUserGroups",
    tag = TAG_MEMBERSHIPS,
    params(
        AccountUuid,
        UserId,
        ("group-uuid" = Vec<String>, Query, description = "The groups to leave (repeat the parameter for several)", style = Form, explode, min_items = 1),
    ),
    responses(
        (status = 200, description = "The user is no longer a member of the groups"),
        (status = 400, description = "No `group-uuid`, or an unknown group id"),
        (status = 404, description = "No such user in the account"),
    ),
    security(("oauth2" = ["account-idm-write"]), ("bearer" = []))
)]
async fn remove_user_groups(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, user)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    let groups: Vec<String> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(name, _)| name == "group-uuid")
        .map(|(_, value)| value.into_owned())
        .collect();
    if groups.is_empty() {
        return Err(ApiError::BadRequest(
            "name the groups to leave with one or more 'group-uuid' query parameters".to_owned(),
        ));
    }
    app.core
        .change_user_groups(&access, &user, UserGroupsChange::Remove(&groups))
        .await?;
    Ok(StatusCode::OK)
}
