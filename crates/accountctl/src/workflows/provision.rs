//! `accountctl provision`: seed 002's provisioning as one idempotent command. The user is found
//! by email; a missing user is created with its groups in one call, an existing one is brought
//! to them (updateUser replaces everything, so the full desired state is sent).

use accountd_proto::{User, UserCreateRequest};
use serde::Serialize;

use crate::app::App;
use crate::cli::ProvisionArgs;
use crate::error::CliResult;
use crate::lookup::Groups;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    email: String,
    uid: String,
    created: bool,
    renamed: bool,
    added_groups: Vec<String>,
    removed_groups: Vec<String>,
    kept_groups: Vec<String>,
    changed: bool,
}

pub async fn run(app: &App, args: ProvisionArgs) -> CliResult {
    let groups = Groups::load(app).await?;
    // Every group is resolved before anything changes.
    let wanted = groups.ids(&args.groups)?;
    let existing = app
        .client
        .find_user_by_email(&args.email)
        .await
        .map_err(app.about(&format!("user '{}'", args.email)))?
        .items
        .into_iter()
        .next();
    let names = |ids: &[String]| -> Vec<String> {
        ids.iter().map(|id| groups.name_of(id).to_owned()).collect()
    };
    let report = match existing {
        None => {
            let request = UserCreateRequest {
                email: args.email.clone(),
                first_name: args.first_name.clone(),
                last_name: args.last_name.clone(),
                groups: (!wanted.is_empty()).then(|| wanted.clone()),
            };
            let user = app
                .client
                .create_user(&request)
                .await
                .map_err(app.about(&format!("user '{}'", args.email)))?;
            Report {
                email: user.email,
                uid: user.uid,
                created: true,
                renamed: false,
                added_groups: names(&wanted),
                removed_groups: Vec::new(),
                kept_groups: Vec::new(),
                changed: true,
            }
        }
        Some(user) => update(app, &args, user, &wanted, &names).await?,
    };
    let prose = prose(&report);
    app.out.report(&report, &prose)
}

async fn update(
    app: &App,
    args: &ProvisionArgs,
    user: User,
    wanted: &[String],
    names: &dyn Fn(&[String]) -> Vec<String>,
) -> CliResult<Report> {
    let added: Vec<String> = wanted
        .iter()
        .filter(|id| !user.groups.contains(id))
        .cloned()
        .collect();
    let removed: Vec<String> = if args.exact_groups {
        user.groups
            .iter()
            .filter(|id| !wanted.contains(id))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let kept: Vec<String> = user
        .groups
        .iter()
        .filter(|id| !removed.contains(id))
        .cloned()
        .collect();
    let renamed = user.first_name != args.first_name || user.last_name != args.last_name;
    let changed = renamed || !added.is_empty() || !removed.is_empty();
    if changed {
        let mut groups = kept.clone();
        groups.extend(added.iter().cloned());
        let request = UserCreateRequest {
            email: user.email.clone(),
            first_name: args.first_name.clone(),
            last_name: args.last_name.clone(),
            groups: Some(groups),
        };
        app.client
            .update_user(&user.uid, &request)
            .await
            .map_err(app.about(&format!("user '{}'", user.email)))?;
    }
    let unchanged_kept: Vec<String> = kept.into_iter().filter(|id| !added.contains(id)).collect();
    Ok(Report {
        email: user.email,
        uid: user.uid,
        created: false,
        renamed,
        added_groups: names(&added),
        removed_groups: names(&removed),
        kept_groups: names(&unchanged_kept),
        changed,
    })
}

fn prose(report: &Report) -> String {
    let mut lines = Vec::new();
    if report.created {
        lines.push(format!(
            "created user {} (uid {}); an invitation was sent",
            report.email, report.uid
        ));
    } else {
        lines.push(format!("user {} exists (uid {})", report.email, report.uid));
    }
    if report.renamed {
        lines.push("  updated first and last name".to_owned());
    }
    for name in &report.added_groups {
        lines.push(format!("  added to group {name}"));
    }
    for name in &report.removed_groups {
        lines.push(format!("  removed from group {name}"));
    }
    for name in &report.kept_groups {
        lines.push(format!("  already in group {name}"));
    }
    if !report.changed {
        lines.push("  nothing to change".to_owned());
    }
    lines.join("\n")
}
