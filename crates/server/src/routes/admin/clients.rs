//! OAuth clients of an account: create (the secret is shown once), list, delete.

use accountd_core::admin::ClientInput;
use accountd_proto::admin::{OAuthClient, OAuthClientCreateRequest, OAuthClientList};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};

use crate::error::ApiResult;
use crate::extract::{AdminAuth, JsonBody, admin_account_path};
use crate::state::AppState;
use crate::wire;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/v1/accounts/{accountUuid}/clients",
            get(list_clients).post(create_client),
        )
        .route(
            "/admin/v1/accounts/{accountUuid}/clients/{clientId}",
            delete(delete_client),
        )
}

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
