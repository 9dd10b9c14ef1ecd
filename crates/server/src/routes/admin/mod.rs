//! The admin API (`/admin/v1`), guarded by the admin token; off when no token is configured.

mod accounts;
mod clients;
mod environments;
mod scim_tokens;
mod users;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(accounts::router())
        .merge(environments::router())
        .merge(clients::router())
        .merge(users::router())
        .merge(scim_tokens::router())
}
