//! Group permission assignments.

use accountd_core::Result;
use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, EnvironmentId, GroupId};
use accountd_core::model::{PermissionAssignment, PermissionScope};
use rusqlite::{Connection, params};

use crate::errors::{corrupt, internal};
use crate::{audit, rows};

fn scope_from(scope_type: &str, scope: &str) -> rusqlite::Result<PermissionScope> {
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

const SELECT: &str = "SELECT g.gid, p.name, p.scope_type, p.scope FROM permissions p JOIN user_groups g ON g.seq = p.group_seq";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<PermissionAssignment> {
    let scope_type: String = row.get(2)?;
    let scope: String = row.get(3)?;
    Ok(PermissionAssignment {
        group: rows::group_id(row, 0)?,
        name: row.get(1)?,
        scope: scope_from(&scope_type, &scope)?,
    })
}

pub fn list(conn: &Connection, account: AccountId) -> rusqlite::Result<Vec<PermissionAssignment>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE p.account_id = ?1 ORDER BY p.group_seq, p.seq"
    ))?;
    stmt.query_map([account.to_string()], from_row)?.collect()
}

fn list_for_group(
    conn: &Connection,
    group_seq: i64,
) -> rusqlite::Result<Vec<PermissionAssignment>> {
    let mut stmt =
        conn.prepare_cached(&format!("{SELECT} WHERE p.group_seq = ?1 ORDER BY p.seq"))?;
    stmt.query_map([group_seq], from_row)?.collect()
}

/// Runs `change` on the permissions of `group` and records the lists before and after.
/// `None` when the group does not exist.
fn audited<T>(
    conn: &Connection,
    account: AccountId,
    group: GroupId,
    ctx: &AuditContext,
    change: impl FnOnce(i64) -> Result<T>,
) -> Result<Option<T>> {
    let Some(group_seq) = crate::groups::seq_of(conn, account, group).map_err(internal)? else {
        return Ok(None);
    };
    let before = list_for_group(conn, group_seq).map_err(internal)?;
    let outcome = change(group_seq)?;
    let after = list_for_group(conn, group_seq).map_err(internal)?;
    if after != before {
        let (before, after) = (
            snapshot::permissions(&before),
            snapshot::permissions(&after),
        );
        audit::event(
            conn,
            account,
            ctx,
            EventType::Update,
            ("group_permissions", group.to_string()),
            Some(before),
            Some(after),
        )?;
    }
    Ok(Some(outcome))
}

pub fn set_for_group(
    conn: &Connection,
    account: AccountId,
    group: GroupId,
    permissions: &[PermissionAssignment],
    ctx: &AuditContext,
) -> Result<bool> {
    let done = audited(conn, account, group, ctx, |group_seq| {
        conn.execute("DELETE FROM permissions WHERE group_seq = ?1", [group_seq])
            .map_err(internal)?;
        insert_all(conn, account, group_seq, permissions)
    })?;
    Ok(done.is_some())
}

pub fn add_for_group(
    conn: &Connection,
    account: AccountId,
    group: GroupId,
    permissions: &[PermissionAssignment],
    ctx: &AuditContext,
) -> Result<bool> {
    let done = audited(conn, account, group, ctx, |group_seq| {
        insert_all(conn, account, group_seq, permissions)
    })?;
    Ok(done.is_some())
}

pub fn remove_one(
    conn: &Connection,
    account: AccountId,
    permission: &PermissionAssignment,
    ctx: &AuditContext,
) -> Result<Option<bool>> {
    audited(conn, account, permission.group, ctx, |group_seq| {
        let removed = conn
            .execute(
                "DELETE FROM permissions WHERE group_seq = ?1 AND name = ?2 AND scope_type = ?3 AND scope = ?4",
                params![group_seq, permission.name, permission.scope.type_name(), permission.scope.scope_string()],
            )
            .map_err(internal)?;
        Ok(removed == 1)
    })
}

fn insert_all(
    conn: &Connection,
    account: AccountId,
    group_seq: i64,
    permissions: &[PermissionAssignment],
) -> Result<()> {
    let mut insert = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO permissions (group_seq, account_id, name, scope_type, scope) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(internal)?;
    for permission in permissions {
        insert
            .execute(params![
                group_seq,
                account.to_string(),
                permission.name,
                permission.scope.type_name(),
                permission.scope.scope_string()
            ])
            .map_err(internal)?;
    }
    Ok(())
}
