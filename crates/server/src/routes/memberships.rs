//! Group membership. Group side (seed 002): `POST|GET .../groups/{groupId}/users`,
//! `DELETE .../groups/{groupId}/users/{userId}`. User side (real API): `POST .../users/{email}`
//! (adds), `PUT .../users/{email}/groups` (replaces), `DELETE .../users/{email}/groups?group-uuid=`.

use accountd_core::memberships::UserGroupsChange;
use accountd_proto::memberships::GroupMembers;
use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, JsonArray, account_path};
use crate::state::AppState;
use crate::wire;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/iam/v1/accounts/{accountUuid}/groups/{groupId}/users",
            get(list_group_members).post(add_group_members),
        )
        .route(
            "/iam/v1/accounts/{accountUuid}/groups/{groupId}/users/{userId}",
            delete(remove_group_member),
        )
        .route(
            "/iam/v1/accounts/{accountUuid}/users/{userId}/groups",
            axum::routing::put(replace_user_groups).delete(remove_user_groups),
        )
}

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

async fn list_group_members(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
) -> ApiResult<Json<GroupMembers>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    let members = app.core.list_group_members(&access, &group).await?;
    Ok(Json(GroupMembers {
        count: u64::try_from(members.len()).unwrap_or(u64::MAX),
        items: members.into_iter().map(wire::user).collect(),
    }))
}

async fn remove_group_member(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group, user)): Path<(String, String, String)>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core.remove_group_member(&access, &group, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST .../users/{email}` with an array of group ids: adds (real API: 201, no body).
pub(super) async fn add_user_to_groups(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, user)): Path<(String, String)>,
    JsonArray(groups): JsonArray<String>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core
        .change_user_groups(&access, &user, UserGroupsChange::Add(&groups))
        .await?;
    Ok(StatusCode::CREATED)
}

/// `PUT .../users/{email}/groups`: the user's groups become exactly the array (`[]` clears).
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

/// `DELETE .../users/{email}/groups?group-uuid=a&group-uuid=b`.
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
