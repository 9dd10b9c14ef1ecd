//! The difference between the account and a file, as a list of changes, and its
//! Terraform-style rendering.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::sync::model::{
    AccountFile, Current, GroupEntry, PermissionEntry, ServiceUserEntry, UserEntry,
};

/// One change `apply` makes.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum Change {
    CreateGroup {
        group: GroupEntry,
    },
    UpdateGroup {
        id: String,
        from: GroupEntry,
        to: GroupEntry,
    },
    DeleteGroup {
        id: String,
        name: String,
    },
    CreateServiceUser {
        service_user: ServiceUserEntry,
    },
    UpdateServiceUser {
        uid: String,
        email: String,
        own_group: Option<String>,
        from: ServiceUserEntry,
        to: ServiceUserEntry,
    },
    DeleteServiceUser {
        uid: String,
        name: String,
    },
    CreateUser {
        user: UserEntry,
    },
    UpdateUser {
        uid: String,
        from: UserEntry,
        to: UserEntry,
    },
    DeleteUser {
        uid: String,
        email: String,
    },
}

impl Change {
    fn kind(&self) -> char {
        match self {
            Change::CreateGroup { .. }
            | Change::CreateServiceUser { .. }
            | Change::CreateUser { .. } => '+',
            Change::UpdateGroup { .. }
            | Change::UpdateServiceUser { .. }
            | Change::UpdateUser { .. } => '~',
            Change::DeleteGroup { .. }
            | Change::DeleteServiceUser { .. }
            | Change::DeleteUser { .. } => '-',
        }
    }

    /// The first line: `+ group "Admins"`.
    pub fn headline(&self) -> String {
        let what = match self {
            Change::CreateGroup { group } => format!("group \"{}\"", group.name),
            Change::UpdateGroup { to, .. } => format!("group \"{}\"", to.name),
            Change::DeleteGroup { name, .. } => format!("group \"{name}\""),
            Change::CreateServiceUser { service_user } => {
                format!("service user \"{}\"", service_user.name)
            }
            Change::UpdateServiceUser { to, .. } => format!("service user \"{}\"", to.name),
            Change::DeleteServiceUser { name, .. } => format!("service user \"{name}\""),
            Change::CreateUser { user } => format!("user \"{}\"", user.email),
            Change::UpdateUser { to, .. } => format!("user \"{}\"", to.email),
            Change::DeleteUser { email, .. } => format!("user \"{email}\""),
        };
        format!("{} {what}", self.kind())
    }

    /// The indented detail lines.
    pub fn details(&self) -> Vec<String> {
        let mut lines = Vec::new();
        match self {
            Change::CreateGroup { group } => {
                if !group.description.is_empty() {
                    lines.push(format!("description: {:?}", group.description));
                }
                permission_lines(&[], &group.permissions, &mut lines);
            }
            Change::UpdateGroup { from, to, .. } => {
                changed(
                    "description",
                    &from.description,
                    &to.description,
                    &mut lines,
                );
                permission_lines(&from.permissions, &to.permissions, &mut lines);
            }
            Change::CreateServiceUser { service_user } => {
                if !service_user.description.is_empty() {
                    lines.push(format!("description: {:?}", service_user.description));
                }
                permission_lines(&[], &service_user.permissions, &mut lines);
                set_lines("group", &[], &service_user.groups, &mut lines);
            }
            Change::UpdateServiceUser { from, to, .. } => {
                changed(
                    "description",
                    &from.description,
                    &to.description,
                    &mut lines,
                );
                permission_lines(&from.permissions, &to.permissions, &mut lines);
                set_lines("group", &from.groups, &to.groups, &mut lines);
            }
            Change::CreateUser { user } => {
                lines.push(format!(
                    "name: {:?}",
                    format!("{} {}", user.first_name, user.last_name)
                ));
                set_lines("group", &[], &user.groups, &mut lines);
            }
            Change::UpdateUser { from, to, .. } => {
                changed("firstName", &from.first_name, &to.first_name, &mut lines);
                changed("lastName", &from.last_name, &to.last_name, &mut lines);
                set_lines("group", &from.groups, &to.groups, &mut lines);
            }
            Change::DeleteGroup { .. }
            | Change::DeleteServiceUser { .. }
            | Change::DeleteUser { .. } => {}
        }
        lines
    }
}

fn changed(field: &str, from: &str, to: &str, lines: &mut Vec<String>) {
    if from != to {
        lines.push(format!("~ {field}: {from:?} -> {to:?}"));
    }
}

fn permission_lines(from: &[PermissionEntry], to: &[PermissionEntry], lines: &mut Vec<String>) {
    let from_set: BTreeSet<&PermissionEntry> = from.iter().collect();
    let to_set: BTreeSet<&PermissionEntry> = to.iter().collect();
    for p in to.iter().filter(|p| !from_set.contains(p)) {
        lines.push(format!("+ permission {}", p.describe()));
    }
    for p in from.iter().filter(|p| !to_set.contains(p)) {
        lines.push(format!("- permission {}", p.describe()));
    }
}

fn set_lines(what: &str, from: &[String], to: &[String], lines: &mut Vec<String>) {
    for name in to.iter().filter(|n| !from.contains(n)) {
        lines.push(format!("+ {what} {name}"));
    }
    for name in from.iter().filter(|n| !to.contains(n)) {
        lines.push(format!("- {what} {name}"));
    }
}

fn same_permissions(a: &[PermissionEntry], b: &[PermissionEntry]) -> bool {
    a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
}

fn same_names(a: &[String], b: &[String]) -> bool {
    a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
}

/// Everything that differs; deletions only with `prune`. Creations and updates come before
/// deletions, groups before the users that join them.
pub fn plan(current: &Current, file: &AccountFile, prune: bool) -> Vec<Change> {
    let mut changes = Vec::new();
    for wanted in &file.groups {
        match current.groups.iter().find(|(g, _)| g.name == wanted.name) {
            None => changes.push(Change::CreateGroup {
                group: wanted.clone(),
            }),
            Some((group, permissions)) => {
                let from = GroupEntry {
                    name: group.name.clone(),
                    description: group.description.clone(),
                    permissions: permissions.clone(),
                };
                if from.description != wanted.description
                    || !same_permissions(&from.permissions, &wanted.permissions)
                {
                    changes.push(Change::UpdateGroup {
                        id: group.group_id.clone(),
                        from,
                        to: wanted.clone(),
                    });
                }
            }
        }
    }
    let mut claimed = BTreeSet::new();
    for wanted in &file.service_users {
        let found = current
            .service_users
            .iter()
            .find(|s| s.service_user.name == wanted.name && !claimed.contains(&s.service_user.uid));
        match found {
            None => changes.push(Change::CreateServiceUser {
                service_user: wanted.clone(),
            }),
            Some(su) => {
                claimed.insert(su.service_user.uid.clone());
                let from = ServiceUserEntry {
                    name: su.service_user.name.clone(),
                    description: su.service_user.description.clone(),
                    permissions: su.permissions.clone(),
                    groups: su.groups.clone(),
                };
                if from.description != wanted.description
                    || !same_permissions(&from.permissions, &wanted.permissions)
                    || !same_names(&from.groups, &wanted.groups)
                {
                    changes.push(Change::UpdateServiceUser {
                        uid: su.service_user.uid.clone(),
                        email: su.service_user.email.clone(),
                        own_group: su.own_group.clone(),
                        from,
                        to: wanted.clone(),
                    });
                }
            }
        }
    }
    for wanted in &file.users {
        let found = current
            .users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(&wanted.email));
        match found {
            None => changes.push(Change::CreateUser {
                user: wanted.clone(),
            }),
            Some(user) => {
                let from = current.user_entry(user);
                if from.first_name != wanted.first_name
                    || from.last_name != wanted.last_name
                    || !same_names(&from.groups, &wanted.groups)
                {
                    changes.push(Change::UpdateUser {
                        uid: user.uid.clone(),
                        from,
                        to: wanted.clone(),
                    });
                }
            }
        }
    }
    if prune {
        for user in &current.users {
            if !file
                .users
                .iter()
                .any(|u| u.email.eq_ignore_ascii_case(&user.email))
            {
                changes.push(Change::DeleteUser {
                    uid: user.uid.clone(),
                    email: user.email.clone(),
                });
            }
        }
        for su in &current.service_users {
            if !claimed.contains(&su.service_user.uid) {
                changes.push(Change::DeleteServiceUser {
                    uid: su.service_user.uid.clone(),
                    name: su.service_user.name.clone(),
                });
            }
        }
        for (group, _) in &current.groups {
            if !file.groups.iter().any(|g| g.name == group.name) {
                changes.push(Change::DeleteGroup {
                    id: group.group_id.clone(),
                    name: group.name.clone(),
                });
            }
        }
    }
    changes
}

/// Counts of (add, change, destroy).
pub fn counts(changes: &[Change]) -> (usize, usize, usize) {
    let count = |c: char| changes.iter().filter(|x| x.kind() == c).count();
    (count('+'), count('~'), count('-'))
}

/// The plan as text.
pub fn render(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "No changes: the account matches the file.\n".to_owned();
    }
    let mut out = String::new();
    for change in changes {
        out.push_str(&change.headline());
        out.push('\n');
        for line in change.details() {
            out.push_str("    ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    let (add, change, destroy) = counts(changes);
    out.push_str(&format!(
        "\nPlan: {add} to add, {change} to change, {destroy} to destroy.\n"
    ));
    out
}
