//! `accountctl permissions list|grant|revoke` and `accountctl environments list`.

use accountd_proto::{Environment, GroupPermission, Permission};
use futures::TryStreamExt;

use crate::app::App;
use crate::cli::{EnvironmentsCommand, PermissionArgs, PermissionsCommand, ScopeType};
use crate::error::{CliError, CliResult};
use crate::lookup::{self, Groups};
use crate::output::Table;

pub async fn run(app: &App, command: PermissionsCommand) -> CliResult {
    match command {
        PermissionsCommand::List { group } => {
            let groups = Groups::load(app).await?;
            let only = match &group {
                Some(key) => Some(groups.get(key)?.group_id.clone()),
                None => None,
            };
            let permissions: Vec<Permission> = app
                .client
                .list_permissions()
                .await
                .map_err(app.about("permissions"))?
                .permissions
                .into_iter()
                .filter(|p| only.as_ref().is_none_or(|id| &p.group_id == id))
                .collect();
            app.out.emit(&permissions, || {
                let mut table = Table::new(&["GROUP", "PERMISSION", "SCOPE TYPE", "SCOPE"]);
                for p in &permissions {
                    table.row(vec![
                        groups.name_of(&p.group_id).to_owned(),
                        p.permission_name.clone(),
                        wire(&p.scope_type),
                        p.scope.clone(),
                    ]);
                }
                table
            })
        }
        PermissionsCommand::Grant(args) => {
            let (group, permission) = resolve(app, &args).await?;
            app.client
                .add_group_permissions(&group.group_id, std::slice::from_ref(&permission))
                .await
                .map_err(app.about(&format!("group '{}'", group.name)))?;
            let report = serde_json::json!({"granted": permission, "groupId": group.group_id});
            app.out.report(
                &report,
                &format!(
                    "granted {} on {} {} to group {}",
                    permission.permission_name, permission.scope_type, permission.scope, group.name
                ),
            )
        }
        PermissionsCommand::Revoke(args) => {
            let (group, permission) = resolve(app, &args).await?;
            app.client
                .remove_group_permission(&group.group_id, &permission)
                .await
                .map_err(app.about(&format!(
                    "permission {} on {} {} of group '{}'",
                    permission.permission_name, permission.scope_type, permission.scope, group.name
                )))?;
            let report = serde_json::json!({"revoked": permission, "groupId": group.group_id});
            app.out.report(
                &report,
                &format!(
                    "revoked {} on {} {} from group {}",
                    permission.permission_name, permission.scope_type, permission.scope, group.name
                ),
            )
        }
    }
}

async fn resolve(
    app: &App,
    args: &PermissionArgs,
) -> CliResult<(accountd_proto::Group, GroupPermission)> {
    let group = lookup::group(app, &args.group).await?;
    let scope = match (&args.scope, args.scope_type) {
        (Some(scope), _) => scope.clone(),
        (None, ScopeType::Account) => app.account().to_owned(),
        (None, other) => {
            return Err(CliError::usage(format!(
                "--scope is required for scope type {}",
                other.wire()
            ))
            .with_hint("`accountctl environments list` shows the environment ids"));
        }
    };
    Ok((
        group,
        GroupPermission {
            permission_name: args.permission.clone(),
            scope,
            scope_type: args.scope_type.wire().to_owned(),
        },
    ))
}

/// `TENANT` → `tenant`, as the flags spell it.
fn wire<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.to_lowercase()))
        .unwrap_or_default()
}

pub async fn environments(app: &App, command: EnvironmentsCommand) -> CliResult {
    match command {
        EnvironmentsCommand::List => {
            let environments: Vec<Environment> = app
                .client
                .environments_stream(None)
                .try_collect()
                .await
                .map_err(app.about("environments"))?;
            app.out.emit(&environments, || {
                let mut table = Table::new(&["ID", "NAME", "STATUS", "TRIAL"]);
                for env in &environments {
                    table.row(vec![
                        env.id.clone(),
                        env.name.clone(),
                        wire(&env.status).to_uppercase(),
                        env.trial.to_string(),
                    ]);
                }
                table
            })
        }
    }
}
