//! Group permission assignments.

use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, EnvironmentId, GroupId};
use accountd_core::model::{PermissionAssignment, PermissionScope};
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use crate::errors::{DbResult, corrupt};
use crate::{audit, db, rows};

fn scope_from(scope_type: &str, scope: &str) -> DbResult<PermissionScope> {
    let bad = || corrupt("permission scope", scope);
    match scope_type {
        "account" => AccountId::parse(scope)
            .map(PermissionScope::Account)
            .ok_or_else(bad),
        "tenant" => EnvironmentId::parse(scope)
            .map(PermissionScope::Tenant)
            .map_err(|_| bad()),
        "management-zone" => {
            let (env, zone) = scope.split_once(':').ok_or_else(bad)?;
            Ok(PermissionScope::ManagementZone {
                environment: EnvironmentId::parse(env).map_err(|_| bad())?,
                zone: zone.to_owned(),
            })
        }
        other => Err(corrupt("permission scope type", other)),
    }
}

const SELECT: &str = "SELECT g.gid, p.name, p.scope_type, p.scope FROM permissions p \
     JOIN user_groups g ON g.seq = p.group_seq";

fn from_row(row: &Row) -> DbResult<PermissionAssignment> {
    let scope_type: String = row.try_get(2)?;
    let scope: String = row.try_get(3)?;
    Ok(PermissionAssignment {
        group: rows::group_id(row, 0)?,
        name: row.try_get(1)?,
        scope: scope_from(&scope_type, &scope)?,
    })
}

pub(crate) async fn list<C: GenericClient>(
    client: &C,
    account: AccountId,
) -> DbResult<Vec<PermissionAssignment>> {
    db::query(
        client,
        &format!("{SELECT} WHERE p.account_id = $1 ORDER BY p.group_seq, p.seq"),
        &[account.as_uuid()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

async fn list_for_group(
    tx: &Transaction<'_>,
    group_seq: i64,
) -> DbResult<Vec<PermissionAssignment>> {
    db::query(
        tx,
        &format!("{SELECT} WHERE p.group_seq = $1 ORDER BY p.seq"),
        &[&group_seq],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// What to do to a group's permissions.
enum Change<'a> {
    Add(&'a [PermissionAssignment]),
    Set(&'a [PermissionAssignment]),
    Remove(&'a PermissionAssignment),
}

/// Applies `change` to the permissions of `group` and records the lists before and after when
/// they differ. `None` when the group does not exist; otherwise whether anything was removed.
async fn audited(
    tx: &Transaction<'_>,
    account: AccountId,
    group: GroupId,
    ctx: &AuditContext,
    change: Change<'_>,
) -> DbResult<Option<bool>> {
    // Locking the group row serializes every change to its permissions: `before` is exact.
    let Some(group_seq) =
        crate::groups::seq_of(tx, account, group, crate::groups::NO_KEY_UPDATE).await?
    else {
        return Ok(None);
    };
    let before = list_for_group(tx, group_seq).await?;
    let removed = match change {
        Change::Add(permissions) => {
            insert_all(tx, account, group_seq, permissions).await?;
            false
        }
        Change::Set(permissions) => {
            db::execute(
                tx,
                "DELETE FROM permissions WHERE group_seq = $1",
                &[&group_seq],
            )
            .await?;
            insert_all(tx, account, group_seq, permissions).await?;
            false
        }
        Change::Remove(permission) => {
            let n = db::execute(
                tx,
                "DELETE FROM permissions WHERE group_seq = $1 AND name = $2 AND scope_type = $3 AND scope = $4",
                &[
                    &group_seq,
                    &permission.name,
                    &permission.scope.type_name(),
                    &permission.scope.scope_string(),
                ],
            )
            .await?;
            n == 1
        }
    };
    let after = list_for_group(tx, group_seq).await?;
    if after != before {
        audit::event(
            tx,
            account,
            ctx,
            EventType::Update,
            ("group_permissions", group.to_string()),
            Some(snapshot::permissions(&before)),
            Some(snapshot::permissions(&after)),
        )
        .await?;
    }
    Ok(Some(removed))
}

pub(crate) async fn set_for_group(
    tx: &Transaction<'_>,
    account: AccountId,
    group: GroupId,
    permissions: &[PermissionAssignment],
    ctx: &AuditContext,
) -> DbResult<bool> {
    let done = audited(tx, account, group, ctx, Change::Set(permissions)).await?;
    Ok(done.is_some())
}

pub(crate) async fn add_for_group(
    tx: &Transaction<'_>,
    account: AccountId,
    group: GroupId,
    permissions: &[PermissionAssignment],
    ctx: &AuditContext,
) -> DbResult<bool> {
    let done = audited(tx, account, group, ctx, Change::Add(permissions)).await?;
    Ok(done.is_some())
}

pub(crate) async fn remove_one(
    tx: &Transaction<'_>,
    account: AccountId,
    permission: &PermissionAssignment,
    ctx: &AuditContext,
) -> DbResult<Option<bool>> {
    audited(
        tx,
        account,
        permission.group,
        ctx,
        Change::Remove(permission),
    )
    .await
}

/// Inserts the permissions in order (their grant order is their `seq` order); already granted
/// ones are skipped.
async fn insert_all(
    tx: &Transaction<'_>,
    account: AccountId,
    group_seq: i64,
    permissions: &[PermissionAssignment],
) -> DbResult<()> {
    if permissions.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = permissions.iter().map(|p| p.name.as_str()).collect();
    let types: Vec<&str> = permissions.iter().map(|p| p.scope.type_name()).collect();
    let scopes: Vec<String> = permissions.iter().map(|p| p.scope.scope_string()).collect();
    db::execute(
        tx,
        "INSERT INTO permissions (group_seq, account_id, name, scope_type, scope) \
         SELECT $1::bigint, $2::uuid, name, scope_type, scope \
         FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS p(name, scope_type, scope, n) \
         ORDER BY n ON CONFLICT DO NOTHING",
        &[&group_seq, account.as_uuid(), &names, &types, &scopes],
    )
    .await?;
    Ok(())
}
