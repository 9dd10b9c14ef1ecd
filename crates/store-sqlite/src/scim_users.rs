//! Users as SCIM serves them: the user row with its SCIM columns and its groups' names.

use accountd_core::Result;
use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, UserId};
use accountd_core::model::User;
use accountd_core::scim::{
    GroupRef, Replaced, ScimKey, ScimQuery, ScimSlice, ScimUser, ScimUserAttrs, ScimUserChange,
};
use rusqlite::{Connection, OptionalExtension, ToSql, params};
use serde_json::{Map, Value};

use crate::errors::{conflict_or_internal, corrupt, internal};
use crate::{audit, rows, users};

const SCIM_COLUMNS: &str = "user_name, external_id, scim_extra";

/// The user columns of `users::COLUMNS`, then the SCIM columns.
fn columns() -> String {
    format!("{}, {SCIM_COLUMNS}", users::COLUMNS)
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(ScimUser, i64)> {
    let (user, seq) = users::from_row(row)?;
    let extra: Option<String> = row.get(10)?;
    let extra = match extra {
        None => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => map,
            _ => return Err(corrupt("SCIM attributes", &text)),
        },
    };
    let attrs = ScimUserAttrs {
        user_name: row.get(8)?,
        external_id: row.get(9)?,
        extra,
    };
    Ok((
        ScimUser {
            user,
            attrs,
            groups: Vec::new(),
        },
        seq,
    ))
}

fn extra_text(attrs: &ScimUserAttrs) -> Option<String> {
    (!attrs.extra.is_empty()).then(|| Value::Object(attrs.extra.clone()).to_string())
}

fn taken(user_name: &str) -> String {
    format!(
        "a user with the userName or email address '{user_name}' already exists in this account"
    )
}

fn groups_of(conn: &Connection, user_seq: i64) -> rusqlite::Result<Vec<GroupRef>> {
    conn.prepare_cached(
        "SELECT g.gid, g.name FROM memberships m JOIN user_groups g ON g.seq = m.group_seq \
         WHERE m.user_seq = ?1 ORDER BY m.group_seq",
    )?
    .query_map([user_seq], |row| {
        Ok(GroupRef {
            id: rows::group_id(row, 0)?,
            name: row.get(1)?,
        })
    })?
    .collect()
}

fn with_groups(conn: &Connection, (mut found, seq): (ScimUser, i64)) -> rusqlite::Result<ScimUser> {
    found.groups = groups_of(conn, seq)?;
    found.user.groups = found.groups.iter().map(|g| g.id).collect();
    Ok(found)
}

fn find(
    conn: &Connection,
    account: AccountId,
    uid: UserId,
) -> rusqlite::Result<Option<(ScimUser, i64)>> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM users WHERE uid = ?1 AND account_id = ?2 AND kind = 'HUMAN'",
        columns()
    ))?
    .query_row(params![uid.to_string(), account.to_string()], from_row)
    .optional()
}

pub fn get(
    conn: &Connection,
    account: AccountId,
    uid: UserId,
) -> rusqlite::Result<Option<ScimUser>> {
    find(conn, account, uid)?
        .map(|found| with_groups(conn, found))
        .transpose()
}

pub fn create(
    conn: &Connection,
    account: AccountId,
    user: &User,
    attrs: &ScimUserAttrs,
    ctx: &AuditContext,
) -> Result<()> {
    let user_name = attrs.user_name.as_deref().unwrap_or(user.email.as_str());
    conn.prepare_cached(
        "INSERT INTO users (uid, account_id, email, email_key, first_name, last_name, status, created_at, modified_at, \
         user_name, user_name_key, external_id, scim_extra) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            user.uid.to_string(),
            account.to_string(),
            user.email.as_str(),
            user.email.key(),
            user.first_name,
            user.last_name,
            user.status.as_str(),
            rows::millis(user.created_at),
            rows::millis(user.modified_at),
            attrs.user_name,
            attrs.user_name.as_deref().map(str::to_lowercase),
            attrs.external_id,
            extra_text(attrs),
        ])
    })
    .map_err(|err| conflict_or_internal(err, || taken(user_name)))?;
    audit::event(
        conn,
        account,
        ctx,
        EventType::Create,
        ("user", user.uid.to_string()),
        None,
        Some(snapshot::user(user)),
    )
}

pub fn replace(
    conn: &Connection,
    account: AccountId,
    uid: UserId,
    change: &ScimUserChange,
    ctx: &AuditContext,
) -> Result<Replaced<ScimUser>> {
    let Some((before, seq)) = find(conn, account, uid).map_err(internal)? else {
        return Ok(Replaced::NotFound);
    };
    if rows::millis(before.user.modified_at) != rows::millis(change.expected_modified_at) {
        return Ok(Replaced::Stale);
    }
    let before = with_groups(conn, (before, seq)).map_err(internal)?;
    let attrs = &change.attrs;
    let user_name = attrs.user_name.as_deref().unwrap_or(change.email.as_str());
    conn.prepare_cached(
        "UPDATE users SET email = ?2, email_key = ?3, first_name = ?4, last_name = ?5, status = ?6, modified_at = ?7, \
         user_name = ?8, user_name_key = ?9, external_id = ?10, scim_extra = ?11 WHERE seq = ?1",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            seq,
            change.email.as_str(),
            change.email.key(),
            change.first_name,
            change.last_name,
            change.status.as_str(),
            rows::millis(change.modified_at),
            attrs.user_name,
            attrs.user_name.as_deref().map(str::to_lowercase),
            attrs.external_id,
            extra_text(attrs),
        ])
    })
    .map_err(|err| conflict_or_internal(err, || taken(user_name)))?;
    let after = get(conn, account, uid)
        .map_err(internal)?
        .ok_or_else(|| accountd_core::Error::Internal("a replaced user vanished".to_owned()))?;
    audit::event(
        conn,
        account,
        ctx,
        EventType::Update,
        ("user", uid.to_string()),
        Some(snapshot::user(&before.user)),
        Some(snapshot::user(&after.user)),
    )?;
    Ok(Replaced::Done(after))
}

pub fn list(
    conn: &Connection,
    account: AccountId,
    query: &ScimQuery,
) -> rusqlite::Result<ScimSlice<ScimUser>> {
    let account = account.to_string();
    let (condition, value): (&str, Option<String>) = match &query.key {
        None => ("", None),
        Some(ScimKey::UserName(name)) => (
            " AND coalesce(user_name_key, email_key) = ?2",
            Some(name.to_lowercase()),
        ),
        Some(ScimKey::ExternalId(id)) => (" AND external_id = ?2", Some(id.clone())),
        // Users have no indexed displayName: nothing is narrowed by it here.
        Some(ScimKey::DisplayName(_)) => {
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
    let count = if condition.is_empty() {
        // The counters kept by triggers (migration 0006): no scan of a large account.
        "SELECT coalesce(sum(n), 0) FROM row_counts WHERE account_id = ?1 AND kind = 'users:HUMAN'"
            .to_owned()
    } else {
        format!("SELECT count(*) FROM users WHERE account_id = ?1 AND kind = 'HUMAN'{condition}")
    };
    let total: i64 = conn
        .prepare_cached(&count)?
        .query_row(args.as_slice(), |row| row.get(0))?;
    let limit = query
        .limit
        .map_or(-1, |limit| i64::try_from(limit).unwrap_or(i64::MAX));
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let n = args.len();
    args.push(&limit);
    args.push(&offset);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM users WHERE account_id = ?1 AND kind = 'HUMAN'{condition} ORDER BY seq LIMIT ?{} OFFSET ?{}",
        columns(),
        n + 1,
        n + 2
    ))?;
    let found: Vec<(ScimUser, i64)> = stmt
        .query_map(args.as_slice(), from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let items = found
        .into_iter()
        .map(|found| with_groups(conn, found))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ScimSlice {
        total: rows::count(total),
        items,
    })
}
