//! `accountctl export` and `accountctl apply`: the account as a file, and back.

mod model;
mod plan;

use std::collections::HashMap;
use std::path::Path;

use accountd_proto::service_users::ServiceUserRequest;
use accountd_proto::{GroupCreateRequest, GroupPermission, UserCreateRequest};
use serde::Serialize;

use crate::app::App;
use crate::cli::{ApplyArgs, ExportArgs};
use crate::error::{CliError, CliResult};
use crate::output::{OutputFormat, print, to_json, to_yaml};
use model::{AccountFile, Current, PermissionEntry};
use plan::{Change, counts, plan, render};

const HEADER: &str =
    "# accountctl export: apply with `accountctl apply FILE [--plan] [--prune]`.\n";

pub async fn export(app: &App, args: ExportArgs) -> CliResult {
    let loading = crate::progress::spinner("reading the account");
    let current = Current::load(app).await;
    loading.finish_and_clear();
    let current = current?;
    let file = current.to_file();
    let text = format!("{HEADER}{}", to_yaml(&file)?);
    match args.file {
        Some(path) => {
            std::fs::write(&path, &text)
                .map_err(|e| CliError::general(format!("cannot write {}: {e}", path.display())))?;
            app.out.note(&format!(
                "exported {} groups, {} users, {} service users to {}",
                file.groups.len(),
                file.users.len(),
                file.service_users.len(),
                path.display()
            ));
            Ok(())
        }
        None => print(&text),
    }
}

fn read(path: &Path) -> CliResult<AccountFile> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?;
    yaml_serde::from_str(&text).map_err(|e| {
        CliError::usage(format!("{} is not an account file: {e}", path.display()))
            .with_hint("write one with `accountctl export`")
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Applied<'a> {
    applied: bool,
    added: usize,
    changed: usize,
    destroyed: usize,
    changes: &'a [Change],
}

pub async fn apply(app: &App, args: ApplyArgs) -> CliResult {
    let file = read(&args.file)?;
    let current = Current::load(app).await?;
    check(&file, &current)?;
    let changes = plan(&current, &file, args.prune);
    let (added, changed, destroyed) = counts(&changes);
    let summary = Applied {
        applied: !args.plan,
        added,
        changed,
        destroyed,
        changes: &changes,
    };
    if args.plan {
        return emit(app, &summary, &render(&changes));
    }
    let mut run = Run {
        app,
        group_ids: current
            .groups
            .iter()
            .map(|(g, _)| (g.name.clone(), g.group_id.clone()))
            .collect(),
    };
    let verbose = app.out.format == OutputFormat::Table;
    let progress = crate::progress::bar(changes.len() as u64, "applying");
    for change in &changes {
        let applied = run.apply(change).await;
        if let Err(err) = applied {
            progress.abandon();
            return Err(err);
        }
        if verbose {
            let line = format!("{} ... done", change.headline());
            if progress.is_hidden() {
                print(&line)?
            } else {
                progress.println(line)
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    let text = if changes.is_empty() {
        "No changes: the account matches the file.".to_owned()
    } else {
        format!("Apply complete: {added} added, {changed} changed, {destroyed} destroyed.")
    };
    emit(app, &summary, &text)
}

fn emit(app: &App, summary: &Applied<'_>, text: &str) -> CliResult {
    match app.out.format {
        OutputFormat::Json => print(&to_json(summary)?),
        OutputFormat::Yaml => print(&to_yaml(summary)?),
        OutputFormat::Table | OutputFormat::Csv => print(text),
    }
}

/// Before any change: the environments and groups the file names must exist (or be declared).
fn check(file: &AccountFile, current: &Current) -> CliResult {
    for env in &file.environments {
        if !current.environments.iter().any(|e| e.id == env.id) {
            return Err(CliError::general(format!(
                "environment {} ({}) of the file does not exist in account {}",
                env.id, env.name, current.account
            ))
            .with_hint("environments are created by Dynatrace (or accountd's admin API), not by apply; nothing was changed"));
        }
    }
    let declared = |name: &str| {
        file.groups.iter().any(|g| g.name == name)
            || current.groups.iter().any(|(g, _)| g.name == name)
    };
    let memberships = file
        .users
        .iter()
        .flat_map(|u| u.groups.iter().map(move |g| (u.email.as_str(), g)))
        .chain(
            file.service_users
                .iter()
                .flat_map(|s| s.groups.iter().map(move |g| (s.name.as_str(), g))),
        );
    for (who, group) in memberships {
        if !declared(group) {
            return Err(CliError::general(format!(
                "{who} is in group '{group}', which neither the file nor the account has"
            ))
            .with_hint("declare the group under `groups:`; nothing was changed"));
        }
    }
    Ok(())
}

struct Run<'a> {
    app: &'a App,
    /// Group name → id, growing as groups are created.
    group_ids: HashMap<String, String>,
}

impl Run<'_> {
    fn ids(&self, names: &[String]) -> CliResult<Vec<String>> {
        names
            .iter()
            .map(|name| {
                self.group_ids
                    .get(name)
                    .cloned()
                    .ok_or_else(|| CliError::general(format!("group '{name}' is unknown")))
            })
            .collect()
    }

    fn wire(&self, permissions: &[PermissionEntry]) -> Vec<GroupPermission> {
        permissions
            .iter()
            .map(|p| p.to_wire(self.app.account()))
            .collect()
    }

    async fn apply(&mut self, change: &Change) -> CliResult {
        let app = self.app;
        let client = &app.client;
        match change {
            Change::CreateGroup { group } => {
                let what = format!("group '{}'", group.name);
                let created = client
                    .create_group(&GroupCreateRequest {
                        name: group.name.clone(),
                        description: Some(group.description.clone()),
                    })
                    .await
                    .map_err(app.about(&what))?;
                if !group.permissions.is_empty() {
                    client
                        .replace_group_permissions(
                            &created.group_id,
                            &self.wire(&group.permissions),
                        )
                        .await
                        .map_err(app.about(&what))?;
                }
                self.group_ids.insert(created.name, created.group_id);
            }
            Change::UpdateGroup { id, from, to } => {
                let what = format!("group '{}'", to.name);
                if from.description != to.description {
                    client
                        .update_group(
                            id,
                            &GroupCreateRequest {
                                name: to.name.clone(),
                                description: Some(to.description.clone()),
                            },
                        )
                        .await
                        .map_err(app.about(&what))?;
                }
                if from.permissions != to.permissions {
                    client
                        .replace_group_permissions(id, &self.wire(&to.permissions))
                        .await
                        .map_err(app.about(&what))?;
                }
            }
            Change::DeleteGroup { id, name } => client
                .delete_group(id)
                .await
                .map_err(app.about(&format!("group '{name}'")))?,
            Change::CreateServiceUser { service_user } => {
                let what = format!("service user '{}'", service_user.name);
                let created = client
                    .create_service_user(&ServiceUserRequest {
                        name: service_user.name.clone(),
                        description: Some(service_user.description.clone()),
                    })
                    .await
                    .map_err(app.about(&what))?;
                if let Some(own) = &created.group_uuid
                    && !service_user.permissions.is_empty()
                {
                    client
                        .replace_group_permissions(own, &self.wire(&service_user.permissions))
                        .await
                        .map_err(app.about(&what))?;
                }
                if !service_user.groups.is_empty() {
                    let ids = self.ids(&service_user.groups)?;
                    client
                        .add_user_to_groups(&created.email, &ids)
                        .await
                        .map_err(app.about(&what))?;
                }
            }
            Change::UpdateServiceUser {
                uid,
                email,
                own_group,
                from,
                to,
            } => {
                let what = format!("service user '{}'", to.name);
                if from.description != to.description {
                    client
                        .update_service_user(
                            uid,
                            &ServiceUserRequest {
                                name: to.name.clone(),
                                description: Some(to.description.clone()),
                            },
                        )
                        .await
                        .map_err(app.about(&what))?;
                }
                if let Some(own) = own_group
                    && from.permissions != to.permissions
                {
                    client
                        .replace_group_permissions(own, &self.wire(&to.permissions))
                        .await
                        .map_err(app.about(&what))?;
                }
                if from.groups != to.groups {
                    // The user-side replace keeps the service user in its own group.
                    let mut ids = self.ids(&to.groups)?;
                    ids.extend(own_group.iter().cloned());
                    client
                        .replace_user_groups(email, &ids)
                        .await
                        .map_err(app.about(&what))?;
                }
            }
            Change::DeleteServiceUser { uid, name } => client
                .delete_service_user(uid)
                .await
                .map_err(app.about(&format!("service user '{name}'")))?,
            Change::CreateUser { user } => {
                let ids = self.ids(&user.groups)?;
                client
                    .create_user(&UserCreateRequest {
                        email: user.email.clone(),
                        first_name: user.first_name.clone(),
                        last_name: user.last_name.clone(),
                        groups: (!ids.is_empty()).then_some(ids),
                    })
                    .await
                    .map_err(app.about(&format!("user '{}'", user.email)))?;
            }
            Change::UpdateUser { uid, to, .. } => {
                // The file lists the complete membership: a full replacement is right here.
                let ids = self.ids(&to.groups)?;
                client
                    .update_user(
                        uid,
                        &UserCreateRequest {
                            email: to.email.clone(),
                            first_name: to.first_name.clone(),
                            last_name: to.last_name.clone(),
                            groups: Some(ids),
                        },
                    )
                    .await
                    .map_err(app.about(&format!("user '{}'", to.email)))?;
            }
            Change::DeleteUser { uid, email } => client
                .delete_user(uid)
                .await
                .map_err(app.about(&format!("user '{email}'")))?,
        }
        Ok(())
    }
}
