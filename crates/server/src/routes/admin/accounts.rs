//! Accounts: create, list, get, delete, reset.

use accountd_proto::admin::{Account, AccountCreateRequest, AccountList, RateLimitRequest};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};

use crate::error::ApiResult;
use crate::extract::{AdminAuth, JsonBody, admin_account_path};
use crate::state::AppState;
use crate::wire;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/v1/accounts",
            get(list_accounts).post(create_account),
        )
        .route(
            "/admin/v1/accounts/{accountUuid}",
            get(get_account).delete(delete_account),
        )
        .route(
            "/admin/v1/accounts/{accountUuid}/reset",
            post(reset_account),
        )
        .route(
            "/admin/v1/accounts/{accountUuid}/rate-limit",
            axum::routing::put(set_rate_limit),
        )
}

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

async fn list_accounts(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
) -> ApiResult<Json<AccountList>> {
    let accounts = app.core.list_accounts(&admin).await?;
    Ok(Json(AccountList {
        accounts: accounts.into_iter().map(wire::account).collect(),
    }))
}

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
