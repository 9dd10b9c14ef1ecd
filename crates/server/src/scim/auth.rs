//! SCIM authentication: a SCIM bearer token (`dt0s01.…`) of the account the path names (or,
//! on seed 002's `/api/v2/scim`, the account the token belongs to). OAuth access tokens are
//! refused here, as SCIM tokens are refused on every other route.

use accountd_core::authz::ScimAgent;
use accountd_core::ids::AccountId;
use accountd_core::secret::Secret;
use accountd_scim::ScimError;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::error::ScimApiError;
use crate::state::AppState;

/// A caller holding a valid SCIM token, and the absolute base URL it called (for `location`
/// and `$ref`, which name resources under the base they were reached through).
pub struct ScimAuth {
    pub agent: ScimAgent,
    pub base: String,
}

fn unauthorized(detail: &str) -> ScimApiError {
    ScimApiError(ScimError::unauthorized(detail.to_owned()))
}

/// The account of `/idm/public/scim/{accountUuid}/v2`, when the route has one. A malformed
/// uuid names no account: 404.
pub async fn path_account(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<String>, ScimApiError> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|_| super::error::unknown_endpoint())?;
    Ok(params
        .iter()
        .find(|(name, _)| *name == "accountUuid")
        .map(|(_, value)| value.to_owned()))
}

/// The base URL of SCIM requests through the real path or through seed 002's.
pub fn base_url(state: &AppState, account: Option<&str>) -> String {
    let public = state.core.settings().public_url.trim_end_matches('/');
    match account {
        Some(account) => format!("{public}/idm/public/scim/{account}/v2"),
        None => format!("{public}/api/v2/scim"),
    }
}

impl FromRequestParts<AppState> for ScimAuth {
    type Rejection = ScimApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let account_text = path_account(parts, state).await?;
        let account = match &account_text {
            None => None,
            Some(text) => Some(AccountId::parse(text).ok_or_else(|| {
                ScimApiError(ScimError::not_found(format!("account '{text}' not found")))
            })?),
        };
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            unauthorized("a SCIM token is required: send 'Authorization: Bearer dt0s01.…' (create one with the admin API)")
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, token)| {
                scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()
            })
            .map(|(_, token)| token.trim())
            .ok_or_else(|| {
                unauthorized("the Authorization header must be 'Bearer <SCIM token>'")
            })?;
        if !token.starts_with(accountd_core::scim_tokens::SCIM_TOKEN_PREFIX) {
            return Err(unauthorized(
                "SCIM routes take a SCIM token (dt0s01.…), not an OAuth access token",
            ));
        }
        let agent = state
            .core
            .authenticate_scim(&Secret::new(token), account)
            .await?;
        let base = base_url(state, account_text.as_deref());
        Ok(Self { agent, base })
    }
}

/// The `{id}` of `/Users/{id}` and `/Groups/{id}` (under the real base the route has the
/// account as a second parameter, so a plain `Path<String>` does not fit both bases).
pub struct ResourceId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ResourceId {
    type Rejection = ScimApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| super::error::unknown_endpoint())?;
        params
            .iter()
            .find(|(name, _)| *name == "id")
            .map(|(_, value)| Self(value.to_owned()))
            .ok_or_else(super::error::unknown_endpoint)
    }
}
