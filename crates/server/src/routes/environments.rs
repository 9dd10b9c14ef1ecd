//! Seed 000: listEnvironments.

use accountd_proto::EnvironmentCollection;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::extract::{Auth, ListParams, account_path};
use crate::openapi::{AccountUuid, PageQuery, TAG_ENVIRONMENTS};
use crate::state::AppState;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_environments))
}

/// Dynatrace List Environments
///
/// Returns the environments of the account, in pages.
#[utoipa::path(
    get,
    path = "/env/v1/accounts/{accountUuid}/environments",
    operation_id = "listEnvironments",
    tag = TAG_ENVIRONMENTS,
    params(AccountUuid, PageQuery),
    responses(
        (status = 200, description = "A list of environments in the account", body = EnvironmentCollection),
        (status = 400, description = "A malformed `pageSize` or `nextPageKey`; a repeated parameter (not in the seed, which documents no 400 here)"),
    ),
    security(("oauth2" = ["account-env-read"]), ("bearer" = []))
)]
async fn list_environments(
    State(app): State<AppState>,
    Auth(principal): Auth,
    Path(account): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<EnvironmentCollection>> {
    let access = principal.env_reader(account_path(&account)?)?;
    let params = ListParams::parse(query.as_deref())?;
    let listing = app
        .core
        .list_environments(&access, params.page_size, params.page_key.as_deref())
        .await?;
    Ok(Json(EnvironmentCollection {
        next_page_key: listing.next_page_key,
        total_count: listing.total,
        environments: listing.items.into_iter().map(wire::environment).collect(),
    }))
}
