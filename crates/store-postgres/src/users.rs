//! Users and their memberships.

use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, GroupId, UserRef};
use accountd_core::model::{User, UserStatus};
use accountd_core::page::{Page, PageQuery};
use accountd_core::store::{UserFilter, UserReplacement};
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use crate::errors::{DbResult, conflict};
use crate::{audit, db, paging, rows};

/// The columns of [`SELECT`], for statements that read more of the row after them (a literal,
/// for `concat!`).
macro_rules! user_columns {
    () => {
        "u.seq, u.uid, u.email, u.first_name, u.last_name, u.status, u.created_at, u.modified_at, \
         ARRAY(SELECT g.gid FROM memberships m JOIN user_groups g ON g.seq = m.group_seq \
         WHERE m.user_seq = u.seq ORDER BY g.seq) AS groups"
    };
}
pub(crate) use user_columns;

/// A user row with its groups (in group creation order), `seq` first. Alias `u`.
pub(crate) const SELECT: &str = concat!("SELECT ", user_columns!(), " FROM users u");

/// A row of [`SELECT`]: the user and its sequence number.
pub(crate) fn from_row(row: &Row) -> DbResult<(User, i64)> {
    let user = User {
        uid: rows::user_id(row, 1)?,
        email: rows::email(row, 2)?,
        first_name: row.try_get(3)?,
        last_name: row.try_get(4)?,
        groups: rows::group_ids(row, 8)?,
        status: rows::parsed(row, 5, "user status", UserStatus::parse)?,
        created_at: rows::time(row, 6)?,
        modified_at: rows::time(row, 7)?,
    };
    Ok((user, row.try_get(0)?))
}

fn email_taken(email: &str) -> String {
    format!("a user with the email address '{email}' already exists in this account")
}

/// The user (with its groups) and its sequence number.
pub(crate) async fn find<C: GenericClient>(
    client: &C,
    account: AccountId,
    user: &UserRef,
) -> DbResult<Option<(User, i64)>> {
    let row = match user {
        UserRef::Uid(uid) => {
            db::query_opt(
                client,
                &format!("{SELECT} WHERE u.uid = $1 AND u.account_id = $2"),
                &[uid.as_uuid(), account.as_uuid()],
            )
            .await?
        }
        UserRef::Email(email) => {
            db::query_opt(
                client,
                &format!("{SELECT} WHERE u.account_id = $1 AND u.email_key = $2"),
                &[account.as_uuid(), &email.key()],
            )
            .await?
        }
    };
    row.map(|row| from_row(&row)).transpose()
}

/// Locks the user's row until the transaction ends, then reads the user. Every change to a user
/// or to its memberships takes this lock first, so changes to one user run one after another
/// and each reads the state the previous one left. The read is a statement of its own: under
/// READ COMMITTED it sees everything committed while the lock was awaited, which the locking
/// statement (whose snapshot predates the wait) would not for the memberships.
pub(crate) async fn find_locked(
    tx: &Transaction<'_>,
    account: AccountId,
    user: &UserRef,
) -> DbResult<Option<(User, i64)>> {
    let row = match user {
        UserRef::Uid(uid) => {
            db::query_opt(
                tx,
                "SELECT seq FROM users WHERE uid = $1 AND account_id = $2 FOR UPDATE",
                &[uid.as_uuid(), account.as_uuid()],
            )
            .await?
        }
        UserRef::Email(email) => {
            db::query_opt(
                tx,
                "SELECT seq FROM users WHERE account_id = $1 AND email_key = $2 FOR UPDATE",
                &[account.as_uuid(), &email.key()],
            )
            .await?
        }
    };
    let Some(row) = row else {
        return Ok(None);
    };
    let seq: i64 = row.try_get(0)?;
    Ok(Some((load(tx, seq).await?, seq)))
}

pub(crate) async fn get<C: GenericClient>(
    client: &C,
    account: AccountId,
    user: &UserRef,
) -> DbResult<Option<User>> {
    Ok(find(client, account, user).await?.map(|(user, _)| user))
}

pub(crate) async fn groups_of<C: GenericClient>(
    client: &C,
    user_seq: i64,
) -> DbResult<Vec<GroupId>> {
    db::query(
        client,
        "SELECT g.gid FROM memberships m JOIN user_groups g ON g.seq = m.group_seq \
         WHERE m.user_seq = $1 ORDER BY g.seq",
        &[&user_seq],
    )
    .await?
    .iter()
    .map(|row| rows::group_id(row, 0))
    .collect()
}

/// Adds memberships of the user in the groups `group_seqs` (already a member is fine).
pub(crate) async fn add_memberships(
    tx: &Transaction<'_>,
    user_seq: i64,
    group_seqs: &[i64],
) -> DbResult<()> {
    if group_seqs.is_empty() {
        return Ok(());
    }
    db::execute(
        tx,
        "INSERT INTO memberships (user_seq, group_seq) SELECT $1::bigint, unnest($2::bigint[]) \
         ON CONFLICT DO NOTHING",
        &[&user_seq, &group_seqs],
    )
    .await?;
    Ok(())
}

pub(crate) async fn set_memberships(
    tx: &Transaction<'_>,
    user_seq: i64,
    group_seqs: &[i64],
) -> DbResult<()> {
    db::execute(
        tx,
        "DELETE FROM memberships WHERE user_seq = $1",
        &[&user_seq],
    )
    .await?;
    add_memberships(tx, user_seq, group_seqs).await
}

/// Inserts the user and its memberships, records the event, and returns its row number.
pub(crate) async fn create(
    tx: &Transaction<'_>,
    account: AccountId,
    user: &User,
    ctx: &AuditContext,
) -> DbResult<i64> {
    let group_seqs = crate::groups::seqs_of(tx, account, &user.groups).await?;
    let row = db::query_one(
        tx,
        "INSERT INTO users (uid, account_id, email, email_key, first_name, last_name, status, created_at, modified_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq",
        &[
            user.uid.as_uuid(),
            account.as_uuid(),
            &user.email.as_str(),
            &user.email.key(),
            &user.first_name,
            &user.last_name,
            &user.status.as_str(),
            &rows::ts(user.created_at),
            &rows::ts(user.modified_at),
        ],
    )
    .await
    .map_err(|err| conflict(err, || email_taken(user.email.as_str())))?;
    let seq: i64 = row.try_get(0)?;
    // A new user has no memberships yet: nothing to delete first.
    add_memberships(tx, seq, &group_seqs).await?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Create,
        ("user", user.uid.to_string()),
        None,
        Some(snapshot::user(user)),
    )
    .await?;
    Ok(seq)
}

/// Records that the user at `seq` changed from `before` to its current state.
pub(crate) async fn record_update(
    tx: &Transaction<'_>,
    account: AccountId,
    ctx: &AuditContext,
    before: &User,
    seq: i64,
) -> DbResult<User> {
    let after = load(tx, seq).await?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Update,
        ("user", after.uid.to_string()),
        Some(snapshot::user(before)),
        Some(snapshot::user(&after)),
    )
    .await?;
    Ok(after)
}

/// The user at row `seq`, with its groups.
pub(crate) async fn load<C: GenericClient>(client: &C, seq: i64) -> DbResult<User> {
    let row = db::query_one(client, &format!("{SELECT} WHERE u.seq = $1"), &[&seq]).await?;
    Ok(from_row(&row)?.0)
}

pub(crate) async fn replace(
    tx: &Transaction<'_>,
    account: AccountId,
    user: &UserRef,
    change: &UserReplacement,
    ctx: &AuditContext,
) -> DbResult<Option<User>> {
    let Some((existing, seq)) = find_locked(tx, account, user).await? else {
        return Ok(None);
    };
    let group_seqs = crate::groups::seqs_of(tx, account, &change.groups).await?;
    let status = change.status.unwrap_or(existing.status);
    db::execute(
        tx,
        "UPDATE users SET email = $2, email_key = $3, first_name = $4, last_name = $5, status = $6, \
         modified_at = $7 WHERE seq = $1",
        &[
            &seq,
            &change.email.as_str(),
            &change.email.key(),
            &change.first_name,
            &change.last_name,
            &status.as_str(),
            &rows::ts(change.modified_at),
        ],
    )
    .await
    .map_err(|err| conflict(err, || email_taken(change.email.as_str())))?;
    set_memberships(tx, seq, &group_seqs).await?;
    record_update(tx, account, ctx, &existing, seq)
        .await
        .map(Some)
}

pub(crate) async fn delete(
    tx: &Transaction<'_>,
    account: AccountId,
    user: &UserRef,
    ctx: &AuditContext,
) -> DbResult<bool> {
    let Some((before, seq)) = find_locked(tx, account, user).await? else {
        return Ok(false);
    };
    // Memberships and invitations cascade.
    db::execute(tx, "DELETE FROM users WHERE seq = $1", &[&seq]).await?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Delete,
        ("user", before.uid.to_string()),
        Some(snapshot::user(&before)),
        None,
    )
    .await?;
    Ok(true)
}

pub(crate) async fn list<C: GenericClient>(
    client: &C,
    account: AccountId,
    query: &PageQuery,
    filter: &UserFilter,
) -> DbResult<Page<User>> {
    let kinds = if filter.include_service_users {
        ""
    } else {
        " AND u.kind = 'HUMAN'"
    };
    if let Some(email) = &filter.email {
        // Email is unique per account: the filtered set has at most one user, on one page.
        let found = db::query_opt(
            client,
            &format!("{SELECT} WHERE u.account_id = $1 AND u.email_key = $2{kinds}"),
            &[account.as_uuid(), &email.key()],
        )
        .await?
        .map(|row| from_row(&row))
        .transpose()?;
        let total = u64::from(found.is_some());
        return Ok(Page {
            items: found.into_iter().map(|(user, _)| user).collect(),
            next_after: None,
            total,
        });
    }
    let sql = paging::sql(
        &format!("{SELECT} WHERE u.account_id = $1{kinds} AND u.seq > $2 ORDER BY u.seq LIMIT $3"),
        &format!("SELECT count(*) FROM users u WHERE u.account_id = $1{kinds}"),
        "ASC",
    );
    let found = db::query(
        client,
        &sql,
        &[
            account.as_uuid(),
            &query.after.unwrap_or(0),
            &paging::fetch_limit(query),
        ],
    )
    .await?;
    paging::split(found, query, |row| from_row(row).map(|(user, _)| user))
}
