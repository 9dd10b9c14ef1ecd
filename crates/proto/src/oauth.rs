//! The OAuth2 client-credentials token endpoint (`POST /sso/oauth2/token`), RFC 6749 §4.4 and §5.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The form body of a token request (`application/x-www-form-urlencoded`). The client
/// credentials come here or in HTTP Basic (RFC 6749 §2.3.1), not both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Always `client_credentials`.
    #[schema(value_type = String, required = true, schema_with = grant_type_schema)]
    pub grant_type: Option<String>,
    /// The client id (unless HTTP Basic is used).
    #[schema(nullable = false, example = "dt0s02.EXAMPLE")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The client secret (unless HTTP Basic is used).
    #[schema(nullable = false)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Space-separated scopes; absent means every scope the client holds. A scope the client
    /// lacks is a 400 `invalid_scope`.
    #[schema(nullable = false, example = "account-idm-read account-idm-write")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// `urn:dtaccount:<account uuid>` (RFC 8707 resource indicator as Dynatrace uses it); it must
    /// name the client's own account. Absent: the client's account.
    #[schema(
        nullable = false,
        example = "urn:dtaccount:6a2d1f1e-3c44-4b8a-9a55-0c1e2f3a4b5c"
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

fn grant_type_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["client_credentials"]))
        .description(Some("Always `client_credentials`."))
        .build()
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    /// The bearer token to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the token expires.
    #[schema(format = Int64, example = 300)]
    pub expires_in: u64,
    /// The space-separated scopes granted.
    #[schema(example = "account-idm-read account-idm-write account-env-read account-env-write")]
    pub scope: String,
    /// `urn:dtaccount:<uuid>` of the account the token is bound to.
    #[schema(example = "urn:dtaccount:6a2d1f1e-3c44-4b8a-9a55-0c1e2f3a4b5c")]
    pub resource: String,
}

/// An error of the token endpoint (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OAuthErrorResponse {
    /// `invalid_request`, `invalid_client`, `invalid_scope`, `invalid_target`,
    /// `unsupported_grant_type`, `slow_down` or `server_error`.
    #[schema(example = "invalid_client")]
    pub error: String,
    /// What went wrong, for a person.
    pub error_description: String,
}
