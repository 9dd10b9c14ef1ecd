//! Groups as SCIM serves them: the group row with its externalId and member uids.

use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, GroupId, UserId, UserRef};
use accountd_core::model::GroupOwner;
use accountd_core::scim::{ScimGroup, ScimGroupChange, ScimKey, ScimQuery, ScimSlice};
use accountd_core::{Error, Result};
use rusqlite::{Connection, OptionalExtension, ToSql, params};

use crate::errors::{conflict_or_internal, internal};
use crate::{audit, memberships, rows};

const COLUMNS: &str = "gid, name, description, owner, created_at, updated_at, seq, external_id";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(ScimGroup, i64)> {
    let group = accountd_core::model::Group {
        id: rows::group_id(row, 0)?,
        name: row.get(1)?,
        description: row.get(2)?,
        owner: rows::parsed(row, 3, "group owner", GroupOwner::parse)?,
        created_at: rows::time(row, 4)?,
        updated_at: rows::time(row, 5)?,
    };
    Ok((
        ScimGroup {
            group,
            external_id: row.get(7)?,
            members: Vec::new(),
        },
        row.get(6)?,
    ))
}

fn members_of(conn: &Connection, group_seq: i64) -> rusqlite::Result<Vec<UserId>> {
    conn.prepare_cached(
        "SELECT u.uid FROM memberships m JOIN users u ON u.seq = m.user_seq WHERE m.group_seq = ?1 ORDER BY u.seq",
    )?
    .query_map([group_seq], |row| rows::user_id(row, 0))?
    .collect()
}

fn with_members(
    conn: &Connection,
    (mut group, seq): (ScimGroup, i64),
) -> rusqlite::Result<ScimGroup> {
    group.members = members_of(conn, seq)?;
    Ok(group)
}

pub fn get(
    conn: &Connection,
    account: AccountId,
    id: GroupId,
) -> rusqlite::Result<Option<ScimGroup>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM user_groups WHERE gid = ?1 AND account_id = ?2"
    ))?
    .query_row(params![id.to_string(), account.to_string()], from_row)
    .optional()?
    .map(|found| with_members(conn, found))
    .transpose()
}

/// Member errors name SCIM's attribute.
fn as_members_error(err: Error) -> Error {
    match err {
        Error::Invalid { reason, .. } => Error::invalid("members", reason),
        other => other,
    }
}

pub fn create(
    conn: &Connection,
    account: AccountId,
    group: &ScimGroup,
    ctx: &AuditContext,
) -> Result<()> {
    let g = &group.group;
    conn.prepare_cached(
        "INSERT INTO user_groups (gid, account_id, name, description, owner, created_at, updated_at, external_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            g.id.to_string(),
            account.to_string(),
            g.name,
            g.description,
            g.owner.as_str(),
            rows::millis(g.created_at),
            rows::millis(g.updated_at),
            group.external_id,
        ])
    })
    .map_err(|err| {
        conflict_or_internal(err, || {
            format!("a group named '{}' already exists in this account", g.name)
        })
    })?;
    audit::event(
        conn,
        account,
        ctx,
        EventType::Create,
        ("group", g.id.to_string()),
        None,
        Some(snapshot::group(g)),
    )?;
    if !group.members.is_empty() {
        memberships::add_members(conn, account, g.id, &group.members, ctx)
            .map_err(as_members_error)?;
    }
    Ok(())
}

pub fn replace(
    conn: &Connection,
    account: AccountId,
    id: GroupId,
    change: &ScimGroupChange,
    ctx: &AuditContext,
) -> Result<Option<ScimGroup>> {
    let Some(before) = get(conn, account, id).map_err(internal)? else {
        return Ok(None);
    };
    if before.group.name != change.name || before.external_id != change.external_id {
        conn.prepare_cached(
            "UPDATE user_groups SET name = ?3, external_id = ?4, updated_at = ?5 WHERE gid = ?1 AND account_id = ?2",
        )
        .and_then(|mut stmt| {
            stmt.execute(params![
                id.to_string(),
                account.to_string(),
                change.name,
                change.external_id,
                rows::millis(change.updated_at)
            ])
        })
        .map_err(|err| {
            conflict_or_internal(err, || {
                format!("a group named '{}' already exists in this account", change.name)
            })
        })?;
        let after = get(conn, account, id)
            .map_err(internal)?
            .ok_or_else(|| Error::Internal("a replaced group vanished".to_owned()))?;
        audit::event(
            conn,
            account,
            ctx,
            EventType::Update,
            ("group", id.to_string()),
            Some(snapshot::group(&before.group)),
            Some(snapshot::group(&after.group)),
        )?;
    }
    if !change.add_members.is_empty() {
        memberships::add_members(conn, account, id, &change.add_members, ctx)
            .map_err(as_members_error)?;
    }
    for uid in &change.remove_members {
        // A member that is gone already (or never was) is what the caller wants.
        memberships::remove_member(conn, account, id, &UserRef::Uid(*uid), ctx)?;
    }
    get(conn, account, id).map_err(internal)
}

pub fn list(
    conn: &Connection,
    account: AccountId,
    query: &ScimQuery,
) -> rusqlite::Result<ScimSlice<ScimGroup>> {
    let account = account.to_string();
    let (condition, value): (&str, Option<String>) = match &query.key {
        None => ("", None),
        // SCIM's displayName is not case-exact (RFC 7643 §4.2). Groups are few per account:
        // no index needed.
        // (SQLite's lower() folds ASCII only: both sides go through it, so an exact name always
        // matches.)
        Some(ScimKey::DisplayName(name)) => (" AND lower(name) = lower(?2)", Some(name.clone())),
        Some(ScimKey::ExternalId(id)) => (" AND external_id = ?2", Some(id.clone())),
        Some(ScimKey::UserName(_)) => {
            return Ok(ScimSlice {
                total: 0,
                items: Vec::new(),
            });
        }
    };
    let mut args: Vec<&dyn ToSql> = vec![&account];
    if let Some(value) = &value {
        args.push(value);
    }
    let total: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM user_groups WHERE account_id = ?1{condition}"
        ))?
        .query_row(args.as_slice(), |row| row.get(0))?;
    let limit = query
        .limit
        .map_or(-1, |limit| i64::try_from(limit).unwrap_or(i64::MAX));
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let n = args.len();
    args.push(&limit);
    args.push(&offset);
    let found: Vec<(ScimGroup, i64)> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM user_groups WHERE account_id = ?1{condition} ORDER BY seq LIMIT ?{} OFFSET ?{}",
            n + 1,
            n + 2
        ))?
        .query_map(args.as_slice(), from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let items = found
        .into_iter()
        .map(|found| with_members(conn, found))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ScimSlice {
        total: rows::count(total),
        items,
    })
}
