//! Users through the admin API: resend an invitation, deactivate, reactivate; and the outbox.

use accountd_proto::User;
use accountd_proto::admin::{Outbox, OutboxMessage};
use axum::Json;
use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::extract::{AdminAuth, admin_account_path};
use crate::openapi::{AdminAccountUuid, TAG_ADMIN, UserId};
use crate::state::AppState;
use crate::wire;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_outbox))
        .routes(routes!(resend_invitation))
        .routes(routes!(deactivate_user))
        .routes(routes!(reactivate_user))
}

/// Invitations not sent by SMTP, oldest first
#[utoipa::path(
    get,
    path = "/admin/v1/accounts/{accountUuid}/outbox",
    operation_id = "adminListOutbox",
    tag = TAG_ADMIN,
    params(AdminAccountUuid),
    responses((status = 200, description = "The outbox", body = Outbox)),
    security(("adminToken" = []))
)]
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
#[utoipa::path(
    post,
    path = "/admin/v1/accounts/{accountUuid}/users/{userId}/invitation",
    operation_id = "adminResendInvitation",
    tag = TAG_ADMIN,
    params(AdminAccountUuid, UserId),
    responses(
        (status = 200, description = "The user; a new invitation is on its way", body = User),
        (status = 409, description = "The user is not PENDING_INVITE"),
    ),
    security(("adminToken" = []))
)]
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

/// `ACTIVE` or `PENDING_INVITE` → `INACTIVE`
#[utoipa::path(
    post,
    path = "/admin/v1/accounts/{accountUuid}/users/{userId}/deactivate",
    operation_id = "adminDeactivateUser",
    tag = TAG_ADMIN,
    params(AdminAccountUuid, UserId),
    responses((status = 200, description = "The user", body = User)),
    security(("adminToken" = []))
)]
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

/// `INACTIVE` → `ACTIVE`
#[utoipa::path(
    post,
    path = "/admin/v1/accounts/{accountUuid}/users/{userId}/reactivate",
    operation_id = "adminReactivateUser",
    tag = TAG_ADMIN,
    params(AdminAccountUuid, UserId),
    responses((status = 200, description = "The user", body = User)),
    security(("adminToken" = []))
)]
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
