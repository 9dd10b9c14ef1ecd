//! `accountctl service-users list|create|get|update|delete` and `accountctl token`.

use accountd_proto::service_users::{ServiceUser, ServiceUserRequest};
use futures::TryStreamExt;

use crate::app::App;
use crate::cli::ServiceUsersCommand;
use crate::error::CliResult;
use crate::output::{Table, print};

pub async fn run(app: &App, command: ServiceUsersCommand) -> CliResult {
    match command {
        ServiceUsersCommand::List { page_size } => {
            let all: Vec<ServiceUser> = app
                .client
                .service_users_stream(page_size)
                .try_collect()
                .await
                .map_err(app.about("service users"))?;
            app.out.emit(&all, || {
                let mut table = Table::new(&["NAME", "DESCRIPTION", "UID"]);
                for su in &all {
                    table.row(vec![
                        su.name.clone(),
                        su.description.clone(),
                        su.uid.clone(),
                    ]);
                }
                table
            })
        }
        ServiceUsersCommand::Create { name, description } => {
            let created = app
                .client
                .create_service_user(&ServiceUserRequest {
                    name: name.clone(),
                    description,
                })
                .await
                .map_err(app.about(&format!("service user '{name}'")))?;
            show(app, &created)
        }
        ServiceUsersCommand::Get { uid } => {
            let found = app
                .client
                .get_service_user(&uid)
                .await
                .map_err(app.about(&format!("service user '{uid}'")))?;
            show(app, &found)
        }
        ServiceUsersCommand::Update {
            uid,
            name,
            description,
        } => {
            let what = format!("service user '{uid}'");
            let current = app
                .client
                .get_service_user(&uid)
                .await
                .map_err(app.about(&what))?;
            // A full replacement: keep what was not given.
            let request = ServiceUserRequest {
                name: name.unwrap_or(current.name),
                description: Some(description.unwrap_or(current.description)),
            };
            let updated = app
                .client
                .update_service_user(&uid, &request)
                .await
                .map_err(app.about(&what))?;
            show(app, &updated)
        }
        ServiceUsersCommand::Delete { uid } => {
            let what = format!("service user '{uid}'");
            let found = app
                .client
                .get_service_user(&uid)
                .await
                .map_err(app.about(&what))?;
            app.client
                .delete_service_user(&uid)
                .await
                .map_err(app.about(&what))?;
            let report = serde_json::json!({"deleted": {"uid": found.uid, "name": found.name}});
            app.out.report(
                &report,
                &format!("deleted service user {} (uid {})", found.name, found.uid),
            )
        }
    }
}

fn show(app: &App, su: &ServiceUser) -> CliResult {
    app.out.emit(su, || {
        Table::fields(vec![
            ("uid", su.uid.clone()),
            ("name", su.name.clone()),
            ("description", su.description.clone()),
            ("email", su.email.clone()),
            ("group", su.group_uuid.clone().unwrap_or_default()),
            ("created", su.created_at.clone()),
        ])
    })
}

/// `accountctl token`: the bare token on stdout, whatever `--output` says, for `$(...)`.
pub async fn token(app: &App) -> CliResult {
    let token = app.client.token().await.map_err(app.about("token"))?;
    print(&token)
}
