//! Users and their memberships.

use accountd_core::Result;
use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, GroupId, UserId, UserRef};
use accountd_core::model::{User, UserStatus};
use accountd_core::page::{Page, PageQuery};
use accountd_core::store::{UserFilter, UserReplacement};
use accountd_core::user_json::UserJson;
use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::{conflict_or_internal, internal};
use crate::{audit, docs, rows};

/// totalCount from the counters kept by triggers (migration 0006).
const COUNT_HUMAN_USERS: &str =
    "SELECT coalesce(sum(n), 0) FROM row_counts WHERE account_id = ?1 AND kind = 'users:HUMAN'";
const COUNT_ALL_USERS: &str = "SELECT coalesce(sum(n), 0) FROM row_counts WHERE account_id = ?1 AND kind IN ('users:HUMAN', 'users:SERVICE')";

pub(crate) const COLUMNS: &str =
    "seq, uid, email, first_name, last_name, status, created_at, modified_at";

/// A user row without its groups, and its sequence number.
pub(crate) fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(User, i64)> {
    let user = User {
        uid: rows::user_id(row, 1)?,
        email: rows::email(row, 2)?,
        first_name: row.get(3)?,
        last_name: row.get(4)?,
        groups: Vec::new(),
        status: rows::parsed(row, 5, "user status", UserStatus::parse)?,
        created_at: rows::time(row, 6)?,
        modified_at: rows::time(row, 7)?,
    };
    Ok((user, row.get(0)?))
}

fn email_taken(email: &str) -> String {
    format!("a user with the email address '{email}' already exists in this account")
}

pub(crate) fn find(
    conn: &Connection,
    account: AccountId,
    user: &UserRef,
) -> rusqlite::Result<Option<(User, i64)>> {
    let account_text = account.text();
    let account = account_text.as_str();
    match user {
        UserRef::Uid(uid) => conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM users WHERE uid = ?1 AND account_id = ?2"
            ))?
            .query_row(params![uid.text().as_str(), account], from_row)
            .optional(),
        UserRef::Email(email) => conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM users WHERE account_id = ?1 AND email_key = ?2"
            ))?
            .query_row(params![account, email.key()], from_row)
            .optional(),
    }
}

pub(crate) fn groups_of(conn: &Connection, user_seq: i64) -> rusqlite::Result<Vec<GroupId>> {
    let mut stmt = conn.prepare_cached(
        // Ordered by the primary key's second column: rows come out of the index in that order, where
        // `ORDER BY g.seq` (the same value) made SQLite sort them in a temporary b-tree.
        "SELECT g.gid FROM memberships m JOIN user_groups g ON g.seq = m.group_seq WHERE m.user_seq = ?1 ORDER BY m.group_seq",
    )?;
    stmt.query_map([user_seq], |row| rows::group_id(row, 0))?
        .collect()
}

/// The user and its groups in one statement: a single statement reads one snapshot, so a point
/// lookup needs no `BEGIN`/`COMMIT` around two queries (three statement executions and a WAL
/// read lock fewer per request). The groups come as `group_seq:gid` pairs and are ordered here, since
/// `group_concat` promises no order.
pub(crate) const WITH_GROUPS: &str = "(SELECT group_concat(m.group_seq || ':' || g.gid) \
     FROM memberships m JOIN user_groups g ON g.seq = m.group_seq WHERE m.user_seq = users.seq)";

/// A row of `{COLUMNS}, {WITH_GROUPS}` (the `users` table unaliased): the user with its groups.
pub(crate) fn from_row_with_groups(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let (mut user, _) = from_row(row)?;
    if let Some(groups) = rows::optional_text(row, 8)? {
        user.groups = ordered_groups(groups)?;
    }
    Ok(user)
}

pub fn get(
    conn: &Connection,
    account: AccountId,
    user: &UserRef,
) -> rusqlite::Result<Option<User>> {
    let account_text = account.text();
    let account = account_text.as_str();
    let row = from_row_with_groups;
    match user {
        UserRef::Uid(uid) => conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, {WITH_GROUPS} FROM users WHERE uid = ?1 AND account_id = ?2"
            ))?
            .query_row(params![uid.text().as_str(), account], row)
            .optional(),
        UserRef::Email(email) => conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, {WITH_GROUPS} FROM users WHERE account_id = ?1 AND email_key = ?2"
            ))?
            .query_row(params![account, email.key()], row)
            .optional(),
    }
}

/// `seq:gid,seq:gid,…` in membership order (group creation order).
fn ordered_groups(pairs: &str) -> rusqlite::Result<Vec<GroupId>> {
    let mut groups = pairs
        .split(',')
        .map(|pair| {
            let (seq, gid) = pair
                .split_once(':')
                .ok_or_else(|| crate::errors::corrupt("membership", pair))?;
            let seq: i64 = seq
                .parse()
                .map_err(|_| crate::errors::corrupt("membership", pair))?;
            let gid = GroupId::parse(gid).ok_or_else(|| crate::errors::corrupt("group id", gid))?;
            Ok((seq, gid))
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    groups.sort_unstable_by_key(|(seq, _)| *seq);
    Ok(groups.into_iter().map(|(_, gid)| gid).collect())
}

pub(crate) fn set_memberships(conn: &Connection, user_seq: i64, group_seqs: &[i64]) -> Result<()> {
    conn.prepare_cached("DELETE FROM memberships WHERE user_seq = ?1")
        .and_then(|mut stmt| stmt.execute([user_seq]))
        .map_err(internal)?;
    let mut insert = conn
        .prepare_cached("INSERT OR IGNORE INTO memberships (user_seq, group_seq) VALUES (?1, ?2)")
        .map_err(internal)?;
    for group_seq in group_seqs {
        insert.execute([user_seq, *group_seq]).map_err(internal)?;
    }
    Ok(())
}

/// Inserts the user and its memberships, records the event, and returns its row number.
pub fn create(
    conn: &Connection,
    account: AccountId,
    user: &User,
    ctx: &AuditContext,
) -> Result<i64> {
    let group_seqs = crate::groups::seqs_of(conn, account, &user.groups)?;
    let doc = docs::of_new(user, &group_seqs);
    conn.prepare_cached(
        "INSERT INTO users (uid, account_id, email, email_key, first_name, last_name, status, created_at, modified_at, doc) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
            doc.as_bytes()
        ])
    })
    .map_err(|err| conflict_or_internal(err, || email_taken(user.email.as_str())))?;
    let seq = conn.last_insert_rowid();
    set_memberships(conn, seq, &group_seqs)?;
    if !group_seqs.is_empty() {
        // The memberships' trigger cleared the doc inserted with the row.
        docs::write(conn, seq, &doc).map_err(internal)?;
    }
    audit::event(
        conn,
        account,
        ctx,
        EventType::Create,
        ("user", user.uid.to_string()),
        None,
        Some(snapshot::user(user)),
    )?;
    Ok(seq)
}

/// Records that the user at `seq` changed from `before` to its current state.
pub(crate) fn record_update(
    conn: &Connection,
    account: AccountId,
    ctx: &AuditContext,
    before: &User,
    seq: i64,
) -> Result<User> {
    let after = load(conn, seq).map_err(internal)?;
    let resource = ("user", after.uid.to_string());
    audit::event(
        conn,
        account,
        ctx,
        EventType::Update,
        resource,
        Some(snapshot::user(before)),
        Some(snapshot::user(&after)),
    )?;
    Ok(after)
}

/// The user at row `seq`, with its groups.
pub(crate) fn load(conn: &Connection, seq: i64) -> rusqlite::Result<User> {
    let (mut user, _) = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE seq = ?1"))?
        .query_row([seq], from_row)?;
    user.groups = groups_of(conn, seq)?;
    Ok(user)
}

pub fn replace(
    conn: &Connection,
    account: AccountId,
    user: &UserRef,
    change: &UserReplacement,
    ctx: &AuditContext,
) -> Result<Option<User>> {
    let Some((mut existing, seq)) = find(conn, account, user).map_err(internal)? else {
        return Ok(None);
    };
    existing.groups = groups_of(conn, seq).map_err(internal)?;
    let group_seqs = crate::groups::seqs_of(conn, account, &change.groups)?;
    let status = change.status.unwrap_or(existing.status);
    conn.prepare_cached(
        "UPDATE users SET email = ?2, email_key = ?3, first_name = ?4, last_name = ?5, status = ?6, modified_at = ?7 \
         WHERE seq = ?1",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            seq,
            change.email.as_str(),
            change.email.key(),
            change.first_name,
            change.last_name,
            status.as_str(),
            rows::millis(change.modified_at)
        ])
    })
    .map_err(|err| conflict_or_internal(err, || email_taken(change.email.as_str())))?;
    set_memberships(conn, seq, &group_seqs)?;
    record_update(conn, account, ctx, &existing, seq).map(Some)
}

pub fn delete(
    conn: &Connection,
    account: AccountId,
    user: &UserRef,
    ctx: &AuditContext,
) -> Result<bool> {
    let Some((_, seq)) = find(conn, account, user).map_err(internal)? else {
        return Ok(false);
    };
    let before = load(conn, seq).map_err(internal)?;
    // Memberships cascade.
    conn.execute("DELETE FROM users WHERE seq = ?1", [seq])
        .map_err(internal)?;
    let resource = ("user", before.uid.to_string());
    audit::event(
        conn,
        account,
        ctx,
        EventType::Delete,
        resource,
        Some(snapshot::user(&before)),
        None,
    )?;
    Ok(true)
}

/// A page's `SELECT` of `columns` and its count, for the kinds of user `filter` asks for.
fn listing_sql(columns: &str, filter: &UserFilter) -> (String, &'static str) {
    let (kinds, count) = if filter.include_service_users {
        ("", COUNT_ALL_USERS)
    } else {
        (" AND kind = 'HUMAN'", COUNT_HUMAN_USERS)
    };
    (
        format!(
            "SELECT {columns} FROM users WHERE account_id = ?1{kinds} AND seq > ?2 ORDER BY seq LIMIT ?3 OFFSET ?4"
        ),
        count,
    )
}

/// [`list`] as the users' kept JSON (the `docs` module): one column per user, nothing decoded.
pub fn list_json(
    conn: &Connection,
    account: AccountId,
    query: &PageQuery,
    filter: &UserFilter,
) -> rusqlite::Result<Page<UserJson>> {
    if filter.email.is_some() {
        // At most one user: rendering it costs nothing worth a second code path.
        let page = list(conn, account, query, filter)?;
        return Ok(page.map(|user| UserJson::of(&user)));
    }
    let account_text = account.to_string();
    let (select, count) = listing_sql("seq, doc", filter);
    let fetched = crate::paging::fetch(conn, &select, count, &account_text, query, 0, |row| {
        let seq = row.get(0)?;
        Ok((docs::doc_or_render(conn, seq, row.get(1)?)?, seq))
    })?;
    Ok(Page {
        items: fetched.rows.into_iter().map(|(doc, _)| doc).collect(),
        next_after: fetched.next_after,
        total: fetched.total,
    })
}

/// [`get`] as the user's kept JSON, with the user's uid (the user cache files users found by
/// email under it too): one descent of the uid (or email) index and one row, without the
/// membership query.
pub fn get_json(
    conn: &Connection,
    account: AccountId,
    user: &UserRef,
) -> rusqlite::Result<Option<(UserId, UserJson)>> {
    let account_text = account.text();
    let account = account_text.as_str();
    let found = match user {
        UserRef::Uid(uid) => conn
            .prepare_cached("SELECT seq, doc FROM users WHERE uid = ?1 AND account_id = ?2")?
            .query_row(params![uid.text().as_str(), account], |row| {
                Ok((row.get::<_, i64>(0)?, row.get(1)?, *uid))
            })
            .optional()?,
        UserRef::Email(email) => conn
            .prepare_cached(
                "SELECT seq, doc, uid FROM users WHERE account_id = ?1 AND email_key = ?2",
            )?
            .query_row(params![account, email.key()], |row| {
                Ok((row.get::<_, i64>(0)?, row.get(1)?, rows::user_id(row, 2)?))
            })
            .optional()?,
    };
    found
        .map(|(seq, doc, uid)| Ok((uid, docs::doc_or_render(conn, seq, doc)?)))
        .transpose()
}

pub fn list(
    conn: &Connection,
    account: AccountId,
    query: &PageQuery,
    filter: &UserFilter,
) -> rusqlite::Result<Page<User>> {
    if let Some(email) = &filter.email {
        // Email is unique per account: the filtered set has at most one user, on one page.
        let found = match get(conn, account, &UserRef::Email(email.clone()))? {
            Some(user) if !filter.include_service_users && is_service_user(conn, &user)? => None,
            other => other,
        };
        let total = u64::from(found.is_some());
        return Ok(Page {
            items: found.into_iter().collect(),
            next_after: None,
            total,
        });
    }
    let account_text = account.to_string();
    let (select, count) = listing_sql(COLUMNS, filter);
    let fetched = crate::paging::fetch(conn, &select, count, &account_text, query, 0, from_row)?;
    let mut found = fetched.rows;
    if let (Some((_, first)), Some((_, last))) = (found.first(), found.last()) {
        // One range of the memberships' primary key for the whole page, not a query per user,
        // already in the order asked for (user, then group creation). Page and memberships are
        // both ordered by user, so they are merged in one pass. The range can hold users of other
        // accounts or kinds, whose rows are skipped.
        let mut stmt = conn.prepare_cached(
            "SELECT user_seq, group_seq FROM memberships WHERE user_seq BETWEEN ?1 AND ?2 \
             ORDER BY user_seq, group_seq",
        )?;
        let memberships = stmt.query_map(params![first, last], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
        })?;
        let mut group_ids = GroupIds::new(conn, &account_text);
        let mut users = found.iter_mut().peekable();
        for membership in memberships {
            let (user_seq, group_seq) = membership?;
            while users.next_if(|(_, seq)| *seq < user_seq).is_some() {}
            if let Some((user, seq)) = users.peek_mut()
                && *seq == user_seq
                && let Some(group) = group_ids.get(group_seq)?
            {
                user.groups.push(group);
            }
        }
    }
    Ok(Page {
        items: found.into_iter().map(|(user, _)| user).collect(),
        next_after: fetched.next_after,
        total: fetched.total,
    })
}

/// The ids of the groups on one page, each read once: a page's users share a few groups, and
/// joining every membership to its group was a row read and a UUID parse per membership. A
/// `BTreeMap`: for a handful of keys a search of one node, where hashing each `i64` with SipHash
/// showed in the profile.
struct GroupIds<'c> {
    conn: &'c Connection,
    account: &'c str,
    known: std::collections::BTreeMap<i64, Option<GroupId>>,
}

impl<'c> GroupIds<'c> {
    fn new(conn: &'c Connection, account: &'c str) -> Self {
        Self {
            conn,
            account,
            known: std::collections::BTreeMap::new(),
        }
    }

    /// The id of the group `seq`; `None` when it is not a group of this account.
    fn get(&mut self, seq: i64) -> rusqlite::Result<Option<GroupId>> {
        if let Some(known) = self.known.get(&seq) {
            return Ok(*known);
        }
        let id = self
            .conn
            .prepare_cached("SELECT gid FROM user_groups WHERE seq = ?1 AND account_id = ?2")?
            .query_row(params![seq, self.account], |row| rows::group_id(row, 0))
            .optional()?;
        self.known.insert(seq, id);
        Ok(id)
    }
}

fn is_service_user(conn: &Connection, user: &User) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT kind = 'SERVICE' FROM users WHERE uid = ?1",
        [user.uid.to_string()],
        |row| row.get(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: &str = "11111111-1111-4111-8111-111111111111";
    const SECOND: &str = "22222222-2222-4222-8222-222222222222";

    #[test]
    fn groups_come_out_in_membership_order_whatever_order_group_concat_used() {
        let groups = ordered_groups(&format!("12:{SECOND},3:{FIRST}")).unwrap();
        let ids: Vec<String> = groups.iter().map(ToString::to_string).collect();
        assert_eq!(ids, [FIRST, SECOND]);
    }

    #[test]
    fn a_damaged_membership_list_is_an_error_not_a_panic() {
        let damaged = [
            String::new(),
            "12".to_owned(),
            format!("x:{FIRST}"),
            "3:not-a-uuid".to_owned(),
            format!("3:{FIRST},"),
        ];
        for list in &damaged {
            assert!(ordered_groups(list).is_err(), "{list:?} was accepted");
        }
    }
}
