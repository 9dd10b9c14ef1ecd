//! SCIM 2.0 (RFC 7643/7644) over the same users and groups the REST API serves: one store, two
//! views. Served under the real path `/idm/public/scim/{accountUuid}/v2` and under seed 002's
//! `/api/v2/scim` (where the token tells the account). SCIM routes describe themselves through
//! SCIM's own discovery endpoints, so they are not in the OpenAPI document. See docs/scim.md.

mod attrs;
mod auth;
mod body;
mod bulk;
mod discovery;
mod error;
mod etag;
mod groups;
mod handlers;
mod kind;
mod query;
mod resource;
mod search;
mod users;

use accountd_scim::ScimError;
use accountd_scim::patch::PatchRequest;
use accountd_scim::schema::PATCH_OP;
use axum::Router;
use axum::routing::{get, post};
use serde_json::{Map, Value};

use crate::state::AppState;
use error::{ScimApiError, invalid_syntax, unknown_endpoint};
use groups::Groups;
use users::Users;

/// Both SCIM base paths.
pub fn router() -> Router<AppState> {
    Router::new()
        .nest("/idm/public/scim/{accountUuid}/v2", endpoints())
        .nest("/api/v2/scim", endpoints())
}

fn endpoints() -> Router<AppState> {
    Router::new()
        .route(
            "/Users",
            get(handlers::list::<Users>).post(handlers::create::<Users>),
        )
        .route("/Users/.search", post(search::users))
        .route(
            "/Users/{id}",
            get(handlers::get::<Users>)
                .put(handlers::replace::<Users>)
                .patch(handlers::patch::<Users>)
                .delete(handlers::delete::<Users>),
        )
        .route(
            "/Groups",
            get(handlers::list::<Groups>).post(handlers::create::<Groups>),
        )
        .route("/Groups/.search", post(search::groups))
        .route(
            "/Groups/{id}",
            get(handlers::get::<Groups>)
                .put(handlers::replace::<Groups>)
                .patch(handlers::patch::<Groups>)
                .delete(handlers::delete::<Groups>),
        )
        .route("/.search", post(search::root))
        .route("/Bulk", post(bulk::bulk))
        .route(
            "/ServiceProviderConfig",
            get(discovery::service_provider_config),
        )
        .route("/ResourceTypes", get(discovery::list_resource_types))
        .route("/ResourceTypes/{id}", get(discovery::get_resource_type))
        .route("/Schemas", get(discovery::list_schemas))
        .route("/Schemas/{id}", get(discovery::get_schema))
        .fallback(|| async { unknown_endpoint() })
        .method_not_allowed_fallback(|| async {
            ScimApiError(ScimError {
                status: 405,
                scim_type: None,
                detail: "this method is not allowed on this SCIM endpoint; the Allow header lists those that are".to_owned(),
            })
        })
}

/// A PatchOp request body (RFC 7644 §3.5.2).
fn patch_body(body: Map<String, Value>) -> Result<PatchRequest, ScimApiError> {
    attrs::check_schemas(&body, PATCH_OP)?;
    serde_json::from_value(Value::Object(body))
        .map_err(|err| invalid_syntax(format!("the body is not a PatchOp request: {err}")))
}
