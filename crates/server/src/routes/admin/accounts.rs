//! Accounts: create, list, get, delete, reset.

use accountd_proto::admin::{Account, AccountCreateRequest, AccountList, RateLimitRequest};
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
        .routes(routes!(list_accounts, create_account))
        .routes(routes!(get_account, delete_account))
        .routes(routes!(reset_account))
        .routes(routes!(set_rate_limit))
}

/// Create an account
#[utoipa::path(
    post,
    path = "/admin/v1/accounts",
    operation_id = "adminCreateAccount",
    tag = TAG_ADMIN,
    request_body = AccountCreateRequest,
    responses(
        (status = 201, description = "The account", body = Account),
        (status = 409, description = "An account with this uuid exists"),
    ),
    security(("adminToken" = []))
)]
async fn create_account(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    JsonBody(body): JsonBody<AccountCreateRequest>,
) -> ApiResult<(StatusCode, Json<Account>)> {
    let account = app
        .core
        .create_account(&admin, body.uuid.as_deref(), &body.name, None)
        .await?;
    Ok((StatusCode::CREATED, Json(wire::account(account))))
}

/// List accounts
#[utoipa::path(
    get,
    path = "/admin/v1/accounts",
    operation_id = "adminListAccounts",
    tag = TAG_ADMIN,
    responses((status = 200, description = "Every account", body = AccountList)),
    security(("adminToken" = []))
)]
async fn list_accounts(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> ApiResult<Json<AccountList>> {
    let accounts = app.core.list_accounts(&admin).await?;
    Ok(Json(AccountList {
        accounts: accounts.into_iter().map(wire::account).collect(),
    }))
}

/// Get an account
#[utoipa::path(
    get,
    path = "/admin/v1/accounts/{accountUuid}",
    operation_id = "adminGetAccount",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    responses((status = 200, description = "The account", body = Account)),
    security(("adminToken" = []))
)]
async fn get_account(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
) -> ApiResult<Json<Account>> {
    let account = app
        .core
        .get_account(&admin, admin_account_path(&account)?)
        .await?;
    Ok(Json(wire::account(account)))
}

/// Delete an account and everything in it
#[utoipa::path(
    delete,
    path = "/admin/v1/accounts/{accountUuid}",
    operation_id = "adminDeleteAccount",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    responses((status = 204, description = "The account is gone")),
    security(("adminToken" = []))
)]
async fn delete_account(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
) -> ApiResult<StatusCode> {
    app.core
        .delete_account(&admin, admin_account_path(&account)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes the account's users, groups, memberships and permissions; keeps its environments and
/// OAuth clients, so scripts and test suites can start over with the same credentials.
#[utoipa::path(
    post,
    path = "/admin/v1/accounts/{accountUuid}/reset",
    operation_id = "adminResetAccount",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    responses((status = 204, description = "The account's users, groups, memberships and permissions are gone")),
    security(("adminToken" = []))
)]
async fn reset_account(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
) -> ApiResult<StatusCode> {
    app.core
        .reset_account(&admin, admin_account_path(&account)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets (`{"rateLimit":"100/min"}`) or clears (`{"rateLimit":null}`) the account's override.
#[utoipa::path(
    put,
    path = "/admin/v1/accounts/{accountUuid}/rate-limit",
    operation_id = "adminSetRateLimit",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    request_body = RateLimitRequest,
    responses((status = 200, description = "The account", body = Account)),
    security(("adminToken" = []))
)]
async fn set_rate_limit(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
    JsonBody(body): JsonBody<RateLimitRequest>,
) -> ApiResult<Json<Account>> {
    let account = app
        .core
        .set_account_rate_limit(
            &admin,
            admin_account_path(&account)?,
            body.rate_limit.as_deref(),
        )
        .await?;
    Ok(Json(wire::account(account)))
}
