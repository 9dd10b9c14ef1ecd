//! Group memberships: set operations in one transaction each, so concurrent adds and removes
//! never lose an update.

use accountd_core::audit::AuditContext;
use accountd_core::ids::{AccountId, GroupId, UserId, UserRef};
use accountd_core::model::User;
use accountd_core::store::{GroupsChange, MemberRemoval};
use accountd_core::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::internal;
use crate::{groups, rows, users};

/// Marks the user at `user_seq` modified and records the change from `before`.
fn touch_user(
    conn: &Connection,
    account: AccountId,
    ctx: &AuditContext,
    user_seq: i64,
    before: &User,
) -> Result<User> {
    conn.prepare_cached("UPDATE users SET modified_at = ?2 WHERE seq = ?1")
        .and_then(|mut stmt| stmt.execute(params![user_seq, rows::millis(ctx.at)]))
        .map_err(internal)?;
    users::record_update(conn, account, ctx, before, user_seq)
}

fn user_seq(conn: &Connection, account: AccountId, uid: UserId) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT seq FROM users WHERE uid = ?1 AND account_id = ?2")
        .and_then(|mut stmt| {
            stmt.query_row(params![uid.to_string(), account.to_string()], |row| {
                row.get(0)
            })
            .optional()
        })
        .map_err(internal)
}

pub fn add_members(
    conn: &Connection,
    account: AccountId,
    group: GroupId,
    uids: &[UserId],
    ctx: &AuditContext,
) -> Result<Option<()>> {
    let Some(group_seq) = groups::seq_of(conn, account, group).map_err(internal)? else {
        return Ok(None);
    };
    let mut seqs = Vec::with_capacity(uids.len());
    for uid in uids {
        let seq = user_seq(conn, account, *uid)?.ok_or_else(|| {
            Error::invalid("users", format!("'{uid}' is not a user of this account"))
        })?;
        seqs.push(seq);
    }
    let mut insert = conn
        .prepare_cached("INSERT OR IGNORE INTO memberships (user_seq, group_seq) VALUES (?1, ?2)")
        .map_err(internal)?;
    for seq in seqs {
        let before = users::load(conn, seq).map_err(internal)?;
        if insert.execute([seq, group_seq]).map_err(internal)? == 1 {
            touch_user(conn, account, ctx, seq, &before)?;
        }
    }
    Ok(Some(()))
}

pub fn remove_member(
    conn: &Connection,
    account: AccountId,
    group: GroupId,
    user: &UserRef,
    ctx: &AuditContext,
) -> Result<MemberRemoval> {
    let Some(group_seq) = groups::seq_of(conn, account, group).map_err(internal)? else {
        return Ok(MemberRemoval::NoSuchGroup);
    };
    let Some((_, seq)) = users::find(conn, account, user).map_err(internal)? else {
        return Ok(MemberRemoval::NoSuchUser);
    };
    let before = users::load(conn, seq).map_err(internal)?;
    let removed = conn
        .execute(
            "DELETE FROM memberships WHERE user_seq = ?1 AND group_seq = ?2",
            [seq, group_seq],
        )
        .map_err(internal)?;
    if removed == 0 {
        return Ok(MemberRemoval::NotAMember);
    }
    touch_user(conn, account, ctx, seq, &before)?;
    Ok(MemberRemoval::Removed)
}

pub fn list_members(
    conn: &Connection,
    account: AccountId,
    group: GroupId,
) -> rusqlite::Result<Option<Vec<User>>> {
    let Some(group_seq) = groups::seq_of(conn, account, group)? else {
        return Ok(None);
    };
    // Each member's groups come in the same statement (as in `users::get`), not from one query
    // per member: a group of 10,000 members was 10,001 statements.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {}, {} FROM users JOIN memberships mm ON mm.user_seq = users.seq \
         WHERE mm.group_seq = ?1 ORDER BY users.seq",
        users::COLUMNS,
        users::WITH_GROUPS
    ))?;
    stmt.query_map([group_seq], users::from_row_with_groups)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map(Some)
}

pub fn change_user_groups(
    conn: &Connection,
    account: AccountId,
    user: &UserRef,
    change: &GroupsChange,
    ctx: &AuditContext,
) -> Result<Option<User>> {
    let Some((_, seq)) = users::find(conn, account, user).map_err(internal)? else {
        return Ok(None);
    };
    let before = users::load(conn, seq).map_err(internal)?;
    match change {
        GroupsChange::Replace(ids) => {
            users::set_memberships(conn, seq, &groups::seqs_of(conn, account, ids)?)?
        }
        GroupsChange::Add(ids) => {
            let mut insert = conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO memberships (user_seq, group_seq) VALUES (?1, ?2)",
                )
                .map_err(internal)?;
            for group_seq in groups::seqs_of(conn, account, ids)? {
                insert.execute([seq, group_seq]).map_err(internal)?;
            }
        }
        GroupsChange::Remove(ids) => {
            let mut delete = conn
                .prepare_cached("DELETE FROM memberships WHERE user_seq = ?1 AND group_seq = ?2")
                .map_err(internal)?;
            for group_seq in groups::seqs_of(conn, account, ids)? {
                delete.execute([seq, group_seq]).map_err(internal)?;
            }
        }
    }
    if users::groups_of(conn, seq).map_err(internal)? == before.groups {
        return Ok(Some(before));
    }
    touch_user(conn, account, ctx, seq, &before).map(Some)
}
