//! `accountctl access-report`: the identity graph of seed 002, user → groups → permissions →
//! scopes and environments, from listUsers, listGroups, listPermissions and listEnvironments.

use std::collections::HashMap;

use accountd_client::UserQuery;
use accountd_proto::{Environment, Permission, PermissionScopeType, User};
use futures::TryStreamExt;
use serde::Serialize;

use crate::app::App;
use crate::cli::{AccessReportArgs, ReportFormat};
use crate::error::CliResult;
use crate::lookup::{self, Groups};
use crate::output::{OutputFormat, Table, print, to_json, to_yaml};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UserAccess {
    email: String,
    uid: String,
    user_status: String,
    groups: Vec<GroupAccess>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GroupAccess {
    group_id: String,
    name: String,
    permissions: Vec<Grant>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Grant {
    permission_name: String,
    /// `account`, `tenant` or `management-zone`.
    scope_type: String,
    scope: String,
    /// The environment the permission is on (empty for account-wide permissions).
    environment: String,
    environment_name: String,
}

pub async fn run(app: &App, args: AccessReportArgs) -> CliResult {
    let users: Vec<User> = match &args.user {
        Some(key) => vec![lookup::user(app, key).await?],
        None => app
            .client
            .users_stream_with(UserQuery {
                page_size: Some(1000),
                email: None,
                service_users: args.service_users,
            })
            .try_collect()
            .await
            .map_err(app.about("users"))?,
    };
    let groups = Groups::load(app).await?;
    let permissions = app
        .client
        .list_permissions()
        .await
        .map_err(app.about("permissions"))?
        .permissions;
    let environments: Vec<Environment> = app
        .client
        .environments_stream(None)
        .try_collect()
        .await
        .map_err(app.about("environments"))?;
    let env_names: HashMap<&str, &str> = environments
        .iter()
        .map(|e| (e.id.as_str(), e.name.as_str()))
        .collect();
    let mut by_group: HashMap<&str, Vec<Grant>> = HashMap::new();
    for permission in &permissions {
        by_group
            .entry(permission.group_id.as_str())
            .or_default()
            .push(grant(permission, &env_names));
    }

    let mut report = Vec::new();
    for user in users {
        let mut user_groups: Vec<GroupAccess> = user
            .groups
            .iter()
            .map(|id| GroupAccess {
                group_id: id.clone(),
                name: groups.name_of(id).to_owned(),
                permissions: by_group
                    .get(id.as_str())
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|g| {
                        args.environment
                            .as_ref()
                            .is_none_or(|env| &g.environment == env)
                    })
                    .collect(),
            })
            .collect();
        if args.environment.is_some() {
            user_groups.retain(|g| !g.permissions.is_empty());
            if user_groups.is_empty() {
                continue;
            }
        }
        user_groups.sort_by(|a, b| a.name.cmp(&b.name));
        report.push(UserAccess {
            email: user.email.clone(),
            uid: user.uid.clone(),
            user_status: serde_json::to_value(user.user_status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            groups: user_groups,
        });
    }
    report.sort_by_key(|a| a.email.to_lowercase());

    let format = args.format.unwrap_or(match app.out.format {
        OutputFormat::Json => ReportFormat::Json,
        OutputFormat::Csv => ReportFormat::Csv,
        OutputFormat::Table | OutputFormat::Yaml => ReportFormat::Table,
    });
    match (format, app.out.format) {
        (ReportFormat::Json, _) => print(&to_json(&report)?),
        (ReportFormat::Table, OutputFormat::Yaml) if args.format.is_none() => {
            print(&to_yaml(&report)?)
        }
        (ReportFormat::Csv, _) => print(&csv(&report)),
        (ReportFormat::Table, _) => print(&table(&report)),
    }
}

fn grant(permission: &Permission, env_names: &HashMap<&str, &str>) -> Grant {
    // Management-zone grants come back as TENANT with the scope `<environment>:<zone>`.
    let (scope_type, environment) = match permission.scope_type {
        PermissionScopeType::Account => ("account", ""),
        PermissionScopeType::Tenant => match permission.scope.split_once(':') {
            Some((env, _zone)) => ("management-zone", env),
            None => ("tenant", permission.scope.as_str()),
        },
    };
    Grant {
        permission_name: permission.permission_name.clone(),
        scope_type: scope_type.to_owned(),
        scope: permission.scope.clone(),
        environment: environment.to_owned(),
        environment_name: env_names.get(environment).copied().unwrap_or("").to_owned(),
    }
}

/// One row per user, group and permission; a user in no group and a group with no permission
/// get one row with the rest empty.
fn rows(report: &[UserAccess]) -> Vec<[String; 8]> {
    let mut rows = Vec::new();
    for user in report {
        let base = |group: &str, grant: Option<&Grant>| -> [String; 8] {
            [
                user.email.clone(),
                user.user_status.clone(),
                group.to_owned(),
                grant.map(|g| g.permission_name.clone()).unwrap_or_default(),
                grant.map(|g| g.scope_type.clone()).unwrap_or_default(),
                grant.map(|g| g.scope.clone()).unwrap_or_default(),
                grant.map(|g| g.environment.clone()).unwrap_or_default(),
                grant
                    .map(|g| g.environment_name.clone())
                    .unwrap_or_default(),
            ]
        };
        if user.groups.is_empty() {
            rows.push(base("", None));
        }
        for group in &user.groups {
            if group.permissions.is_empty() {
                rows.push(base(&group.name, None));
            }
            for grant in &group.permissions {
                rows.push(base(&group.name, Some(grant)));
            }
        }
    }
    rows
}

fn table(report: &[UserAccess]) -> String {
    let mut table = Table::new(&[
        "USER",
        "STATUS",
        "GROUP",
        "PERMISSION",
        "SCOPE TYPE",
        "SCOPE",
        "ENVIRONMENT",
    ]);
    for row in rows(report) {
        let [
            user,
            status,
            group,
            permission,
            scope_type,
            scope,
            env,
            env_name,
        ] = row;
        let environment = if env_name.is_empty() {
            env
        } else {
            format!("{env_name} ({env})")
        };
        table.row(vec![
            user,
            status,
            group,
            permission,
            scope_type,
            scope,
            environment,
        ]);
    }
    if table.rows.is_empty() {
        return "no access matches\n".to_owned();
    }
    crate::output::render(&table)
}

fn csv(report: &[UserAccess]) -> String {
    let mut table = Table::new(&[
        "email",
        "userStatus",
        "group",
        "permission",
        "scopeType",
        "scope",
        "environment",
        "environmentName",
    ]);
    for row in rows(report) {
        table.row(row.to_vec());
    }
    crate::output::render_csv(&table)
}
