//! `accountctl groups list|get|create|update|delete` and `groups members list|add|remove`.

use accountd_proto::{Group, GroupCreateRequest};

use crate::app::App;
use crate::cli::{GroupsCommand, MembersCommand};
use crate::commands::users::users_table;
use crate::error::CliResult;
use crate::lookup::{self, Groups};
use crate::output::Table;

pub async fn run(app: &App, command: GroupsCommand) -> CliResult {
    match command {
        GroupsCommand::List => {
            let groups = Groups::load(app).await?.all;
            app.out.emit(&groups, || groups_table(&groups))
        }
        GroupsCommand::Get { group } => {
            let group = lookup::group(app, &group).await?;
            let what = format!("group '{}'", group.name);
            let permissions = app
                .client
                .group_permissions(&group.group_id)
                .await
                .map_err(app.about(&what))?;
            let members = app
                .client
                .list_group_members(&group.group_id)
                .await
                .map_err(app.about(&what))?;
            let mut shown = serde_json::to_value(&group).unwrap_or_default();
            if let Some(object) = shown.as_object_mut() {
                object.insert("memberCount".into(), members.count.into());
                object.insert(
                    "permissions".into(),
                    serde_json::to_value(&permissions.permissions).unwrap_or_default(),
                );
            }
            app.out.emit(&shown, || {
                let granted: Vec<String> = permissions
                    .permissions
                    .iter()
                    .map(|p| format!("{} on {} {}", p.permission_name, p.scope_type, p.scope))
                    .collect();
                Table::fields(vec![
                    ("id", group.group_id.clone()),
                    ("name", group.name.clone()),
                    ("description", group.description.clone()),
                    ("owner", group.owner.clone()),
                    ("members", members.count.to_string()),
                    ("permissions", granted.join("\n")),
                    ("created", group.created_at.clone()),
                    ("updated", group.updated_at.clone()),
                ])
            })
        }
        GroupsCommand::Create { name, description } => {
            let request = GroupCreateRequest {
                name: name.clone(),
                description,
            };
            let group = app
                .client
                .create_group(&request)
                .await
                .map_err(app.about(&format!("group '{name}'")))?;
            app.out.emit(&group, || group_fields(&group))
        }
        GroupsCommand::Update {
            group,
            name,
            description,
        } => {
            let current = lookup::group(app, &group).await?;
            // updateGroup replaces name and description: keep what was not given.
            let request = GroupCreateRequest {
                name: name.unwrap_or_else(|| current.name.clone()),
                description: Some(description.unwrap_or_else(|| current.description.clone())),
            };
            let updated = app
                .client
                .update_group(&current.group_id, &request)
                .await
                .map_err(app.about(&format!("group '{group}'")))?;
            app.out.emit(&updated, || group_fields(&updated))
        }
        GroupsCommand::Delete { group } => {
            let found = lookup::group(app, &group).await?;
            app.client
                .delete_group(&found.group_id)
                .await
                .map_err(app.about(&format!("group '{group}'")))?;
            let report =
                serde_json::json!({"deleted": {"groupId": found.group_id, "name": found.name}});
            app.out.report(
                &report,
                &format!("deleted group {} (id {})", found.name, found.group_id),
            )
        }
        GroupsCommand::Members(command) => members(app, command).await,
    }
}

async fn members(app: &App, command: MembersCommand) -> CliResult {
    match command {
        MembersCommand::List { group } => {
            let group = lookup::group(app, &group).await?;
            let members = app
                .client
                .list_group_members(&group.group_id)
                .await
                .map_err(app.about(&format!("group '{}'", group.name)))?;
            app.out.emit(&members.items, || users_table(&members.items))
        }
        MembersCommand::Add { group, users } => {
            let group = lookup::group(app, &group).await?;
            // The group-side route takes uids only (an email is a 400): resolve first.
            let mut found = Vec::with_capacity(users.len());
            for user in &users {
                found.push(lookup::user(app, user).await?);
            }
            let uids: Vec<String> = found.iter().map(|u| u.uid.clone()).collect();
            app.client
                .add_group_members(&group.group_id, &uids)
                .await
                .map_err(app.about(&format!("group '{}'", group.name)))?;
            let emails: Vec<&str> = found.iter().map(|u| u.email.as_str()).collect();
            let report =
                serde_json::json!({"group": group.name, "groupId": group.group_id, "added": uids});
            app.out.report(
                &report,
                &format!("added to group {}: {}", group.name, emails.join(", ")),
            )
        }
        MembersCommand::Remove { group, users } => {
            let group = lookup::group(app, &group).await?;
            let mut removed = Vec::new();
            let mut emails = Vec::new();
            for user in &users {
                let found = lookup::user(app, user).await?;
                app.client
                    .remove_group_member(&group.group_id, &found.uid)
                    .await
                    .map_err(
                        app.about(&format!("membership of '{user}' in group '{}'", group.name)),
                    )?;
                removed.push(found.uid);
                emails.push(found.email);
            }
            let report = serde_json::json!({"group": group.name, "groupId": group.group_id, "removed": removed});
            app.out.report(
                &report,
                &format!("removed from group {}: {}", group.name, emails.join(", ")),
            )
        }
    }
}

fn groups_table(groups: &[Group]) -> Table {
    let mut table = Table::new(&["NAME", "DESCRIPTION", "OWNER", "ID"]);
    for group in groups {
        table.row(vec![
            group.name.clone(),
            group.description.clone(),
            group.owner.clone(),
            group.group_id.clone(),
        ]);
    }
    table
}

fn group_fields(group: &Group) -> Table {
    Table::fields(vec![
        ("id", group.group_id.clone()),
        ("name", group.name.clone()),
        ("description", group.description.clone()),
        ("owner", group.owner.clone()),
        ("created", group.created_at.clone()),
        ("updated", group.updated_at.clone()),
    ])
}
