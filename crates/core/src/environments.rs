//! Environments (seed 000: listEnvironments; the admin API manages them).

use crate::authz::{Admin, EnvReader};
use crate::ids::{AccountId, EnvironmentId};
use crate::model::{Environment, EnvironmentStatus};
use crate::page::{Listing, PageKind};
use crate::service::Accountd;
use crate::validate::{NAME_MAX, required_text};
use crate::{Error, Result};

/// An environment as the admin API or the bootstrap file declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentInput {
    pub id: Option<String>,
    pub name: String,
    pub status: Option<EnvironmentStatus>,
    pub trial: Option<bool>,
}

impl EnvironmentInput {
    fn validate(&self, id: EnvironmentId) -> Result<Environment> {
        let status = self.status.unwrap_or(EnvironmentStatus::Active);
        Ok(Environment {
            id,
            name: required_text("name", &self.name, NAME_MAX)?,
            status,
            trial: self.trial.unwrap_or(status == EnvironmentStatus::Trial),
        })
    }
}

fn environment_not_found(id: &str) -> Error {
    Error::NotFound(format!("environment '{id}' not found"))
}

impl Accountd {
    pub async fn list_environments(
        &self,
        access: &EnvReader,
        page_size: Option<u32>,
        page_key: Option<&str>,
    ) -> Result<Listing<Environment>> {
        self.list_page(
            access.account(),
            PageKind::Environments,
            page_size,
            page_key,
            None,
            |query, _| {
                let store = self.store.clone();
                let account = access.account();
                async move { store.list_environments(account, &query).await }
            },
        )
        .await
    }

    pub async fn create_environment(
        &self,
        admin: &Admin,
        account: AccountId,
        input: &EnvironmentInput,
    ) -> Result<Environment> {
        self.require_account(account).await?;
        let id = match &input.id {
            Some(id) => EnvironmentId::parse(id)?,
            None => EnvironmentId::generate(),
        };
        let environment = input.validate(id)?;
        self.store
            .create_environment(account, &environment, &self.audit(admin.actor()))
            .await?;
        Ok(environment)
    }

    pub async fn update_environment(
        &self,
        admin: &Admin,
        account: AccountId,
        id: &str,
        input: &EnvironmentInput,
    ) -> Result<Environment> {
        let parsed = EnvironmentId::parse(id).map_err(|_| environment_not_found(id))?;
        let environment = input.validate(parsed)?;
        if self
            .store
            .update_environment(account, &environment, &self.audit(admin.actor()))
            .await?
        {
            Ok(environment)
        } else {
            Err(environment_not_found(id))
        }
    }

    /// Creates or brings an environment to the declared state (bootstrap).
    pub(crate) async fn put_environment(
        &self,
        admin: &Admin,
        account: AccountId,
        input: &EnvironmentInput,
    ) -> Result<Environment> {
        if let Some(id) = &input.id
            && let Ok(parsed) = EnvironmentId::parse(id)
            && self
                .store
                .get_environment(account, &parsed)
                .await?
                .is_some()
        {
            return self.update_environment(admin, account, id, input).await;
        }
        self.create_environment(admin, account, input).await
    }

    pub async fn delete_environment(
        &self,
        admin: &Admin,
        account: AccountId,
        id: &str,
    ) -> Result<()> {
        let parsed = EnvironmentId::parse(id).map_err(|_| environment_not_found(id))?;
        if self
            .store
            .delete_environment(account, &parsed, &self.audit(admin.actor()))
            .await?
        {
            Ok(())
        } else {
            Err(environment_not_found(id))
        }
    }

    /// All environments of an account, for the admin API (accounts hold few environments).
    pub async fn all_environments(
        &self,
        _admin: &Admin,
        account: AccountId,
    ) -> Result<Vec<Environment>> {
        self.require_account(account).await?;
        let mut all = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store
                .list_environments(
                    account,
                    &crate::page::PageQuery {
                        after,
                        limit: crate::page::MAX_PAGE_SIZE,
                    },
                )
                .await?;
            all.extend(page.items);
            match page.next_after {
                Some(next) => after = Some(next),
                None => return Ok(all),
            }
        }
    }
}
