//! SCIM bearer tokens: created (shown once), listed and revoked through the admin API and the
//! bootstrap file, rotated (a new token, every other one revoked at once: seed 002), and
//! checked on every SCIM request. They work only on SCIM routes, as OAuth tokens work only on
//! the others: the two are told apart by their form, and each check accepts only its own.

use crate::authz::{Admin, ScimAgent};
use crate::ids::AccountId;
use crate::scim::ScimToken;
use crate::secret::{Secret, random_upper_alnum};
use crate::service::Accountd;
use crate::validate::{NAME_MAX, optional_text};
use crate::{Error, Result};

/// Every SCIM token starts with this (Dynatrace's prefix for SCIM tokens).
pub const SCIM_TOKEN_PREFIX: &str = "dt0s01.";
/// Length of a generated token's public id and secret part (120 and 320 bits).
const ID_LEN: usize = 24;
const SECRET_LEN: usize = 64;
/// The limits of a token declared in a bootstrap file: long enough to be unguessable.
const MIN_SECRET_LEN: usize = 16;
const MAX_PART_LEN: usize = 128;

/// The two parts of a presented `dt0s01.<id>.<secret>` token; `None` when it has another form.
pub fn split_scim_token(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(SCIM_TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('.')?;
    let well_formed = |part: &str, min: usize| {
        (min..=MAX_PART_LEN).contains(&part.len())
            && part.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    (well_formed(id, 1) && well_formed(secret, MIN_SECRET_LEN)).then_some((id, secret))
}

fn invalid_token() -> Error {
    Error::Unauthenticated("the SCIM token is not valid".to_owned())
}

fn token_name(name: Option<&str>) -> Result<String> {
    optional_text("name", name.unwrap_or("SCIM token"), NAME_MAX)
}

impl Accountd {
    /// Creates a SCIM token for the account; the token is in the answer only. With `rotate`,
    /// every other token of the account stops working in the same transaction.
    pub async fn create_scim_token(
        &self,
        admin: &Admin,
        account: AccountId,
        name: Option<&str>,
        rotate: bool,
    ) -> Result<(ScimToken, Secret)> {
        let name = token_name(name)?;
        let id = random_upper_alnum(ID_LEN);
        let secret = Secret::new(format!(
            "{SCIM_TOKEN_PREFIX}{id}.{}",
            random_upper_alnum(SECRET_LEN)
        ));
        let token = ScimToken {
            id,
            account,
            name,
            digest: secret.digest(),
            created_at: self.now(),
        };
        self.store_scim_token(admin, &token, rotate).await?;
        Ok((token, secret))
    }

    async fn store_scim_token(&self, admin: &Admin, token: &ScimToken, rotate: bool) -> Result<()> {
        let limit = self.settings.scim_token_limit;
        if self
            .store
            .create_scim_token(token, limit, rotate, &self.audit(admin.actor()))
            .await?
        {
            Ok(())
        } else {
            Err(Error::NotFound(format!(
                "account {} not found",
                token.account
            )))
        }
    }

    /// Brings a token declared in a bootstrap file into the store (unchanged: nothing written).
    pub(crate) async fn put_scim_token(
        &self,
        admin: &Admin,
        account: AccountId,
        name: Option<&str>,
        token: &str,
    ) -> Result<()> {
        let Some((id, _)) = split_scim_token(token) else {
            return Err(Error::invalid(
                "token",
                format!(
                    "must have the form '{SCIM_TOKEN_PREFIX}<id>.<secret>': letters and digits, \
                     a secret of at least {MIN_SECRET_LEN}"
                ),
            ));
        };
        let secret = Secret::new(token);
        let wanted = ScimToken {
            id: id.to_owned(),
            account,
            name: token_name(name)?,
            digest: secret.digest(),
            created_at: self.now(),
        };
        if let Some(existing) = self.store.find_scim_token(id).await? {
            if existing.account != account {
                return Err(Error::Conflict(format!(
                    "the SCIM token id '{id}' belongs to another account"
                )));
            }
            if existing.digest.matches(&secret) && existing.name == wanted.name {
                return Ok(());
            }
            self.store
                .delete_scim_token(account, id, &self.audit(admin.actor()))
                .await?;
        }
        self.store_scim_token(admin, &wanted, false).await
    }

    pub async fn list_scim_tokens(
        &self,
        _admin: &Admin,
        account: AccountId,
    ) -> Result<Vec<ScimToken>> {
        self.require_account(account).await?;
        self.store.list_scim_tokens(account).await
    }

    pub async fn revoke_scim_token(
        &self,
        admin: &Admin,
        account: AccountId,
        id: &str,
    ) -> Result<()> {
        if self
            .store
            .delete_scim_token(account, id, &self.audit(admin.actor()))
            .await?
        {
            Ok(())
        } else {
            Err(Error::NotFound(format!(
                "SCIM token '{id}' not found in account {account}"
            )))
        }
    }

    /// Checks a presented SCIM token. `account`, when the route names one, must be the
    /// token's account (a token of another account is refused like an unknown one).
    pub async fn authenticate_scim(
        &self,
        presented: &Secret,
        account: Option<AccountId>,
    ) -> Result<ScimAgent> {
        let (id, _) = split_scim_token(presented.expose()).ok_or_else(invalid_token)?;
        let token = self
            .store
            .find_scim_token(id)
            .await?
            .ok_or_else(invalid_token)?;
        if !token.digest.matches(presented) {
            return Err(invalid_token());
        }
        if account.is_some_and(|account| account != token.account) {
            return Err(Error::Forbidden(format!(
                "the SCIM token is not valid for account {}",
                account.map(|a| a.to_string()).unwrap_or_default()
            )));
        }
        Ok(ScimAgent::new(token.account, token.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_scim_form_splits() {
        let token = format!("dt0s01.{}.{}", "A".repeat(24), "B".repeat(64));
        assert_eq!(
            split_scim_token(&token),
            Some(("AAAAAAAAAAAAAAAAAAAAAAAA", "B".repeat(64).as_str()))
        );
        assert_eq!(split_scim_token("dt0s01.ABC.short"), None);
        assert_eq!(split_scim_token("dt0c01.ABC.BBBBBBBBBBBBBBBBBBBB"), None);
        assert_eq!(split_scim_token("dt0s01..BBBBBBBBBBBBBBBBBBBB"), None);
        assert_eq!(split_scim_token("dt0s01.A-B.BBBBBBBBBBBBBBBBBBBB"), None);
        assert_eq!(split_scim_token("eyJhbGciOiJIUzI1NiJ9.e30.sig"), None);
    }
}
