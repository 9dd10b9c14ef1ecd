//! Environments of an account: create, list, update, delete.

use accountd_core::environments::EnvironmentInput;
use accountd_proto::admin::EnvironmentRequest;
use accountd_proto::{Environment, EnvironmentCollection};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};

use crate::error::ApiResult;
use crate::extract::{AdminAuth, JsonBody, admin_account_path};
use crate::state::AppState;
use crate::wire;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/v1/accounts/{accountUuid}/environments",
            get(list_environments).post(create_environment),
        )
        .route(
            "/admin/v1/accounts/{accountUuid}/environments/{environmentId}",
            put(update_environment).delete(delete_environment),
        )
}

fn input(body: EnvironmentRequest) -> EnvironmentInput {
    EnvironmentInput {
        id: body.id,
        name: body.name,
        status: body.status.map(wire::environment_status_from),
        trial: body.trial,
    }
}

async fn list_environments(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
) -> ApiResult<Json<EnvironmentCollection>> {
    let environments = app
        .core
        .all_environments(&admin, admin_account_path(&account)?)
        .await?;
    Ok(Json(EnvironmentCollection {
        next_page_key: None,
        total_count: u64::try_from(environments.len()).unwrap_or(u64::MAX),
        environments: environments.into_iter().map(wire::environment).collect(),
    }))
}

async fn create_environment(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
    JsonBody(body): JsonBody<EnvironmentRequest>,
) -> ApiResult<(StatusCode, Json<Environment>)> {
    let environment = app
        .core
        .create_environment(&admin, admin_account_path(&account)?, &input(body))
        .await?;
    Ok((StatusCode::CREATED, Json(wire::environment(environment))))
}

async fn update_environment(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path((account, environment)): Path<(String, String)>,
    JsonBody(body): JsonBody<EnvironmentRequest>,
) -> ApiResult<Json<Environment>> {
    let account = admin_account_path(&account)?;
    let updated = app
        .core
        .update_environment(&admin, account, &environment, &input(body))
        .await?;
    Ok(Json(wire::environment(updated)))
}

async fn delete_environment(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path((account, environment)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.core
        .delete_environment(&admin, admin_account_path(&account)?, &environment)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
