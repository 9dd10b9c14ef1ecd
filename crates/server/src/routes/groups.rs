//! Seed 000: listGroups, createGroup, getGroup, updateGroup, deleteGroup.

use accountd_core::groups::GroupInput;
use accountd_proto::{Group, GroupCollection, GroupCreateRequest};
use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;

use crate::error::ApiResult;
use crate::extract::{Auth, JsonBody, ListParams, account_path};
use crate::state::AppState;
use crate::wire;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/iam/v1/accounts/{accountUuid}/groups",
            get(list_groups).post(create_group),
        )
        .route(
            "/iam/v1/accounts/{accountUuid}/groups/{groupId}",
            get(get_group).put(update_group).delete(delete_group),
        )
}

fn input(body: GroupCreateRequest) -> GroupInput {
    GroupInput {
        name: body.name,
        description: body.description,
    }
}

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

async fn delete_group(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, group)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core.delete_group(&access, &group).await?;
    Ok(StatusCode::NO_CONTENT)
}
