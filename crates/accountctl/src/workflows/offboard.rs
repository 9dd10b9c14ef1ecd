//! `accountctl offboard`: seed 002's offboarding as one command: resolve the uid by email,
//! remove the user from every group, delete it, and say what was done.

use serde::Serialize;

use crate::app::App;
use crate::cli::OffboardArgs;
use crate::error::{CliError, CliResult};
use crate::lookup::Groups;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    email: String,
    uid: String,
    dry_run: bool,
    removed_from_groups: Vec<GroupRef>,
    deleted: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GroupRef {
    group_id: String,
    name: String,
}

pub async fn run(app: &App, args: OffboardArgs) -> CliResult {
    let user = app
        .client
        .find_user_by_email(&args.email)
        .await
        .map_err(app.about(&format!("user '{}'", args.email)))?
        .items
        .into_iter()
        .next()
        .ok_or_else(|| {
            CliError::not_found(format!("no user with email {}", args.email))
                .with_hint("`accountctl users list` shows the users; nothing was changed")
        })?;
    let groups = Groups::load(app).await?;
    let mut removed = Vec::new();
    for group_id in &user.groups {
        if !args.dry_run {
            match app.client.remove_group_member(group_id, &user.uid).await {
                Ok(()) => {}
                // Left the group in the meantime: the goal is reached all the same.
                Err(err) if err.status().is_some_and(|s| s.as_u16() == 404) => continue,
                Err(err) => {
                    return Err(app.err(err, &format!("group '{}'", groups.name_of(group_id))));
                }
            }
        }
        removed.push(GroupRef {
            group_id: group_id.clone(),
            name: groups.name_of(group_id).to_owned(),
        });
    }
    if !args.dry_run {
        app.client
            .delete_user(&user.uid)
            .await
            .map_err(app.about(&format!("user '{}'", user.email)))?;
    }
    let report = Report {
        email: user.email,
        uid: user.uid,
        dry_run: args.dry_run,
        removed_from_groups: removed,
        deleted: !args.dry_run,
    };
    let prose = prose(&report);
    app.out.report(&report, &prose)
}

fn prose(report: &Report) -> String {
    let (remove, delete) = if report.dry_run {
        ("would remove from group", "would delete the user")
    } else {
        ("removed from group", "deleted the user")
    };
    let mut lines = vec![format!(
        "{}offboarding {} (uid {})",
        if report.dry_run { "dry run: " } else { "" },
        report.email,
        report.uid
    )];
    if report.removed_from_groups.is_empty() {
        lines.push("  in no group".to_owned());
    }
    for group in &report.removed_from_groups {
        lines.push(format!("  {remove} {} ({})", group.name, group.group_id));
    }
    lines.push(format!("  {delete}"));
    if report.dry_run {
        lines.push("nothing was changed (dry run)".to_owned());
    }
    lines.join("\n")
}
