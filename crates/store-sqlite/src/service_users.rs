//! Service users: rows of `users` with kind 'SERVICE', each with a group of its own.

use accountd_core::Result;
use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, UserId};
use accountd_core::model::{Group, SERVICE_USER_SURNAME, ServiceUser, UserKind, UserStatus};
use accountd_core::page::{Page, PageQuery};
use accountd_core::store::ServiceUserChange;
use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::{conflict_or_internal, internal};
use crate::{audit, rows};

const SELECT: &str = "SELECT u.uid, u.email, u.first_name, u.description, u.status, u.created_at, g.gid, u.seq \
     FROM users u LEFT JOIN user_groups g ON g.seq = u.service_group_seq";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(ServiceUser, i64)> {
    let group: Option<String> = row.get(6)?;
    let group = match group {
        Some(text) => Some(
            accountd_core::ids::GroupId::parse(&text)
                .ok_or_else(|| crate::errors::corrupt("group id", &text))?,
        ),
        None => None,
    };
    let user = ServiceUser {
        uid: rows::user_id(row, 0)?,
        email: rows::email(row, 1)?,
        name: row.get(2)?,
        description: row.get(3)?,
        status: rows::parsed(row, 4, "user status", UserStatus::parse)?,
        created_at: rows::time(row, 5)?,
        group,
    };
    Ok((user, row.get(7)?))
}

pub fn create(
    conn: &Connection,
    account: AccountId,
    user: &ServiceUser,
    group: &Group,
    ctx: &AuditContext,
) -> Result<()> {
    crate::groups::create(conn, account, group, ctx)?;
    // Not last_insert_rowid: creating the group also wrote its audit event.
    let group_seq = crate::groups::seq_of(conn, account, group.id)
        .map_err(internal)?
        .ok_or_else(|| accountd_core::Error::Internal("the new group vanished".to_owned()))?;
    conn.prepare_cached(
        "INSERT INTO users (uid, account_id, email, email_key, first_name, last_name, status, created_at, modified_at, \
         kind, description, service_group_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            user.uid.to_string(),
            account.to_string(),
            user.email.as_str(),
            user.email.key(),
            user.name,
            SERVICE_USER_SURNAME,
            user.status.as_str(),
            rows::millis(user.created_at),
            UserKind::Service.as_str(),
            user.description,
            group_seq
        ])
    })
    .map_err(|err| conflict_or_internal(err, || format!("service user {} already exists", user.uid)))?;
    let user_seq = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO memberships (user_seq, group_seq) VALUES (?1, ?2)",
        [user_seq, group_seq],
    )
    .map_err(internal)?;
    let resource = ("service_user", user.uid.to_string());
    audit::event(
        conn,
        account,
        ctx,
        EventType::Create,
        resource,
        None,
        Some(snapshot::service_user(user)),
    )
}

pub fn get(
    conn: &Connection,
    account: AccountId,
    uid: UserId,
) -> rusqlite::Result<Option<ServiceUser>> {
    conn.prepare_cached(&format!(
        "{SELECT} WHERE u.uid = ?1 AND u.account_id = ?2 AND u.kind = 'SERVICE'"
    ))?
    .query_row(params![uid.to_string(), account.to_string()], from_row)
    .optional()
    .map(|found| found.map(|(user, _)| user))
}

pub fn update(
    conn: &Connection,
    account: AccountId,
    uid: UserId,
    change: &ServiceUserChange,
    ctx: &AuditContext,
) -> Result<Option<ServiceUser>> {
    let Some(before) = get(conn, account, uid).map_err(internal)? else {
        return Ok(None);
    };
    let n = conn
        .execute(
            "UPDATE users SET first_name = ?3, description = ?4, modified_at = ?5 \
             WHERE uid = ?1 AND account_id = ?2 AND kind = 'SERVICE'",
            params![
                uid.to_string(),
                account.to_string(),
                change.name,
                change.description,
                rows::millis(change.modified_at)
            ],
        )
        .map_err(internal)?;
    if n == 0 {
        return Ok(None);
    }
    let after = get(conn, account, uid).map_err(internal)?;
    let resource = ("service_user", uid.to_string());
    let (before, after_json) = (
        snapshot::service_user(&before),
        after.as_ref().map(snapshot::service_user),
    );
    audit::event(
        conn,
        account,
        ctx,
        EventType::Update,
        resource,
        Some(before),
        after_json,
    )?;
    Ok(after)
}

pub fn delete(
    conn: &Connection,
    account: AccountId,
    uid: UserId,
    ctx: &AuditContext,
) -> Result<bool> {
    let Some(before) = get(conn, account, uid).map_err(internal)? else {
        return Ok(false);
    };
    let found: Option<Option<i64>> = conn
        .query_row(
            "SELECT service_group_seq FROM users WHERE uid = ?1 AND account_id = ?2 AND kind = 'SERVICE'",
            params![uid.to_string(), account.to_string()],
            |row| row.get(0),
        )
        .optional()
        .map_err(internal)?;
    let Some(group_seq) = found else {
        return Ok(false);
    };
    conn.execute("DELETE FROM users WHERE uid = ?1", [uid.to_string()])
        .map_err(internal)?;
    if let Some(group) = before.group.filter(|_| group_seq.is_some()) {
        // Its group existed only for it; memberships and permissions cascade.
        crate::groups::delete(conn, account, group, ctx)?;
    }
    let resource = ("service_user", uid.to_string());
    audit::event(
        conn,
        account,
        ctx,
        EventType::Delete,
        resource,
        Some(snapshot::service_user(&before)),
        None,
    )?;
    Ok(true)
}

pub fn list(
    conn: &Connection,
    account: AccountId,
    query: &PageQuery,
    skip: u64,
) -> rusqlite::Result<Page<ServiceUser>> {
    let fetched = crate::paging::fetch(
        conn,
        &format!(
            "{SELECT} WHERE u.account_id = ?1 AND u.kind = 'SERVICE' AND u.seq > ?2 ORDER BY u.seq LIMIT ?3 OFFSET ?4"
        ),
        "SELECT coalesce(sum(n), 0) FROM row_counts WHERE account_id = ?1 AND kind = 'users:SERVICE'",
        &account.to_string(),
        query,
        skip,
        from_row,
    )?;
    Ok(Page {
        items: fetched.rows.into_iter().map(|(user, _)| user).collect(),
        next_after: fetched.next_after,
        total: fetched.total,
    })
}
