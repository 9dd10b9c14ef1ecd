//! Seed 000: listEnvironments.

use accountd_proto::EnvironmentCollection;
use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::routing::get;

use crate::error::ApiResult;
use crate::extract::{Auth, ListParams, account_path};
use crate::state::AppState;
use crate::wire;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/env/v1/accounts/{accountUuid}/environments",
        get(list_environments),
    )
}

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
