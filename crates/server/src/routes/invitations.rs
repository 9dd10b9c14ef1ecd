//! `POST /invite/{token}/accept`: no auth, the token is the secret. Makes the user `ACTIVE`.

use accountd_proto::UserStatus;
use accountd_proto::admin::InvitationAccepted;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::post;

use crate::error::ApiResult;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/invite/{token}/accept", post(accept_invitation))
}

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
