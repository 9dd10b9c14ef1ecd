//! The account file of `export` and `apply`, and reading an account's current state into it.

use std::collections::{BTreeSet, HashMap};

use accountd_client::UserQuery;
use accountd_proto::service_users::ServiceUser;
use accountd_proto::{Environment, Group, GroupPermission, PermissionScopeType, User};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::CliResult;

/// The whole account, as `export` writes it and `apply` reads it. Groups are named, users are
/// keyed by email, service users by name; memberships name groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountFile {
    /// The account exported (informational: the file may be applied to another account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Environments are created by Dynatrace, not through this API: `apply` only checks that
    /// the ones named here exist.
    #[serde(default)]
    pub environments: Vec<EnvironmentEntry>,
    #[serde(default)]
    pub groups: Vec<GroupEntry>,
    #[serde(default)]
    pub users: Vec<UserEntry>,
    #[serde(default)]
    pub service_users: Vec<ServiceUserEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentEntry {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupEntry {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The group's complete permission list.
    #[serde(default)]
    pub permissions: Vec<PermissionEntry>,
}

/// A permission; `scope` is left out for account-wide ones (the account applied to).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PermissionEntry {
    pub permission_name: String,
    /// `account`, `tenant` or `management-zone`.
    pub scope_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl PermissionEntry {
    pub fn describe(&self) -> String {
        match &self.scope {
            Some(scope) => format!("{} on {} {scope}", self.permission_name, self.scope_type),
            None => format!("{} on the account", self.permission_name),
        }
    }

    /// The wire form for `account`.
    pub fn to_wire(&self, account: &str) -> GroupPermission {
        GroupPermission {
            permission_name: self.permission_name.clone(),
            scope: self.scope.clone().unwrap_or_else(|| account.to_owned()),
            scope_type: self.scope_type.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserEntry {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Names of the user's groups: its complete membership.
    #[serde(default)]
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceUserEntry {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Permissions of the service user's own group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<PermissionEntry>,
    /// Other groups the service user is in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

/// The account as it is, with the ids `apply` needs.
pub struct Current {
    pub account: String,
    pub environments: Vec<Environment>,
    /// Ordinary groups (not those created for service users), with their permissions.
    pub groups: Vec<(Group, Vec<PermissionEntry>)>,
    pub users: Vec<User>,
    /// Service users with their own group's id (if found) and their user record.
    pub service_users: Vec<CurrentServiceUser>,
    /// Group id → name, for every group (service users' groups too).
    pub group_names: HashMap<String, String>,
}

pub struct CurrentServiceUser {
    pub service_user: ServiceUser,
    pub own_group: Option<String>,
    pub groups: Vec<String>,
    pub permissions: Vec<PermissionEntry>,
}

impl Current {
    pub async fn load(app: &App) -> CliResult<Self> {
        let client = &app.client;
        let environments: Vec<Environment> = client
            .environments_stream(None)
            .try_collect()
            .await
            .map_err(app.about("environments"))?;
        let all_groups = client
            .list_all_groups(Some(1000))
            .await
            .map_err(app.about("groups"))?;
        let permissions = client
            .list_permissions()
            .await
            .map_err(app.about("permissions"))?
            .permissions;
        let users: Vec<User> = client
            .users_stream_with(UserQuery {
                page_size: Some(1000),
                ..UserQuery::default()
            })
            .try_collect()
            .await
            .map_err(app.about("users"))?;
        let service_users: Vec<ServiceUser> = client
            .service_users_stream(Some(1000))
            .try_collect()
            .await
            .map_err(app.about("service users"))?;

        let mut by_group: HashMap<&str, Vec<PermissionEntry>> = HashMap::new();
        for p in &permissions {
            let (scope_type, scope) = match p.scope_type {
                PermissionScopeType::Account => ("account", None),
                // Management-zone grants come back as TENANT with `<environment>:<zone>`.
                PermissionScopeType::Tenant if p.scope.contains(':') => {
                    ("management-zone", Some(p.scope.clone()))
                }
                PermissionScopeType::Tenant => ("tenant", Some(p.scope.clone())),
            };
            by_group
                .entry(p.group_id.as_str())
                .or_default()
                .push(PermissionEntry {
                    permission_name: p.permission_name.clone(),
                    scope_type: scope_type.to_owned(),
                    scope,
                });
        }
        let group_names: HashMap<String, String> = all_groups
            .iter()
            .map(|g| (g.group_id.clone(), g.name.clone()))
            .collect();

        let mut current_service_users = Vec::new();
        let mut own_groups = BTreeSet::new();
        for su in service_users {
            // The server names a service user's group after its uid.
            let own_group = su.group_uuid.clone().or_else(|| {
                let name = format!("Service user {}", su.uid);
                all_groups
                    .iter()
                    .find(|g| g.name == name)
                    .map(|g| g.group_id.clone())
            });
            let user = client
                .get_user(&su.uid)
                .await
                .map_err(app.about(&format!("service user '{}'", su.name)))?;
            let mut groups: Vec<String> = user
                .groups
                .iter()
                .filter(|id| Some(*id) != own_group.as_ref())
                .map(|id| group_names.get(id).cloned().unwrap_or_else(|| id.clone()))
                .collect();
            groups.sort();
            let permissions = own_group
                .as_deref()
                .and_then(|id| by_group.get(id).cloned())
                .unwrap_or_default();
            if let Some(id) = &own_group {
                own_groups.insert(id.clone());
            }
            current_service_users.push(CurrentServiceUser {
                service_user: su,
                own_group,
                groups,
                permissions,
            });
        }
        let groups = all_groups
            .into_iter()
            .filter(|g| !own_groups.contains(&g.group_id))
            .map(|g| {
                let permissions = by_group
                    .get(g.group_id.as_str())
                    .cloned()
                    .unwrap_or_default();
                (g, permissions)
            })
            .collect();
        Ok(Self {
            account: app.account().to_owned(),
            environments,
            groups,
            users,
            service_users: current_service_users,
            group_names,
        })
    }

    /// The current state as a file.
    pub fn to_file(&self) -> AccountFile {
        AccountFile {
            account: Some(self.account.clone()),
            environments: self
                .environments
                .iter()
                .map(|e| EnvironmentEntry {
                    id: e.id.clone(),
                    name: e.name.clone(),
                })
                .collect(),
            groups: self
                .groups
                .iter()
                .map(|(g, permissions)| GroupEntry {
                    name: g.name.clone(),
                    description: g.description.clone(),
                    permissions: permissions.clone(),
                })
                .collect(),
            users: self.users.iter().map(|u| self.user_entry(u)).collect(),
            service_users: self
                .service_users
                .iter()
                .map(|s| ServiceUserEntry {
                    name: s.service_user.name.clone(),
                    description: s.service_user.description.clone(),
                    permissions: s.permissions.clone(),
                    groups: s.groups.clone(),
                })
                .collect(),
        }
    }

    pub fn user_entry(&self, user: &User) -> UserEntry {
        let mut groups: Vec<String> = user
            .groups
            .iter()
            .map(|id| {
                self.group_names
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| id.clone())
            })
            .collect();
        groups.sort();
        UserEntry {
            email: user.email.clone(),
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            groups,
        }
    }
}
