//! Environments of an account: create, list, update, delete.

use accountd_core::environments::EnvironmentInput;
use accountd_proto::admin::EnvironmentRequest;
use accountd_proto::{Environment, EnvironmentCollection};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::extract::{AdminAuth, JsonBody, admin_account_path};
use crate::openapi::{AdminAccountUuid, TAG_ADMIN};
use crate::state::AppState;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_environments, create_environment))
        .routes(routes!(update_environment, delete_environment))
}

fn input(body: EnvironmentRequest) -> EnvironmentInput {
    EnvironmentInput {
        id: body.id,
        name: body.name,
        status: body.status.map(wire::environment_status_from),
        trial: body.trial,
    }
}

/// List an account's environments
#[utoipa::path(
    get,
    path = "/admin/v1/accounts/{accountUuid}/environments",
    operation_id = "adminListEnvironments",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    responses((status = 200, description = "Every environment of the account", body = EnvironmentCollection)),
    security(("adminToken" = []))
)]
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

/// Create an environment
#[utoipa::path(
    post,
    path = "/admin/v1/accounts/{accountUuid}/environments",
    operation_id = "adminCreateEnvironment",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    request_body = EnvironmentRequest,
    responses(
        (status = 201, description = "The environment", body = Environment),
        (status = 409, description = "The environment id is taken"),
    ),
    security(("adminToken" = []))
)]
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

/// Update an environment
#[utoipa::path(
    put,
    path = "/admin/v1/accounts/{accountUuid}/environments/{environmentId}",
    operation_id = "adminUpdateEnvironment",
    tag = TAG_ADMIN,
    params(AdminAccountUuid, ("environmentId" = String, Path, description = "The environment id")),
    request_body = EnvironmentRequest,
    responses((status = 200, description = "The environment", body = Environment)),
    security(("adminToken" = []))
)]
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

/// Delete an environment (its tenant permissions go with it)
#[utoipa::path(
    delete,
    path = "/admin/v1/accounts/{accountUuid}/environments/{environmentId}",
    operation_id = "adminDeleteEnvironment",
    tag = TAG_ADMIN,
    params(AdminAccountUuid, ("environmentId" = String, Path, description = "The environment id")),
    responses((status = 204, description = "The environment is gone")),
    security(("adminToken" = []))
)]
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
