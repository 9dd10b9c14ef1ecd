//! Client-credentials tokens: fetched on first use, cached, refreshed a minute before expiry.

use std::time::{Duration, Instant};

use accountd_proto::{OAuthErrorResponse, TokenResponse};
use tokio::sync::Mutex;

use crate::retry::Retrier;
use crate::{Error, Result};

/// How the client authenticates.
#[derive(Clone)]
pub enum Credentials {
    /// OAuth2 client credentials against `token_url` (`scope` absent: all the client's scopes).
    ClientCredentials {
        token_url: String,
        client_id: String,
        client_secret: String,
        scope: Option<String>,
    },
    /// A bearer token obtained elsewhere, used as is.
    Token(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::ClientCredentials {
                token_url,
                client_id,
                scope,
                ..
            } => f
                .debug_struct("ClientCredentials")
                .field("token_url", token_url)
                .field("client_id", client_id)
                .field("scope", scope)
                .finish_non_exhaustive(),
            Credentials::Token(_) => f.write_str("Token(<redacted>)"),
        }
    }
}

/// Refresh this long before the token expires, so a request never races the expiry.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

pub(crate) struct TokenSource {
    http: reqwest::Client,
    credentials: Credentials,
    resource: String,
    cached: Mutex<Option<(String, Instant)>>,
}

impl TokenSource {
    pub fn new(http: reqwest::Client, credentials: Credentials, account: &str) -> Self {
        Self {
            http,
            credentials,
            resource: format!("urn:dtaccount:{account}"),
            cached: Mutex::new(None),
        }
    }

    /// The cached token, or a new one (the token request is retried on 429/503 by `retrier`).
    pub async fn token(&self, retrier: &Retrier) -> Result<String> {
        let (token_url, client_id, client_secret, scope) = match &self.credentials {
            Credentials::Token(token) => return Ok(token.clone()),
            Credentials::ClientCredentials {
                token_url,
                client_id,
                client_secret,
                scope,
            } => (token_url, client_id, client_secret, scope),
        };
        let mut cached = self.cached.lock().await;
        if let Some((token, refresh_at)) = cached.as_ref()
            && Instant::now() < *refresh_at
        {
            return Ok(token.clone());
        }
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.as_str()),
            ("resource", self.resource.as_str()),
        ];
        if let Some(scope) = scope {
            form.push(("scope", scope.as_str()));
        }
        let response = retrier
            .run(|| async {
                self.http
                    .post(token_url)
                    .form(&form)
                    .send()
                    .await
                    .map_err(Error::Http)
            })
            .await?;
        let status = response.status();
        let body = response.bytes().await.map_err(Error::Http)?;
        if !status.is_success() {
            let (error, description) = match serde_json::from_slice::<OAuthErrorResponse>(&body) {
                Ok(err) => (err.error, err.error_description),
                Err(_) => (
                    "unknown".to_owned(),
                    String::from_utf8_lossy(&body).into_owned(),
                ),
            };
            return Err(Error::OAuth {
                status,
                error,
                description,
            });
        }
        let token: TokenResponse = serde_json::from_slice(&body).map_err(|err| Error::Decode {
            url: token_url.clone(),
            reason: err.to_string(),
        })?;
        let lifetime = Duration::from_secs(token.expires_in);
        let refresh_at = Instant::now() + lifetime.saturating_sub(REFRESH_MARGIN.min(lifetime / 2));
        *cached = Some((token.access_token.clone(), refresh_at));
        Ok(token.access_token)
    }

    /// Forgets the cached token (after a 401).
    pub async fn invalidate(&self) {
        *self.cached.lock().await = None;
    }
}
