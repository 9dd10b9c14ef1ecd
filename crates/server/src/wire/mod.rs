//! Domain objects to wire types of the seed profile. All wire shapes live here, so a second
//! profile (the real API's shapes) is a change to this one layer.

use accountd_core::clock::rfc3339;
use accountd_core::model;
use accountd_proto as proto;

pub mod user_json;

pub fn user(user: model::User) -> proto::User {
    proto::User {
        uid: user.uid.to_string(),
        email: user.email.into_address(),
        first_name: user.first_name,
        last_name: user.last_name,
        groups: user.groups.iter().map(ToString::to_string).collect(),
        user_status: user_status(user.status),
        created_at: rfc3339(user.created_at),
        last_modified_at: rfc3339(user.modified_at),
    }
}

pub fn group(group: model::Group) -> proto::Group {
    proto::Group {
        group_id: group.id.to_string(),
        name: group.name,
        description: group.description,
        owner: group.owner.as_str().to_owned(),
        created_at: rfc3339(group.created_at),
        updated_at: rfc3339(group.updated_at),
    }
}

pub fn environment_status(status: model::EnvironmentStatus) -> proto::EnvironmentStatus {
    match status {
        model::EnvironmentStatus::Active => proto::EnvironmentStatus::Active,
        model::EnvironmentStatus::Suspended => proto::EnvironmentStatus::Suspended,
        model::EnvironmentStatus::Trial => proto::EnvironmentStatus::Trial,
    }
}

pub fn environment_status_from(status: proto::EnvironmentStatus) -> model::EnvironmentStatus {
    match status {
        proto::EnvironmentStatus::Active => model::EnvironmentStatus::Active,
        proto::EnvironmentStatus::Suspended => model::EnvironmentStatus::Suspended,
        proto::EnvironmentStatus::Trial => model::EnvironmentStatus::Trial,
    }
}

pub fn environment(env: model::Environment) -> proto::Environment {
    proto::Environment {
        id: env.id.to_string(),
        name: env.name,
        status: environment_status(env.status),
        trial: env.trial,
    }
}

/// Seed 000 knows only `ACCOUNT` and `TENANT`; a management-zone permission is reported as
/// `TENANT` with the scope `<environment>:<zone>` (documented in docs/contract.md).
pub fn permission(assignment: model::PermissionAssignment) -> proto::Permission {
    let scope_type = match assignment.scope {
        model::PermissionScope::Account(_) => proto::PermissionScopeType::Account,
        model::PermissionScope::Tenant(_) | model::PermissionScope::ManagementZone { .. } => {
            proto::PermissionScopeType::Tenant
        }
    };
    proto::Permission {
        permission_name: assignment.name,
        scope: assignment.scope.scope_string(),
        scope_type,
        group_id: assignment.group.to_string(),
    }
}

pub fn account(account: model::Account) -> proto::admin::Account {
    proto::admin::Account {
        uuid: account.id.to_string(),
        name: account.name,
        created_at: rfc3339(account.created_at),
        rate_limit: account.rate_limit.map(|l| l.to_string()),
    }
}

pub fn scim_token(
    token: accountd_core::scim::ScimToken,
    secret: Option<String>,
) -> proto::admin::ScimToken {
    proto::admin::ScimToken {
        id: token.id,
        name: token.name,
        account_uuid: token.account.to_string(),
        created_at: rfc3339(token.created_at),
        token: secret,
    }
}

pub fn client(client: model::OAuthClient, secret: Option<String>) -> proto::admin::OAuthClient {
    proto::admin::OAuthClient {
        client_id: client.client_id,
        client_secret: secret,
        name: client.name,
        account_uuid: client.account.to_string(),
        scopes: client
            .scopes
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        created_at: rfc3339(client.created_at),
    }
}

/// The real API's `PermissionsGroupDto`: a group with its permissions (lowercase `scopeType`).
pub fn group_permissions(
    group: model::Group,
    permissions: Vec<model::PermissionAssignment>,
) -> proto::GroupPermissions {
    proto::GroupPermissions {
        uuid: group.id.to_string(),
        name: group.name,
        description: group.description,
        owner: group.owner.as_str().to_owned(),
        created_at: rfc3339(group.created_at),
        updated_at: rfc3339(group.updated_at),
        permissions: permissions
            .into_iter()
            .map(|p| proto::GroupPermission {
                scope: p.scope.scope_string(),
                scope_type: p.scope.type_name().to_owned(),
                permission_name: p.name,
            })
            .collect(),
    }
}

pub fn service_user(
    user: model::ServiceUser,
    with_group: bool,
) -> proto::service_users::ServiceUser {
    proto::service_users::ServiceUser {
        uid: user.uid.to_string(),
        email: user.email.as_str().to_owned(),
        login: user.email.as_str().to_owned(),
        name: user.name,
        surname: model::SERVICE_USER_SURNAME.to_owned(),
        description: user.description,
        created_at: rfc3339(user.created_at),
        kind: "SERVICE_EXTERNAL".to_owned(),
        user_status: user_status(user.status),
        group_uuid: user.group.filter(|_| with_group).map(|g| g.to_string()),
    }
}

fn user_status(status: model::UserStatus) -> proto::UserStatus {
    match status {
        model::UserStatus::Active => proto::UserStatus::Active,
        model::UserStatus::Inactive => proto::UserStatus::Inactive,
        model::UserStatus::PendingInvite => proto::UserStatus::PendingInvite,
    }
}
