//! OAuth clients of an account: create (the secret is shown once), list, delete.

use accountd_core::admin::ClientInput;
use accountd_proto::admin::{OAuthClient, OAuthClientCreateRequest, OAuthClientList};
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
        .routes(routes!(list_clients, create_client))
        .routes(routes!(delete_client))
}

/// Create an OAuth client (the secret is in this response only)
#[utoipa::path(
    post,
    path = "/admin/v1/accounts/{accountUuid}/clients",
    operation_id = "adminCreateClient",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    request_body = OAuthClientCreateRequest,
    responses((status = 201, description = "The client with its secret", body = OAuthClient)),
    security(("adminToken" = []))
)]
async fn create_client(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
    JsonBody(body): JsonBody<OAuthClientCreateRequest>,
) -> ApiResult<(StatusCode, Json<OAuthClient>)> {
    let input = ClientInput {
        client_id: None,
        client_secret: None,
        name: body.name,
        scopes: body.scopes,
    };
    let (client, secret) = app
        .core
        .create_client(&admin, admin_account_path(&account)?, &input)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(wire::client(client, Some(secret.expose().to_owned()))),
    ))
}

/// List OAuth clients
#[utoipa::path(
    get,
    path = "/admin/v1/accounts/{accountUuid}/clients",
    operation_id = "adminListClients",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    responses((status = 200, description = "The account's clients (without secrets)", body = OAuthClientList)),
    security(("adminToken" = []))
)]
async fn list_clients(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
) -> ApiResult<Json<OAuthClientList>> {
    let clients = app
        .core
        .list_clients(&admin, admin_account_path(&account)?)
        .await?;
    Ok(Json(OAuthClientList {
        clients: clients.into_iter().map(|c| wire::client(c, None)).collect(),
    }))
}

/// Delete an OAuth client: its tokens stop working at once
#[utoipa::path(
    delete,
    path = "/admin/v1/accounts/{accountUuid}/clients/{clientId}",
    operation_id = "adminDeleteClient",
    tag = TAG_ADMIN,
    params(AdminAccountUuid, ("clientId" = String, Path, description = "The client id")),
    responses((status = 204, description = "The client is gone")),
    security(("adminToken" = []))
)]
async fn delete_client(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path((account, client)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    app.core
        .delete_client(&admin, admin_account_path(&account)?, &client)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
