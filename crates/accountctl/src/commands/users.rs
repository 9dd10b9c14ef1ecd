//! `accountctl users list|get|create|update|delete`.

use accountd_client::UserQuery;
use accountd_proto::{User, UserCreateRequest};
use futures::TryStreamExt;

use crate::app::App;
use crate::cli::UsersCommand;
use crate::error::CliResult;
use crate::lookup::{self, Groups};
use crate::output::Table;

pub async fn run(app: &App, command: UsersCommand) -> CliResult {
    match command {
        UsersCommand::List {
            email,
            service_users,
            page_size,
        } => {
            let query = UserQuery {
                page_size,
                email,
                service_users,
            };
            let users: Vec<User> = app
                .client
                .users_stream_with(query)
                .try_collect()
                .await
                .map_err(app.about("users"))?;
            app.out.emit(&users, || users_table(&users))
        }
        UsersCommand::Get { user } => {
            let user = lookup::user(app, &user).await?;
            let groups = Groups::load(app).await?;
            show(app, &user, &groups)
        }
        UsersCommand::Create {
            email,
            first_name,
            last_name,
            groups,
        } => {
            let known = Groups::load(app).await?;
            let ids = known.ids(&groups)?;
            let request = UserCreateRequest {
                email: email.clone(),
                first_name,
                last_name,
                groups: (!ids.is_empty()).then_some(ids),
            };
            let user = app
                .client
                .create_user(&request)
                .await
                .map_err(app.about(&format!("user '{email}'")))?;
            show(app, &user, &known)
        }
        UsersCommand::Update {
            user,
            email,
            first_name,
            last_name,
            groups,
            clear_groups,
        } => {
            let current = lookup::user(app, &user).await?;
            let known = Groups::load(app).await?;
            // updateUser replaces the whole user (omitted groups are cleared): start from the
            // current state and change only what was asked.
            let groups = if clear_groups {
                Vec::new()
            } else if groups.is_empty() {
                current.groups.clone()
            } else {
                known.ids(&groups)?
            };
            let request = UserCreateRequest {
                email: email.unwrap_or_else(|| current.email.clone()),
                first_name: first_name.unwrap_or_else(|| current.first_name.clone()),
                last_name: last_name.unwrap_or_else(|| current.last_name.clone()),
                groups: Some(groups),
            };
            let updated = app
                .client
                .update_user(&current.uid, &request)
                .await
                .map_err(app.about(&format!("user '{user}'")))?;
            show(app, &updated, &known)
        }
        UsersCommand::Delete { user } => {
            let found = lookup::user(app, &user).await?;
            app.client
                .delete_user(&found.uid)
                .await
                .map_err(app.about(&format!("user '{user}'")))?;
            let report = serde_json::json!({"deleted": {"uid": found.uid, "email": found.email}});
            app.out.report(
                &report,
                &format!("deleted user {} (uid {})", found.email, found.uid),
            )
        }
    }
}

pub fn users_table(users: &[User]) -> Table {
    let mut table = Table::new(&[
        "EMAIL",
        "FIRST NAME",
        "LAST NAME",
        "STATUS",
        "GROUPS",
        "UID",
    ]);
    for user in users {
        table.row(vec![
            user.email.clone(),
            user.first_name.clone(),
            user.last_name.clone(),
            status(user),
            user.groups.len().to_string(),
            user.uid.clone(),
        ]);
    }
    table
}

fn status(user: &User) -> String {
    serde_json::to_value(user.user_status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// One user, its groups by name in the table form.
fn show(app: &App, user: &User, groups: &Groups) -> CliResult {
    app.out.emit(user, || {
        let names: Vec<String> = user
            .groups
            .iter()
            .map(|id| groups.name_of(id).to_owned())
            .collect();
        Table::fields(vec![
            ("uid", user.uid.clone()),
            ("email", user.email.clone()),
            ("first name", user.first_name.clone()),
            ("last name", user.last_name.clone()),
            ("status", status(user)),
            ("groups", names.join(", ")),
            ("created", user.created_at.clone()),
            ("modified", user.last_modified_at.clone()),
        ])
    })
}
