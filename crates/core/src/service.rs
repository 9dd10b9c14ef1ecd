//! `Accountd`: the entry point of the domain. One per process; cheap to share behind an `Arc`.

use std::sync::Arc;

use crate::authz::{Actor, Admin, Principal};
use crate::clock::Clock;
use crate::invitations::Mailer;
use crate::mac::MacKey;
use crate::page::PageKeys;
use crate::secret::{Secret, SecretDigest, random_bytes};
use crate::store::Store;
use crate::token::{TokenRejection, TokenSigner};
use crate::token_cache::{Cached, TokenCache};
use crate::{Error, Result};

/// Settings the domain needs; the server fills them from its configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Lifetime of issued access tokens, in seconds.
    pub token_ttl_secs: u64,
    /// Digest of the admin token; `None` turns the admin API off.
    pub admin_token: Option<SecretDigest>,
    /// How long an invitation link stays valid, in seconds.
    pub invite_ttl_secs: u64,
    /// The server's address as users reach it, for links in messages.
    pub public_url: String,
    /// How many SCIM tokens an account may hold at once.
    pub scim_token_limit: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            token_ttl_secs: 300,
            admin_token: None,
            invite_ttl_secs: 7 * 86_400,
            public_url: "http://127.0.0.1:8600".to_owned(),
            scim_token_limit: 10,
        }
    }
}

pub struct Accountd {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) tokens: TokenSigner,
    verified_tokens: TokenCache,
    pub(crate) pages: PageKeys,
    pub(crate) settings: Settings,
    pub(crate) mailer: Option<Arc<dyn Mailer>>,
}

impl Accountd {
    /// Loads (or creates, on first start) the server keys from the store.
    pub async fn open(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: Settings,
    ) -> Result<Self> {
        let token_key = store
            .server_key("token-signing", random_bytes::<32>())
            .await?;
        let page_key = store
            .server_key("page-key-mac", random_bytes::<32>())
            .await?;
        Ok(Self {
            store,
            clock,
            tokens: TokenSigner::new(MacKey::from_bytes(token_key)),
            verified_tokens: TokenCache::default(),
            pages: PageKeys::new(MacKey::from_bytes(page_key)),
            settings,
            mailer: None,
        })
    }

    /// Sends invitations through `mailer` instead of the outbox.
    pub fn with_mailer(mut self, mailer: Arc<dyn Mailer>) -> Self {
        self.mailer = Some(mailer);
        self
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Whether the database answers.
    pub async fn ready(&self) -> Result<()> {
        self.store.ping().await
    }

    /// Checks a bearer token and that its client still exists (deleting a client or its account
    /// revokes its tokens at once).
    pub async fn authenticate(&self, bearer: &str) -> Result<Principal> {
        let now_ms = crate::clock::to_millis(self.clock.now());
        let token = match self.verified_tokens.get(bearer, now_ms) {
            Cached::Fresh(principal) => return Ok(principal),
            Cached::Verified(token) => token,
            Cached::Unknown => self
                .tokens
                .verify(bearer, now_ms.div_euclid(1000))
                .map_err(|rejection| {
                    Error::Unauthenticated(match rejection {
                        TokenRejection::Expired => {
                            "the access token has expired; request a new one".to_owned()
                        }
                        TokenRejection::Malformed | TokenRejection::BadSignature => {
                            "the access token is not valid".to_owned()
                        }
                    })
                })?,
        };
        let revoked = || {
            Error::Unauthenticated(
                "the access token was revoked (its OAuth client no longer exists)".to_owned(),
            )
        };
        match self.store.find_client(&token.client_id).await? {
            Some(client) if client.account == token.account => {}
            _ => return Err(revoked()),
        }
        let account = self
            .store
            .get_account(token.account)
            .await?
            .ok_or_else(revoked)?;
        let principal = Principal {
            client_id: token.client_id.clone(),
            account: token.account,
            scopes: token.scopes,
            rate_limit: account.rate_limit,
        };
        self.verified_tokens
            .insert(bearer, token, principal.clone(), now_ms);
        Ok(principal)
    }

    /// Makes every cached token check go back to the store (after a revocation).
    pub(crate) fn forget_token_checks(&self) {
        self.verified_tokens.invalidate();
    }

    /// The admin capability, for a caller presenting the admin token. When the admin API is
    /// off, it answers "not found" whatever was presented.
    pub fn admin(&self, presented: Option<&Secret>) -> Result<Admin> {
        match (&self.settings.admin_token, presented) {
            (None, _) => Err(Error::NotFound(
                "the admin API is disabled: start accountd with --admin-token to enable it"
                    .to_owned(),
            )),
            (Some(_), None) => Err(Error::Unauthenticated(
                "the admin API needs 'Authorization: Bearer <admin token>'".to_owned(),
            )),
            (Some(digest), Some(presented)) if digest.matches(presented) => {
                Ok(Admin::new(Actor::Admin))
            }
            (Some(_), Some(_)) => Err(Error::Unauthenticated(
                "the admin token is not valid".to_owned(),
            )),
        }
    }

    /// The capability the bootstrap file and the demo account are applied with.
    pub fn bootstrap_admin(&self) -> Admin {
        Admin::new(Actor::Bootstrap)
    }

    pub(crate) fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }
}
