//! Seed 000: listUsers, createUser, getUser, updateUser, deleteUser.

use accountd_core::users::{PageRequest, UserInput};
use accountd_proto::{User, UserCollection, UserCreateRequest};
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
            "/iam/v1/accounts/{accountUuid}/users",
            get(list_users).post(create_user),
        )
        .route(
            "/iam/v1/accounts/{accountUuid}/users/{userId}",
            get(get_user)
                .put(update_user)
                .delete(delete_user)
                .post(super::memberships::add_user_to_groups),
        )
}

fn input(body: UserCreateRequest) -> UserInput {
    UserInput {
        email: body.email,
        first_name: body.first_name,
        last_name: body.last_name,
        groups: body.groups,
    }
}

async fn list_users(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<UserCollection>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    let params = ListParams::parse(query.as_deref())?;
    let listing = app
        .core
        .list_users(
            &access,
            PageRequest {
                size: params.page_size,
                key: params.page_key.as_deref(),
            },
            params.email.as_deref(),
            params.service_users,
        )
        .await?;
    Ok(Json(UserCollection {
        next_page_key: listing.next_page_key,
        total_count: listing.total,
        items: listing.items.into_iter().map(wire::user).collect(),
    }))
}

async fn create_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
    JsonBody(body): JsonBody<UserCreateRequest>,
) -> ApiResult<Json<User>> {
    let access = principal.idm_writer(account_path(&account)?)?;
    let user = app.core.create_user(&access, &input(body)).await?;
    Ok(Json(wire::user(user)))
}

async fn get_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, user)): Path<(String, String)>,
) -> ApiResult<Json<User>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    Ok(Json(wire::user(app.core.get_user(&access, &user).await?)))
}

async fn update_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, user)): Path<(String, String)>,
    JsonBody(body): JsonBody<UserCreateRequest>,
) -> ApiResult<Json<User>> {
    let access = principal.idm_writer(account_path(&account)?)?;
    Ok(Json(wire::user(
        app.core.update_user(&access, &user, &input(body)).await?,
    )))
}

async fn delete_user(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path((account, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let access = principal.idm_writer(account_path(&account)?)?;
    app.core.delete_user(&access, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
