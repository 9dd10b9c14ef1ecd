//! Permissions (seed 000: listPermissions; group permission writes come from the real API).

use crate::authz::{Admin, IdmReader, IdmWriter};
use crate::ids::{AccountId, EnvironmentId, GroupId};
use crate::model::{Group, PermissionAssignment, PermissionScope};
use crate::service::Accountd;
use crate::{Error, Result};

/// Permission names: the real API's enum (`PermissionsDto.permissionName`) plus the two that
/// seed 000 names (`tenant-operator`, `tenant-admin`).
pub const PERMISSION_NAMES: [&str; 17] = [
    "account-company-info",
    "account-user-management",
    "account-viewer",
    "account-saml-flexible-federation",
    "tenant-viewer",
    "tenant-manage-settings",
    "tenant-agent-install",
    "tenant-logviewer",
    "tenant-view-sensitive-request-data",
    "tenant-configure-request-capture-data",
    "tenant-replay-sessions-with-masking",
    "tenant-replay-sessions-without-masking",
    "tenant-manage-security-problems",
    "tenant-view-security-problems",
    "tenant-manage-support-tickets",
    "tenant-operator",
    "tenant-admin",
];

fn group_not_found(group: &str) -> Error {
    Error::NotFound(format!("group '{group}' not found"))
}

/// A change to a group's permissions as the request gives it.
#[derive(Debug, Clone, Copy)]
pub enum PermissionChange<'a> {
    Add(&'a [PermissionInput]),
    Replace(&'a [PermissionInput]),
    Remove(&'a PermissionInput),
}

/// Whether a non-empty list of permissions is all tenant- or management-zone-scoped (then
/// `account-env-write` may add or remove them). A replacement also removes what it does not
/// name, so it always needs `account-idm-write`.
pub fn tenant_scoped_only(inputs: &[PermissionInput]) -> bool {
    !inputs.is_empty()
        && inputs.iter().all(|p| {
            let t = p.scope_type.to_ascii_lowercase().replace('_', "-");
            t == "tenant" || t == "management-zone"
        })
}

/// One permission as a request declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionInput {
    pub permission_name: String,
    pub scope: String,
    /// `account`, `tenant` or `management-zone`, in any case.
    pub scope_type: String,
}

impl Accountd {
    pub async fn list_permissions(&self, access: &IdmReader) -> Result<Vec<PermissionAssignment>> {
        self.store.list_permissions(access.account()).await
    }

    /// Checks names, scope types and scopes against the account.
    pub(crate) async fn validate_permissions(
        &self,
        account: AccountId,
        group: GroupId,
        inputs: &[PermissionInput],
    ) -> Result<Vec<PermissionAssignment>> {
        let mut out: Vec<PermissionAssignment> = Vec::with_capacity(inputs.len());
        for input in inputs {
            if !PERMISSION_NAMES.contains(&input.permission_name.as_str()) {
                return Err(Error::invalid(
                    "permissionName",
                    format!(
                        "'{}' is not a known permission; use one of: {}",
                        input.permission_name,
                        PERMISSION_NAMES.join(", ")
                    ),
                ));
            }
            let scope = self
                .parse_scope(account, &input.scope_type, &input.scope)
                .await?;
            let assignment = PermissionAssignment {
                group,
                name: input.permission_name.clone(),
                scope,
            };
            if !out.contains(&assignment) {
                out.push(assignment);
            }
        }
        Ok(out)
    }

    async fn parse_scope(
        &self,
        account: AccountId,
        scope_type: &str,
        scope: &str,
    ) -> Result<PermissionScope> {
        let normalized = scope_type.to_ascii_lowercase().replace('_', "-");
        match normalized.as_str() {
            "account" => match AccountId::parse(scope) {
                Some(id) if id == account => Ok(PermissionScope::Account(id)),
                _ => Err(Error::invalid(
                    "scope",
                    format!(
                        "an account permission's scope must be this account's uuid {account}, not '{scope}'"
                    ),
                )),
            },
            "tenant" => Ok(PermissionScope::Tenant(
                self.account_environment(account, scope).await?,
            )),
            "management-zone" => {
                let (environment, zone) = scope.split_once(':').filter(|(_, z)| !z.is_empty()).ok_or_else(|| {
                    Error::invalid("scope", format!("a management-zone scope must look like '<environment id>:<zone id>', not '{scope}'"))
                })?;
                Ok(PermissionScope::ManagementZone {
                    environment: self.account_environment(account, environment).await?,
                    zone: zone.to_owned(),
                })
            }
            _ => Err(Error::invalid(
                "scopeType",
                format!(
                    "'{scope_type}' is not a scope type; use account, tenant or management-zone"
                ),
            )),
        }
    }

    async fn account_environment(&self, account: AccountId, id: &str) -> Result<EnvironmentId> {
        let unknown = || {
            Error::invalid(
                "scope",
                format!("'{id}' is not an environment of account {account}"),
            )
        };
        let parsed = EnvironmentId::parse(id).map_err(|_| unknown())?;
        match self.store.get_environment(account, &parsed).await? {
            Some(_) => Ok(parsed),
            None => Err(unknown()),
        }
    }

    /// The group and its permissions (real API `GET .../groups/{groupId}/permissions`).
    pub async fn group_permissions(
        &self,
        access: &IdmReader,
        group: &str,
    ) -> Result<(Group, Vec<PermissionAssignment>)> {
        let id = GroupId::parse(group).ok_or_else(|| group_not_found(group))?;
        let found = self
            .store
            .get_group(access.account(), id)
            .await?
            .ok_or_else(|| group_not_found(group))?;
        let permissions = self
            .store
            .list_permissions(access.account())
            .await?
            .into_iter()
            .filter(|p| p.group == id)
            .collect();
        Ok((found, permissions))
    }

    /// POST adds, PUT replaces (`[]` clears), DELETE removes one.
    pub async fn change_group_permissions(
        &self,
        access: &IdmWriter,
        group: &str,
        change: PermissionChange<'_>,
    ) -> Result<()> {
        let account = access.account();
        let ctx = self.audit(access.actor());
        let id = GroupId::parse(group).ok_or_else(|| group_not_found(group))?;
        let done = match change {
            PermissionChange::Add(inputs) => {
                let assignments = self.validate_permissions(account, id, inputs).await?;
                self.store
                    .add_group_permissions(account, id, &assignments, &ctx)
                    .await?
            }
            PermissionChange::Replace(inputs) => {
                let assignments = self.validate_permissions(account, id, inputs).await?;
                self.store
                    .set_group_permissions(account, id, &assignments, &ctx)
                    .await?
            }
            PermissionChange::Remove(input) => {
                let assignment = self
                    .validate_permissions(account, id, std::slice::from_ref(input))
                    .await?;
                let Some(assignment) = assignment.first() else {
                    return Ok(());
                };
                match self
                    .store
                    .remove_group_permission(account, assignment, &ctx)
                    .await?
                {
                    None => false,
                    Some(true) => true,
                    Some(false) => {
                        return Err(Error::NotFound(format!(
                            "group '{group}' has no permission '{}' on {} '{}'",
                            input.permission_name, input.scope_type, input.scope
                        )));
                    }
                }
            }
        };
        if done {
            Ok(())
        } else {
            Err(group_not_found(group))
        }
    }

    /// Makes `inputs` the complete permission list of a group (bootstrap and admin).
    pub(crate) async fn put_group_permissions(
        &self,
        admin: &Admin,
        account: AccountId,
        group: GroupId,
        inputs: &[PermissionInput],
    ) -> Result<()> {
        let assignments = self.validate_permissions(account, group, inputs).await?;
        if self
            .store
            .set_group_permissions(account, group, &assignments, &self.audit(admin.actor()))
            .await?
        {
            Ok(())
        } else {
            Err(Error::NotFound(format!("group '{group}' not found")))
        }
    }
}
