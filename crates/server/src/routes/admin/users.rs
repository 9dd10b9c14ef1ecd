//! Users through the admin API: resend an invitation, deactivate, reactivate; and the outbox.

use accountd_proto::User;
use accountd_proto::admin::{Outbox, OutboxMessage};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};

use crate::error::ApiResult;
use crate::extract::{AdminAuth, admin_account_path};
use crate::state::AppState;
use crate::wire;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/accounts/{accountUuid}/outbox", get(list_outbox))
        .route(
            "/admin/v1/accounts/{accountUuid}/users/{userId}/invitation",
            post(resend_invitation),
        )
        .route(
            "/admin/v1/accounts/{accountUuid}/users/{userId}/deactivate",
            post(deactivate_user),
        )
        .route(
            "/admin/v1/accounts/{accountUuid}/users/{userId}/reactivate",
            post(reactivate_user),
        )
}

async fn list_outbox(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path(account): Path<String>,
) -> ApiResult<Json<Outbox>> {
    let messages = app
        .core
        .outbox(&admin, admin_account_path(&account)?)
        .await?;
    Ok(Json(Outbox {
        messages: messages
            .into_iter()
            .map(|m| OutboxMessage {
                recipient: m.recipient.as_str().to_owned(),
                subject: m.subject,
                body: m.body,
                created_at: accountd_core::clock::rfc3339(m.created_at),
            })
            .collect(),
    }))
}

/// A new single-use link for a `PENDING_INVITE` user; earlier links stop working.
async fn resend_invitation(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path((account, user)): Path<(String, String)>,
) -> ApiResult<Json<User>> {
    let user = app
        .core
        .resend_invitation(&admin, admin_account_path(&account)?, &user)
        .await?;
    Ok(Json(wire::user(user)))
}

async fn deactivate_user(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path((account, user)): Path<(String, String)>,
) -> ApiResult<Json<User>> {
    let user = app
        .core
        .set_user_active(&admin, admin_account_path(&account)?, &user, false)
        .await?;
    Ok(Json(wire::user(user)))
}

async fn reactivate_user(
    State(app): State<AppState>,
    AdminAuth(admin): AdminAuth,
    Path((account, user)): Path<(String, String)>,
) -> ApiResult<Json<User>> {
    let user = app
        .core
        .set_user_active(&admin, admin_account_path(&account)?, &user, true)
        .await?;
    Ok(Json(wire::user(user)))
}
