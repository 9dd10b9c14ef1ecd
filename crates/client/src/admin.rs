//! The accountd admin API (`/admin/v1`); not part of Dynatrace.

use std::time::Duration;

use accountd_proto::Environment;
use accountd_proto::EnvironmentCollection;
use accountd_proto::User;
use accountd_proto::admin::{
    Account, AccountCreateRequest, AccountList, EnvironmentRequest, OAuthClient,
    OAuthClientCreateRequest, OAuthClientList, Outbox, RateLimitRequest, ScimToken,
    ScimTokenCreateRequest, ScimTokenList,
};
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::http::{NO_BODY, check, decode};
use crate::{Error, Result, segment};

/// A client for accountd's admin API, authenticated with the admin token.
#[derive(Clone)]
pub struct AdminClient {
    http: reqwest::Client,
    base_url: String,
    token: String,
}

impl AdminClient {
    pub fn new(base_url: impl Into<String>, admin_token: impl Into<String>) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(Error::Http)?;
        Ok(Self {
            http,
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            token: admin_token.into(),
        })
    }

    fn url(&self, rest: &str) -> String {
        format!("{}/admin/v1{rest}", self.base_url)
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        rest: &str,
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<T> {
        let url = self.url(rest);
        let mut request = self.http.request(method, &url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        decode(&url, request.send().await.map_err(Error::Http)?).await
    }

    async fn call_no_content(&self, method: Method, rest: &str) -> Result<()> {
        let response = self
            .http
            .request(method, self.url(rest))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(Error::Http)?;
        check(response).await.map(|_| ())
    }

    pub async fn create_account(&self, request: &AccountCreateRequest) -> Result<Account> {
        self.call(Method::POST, "/accounts", Some(request)).await
    }

    pub async fn list_accounts(&self) -> Result<AccountList> {
        self.call(Method::GET, "/accounts", NO_BODY).await
    }

    pub async fn get_account(&self, account: &str) -> Result<Account> {
        self.call(
            Method::GET,
            &format!("/accounts/{}", segment(account)),
            NO_BODY,
        )
        .await
    }

    pub async fn delete_account(&self, account: &str) -> Result<()> {
        self.call_no_content(Method::DELETE, &format!("/accounts/{}", segment(account)))
            .await
    }

    /// Removes the account's users, groups, memberships and permissions.
    pub async fn reset_account(&self, account: &str) -> Result<()> {
        self.call_no_content(
            Method::POST,
            &format!("/accounts/{}/reset", segment(account)),
        )
        .await
    }

    pub async fn create_environment(
        &self,
        account: &str,
        request: &EnvironmentRequest,
    ) -> Result<Environment> {
        self.call(
            Method::POST,
            &format!("/accounts/{}/environments", segment(account)),
            Some(request),
        )
        .await
    }

    pub async fn list_environments(&self, account: &str) -> Result<EnvironmentCollection> {
        self.call(
            Method::GET,
            &format!("/accounts/{}/environments", segment(account)),
            NO_BODY,
        )
        .await
    }

    pub async fn update_environment(
        &self,
        account: &str,
        id: &str,
        request: &EnvironmentRequest,
    ) -> Result<Environment> {
        self.call(
            Method::PUT,
            &format!(
                "/accounts/{}/environments/{}",
                segment(account),
                segment(id)
            ),
            Some(request),
        )
        .await
    }

    pub async fn delete_environment(&self, account: &str, id: &str) -> Result<()> {
        self.call_no_content(
            Method::DELETE,
            &format!(
                "/accounts/{}/environments/{}",
                segment(account),
                segment(id)
            ),
        )
        .await
    }

    /// Creates an OAuth client; the response holds the secret, which is never shown again.
    pub async fn create_client(
        &self,
        account: &str,
        request: &OAuthClientCreateRequest,
    ) -> Result<OAuthClient> {
        self.call(
            Method::POST,
            &format!("/accounts/{}/clients", segment(account)),
            Some(request),
        )
        .await
    }

    pub async fn list_clients(&self, account: &str) -> Result<OAuthClientList> {
        self.call(
            Method::GET,
            &format!("/accounts/{}/clients", segment(account)),
            NO_BODY,
        )
        .await
    }

    pub async fn delete_client(&self, account: &str, client_id: &str) -> Result<()> {
        self.call_no_content(
            Method::DELETE,
            &format!(
                "/accounts/{}/clients/{}",
                segment(account),
                segment(client_id)
            ),
        )
        .await
    }

    /// Creates a SCIM token; `rotate` revokes every other token of the account at once. The
    /// token itself is only in this answer.
    pub async fn create_scim_token(
        &self,
        account: &str,
        request: &ScimTokenCreateRequest,
        rotate: bool,
    ) -> Result<ScimToken> {
        let suffix = if rotate { "/rotate" } else { "" };
        self.call(
            Method::POST,
            &format!("/accounts/{}/scim-tokens{suffix}", segment(account)),
            Some(request),
        )
        .await
    }

    pub async fn list_scim_tokens(&self, account: &str) -> Result<ScimTokenList> {
        self.call(
            Method::GET,
            &format!("/accounts/{}/scim-tokens", segment(account)),
            NO_BODY,
        )
        .await
    }

    pub async fn revoke_scim_token(&self, account: &str, token_id: &str) -> Result<()> {
        self.call_no_content(
            Method::DELETE,
            &format!(
                "/accounts/{}/scim-tokens/{}",
                segment(account),
                segment(token_id)
            ),
        )
        .await
    }

    /// Sets (`Some("100/min")`) or clears (`None`) an account's rate-limit override.
    pub async fn set_rate_limit(&self, account: &str, rate_limit: Option<&str>) -> Result<Account> {
        let body = RateLimitRequest {
            rate_limit: rate_limit.map(str::to_owned),
        };
        self.call(
            Method::PUT,
            &format!("/accounts/{}/rate-limit", segment(account)),
            Some(&body),
        )
        .await
    }

    /// Messages not sent by SMTP (invitations), oldest first.
    pub async fn outbox(&self, account: &str) -> Result<Outbox> {
        self.call(
            Method::GET,
            &format!("/accounts/{}/outbox", segment(account)),
            NO_BODY,
        )
        .await
    }

    /// Sends a `PENDING_INVITE` user a new invitation; earlier links stop working.
    pub async fn resend_invitation(&self, account: &str, user: &str) -> Result<User> {
        let path = format!(
            "/accounts/{}/users/{}/invitation",
            segment(account),
            segment(user)
        );
        self.call(Method::POST, &path, NO_BODY).await
    }

    /// `ACTIVE`/`PENDING_INVITE` → `INACTIVE`.
    pub async fn deactivate_user(&self, account: &str, user: &str) -> Result<User> {
        let path = format!(
            "/accounts/{}/users/{}/deactivate",
            segment(account),
            segment(user)
        );
        self.call(Method::POST, &path, NO_BODY).await
    }

    /// `INACTIVE` → `ACTIVE`.
    pub async fn reactivate_user(&self, account: &str, user: &str) -> Result<User> {
        let path = format!(
            "/accounts/{}/users/{}/reactivate",
            segment(account),
            segment(user)
        );
        self.call(Method::POST, &path, NO_BODY).await
    }
}
