//! Accounts and OAuth clients: the admin API's operations. The bootstrap file and the demo
//! account go through these same functions.

use crate::authz::Admin;
use crate::ids::AccountId;
use crate::model::{Account, OAuthClient};
use crate::rate_limit::RateLimit;
use crate::scope::{Scope, ScopeSet};
use crate::secret::{Secret, random_upper_alnum};
use crate::service::Accountd;
use crate::validate::{NAME_MAX, optional_text, required_text};
use crate::{Error, Result};

/// Prefix of Dynatrace OAuth client ids and secrets.
pub const CLIENT_PREFIX: &str = "dt0s02.";

/// An OAuth client as the admin API or the bootstrap file declares it.
#[derive(Debug, Clone)]
pub struct ClientInput {
    /// Generated (`dt0s02.<ID>`) when absent.
    pub client_id: Option<String>,
    /// Generated (`dt0s02.<ID>.<SECRET>`, 320 bits) when absent.
    pub client_secret: Option<Secret>,
    pub name: Option<String>,
    pub scopes: Vec<String>,
}

fn account_not_found(account: AccountId) -> Error {
    Error::NotFound(format!("account {account} not found"))
}

pub(crate) fn parse_scopes(raw: &[String]) -> Result<ScopeSet> {
    raw.iter()
        .map(|s| {
            Scope::parse(s).ok_or_else(|| {
                let known: Vec<_> = Scope::ALL.iter().map(|s| s.as_str()).collect();
                Error::invalid(
                    "scopes",
                    format!("unknown scope '{s}'; use one of: {}", known.join(", ")),
                )
            })
        })
        .collect()
}

fn validate_client_id(id: &str) -> Result<String> {
    let ok =
        !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic() && b != b':');
    if ok {
        Ok(id.to_owned())
    } else {
        Err(Error::invalid(
            "clientId",
            format!(
                "'{id}' is not a valid client id (1 to 128 printable ASCII characters, no ':' or spaces)"
            ),
        ))
    }
}

impl Accountd {
    pub async fn create_account(
        &self,
        admin: &Admin,
        uuid: Option<&str>,
        name: &str,
        rate_limit: Option<&str>,
    ) -> Result<Account> {
        let id = match uuid {
            Some(text) => AccountId::parse(text)
                .ok_or_else(|| Error::invalid("uuid", format!("'{text}' is not a uuid")))?,
            None => AccountId::generate(),
        };
        let account = Account {
            id,
            name: required_text("name", name, NAME_MAX)?,
            created_at: self.now(),
            rate_limit: rate_limit.map(RateLimit::parse).transpose()?,
        };
        self.store
            .create_account(&account, &self.audit(admin.actor()))
            .await?;
        Ok(account)
    }

    /// Sets (`Some("200/min")`) or clears (`None`) the account's rate-limit override.
    pub async fn set_account_rate_limit(
        &self,
        admin: &Admin,
        account: AccountId,
        limit: Option<&str>,
    ) -> Result<Account> {
        let limit = limit.map(RateLimit::parse).transpose()?;
        let changed = self
            .store
            .set_account_rate_limit(account, limit, &self.audit(admin.actor()))
            .await?;
        self.forget_token_checks();
        if !changed {
            return Err(account_not_found(account));
        }
        self.require_account(account).await
    }

    pub async fn get_account(&self, _admin: &Admin, account: AccountId) -> Result<Account> {
        self.store
            .get_account(account)
            .await?
            .ok_or_else(|| account_not_found(account))
    }

    pub async fn list_accounts(&self, _admin: &Admin) -> Result<Vec<Account>> {
        self.store.list_accounts().await
    }

    pub async fn delete_account(&self, _admin: &Admin, account: AccountId) -> Result<()> {
        let deleted = self.store.delete_account(account).await?;
        self.forget_token_checks();
        if deleted {
            Ok(())
        } else {
            Err(account_not_found(account))
        }
    }

    /// Removes the account's users, groups, memberships and permissions.
    pub async fn reset_account(&self, admin: &Admin, account: AccountId) -> Result<()> {
        if self
            .store
            .reset_account(account, &self.audit(admin.actor()))
            .await?
        {
            Ok(())
        } else {
            Err(account_not_found(account))
        }
    }

    pub(crate) async fn require_account(&self, account: AccountId) -> Result<Account> {
        self.store
            .get_account(account)
            .await?
            .ok_or_else(|| account_not_found(account))
    }

    /// Creates a client; the returned secret is the only copy that ever leaves the server.
    pub async fn create_client(
        &self,
        admin: &Admin,
        account: AccountId,
        input: &ClientInput,
    ) -> Result<(OAuthClient, Secret)> {
        self.require_account(account).await?;
        let (client, secret) = self.build_client(account, input)?;
        self.store
            .put_client(&client, false, &self.audit(admin.actor()))
            .await?;
        Ok((client, secret))
    }

    /// Creates a client or brings it to the declared secret, name and scopes (bootstrap).
    pub(crate) async fn put_client(
        &self,
        admin: &Admin,
        account: AccountId,
        input: &ClientInput,
    ) -> Result<OAuthClient> {
        let (client, secret) = self.build_client(account, input)?;
        let unchanged = self
            .store
            .find_client(&client.client_id)
            .await?
            .is_some_and(|existing| {
                existing.account == account
                    && existing.secret_digest.matches(&secret)
                    && existing.scopes == client.scopes
                    && existing.name == client.name
            });
        if !unchanged {
            self.store
                .put_client(&client, true, &self.audit(admin.actor()))
                .await?;
        }
        Ok(client)
    }

    fn build_client(
        &self,
        account: AccountId,
        input: &ClientInput,
    ) -> Result<(OAuthClient, Secret)> {
        let scopes = parse_scopes(&input.scopes)?;
        if scopes.is_empty() {
            return Err(Error::invalid(
                "scopes",
                "a client needs at least one scope",
            ));
        }
        let client_id = match &input.client_id {
            Some(id) => validate_client_id(id)?,
            None => format!("{CLIENT_PREFIX}{}", random_upper_alnum(8)),
        };
        let secret = match &input.client_secret {
            Some(secret) if secret.expose().is_empty() => {
                return Err(Error::invalid("clientSecret", "must not be empty"));
            }
            Some(secret) => secret.clone(),
            None => Secret::new(format!("{client_id}.{}", random_upper_alnum(64))),
        };
        let name = optional_text(
            "name",
            input.name.as_deref().unwrap_or(&client_id),
            NAME_MAX,
        )?;
        let client = OAuthClient {
            client_id,
            account,
            name,
            secret_digest: secret.digest(),
            scopes,
            created_at: self.now(),
        };
        Ok((client, secret))
    }

    pub async fn list_clients(
        &self,
        _admin: &Admin,
        account: AccountId,
    ) -> Result<Vec<OAuthClient>> {
        self.require_account(account).await?;
        self.store.list_clients(account).await
    }

    pub async fn delete_client(
        &self,
        admin: &Admin,
        account: AccountId,
        client_id: &str,
    ) -> Result<()> {
        let deleted = self
            .store
            .delete_client(account, client_id, &self.audit(admin.actor()))
            .await?;
        self.forget_token_checks();
        if deleted {
            Ok(())
        } else {
            Err(Error::NotFound(format!(
                "OAuth client '{client_id}' not found in account {account}"
            )))
        }
    }
}
