//! Seed 000: listPermissions.

use accountd_proto::PermissionCollection;
use axum::Json;
use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::extract::{Auth, account_path};
use crate::openapi::{AccountUuid, TAG_PERMISSIONS};
use crate::state::AppState;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_permissions))
}

/// Dynatrace List Permissions for Account
///
/// Returns every permission assignment of the account with its group. Management-zone
/// assignments appear as `TENANT` with the scope `<environment>:<zone>`.
#[utoipa::path(
    get,
    path = "/iam/v1/accounts/{accountUuid}/permissions",
    operation_id = "listPermissions",
    tag = TAG_PERMISSIONS,
    params(AccountUuid),
    responses(
        (status = 200, description = "A list of permissions for the account", body = PermissionCollection),
    ),
    security(("oauth2" = ["account-idm-read"]), ("bearer" = []))
)]
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
