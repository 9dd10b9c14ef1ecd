//! SCIM tokens of an account: create (the token is shown once), list, revoke, rotate.

use accountd_proto::admin::{ScimToken, ScimTokenCreateRequest, ScimTokenList};
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
        .routes(routes!(list_scim_tokens, create_scim_token))
        .routes(routes!(rotate_scim_tokens))
        .routes(routes!(revoke_scim_token))
}

async fn create(
    app: &AppState,
    admin: &accountd_core::authz::Admin,
    account: &str,
    body: &ScimTokenCreateRequest,
    rotate: bool,
) -> ApiResult<(StatusCode, Json<ScimToken>)> {
    let (token, secret) = app
        .core
        .create_scim_token(
            admin,
            admin_account_path(account)?,
            body.name.as_deref(),
            rotate,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(wire::scim_token(token, Some(secret.expose().to_owned()))),
    ))
}

/// Create a SCIM token (the token is in this response only)
///
/// An account holds at most 10 SCIM tokens at once (`--scim-token-limit`); beyond that the
/// answer is 409: revoke one, or rotate.
#[utoipa::path(
    post,
    path = "/admin/v1/accounts/{accountUuid}/scim-tokens",
    operation_id = "adminCreateScimToken",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    request_body = ScimTokenCreateRequest,
    responses(
        (status = 201, description = "The token, shown once", body = ScimToken),
        (status = 409, description = "The account holds the most SCIM tokens it may"),
    ),
    security(("adminToken" = []))
)]
async fn create_scim_token(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
    JsonBody(body): JsonBody<ScimTokenCreateRequest>,
) -> ApiResult<(StatusCode, Json<ScimToken>)> {
    create(&app, &admin, &account, &body, false).await
}

/// Rotate SCIM tokens: a new token, and every other token of the account revoked at once
#[utoipa::path(
    post,
    path = "/admin/v1/accounts/{accountUuid}/scim-tokens/rotate",
    operation_id = "adminRotateScimTokens",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    request_body = ScimTokenCreateRequest,
    responses((status = 201, description = "The new token, shown once; all others are revoked", body = ScimToken)),
    security(("adminToken" = []))
)]
async fn rotate_scim_tokens(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
    JsonBody(body): JsonBody<ScimTokenCreateRequest>,
) -> ApiResult<(StatusCode, Json<ScimToken>)> {
    create(&app, &admin, &account, &body, true).await
}

/// List SCIM tokens (without the tokens themselves)
#[utoipa::path(
    get,
    path = "/admin/v1/accounts/{accountUuid}/scim-tokens",
    operation_id = "adminListScimTokens",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    responses((status = 200, description = "The account's SCIM tokens, oldest first", body = ScimTokenList)),
    security(("adminToken" = []))
)]
async fn list_scim_tokens(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
) -> ApiResult<Json<ScimTokenList>> {
    let tokens = app
        .core
        .list_scim_tokens(&admin, admin_account_path(&account)?)
        .await?;
    Ok(Json(ScimTokenList {
        tokens: tokens
            .into_iter()
            .map(|t| wire::scim_token(t, None))
            .collect(),
    }))
}

/// Revoke a SCIM token: it stops working at once
#[utoipa::path(
    delete,
    path = "/admin/v1/accounts/{accountUuid}/scim-tokens/{tokenId}",
    operation_id = "adminRevokeScimToken",
    tag = TAG_ADMIN,
    params(AdminAccountUuid, ("tokenId" = String, Path, description = "The token's id")),
    responses((status = 204, description = "The token is revoked")),
    security(("adminToken" = []))
)]
async fn revoke_scim_token(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path((account, token)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.core
        .revoke_scim_token(&admin, admin_account_path(&account)?, &token)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
