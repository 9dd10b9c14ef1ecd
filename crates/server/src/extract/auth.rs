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
    // Split and trimmed as bytes, and only the token checked as UTF-8 (not `to_str`'s
    // byte-by-byte check for visible ASCII): a token is ~370 bytes and this runs on every
    // request. A control character left in fails the token's own check, and hyper refuses most
    // of them in header values already.
    let value = header.as_bytes();
    let not_bearer = || missing_token("the Authorization header must be 'Bearer <token>'");
    let space = value
        .iter()
        .position(|&b| b == b' ')
        .ok_or_else(not_bearer)?;
    let (scheme, token) = (&value[..space], value[space + 1..].trim_ascii());
    if !scheme.eq_ignore_ascii_case(b"bearer") || token.is_empty() {
        return Err(not_bearer());
    }
    std::str::from_utf8(token)
        .map_err(|_| missing_token("the Authorization header is not valid text"))
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

#[cfg(test)]
mod tests {
    use axum::http::{HeaderValue, Request};

    use super::*;

    fn token_of(header: Option<&[u8]>) -> Result<String, String> {
        let mut request = Request::builder();
        if let Some(value) = header {
            request = request.header(AUTHORIZATION, HeaderValue::from_bytes(value).unwrap());
        }
        let (parts, ()) = request.body(()).unwrap().into_parts();
        bearer_token(&parts)
            .map(str::to_owned)
            .map_err(|err| format!("{err:?}"))
    }

    #[test]
    fn the_bearer_token_is_taken_from_the_header() {
        assert_eq!(token_of(Some(b"Bearer abc.def")), Ok("abc.def".to_owned()));
        assert_eq!(token_of(Some(b"bEaReR  abc  ")), Ok("abc".to_owned()));
    }

    #[test]
    fn other_headers_are_refused_with_a_reason() {
        let refused = |header: Option<&[u8]>, reason: &str| {
            let err = token_of(header).unwrap_err();
            assert!(err.contains(reason), "{header:?}: {err}");
        };
        refused(None, "an access token is required");
        for wrong in [
            &b"Basic abc"[..],
            b"Bearer",
            b"Bearer   ",
            b"Bearerabc",
            b" Bearer",
        ] {
            refused(Some(wrong), "must be 'Bearer <token>'");
        }
        refused(Some(b"Bearer ab\xffc"), "not valid text");
    }
}
