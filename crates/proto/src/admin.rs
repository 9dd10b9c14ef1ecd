//! The accountd admin API (`/admin/v1`), guarded by the admin token. Not part of the Dynatrace API.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::EnvironmentStatus;

/// Body of `POST /admin/v1/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountCreateRequest {
    /// Account UUID; generated when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    pub name: String,
}

/// An account as the admin API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub uuid: String,
    pub name: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// The account's rate-limit override, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<String>,
}

/// Body of `PUT /admin/v1/accounts/{a}/rate-limit`: `null` clears the override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateLimitRequest {
    pub rate_limit: Option<String>,
}

/// Body of `GET /admin/v1/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountList {
    pub accounts: Vec<Account>,
}

/// Body of `POST /admin/v1/accounts/{a}/environments` and `PUT .../environments/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentRequest {
    /// Environment (tenant) id; generated when absent on create, ignored on update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<EnvironmentStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial: Option<bool>,
}

/// Body of `POST /admin/v1/accounts/{a}/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClientCreateRequest {
    /// Scopes the client may request.
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An OAuth client. `clientSecret` is present only in the response that created it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OAuthClient {
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    pub name: String,
    pub account_uuid: String,
    pub scopes: Vec<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// Body of `GET /admin/v1/accounts/{a}/clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OAuthClientList {
    pub clients: Vec<OAuthClient>,
}

/// One message of `GET /admin/v1/accounts/{a}/outbox`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    pub recipient: String,
    pub subject: String,
    pub body: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// Body of `GET /admin/v1/accounts/{a}/outbox`: messages not sent by SMTP, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Outbox {
    pub messages: Vec<OutboxMessage>,
}

/// Body of `POST /invite/{token}/accept`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationAccepted {
    pub account_uuid: String,
    pub uid: String,
    pub user_status: crate::UserStatus,
}

/// Body of `POST /admin/v1/accounts/{a}/scim-tokens` and `.../scim-tokens/rotate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScimTokenCreateRequest {
    /// A name to tell tokens apart (e.g. the identity provider using it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A SCIM token. `token` is present only in the response that created it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScimToken {
    /// The token's public id (the middle part of `dt0s01.<id>.<secret>`).
    pub id: String,
    pub name: String,
    pub account_uuid: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// Body of `GET /admin/v1/accounts/{a}/scim-tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScimTokenList {
    pub tokens: Vec<ScimToken>,
}
