//! The client-credentials grant (RFC 6749 §4.4) with Dynatrace's `resource` parameter.

use crate::ids::AccountId;
use crate::scope::ScopeSet;
use crate::secret::{Secret, random_token};
use crate::service::Accountd;
use crate::token::{Claims, ISSUER, RESOURCE_PREFIX};

/// A token request after the server has found the client credentials (Basic or body).
#[derive(Debug, Clone)]
pub struct GrantRequest {
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub scope: Option<String>,
    pub resource: Option<String>,
    /// Whether the credentials came in an `Authorization: Basic` header (RFC 6749 §5.2 asks
    /// for 401 + `WWW-Authenticate` on `invalid_client` in that case).
    pub via_basic: bool,
}

/// An issued token.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: u64,
    pub scopes: ScopeSet,
    pub account: AccountId,
}

/// RFC 6749 §5.2 errors (and RFC 8707 `invalid_target`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{message}")]
    InvalidClient { message: String, via_basic: bool },
    #[error("{0}")]
    UnsupportedGrantType(String),
    #[error("{0}")]
    InvalidScope(String),
    #[error("{0}")]
    InvalidTarget(String),
    #[error("{0}")]
    Store(crate::Error),
}

impl GrantError {
    /// The RFC 6749 `error` code.
    pub fn code(&self) -> &'static str {
        match self {
            GrantError::InvalidRequest(_) => "invalid_request",
            GrantError::InvalidClient { .. } => "invalid_client",
            GrantError::UnsupportedGrantType(_) => "unsupported_grant_type",
            GrantError::InvalidScope(_) => "invalid_scope",
            GrantError::InvalidTarget(_) => "invalid_target",
            GrantError::Store(_) => "server_error",
        }
    }
}

impl Accountd {
    pub async fn grant_token(&self, request: GrantRequest) -> Result<IssuedToken, GrantError> {
        match request.grant_type.as_deref() {
            Some("client_credentials") => {}
            Some(other) => {
                return Err(GrantError::UnsupportedGrantType(format!(
                    "grant_type '{other}' is not supported; use client_credentials"
                )));
            }
            None => {
                return Err(GrantError::InvalidRequest(
                    "grant_type is required (client_credentials)".into(),
                ));
            }
        }
        let via_basic = request.via_basic;
        let invalid_client = |message: &str| GrantError::InvalidClient {
            message: message.to_owned(),
            via_basic,
        };
        let (Some(client_id), Some(secret)) = (request.client_id, request.client_secret) else {
            return Err(invalid_client(
                "client authentication is required: send client_id and client_secret (HTTP Basic or form body)",
            ));
        };
        let client = self
            .store
            .find_client(&client_id)
            .await
            .map_err(GrantError::Store)?;
        // Compare against a dummy digest when the client is unknown, so response time does not
        // tell which client ids exist.
        let dummy = Secret::new("").digest();
        let digest = client.as_ref().map_or(dummy, |c| c.secret_digest);
        let matches = digest.matches(&secret);
        let Some(client) = client.filter(|_| matches) else {
            return Err(invalid_client(
                "client authentication failed: unknown client or wrong secret",
            ));
        };

        let scopes = match request
            .scope
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => client.scopes,
            Some(text) => {
                let requested = ScopeSet::parse_space_separated(text).map_err(|unknown| {
                    GrantError::InvalidScope(format!("unknown scope '{unknown}'"))
                })?;
                if !requested.is_subset_of(client.scopes) {
                    let missing: Vec<_> = requested
                        .iter()
                        .filter(|s| !client.scopes.contains(*s))
                        .map(|s| s.as_str())
                        .collect();
                    return Err(GrantError::InvalidScope(format!(
                        "the client does not hold the scope(s): {}",
                        missing.join(" ")
                    )));
                }
                requested
            }
        };
        if scopes.is_empty() {
            return Err(GrantError::InvalidScope(
                "the client holds no scopes".into(),
            ));
        }

        if let Some(resource) = request.resource.as_deref().filter(|r| !r.is_empty()) {
            let account = resource
                .strip_prefix(RESOURCE_PREFIX)
                .and_then(AccountId::parse)
                .ok_or_else(|| {
                    GrantError::InvalidTarget(format!(
                        "resource must be '{RESOURCE_PREFIX}<account uuid>', not '{resource}'"
                    ))
                })?;
            if account != client.account {
                return Err(GrantError::InvalidTarget(format!(
                    "the client does not belong to account {account}"
                )));
            }
        }

        let now = self.now().unix_timestamp();
        let ttl = self.settings.token_ttl_secs;
        let claims = Claims {
            iss: ISSUER.to_owned(),
            sub: client.client_id.clone(),
            aud: format!("{RESOURCE_PREFIX}{}", client.account),
            scope: scopes.to_space_separated(),
            iat: now,
            exp: now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX)),
            jti: random_token::<12>(),
        };
        Ok(IssuedToken {
            access_token: self.tokens.issue(&claims),
            expires_in: ttl,
            scopes,
            account: client.account,
        })
    }
}
