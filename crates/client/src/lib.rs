//! A typed async client for the Dynatrace Account Management API, for accountd and real
//! Dynatrace alike. One [`Client`] per account; one `impl` file per resource; every type comes
//! from `accountd-proto`, so client and server cannot drift apart.

mod admin;
mod auth;
mod environments;
mod error;
mod groups;
mod http;
mod memberships;
mod paging;
mod permissions;
mod retry;
mod service_users;
mod users;

pub use admin::AdminClient;
pub use auth::Credentials;
pub use error::{Error, Result};
pub use retry::{RetryEvent, RetryObserver, RetryPolicy};
pub use users::UserQuery;

/// The stream type of the paging methods (`users_stream`, ...), re-exported for callers.
pub use futures::stream::BoxStream;

use std::sync::Arc;
use std::time::Duration;

/// Dynatrace's token endpoint; accountd serves the same path on its own address.
pub const DYNATRACE_TOKEN_URL: &str = "https://sso.dynatrace.com/sso/oauth2/token";
/// Dynatrace's Account Management API.
pub const DYNATRACE_API_URL: &str = "https://api.dynatrace.com";

/// A client bound to one account.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    account: String,
    auth: Arc<auth::TokenSource>,
    retrier: retry::Retrier,
}

impl Client {
    /// `base_url` is the API root (`https://api.dynatrace.com` or `http://127.0.0.1:8600`).
    pub fn new(
        base_url: impl Into<String>,
        account: impl Into<String>,
        credentials: Credentials,
    ) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(Error::Http)?;
        let account = account.into();
        Ok(Self {
            auth: Arc::new(auth::TokenSource::new(http.clone(), credentials, &account)),
            http,
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            account,
            retrier: retry::Retrier::default(),
        })
    }

    /// Replaces the retry policy for 429 and 503 answers ([`RetryPolicy::default`] otherwise).
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retrier.policy = policy;
        self
    }

    /// Calls `observer` before every wait for a retry (to tell a person why nothing happens).
    pub fn on_retry(mut self, observer: impl Fn(&RetryEvent) + Send + Sync + 'static) -> Self {
        self.retrier.observer = Some(Arc::new(observer));
        self
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retrier.policy
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// A bearer token for this account (cached; refreshed before it expires).
    pub async fn token(&self) -> Result<String> {
        self.auth.token(&self.retrier).await
    }

    fn iam(&self, rest: &str) -> String {
        format!("{}/iam/v1/accounts/{}{rest}", self.base_url, self.account)
    }

    fn env(&self, rest: &str) -> String {
        format!("{}/env/v1/accounts/{}{rest}", self.base_url, self.account)
    }
}

/// Percent-encodes one path segment (a user id may be an email address).
pub(crate) fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                out.push(char::from(byte))
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}
