//! `POST /invite/{token}/accept`: no auth, the token is the secret. Makes the user `ACTIVE`.

use accountd_proto::UserStatus;
use accountd_proto::admin::InvitationAccepted;
use axum::Json;
use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::openapi::TAG_INVITATIONS;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(accept_invitation))
}

/// Accept an invitation
///
/// The link of an invitation message: makes the `PENDING_INVITE` user `ACTIVE`. No token: the
/// link is the secret. Each link works once, until it expires.
#[utoipa::path(
    post,
    path = "/invite/{token}/accept",
    operation_id = "acceptInvitation",
    tag = TAG_INVITATIONS,
    params(("token" = String, Path, description = "The token of the invitation link")),
    responses(
        (status = 200, description = "The user is active", body = InvitationAccepted),
        (status = 400, description = "The link was used already, or it expired"),
        (status = 404, description = "No such invitation"),
    )
)]
async fn accept_invitation(
    State(app): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Json<InvitationAccepted>> {
    let (account, uid) = app.core.accept_invitation(&token).await?;
    Ok(Json(InvitationAccepted {
        account_uuid: account.to_string(),
        uid: uid.to_string(),
        user_status: UserStatus::Active,
    }))
}
