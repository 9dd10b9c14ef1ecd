//! The bootstrap file (applied at every start, idempotently) and the demo account.
//!
//! Declared objects are created or brought to the declared state; undeclared objects are left
//! alone. An object that already matches is not written at all, so applying the same file twice
//! changes nothing (not even a `lastModifiedAt`).

use serde::Deserialize;

use crate::admin::ClientInput;
use crate::authz::Admin;
use crate::environments::EnvironmentInput;
use crate::groups::GroupInput;
use crate::ids::{AccountId, Email, GroupId, UserRef};
use crate::model::{EnvironmentStatus, GroupOwner, UserStatus};
use crate::permissions::PermissionInput;
use crate::scope::Scope;
use crate::secret::Secret;
use crate::service::Accountd;
use crate::users::UserInput;
use crate::{Error, Result};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapFile {
    #[serde(default)]
    pub accounts: Vec<BootstrapAccount>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BootstrapAccount {
    pub uuid: String,
    pub name: String,
    /// Overrides the server's default rate limit for this account (`200/min`).
    #[serde(default)]
    pub rate_limit: Option<String>,
    #[serde(default)]
    pub environments: Vec<BootstrapEnvironment>,
    #[serde(default)]
    pub oauth_clients: Vec<BootstrapClient>,
    #[serde(default)]
    pub groups: Vec<BootstrapGroup>,
    #[serde(default)]
    pub users: Vec<BootstrapUser>,
    /// SCIM bearer tokens (`dt0s01.<id>.<secret>`) the account's SCIM clients use.
    #[serde(default)]
    pub scim_tokens: Vec<BootstrapScimToken>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapScimToken {
    pub token: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BootstrapEnvironment {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub status: Option<BootstrapEnvironmentStatus>,
    #[serde(default)]
    pub trial: Option<bool>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BootstrapEnvironmentStatus {
    Active,
    Suspended,
    Trial,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BootstrapClient {
    pub client_id: String,
    pub client_secret: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BootstrapGroup {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// When given, the group's complete permission list.
    #[serde(default)]
    pub permissions: Option<Vec<BootstrapPermission>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BootstrapPermission {
    pub permission_name: String,
    pub scope: String,
    pub scope_type: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BootstrapUser {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Group names (or group ids) of the account; the user's complete membership list.
    #[serde(default)]
    pub groups: Vec<String>,
    /// `ACTIVE` (default for new users), `INACTIVE` or `PENDING_INVITE`.
    #[serde(default)]
    pub status: Option<String>,
}

/// Credentials of a freshly created demo account, to print once.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub account: AccountId,
    pub environment: String,
    pub client_id: String,
    pub client_secret: Secret,
}

/// Prefixes an error with the place in the file it concerns.
fn at(path: &str) -> impl Fn(Error) -> Error + '_ {
    move |err| match err {
        Error::Invalid { field, reason } => Error::invalid(format!("{path}.{field}"), reason),
        Error::Conflict(message) | Error::NotFound(message) => {
            Error::invalid(path.to_owned(), message)
        }
        other => other,
    }
}

impl Accountd {
    /// Applies a bootstrap file. Errors name the path of the offending entry
    /// (e.g. `accounts[0].users[2].email`).
    pub async fn apply_bootstrap(&self, file: &BootstrapFile) -> Result<()> {
        let admin = self.bootstrap_admin();
        for (i, account) in file.accounts.iter().enumerate() {
            self.apply_account(&admin, account, &format!("accounts[{i}]"))
                .await?;
        }
        Ok(())
    }

    async fn apply_account(
        &self,
        admin: &Admin,
        declared: &BootstrapAccount,
        path: &str,
    ) -> Result<()> {
        let id = AccountId::parse(&declared.uuid).ok_or_else(|| {
            Error::invalid(
                format!("{path}.uuid"),
                format!("'{}' is not a uuid", declared.uuid),
            )
        })?;
        let rate_limit = declared.rate_limit.as_deref();
        match self.store.get_account(id).await? {
            None => {
                self.create_account(admin, Some(&declared.uuid), &declared.name, rate_limit)
                    .await
                    .map_err(at(path))?;
            }
            Some(existing) => {
                if existing.name != declared.name {
                    crate::validate::required_text(
                        "name",
                        &declared.name,
                        crate::validate::NAME_MAX,
                    )
                    .map_err(at(path))?;
                    self.store
                        .rename_account(id, &declared.name, &self.audit(admin.actor()))
                        .await?;
                }
                let wanted = rate_limit
                    .map(crate::rate_limit::RateLimit::parse)
                    .transpose()
                    .map_err(at(path))?;
                if existing.rate_limit != wanted {
                    self.set_account_rate_limit(admin, id, rate_limit)
                        .await
                        .map_err(at(path))?;
                }
            }
        }
        for (i, env) in declared.environments.iter().enumerate() {
            self.apply_environment(admin, id, env)
                .await
                .map_err(at(&format!("{path}.environments[{i}]")))?;
        }
        for (i, client) in declared.oauth_clients.iter().enumerate() {
            let input = ClientInput {
                client_id: Some(client.client_id.clone()),
                client_secret: Some(Secret::new(client.client_secret.clone())),
                name: client.name.clone(),
                scopes: client.scopes.clone(),
            };
            let sub = format!("{path}.oauthClients[{i}]");
            self.put_client(admin, id, &input).await.map_err(at(&sub))?;
        }
        for (i, group) in declared.groups.iter().enumerate() {
            self.apply_group(admin, id, group)
                .await
                .map_err(at(&format!("{path}.groups[{i}]")))?;
        }
        for (i, user) in declared.users.iter().enumerate() {
            self.apply_user(admin, id, user)
                .await
                .map_err(at(&format!("{path}.users[{i}]")))?;
        }
        for (i, token) in declared.scim_tokens.iter().enumerate() {
            self.put_scim_token(admin, id, token.name.as_deref(), &token.token)
                .await
                .map_err(at(&format!("{path}.scimTokens[{i}]")))?;
        }
        Ok(())
    }

    async fn apply_environment(
        &self,
        admin: &Admin,
        account: AccountId,
        declared: &BootstrapEnvironment,
    ) -> Result<()> {
        let input = EnvironmentInput {
            id: Some(declared.id.clone()),
            name: declared.name.clone(),
            status: declared.status.map(|s| match s {
                BootstrapEnvironmentStatus::Active => EnvironmentStatus::Active,
                BootstrapEnvironmentStatus::Suspended => EnvironmentStatus::Suspended,
                BootstrapEnvironmentStatus::Trial => EnvironmentStatus::Trial,
            }),
            trial: declared.trial,
        };
        if let Ok(id) = crate::ids::EnvironmentId::parse(&declared.id)
            && let Some(existing) = self.store.get_environment(account, &id).await?
        {
            let status = input.status.unwrap_or(EnvironmentStatus::Active);
            let trial = input.trial.unwrap_or(status == EnvironmentStatus::Trial);
            if existing.name == input.name && existing.status == status && existing.trial == trial {
                return Ok(());
            }
        }
        self.put_environment(admin, account, &input)
            .await
            .map(|_| ())
    }

    async fn apply_group(
        &self,
        admin: &Admin,
        account: AccountId,
        declared: &BootstrapGroup,
    ) -> Result<()> {
        let input = GroupInput {
            name: declared.name.clone(),
            description: declared.description.clone(),
        };
        let group = match self
            .store
            .find_group_by_name(account, &declared.name)
            .await?
        {
            None => {
                self.insert_group(admin.actor(), account, &input, GroupOwner::Local)
                    .await?
            }
            Some(existing) => {
                let description = declared.description.clone().unwrap_or_default();
                if existing.description != description {
                    let change = crate::store::GroupChange {
                        name: existing.name.clone(),
                        description: crate::validate::optional_text(
                            "description",
                            &description,
                            crate::validate::DESCRIPTION_MAX,
                        )?,
                        updated_at: self.now(),
                    };
                    self.store
                        .update_group(account, existing.id, &change, &self.audit(admin.actor()))
                        .await?;
                }
                existing
            }
        };
        if let Some(permissions) = &declared.permissions {
            let inputs: Vec<PermissionInput> = permissions
                .iter()
                .map(|p| PermissionInput {
                    permission_name: p.permission_name.clone(),
                    scope: p.scope.clone(),
                    scope_type: p.scope_type.clone(),
                })
                .collect();
            let wanted = self
                .validate_permissions(account, group.id, &inputs)
                .await
                .map_err(at("permissions"))?;
            let current: Vec<_> = self
                .store
                .list_permissions(account)
                .await?
                .into_iter()
                .filter(|p| p.group == group.id)
                .collect();
            let same = wanted.len() == current.len() && wanted.iter().all(|w| current.contains(w));
            if !same {
                self.put_group_permissions(admin, account, group.id, &inputs)
                    .await
                    .map_err(at("permissions"))?;
            }
        }
        Ok(())
    }

    async fn apply_user(
        &self,
        admin: &Admin,
        account: AccountId,
        declared: &BootstrapUser,
    ) -> Result<()> {
        let status = match declared.status.as_deref() {
            None => None,
            Some(text) => Some(UserStatus::parse(text).ok_or_else(|| {
                Error::invalid(
                    "status",
                    format!(
                        "'{text}' is not a user status; use ACTIVE, INACTIVE or PENDING_INVITE"
                    ),
                )
            })?),
        };
        let mut groups = Vec::with_capacity(declared.groups.len());
        for (i, name) in declared.groups.iter().enumerate() {
            let group = match self.store.find_group_by_name(account, name).await? {
                Some(group) => Some(group.id),
                None => match GroupId::parse(name) {
                    Some(id) => self.store.get_group(account, id).await?.map(|g| g.id),
                    None => None,
                },
            };
            let id = group.ok_or_else(|| {
                Error::invalid(
                    format!("groups[{i}]"),
                    format!("no group named '{name}' in this account"),
                )
            })?;
            groups.push(id.to_string());
        }
        let input = UserInput {
            email: declared.email.clone(),
            first_name: declared.first_name.clone(),
            last_name: declared.last_name.clone(),
            groups: Some(groups),
        };
        let email = Email::parse(&declared.email)?;
        let user_ref = UserRef::Email(email);
        match self.store.get_user(account, &user_ref).await? {
            None => {
                self.create_user_with_status(
                    admin.actor(),
                    account,
                    &input,
                    status.unwrap_or(UserStatus::Active),
                )
                .await?;
            }
            Some(existing) => {
                let wanted_groups =
                    crate::users::parse_group_ids(input.groups.as_deref().unwrap_or_default())?;
                let same_groups = existing.groups.len() == wanted_groups.len()
                    && wanted_groups.iter().all(|g| existing.groups.contains(g));
                let unchanged = existing.email.as_str() == declared.email
                    && existing.first_name == declared.first_name
                    && existing.last_name == declared.last_name
                    && same_groups
                    && status.is_none_or(|s| s == existing.status);
                if !unchanged {
                    self.replace_user(admin.actor(), account, &user_ref, &input, status)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Creates the demo account when the database holds no account and none was ever created
    /// by this function; `None` otherwise (a restart never creates a second one).
    pub async fn ensure_demo_account(&self) -> Result<Option<DemoAccount>> {
        if self.store.count_accounts().await? > 0
            || !self.store.claim_flag("demo-account-created").await?
        {
            return Ok(None);
        }
        let admin = self.bootstrap_admin();
        let account = self
            .create_account(&admin, None, "Demo account", None)
            .await?;
        let environment = self
            .create_environment(
                &admin,
                account.id,
                &EnvironmentInput {
                    id: None,
                    name: "Demo environment".into(),
                    status: None,
                    trial: Some(false),
                },
            )
            .await?;
        let (client, secret) = self
            .create_client(
                &admin,
                account.id,
                &ClientInput {
                    client_id: None,
                    client_secret: None,
                    name: Some("Demo client".into()),
                    scopes: Scope::ALL.iter().map(|s| s.as_str().to_owned()).collect(),
                },
            )
            .await?;
        Ok(Some(DemoAccount {
            account: account.id,
            environment: environment.id.to_string(),
            client_id: client.client_id,
            client_secret: secret,
        }))
    }
}
