//! Authorization as capabilities: a handler can only call a service with a value that proves the
//! caller holds the right scope on that account. Values are built only here.

use crate::ids::AccountId;
use crate::rate_limit::RateLimit;
use crate::scope::{Scope, ScopeSet};
use crate::{Error, Result};

/// Who is making a change; recorded with the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Client(String),
    Admin,
    Bootstrap,
    /// Someone holding an invitation token (accepting it).
    Invitation,
    /// A SCIM client, by the public id of its token.
    Scim(String),
}

/// A caller authenticated by an access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub client_id: String,
    pub account: AccountId,
    pub scopes: ScopeSet,
    /// The account's rate-limit override, if it has one.
    pub rate_limit: Option<RateLimit>,
}

macro_rules! capability {
    ($(#[$doc:meta])* $name:ident, $scope:expr, $method:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            account: AccountId,
            actor: Actor,
        }

        impl $name {
            pub fn account(&self) -> AccountId {
                self.account
            }

            pub fn actor(&self) -> &Actor {
                &self.actor
            }
        }

        impl Principal {
            pub fn $method(&self, account: AccountId) -> Result<$name> {
                self.check(account, $scope)?;
                Ok($name { account, actor: Actor::Client(self.client_id.clone()) })
            }
        }

        impl Admin {
            pub fn $method(&self, account: AccountId) -> $name {
                $name { account, actor: self.actor.clone() }
            }
        }
    };
}

capability!(
    /// Reads of users, groups, memberships and permissions of one account.
    IdmReader, Scope::IdmRead, idm_reader
);
capability!(
    /// Writes of users, groups, memberships and permissions of one account.
    IdmWriter, Scope::IdmWrite, idm_writer
);
capability!(
    /// Reads of the environments of one account.
    EnvReader, Scope::EnvRead, env_reader
);

impl Principal {
    /// Group-permission writes need `account-idm-write`; when every permission is tenant- or
    /// management-zone-scoped, `account-env-write` is accepted too (seed 002).
    pub fn permission_writer(
        &self,
        account: AccountId,
        tenant_scoped_only: bool,
    ) -> Result<IdmWriter> {
        if tenant_scoped_only && self.account == account && self.scopes.contains(Scope::EnvWrite) {
            return Ok(IdmWriter {
                account,
                actor: Actor::Client(self.client_id.clone()),
            });
        }
        self.idm_writer(account)
    }

    fn check(&self, account: AccountId, scope: Scope) -> Result<()> {
        if self.account != account {
            return Err(Error::Forbidden(format!(
                "the access token is not valid for account {account}"
            )));
        }
        if !self.scopes.contains(scope) {
            return Err(Error::Forbidden(format!(
                "the access token lacks the scope '{scope}' this operation requires"
            )));
        }
        Ok(())
    }
}

/// A SCIM client holding a valid SCIM token of one account: full control of that account's
/// users, groups and memberships through the SCIM routes (and nothing else). Built only by
/// [`crate::Accountd::authenticate_scim`].
#[derive(Debug, Clone)]
pub struct ScimAgent {
    account: AccountId,
    actor: Actor,
}

impl ScimAgent {
    pub(crate) fn new(account: AccountId, token_id: String) -> Self {
        Self {
            account,
            actor: Actor::Scim(token_id),
        }
    }

    pub fn account(&self) -> AccountId {
        self.account
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }
}

/// Full control of every account: the admin API and the bootstrap file.
#[derive(Debug, Clone)]
pub struct Admin {
    actor: Actor,
}

impl Admin {
    pub(crate) fn new(actor: Actor) -> Self {
        Self { actor }
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_and_account_are_both_required() {
        let account = AccountId::generate();
        let principal = Principal {
            client_id: "c".into(),
            account,
            scopes: [Scope::IdmRead].into_iter().collect(),
            rate_limit: None,
        };
        assert!(principal.idm_reader(account).is_ok());
        assert!(matches!(
            principal.idm_writer(account),
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            principal.env_reader(account),
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            principal.idm_reader(AccountId::generate()),
            Err(Error::Forbidden(_))
        ));
    }
}
