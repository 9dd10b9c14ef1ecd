//! Seed 000: listPermissions.

use accountd_proto::PermissionCollection;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;

use crate::error::ApiResult;
use crate::extract::{Auth, account_path};
use crate::state::AppState;
use crate::wire;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/iam/v1/accounts/{accountUuid}/permissions",
        get(list_permissions),
    )
}

async fn list_permissions(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
) -> ApiResult<Json<PermissionCollection>> {
    let access = principal.idm_reader(account_path(&account)?)?;
    let permissions = app.core.list_permissions(&access).await?;
    Ok(Json(PermissionCollection {
        permissions: permissions.into_iter().map(wire::permission).collect(),
    }))
}
