use accountd_core::authz::{Admin, Principal};
use accountd_core::secret::Secret;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use std::sync::{Arc, Mutex};

use crate::error::{ApiError, missing_token};
use crate::rate_limit::RateInfo;
use crate::state::AppState;

/// The `Bearer` credential of a request, if any. The scheme is matched case-insensitively
/// (RFC 7235 §2.1).
pub fn bearer_token(parts: &Parts) -> Result<&str, ApiError> {
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or_else(|| missing_token("an access token is required: send 'Authorization: Bearer <token>' (get one from POST /sso/oauth2/token)"))?;
    // UTF-8 validation rather than `to_str`'s byte-by-byte check for visible ASCII: a token is
    // ~370 bytes and this runs on every request; a control character left in would fail the
    // token's own check (and hyper refuses most of them in header values already).
    let value = std::str::from_utf8(header.as_bytes())
        .map_err(|_| missing_token("the Authorization header is not valid text"))?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(missing_token(
            "the Authorization header must be 'Bearer <token>'",
        )),
    }
}

/// Where the `Auth` extractor leaves the rate-limit state for the response headers (put in
/// the request by the `rate_limit_headers` middleware).
#[derive(Clone, Default)]
pub struct RateSlot(Arc<Mutex<Option<RateInfo>>>);

impl RateSlot {
    fn set(&self, info: RateInfo) {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(info);
    }

    pub fn take(&self) -> Option<RateInfo> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }
}

/// A caller with a valid access token whose client still exists, within its rate limit.
pub struct Auth(pub Principal);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts)?;
        let principal = state.core.authenticate(token).await?;
        match state.limits.check(&principal).await? {
            Ok(info) => {
                if let (Some(info), Some(slot)) = (info, parts.extensions.get::<RateSlot>()) {
                    slot.set(info);
                }
                Ok(Auth(principal))
            }
            Err(info) => {
                crate::metrics::record_rate_limited("request");
                Err(ApiError::RateLimited(info))
            }
        }
    }
}

/// A caller presenting the admin token.
pub struct AdminAuth(pub Admin);

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let presented = bearer_token(parts).ok().map(Secret::new);
        Ok(AdminAuth(state.core.admin(presented.as_ref())?))
    }
}
