//! Service users: rows of `users` with kind 'SERVICE', each with a group of its own.

use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, UserId};
use accountd_core::model::{Group, SERVICE_USER_SURNAME, ServiceUser, UserKind, UserStatus};
use accountd_core::page::{Page, PageQuery};
use accountd_core::store::ServiceUserChange;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;
use uuid::Uuid;

use crate::errors::{DbResult, conflict};
use crate::{audit, db, paging, rows};

/// `seq` first: listings page on it.
const SELECT: &str = "SELECT u.seq, u.uid, u.email, u.first_name, u.description, u.status, u.created_at, \
     g.gid FROM users u LEFT JOIN user_groups g ON g.seq = u.service_group_seq";

fn from_row(row: &Row) -> DbResult<ServiceUser> {
    let group: Option<Uuid> = row.try_get(7)?;
    Ok(ServiceUser {
        uid: rows::user_id(row, 1)?,
        email: rows::email(row, 2)?,
        name: row.try_get(3)?,
        description: row.try_get(4)?,
        status: rows::parsed(row, 5, "user status", UserStatus::parse)?,
        created_at: rows::time(row, 6)?,
        group: group.map(accountd_core::ids::GroupId::from_uuid),
    })
}

pub(crate) async fn create(
    tx: &Transaction<'_>,
    account: AccountId,
    user: &ServiceUser,
    group: &Group,
    ctx: &AuditContext,
) -> DbResult<()> {
    let group_seq = crate::groups::create(tx, account, group, ctx).await?;
    let created_at = rows::ts(user.created_at);
    let row = db::query_one(
        tx,
        "INSERT INTO users (uid, account_id, email, email_key, first_name, last_name, status, created_at, \
         modified_at, kind, description, service_group_seq) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11) RETURNING seq",
        &[
            user.uid.as_uuid(),
            account.as_uuid(),
            &user.email.as_str(),
            &user.email.key(),
            &user.name,
            &SERVICE_USER_SURNAME,
            &user.status.as_str(),
            &created_at,
            &UserKind::Service.as_str(),
            &user.description,
            &group_seq,
        ],
    )
    .await
    .map_err(|err| conflict(err, || format!("service user {} already exists", user.uid)))?;
    let user_seq: i64 = row.try_get(0)?;
    db::execute(
        tx,
        "INSERT INTO memberships (user_seq, group_seq) VALUES ($1, $2)",
        &[&user_seq, &group_seq],
    )
    .await?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Create,
        ("service_user", user.uid.to_string()),
        None,
        Some(snapshot::service_user(user)),
    )
    .await
}

pub(crate) async fn get<C: GenericClient>(
    client: &C,
    account: AccountId,
    uid: UserId,
) -> DbResult<Option<ServiceUser>> {
    db::query_opt(
        client,
        &format!("{SELECT} WHERE u.uid = $1 AND u.account_id = $2 AND u.kind = 'SERVICE'"),
        &[uid.as_uuid(), account.as_uuid()],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

/// Locks the service user's row until the transaction ends (as every change to a user does),
/// then reads it; `None` when there is no such service user.
async fn get_locked(
    tx: &Transaction<'_>,
    account: AccountId,
    uid: UserId,
) -> DbResult<Option<ServiceUser>> {
    let locked = db::query_opt(
        tx,
        "SELECT seq FROM users WHERE uid = $1 AND account_id = $2 AND kind = 'SERVICE' FOR UPDATE",
        &[uid.as_uuid(), account.as_uuid()],
    )
    .await?;
    if locked.is_none() {
        return Ok(None);
    }
    get(tx, account, uid).await
}

pub(crate) async fn update(
    tx: &Transaction<'_>,
    account: AccountId,
    uid: UserId,
    change: &ServiceUserChange,
    ctx: &AuditContext,
) -> DbResult<Option<ServiceUser>> {
    let Some(before) = get_locked(tx, account, uid).await? else {
        return Ok(None);
    };
    let n = db::execute(
        tx,
        "UPDATE users SET first_name = $3, description = $4, modified_at = $5 \
         WHERE uid = $1 AND account_id = $2 AND kind = 'SERVICE'",
        &[
            uid.as_uuid(),
            account.as_uuid(),
            &change.name,
            &change.description,
            &rows::ts(change.modified_at),
        ],
    )
    .await?;
    if n == 0 {
        return Ok(None);
    }
    let after = get(tx, account, uid).await?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Update,
        ("service_user", uid.to_string()),
        Some(snapshot::service_user(&before)),
        after.as_ref().map(snapshot::service_user),
    )
    .await?;
    Ok(after)
}

pub(crate) async fn delete(
    tx: &Transaction<'_>,
    account: AccountId,
    uid: UserId,
    ctx: &AuditContext,
) -> DbResult<bool> {
    let Some(before) = get_locked(tx, account, uid).await? else {
        return Ok(false);
    };
    let found: Option<Option<i64>> = db::query_opt(
        tx,
        "SELECT service_group_seq FROM users WHERE uid = $1 AND account_id = $2 AND kind = 'SERVICE'",
        &[uid.as_uuid(), account.as_uuid()],
    )
    .await?
    .map(|row| row.try_get(0))
    .transpose()?;
    let Some(group_seq) = found else {
        return Ok(false);
    };
    db::execute(tx, "DELETE FROM users WHERE uid = $1", &[uid.as_uuid()]).await?;
    if let Some(group) = before.group.filter(|_| group_seq.is_some()) {
        // Its group existed only for it; memberships and permissions cascade.
        crate::groups::delete(tx, account, group, ctx).await?;
    }
    audit::event(
        tx,
        account,
        ctx,
        EventType::Delete,
        ("service_user", uid.to_string()),
        Some(snapshot::service_user(&before)),
        None,
    )
    .await?;
    Ok(true)
}

pub(crate) async fn list<C: GenericClient>(
    client: &C,
    account: AccountId,
    query: &PageQuery,
    skip: u64,
) -> DbResult<Page<ServiceUser>> {
    let sql = paging::sql(
        &format!(
            "{SELECT} WHERE u.account_id = $1 AND u.kind = 'SERVICE' AND u.seq > $2 ORDER BY u.seq \
             LIMIT $3 OFFSET $4"
        ),
        "SELECT count(*) FROM users WHERE account_id = $1 AND kind = 'SERVICE'",
        "ASC",
    );
    let found = db::query(
        client,
        &sql,
        &[
            account.as_uuid(),
            &query.after.unwrap_or(0),
            &paging::fetch_limit(query),
            &i64::try_from(skip).unwrap_or(i64::MAX),
        ],
    )
    .await?;
    paging::split(found, query, from_row)
}
