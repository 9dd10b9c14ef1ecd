//! Groups.

use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, GroupId};
use accountd_core::model::{Group, GroupOwner};
use accountd_core::page::{Page, PageQuery};
use accountd_core::store::GroupChange;
use accountd_core::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::{conflict_or_internal, internal};
use crate::{audit, rows};

const COLUMNS: &str = "gid, name, description, owner, created_at, updated_at, seq";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Group> {
    Ok(Group {
        id: rows::group_id(row, 0)?,
        name: row.get(1)?,
        description: row.get(2)?,
        owner: rows::parsed(row, 3, "group owner", GroupOwner::parse)?,
        created_at: rows::time(row, 4)?,
        updated_at: rows::time(row, 5)?,
    })
}

fn name_taken(name: &str) -> String {
    format!("a group named '{name}' already exists in this account")
}

pub fn create(
    conn: &Connection,
    account: AccountId,
    group: &Group,
    ctx: &AuditContext,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO user_groups (gid, account_id, name, description, owner, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            group.id.to_string(),
            account.to_string(),
            group.name,
            group.description,
            group.owner.as_str(),
            rows::millis(group.created_at),
            rows::millis(group.updated_at)
        ])
    })
    .map_err(|err| conflict_or_internal(err, || name_taken(&group.name)))?;
    audit::event(
        conn,
        account,
        ctx,
        EventType::Create,
        ("group", group.id.to_string()),
        None,
        Some(snapshot::group(group)),
    )
}

pub fn get(conn: &Connection, account: AccountId, id: GroupId) -> rusqlite::Result<Option<Group>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_groups WHERE gid = ?1 AND account_id = ?2"
    ))?
    .query_row(params![id.to_string(), account.to_string()], from_row)
    .optional()
}

pub fn find_by_name(
    conn: &Connection,
    account: AccountId,
    name: &str,
) -> rusqlite::Result<Option<Group>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_groups WHERE account_id = ?1 AND name = ?2"
    ))?
    .query_row(params![account.to_string(), name], from_row)
    .optional()
}

/// The internal sequence number of a group of the account.
pub fn seq_of(conn: &Connection, account: AccountId, id: GroupId) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT seq FROM user_groups WHERE gid = ?1 AND account_id = ?2")?
        .query_row(params![id.to_string(), account.to_string()], |row| {
            row.get(0)
        })
        .optional()
}

/// Sequence numbers of `ids`, all of which must be groups of the account (else `Invalid`
/// naming the first unknown one).
pub fn seqs_of(conn: &Connection, account: AccountId, ids: &[GroupId]) -> Result<Vec<i64>> {
    ids.iter()
        .map(|id| {
            seq_of(conn, account, *id)
                .map_err(internal)?
                .ok_or_else(|| Error::invalid("groups", format!("unknown group id '{id}'")))
        })
        .collect()
}

pub fn update(
    conn: &Connection,
    account: AccountId,
    id: GroupId,
    change: &GroupChange,
    ctx: &AuditContext,
) -> Result<Option<Group>> {
    let Some(before) = get(conn, account, id).map_err(internal)? else {
        return Ok(None);
    };
    let n = conn
        .execute(
            "UPDATE user_groups SET name = ?3, description = ?4, updated_at = ?5 WHERE gid = ?1 AND account_id = ?2",
            params![id.to_string(), account.to_string(), change.name, change.description, rows::millis(change.updated_at)],
        )
        .map_err(|err| conflict_or_internal(err, || name_taken(&change.name)))?;
    if n == 0 {
        return Ok(None);
    }
    let after = get(conn, account, id).map_err(internal)?;
    let (before, after_json) = (
        snapshot::group(&before),
        after.as_ref().map(snapshot::group),
    );
    audit::event(
        conn,
        account,
        ctx,
        EventType::Update,
        ("group", id.to_string()),
        Some(before),
        after_json,
    )?;
    Ok(after)
}

pub fn delete(
    conn: &Connection,
    account: AccountId,
    id: GroupId,
    ctx: &AuditContext,
) -> Result<bool> {
    let Some(before) = get(conn, account, id).map_err(internal)? else {
        return Ok(false);
    };
    // Memberships and permissions cascade.
    let n = conn
        .execute(
            "DELETE FROM user_groups WHERE gid = ?1 AND account_id = ?2",
            params![id.to_string(), account.to_string()],
        )
        .map_err(internal)?;
    audit::event(
        conn,
        account,
        ctx,
        EventType::Delete,
        ("group", id.to_string()),
        Some(snapshot::group(&before)),
        None,
    )?;
    Ok(n == 1)
}

pub fn list(
    conn: &Connection,
    account: AccountId,
    query: &PageQuery,
) -> rusqlite::Result<Page<Group>> {
    let fetched = crate::paging::fetch(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM user_groups WHERE account_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3 OFFSET ?4"
        ),
        "SELECT coalesce(sum(n), 0) FROM row_counts WHERE account_id = ?1 AND kind = 'groups'",
        &account.to_string(),
        query,
        0,
        |row| Ok((from_row(row)?, row.get(6)?)),
    )?;
    Ok(Page {
        items: fetched.rows.into_iter().map(|(group, _)| group).collect(),
        next_after: fetched.next_after,
        total: fetched.total,
    })
}
