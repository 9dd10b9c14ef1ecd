//! The OAuth2 client-credentials token endpoint (`POST /sso/oauth2/token`), RFC 6749 §4.4 and §5.

use serde::{Deserialize, Serialize};

/// Form body of a token request. Client credentials may come here or in HTTP Basic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Space-separated scopes; absent means every scope the client holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// `urn:dtaccount:<uuid>` (RFC 8707 resource indicator as Dynatrace uses it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

/// Successful token response (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
    /// Space-separated scopes granted.
    pub scope: String,
    /// `urn:dtaccount:<uuid>` of the account the token is bound to.
    pub resource: String,
}

/// Error response (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorResponse {
    /// `invalid_request`, `invalid_client`, `invalid_scope`, `invalid_target`,
    /// `unsupported_grant_type`, ...
    pub error: String,
    pub error_description: String,
}
