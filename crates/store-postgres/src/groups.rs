//! Groups.

use std::collections::HashMap;

use accountd_core::Error;
use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, GroupId};
use accountd_core::model::{Group, GroupOwner};
use accountd_core::page::{Page, PageQuery};
use accountd_core::store::GroupChange;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;
use uuid::Uuid;

use crate::errors::{DbResult, conflict};
use crate::{audit, db, paging, rows};

/// `seq` first: listings page on it. [`from_row`] decodes them.
const COLUMNS: &str = "seq, gid, name, description, owner, created_at, updated_at";

pub(crate) fn from_row(row: &Row) -> DbResult<Group> {
    Ok(Group {
        id: rows::group_id(row, 1)?,
        name: row.try_get(2)?,
        description: row.try_get(3)?,
        owner: rows::parsed(row, 4, "group owner", GroupOwner::parse)?,
        created_at: rows::time(row, 5)?,
        updated_at: rows::time(row, 6)?,
    })
}

pub(crate) fn name_taken(name: &str) -> String {
    format!("a group named '{name}' already exists in this account")
}

/// Inserts the group, records the event, and returns its row number.
pub(crate) async fn create(
    tx: &Transaction<'_>,
    account: AccountId,
    group: &Group,
    ctx: &AuditContext,
) -> DbResult<i64> {
    let row = db::query_one(
        tx,
        "INSERT INTO user_groups (gid, account_id, name, description, owner, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq",
        &[
            group.id.as_uuid(),
            account.as_uuid(),
            &group.name,
            &group.description,
            &group.owner.as_str(),
            &rows::ts(group.created_at),
            &rows::ts(group.updated_at),
        ],
    )
    .await
    .map_err(|err| conflict(err, || name_taken(&group.name)))?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Create,
        ("group", group.id.to_string()),
        None,
        Some(snapshot::group(group)),
    )
    .await?;
    Ok(row.try_get(0)?)
}

pub(crate) async fn get<C: GenericClient>(
    client: &C,
    account: AccountId,
    id: GroupId,
) -> DbResult<Option<Group>> {
    db::query_opt(
        client,
        &format!("SELECT {COLUMNS} FROM user_groups WHERE gid = $1 AND account_id = $2"),
        &[id.as_uuid(), account.as_uuid()],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

/// The group, its row locked with `lock`.
async fn get_locked(
    tx: &Transaction<'_>,
    account: AccountId,
    id: GroupId,
    lock: &str,
) -> DbResult<Option<Group>> {
    db::query_opt(
        tx,
        &format!("SELECT {COLUMNS} FROM user_groups WHERE gid = $1 AND account_id = $2 {lock}"),
        &[id.as_uuid(), account.as_uuid()],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

pub(crate) async fn find_by_name<C: GenericClient>(
    client: &C,
    account: AccountId,
    name: &str,
) -> DbResult<Option<Group>> {
    db::query_opt(
        client,
        &format!("SELECT {COLUMNS} FROM user_groups WHERE account_id = $1 AND name = $2"),
        &[account.as_uuid(), &name],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

/// Row locks on a group, strongest last. `KEY_SHARE` keeps the group from being deleted while
/// rows that reference it are written; `NO_KEY_UPDATE` also serializes changes to the group's
/// own data (name, permissions).
pub(crate) const KEY_SHARE: &str = "FOR KEY SHARE";
pub(crate) const NO_KEY_UPDATE: &str = "FOR NO KEY UPDATE";
const UPDATE: &str = "FOR UPDATE";

/// The internal sequence number of a group of the account, its row locked with `lock`.
pub(crate) async fn seq_of(
    tx: &Transaction<'_>,
    account: AccountId,
    id: GroupId,
    lock: &str,
) -> DbResult<Option<i64>> {
    db::query_opt(
        tx,
        &format!("SELECT seq FROM user_groups WHERE gid = $1 AND account_id = $2 {lock}"),
        &[id.as_uuid(), account.as_uuid()],
    )
    .await?
    .map(|row| row.try_get(0))
    .transpose()
    .map_err(Into::into)
}

/// Sequence numbers of `ids` (in their order), all of which must be groups of the account
/// (else `Invalid` naming the first unknown one). Their rows stay key-share locked, so none is
/// deleted before the memberships that will reference it are written.
pub(crate) async fn seqs_of(
    tx: &Transaction<'_>,
    account: AccountId,
    ids: &[GroupId],
) -> DbResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let uuids: Vec<Uuid> = ids.iter().map(|id| *id.as_uuid()).collect();
    let found = db::query(
        tx,
        "SELECT gid, seq FROM user_groups WHERE account_id = $1 AND gid = ANY($2) ORDER BY seq \
         FOR KEY SHARE",
        &[account.as_uuid(), &uuids],
    )
    .await?;
    let mut seqs = HashMap::with_capacity(found.len());
    for row in &found {
        seqs.insert(row.try_get::<_, Uuid>(0)?, row.try_get::<_, i64>(1)?);
    }
    ids.iter()
        .map(|id| {
            seqs.get(id.as_uuid())
                .copied()
                .ok_or_else(|| Error::invalid("groups", format!("unknown group id '{id}'")).into())
        })
        .collect()
}

pub(crate) async fn update(
    tx: &Transaction<'_>,
    account: AccountId,
    id: GroupId,
    change: &GroupChange,
    ctx: &AuditContext,
) -> DbResult<Option<Group>> {
    let Some(before) = get_locked(tx, account, id, NO_KEY_UPDATE).await? else {
        return Ok(None);
    };
    let after = db::query_opt(
        tx,
        &format!(
            "UPDATE user_groups SET name = $3, description = $4, updated_at = $5 \
             WHERE gid = $1 AND account_id = $2 RETURNING {COLUMNS}"
        ),
        &[
            id.as_uuid(),
            account.as_uuid(),
            &change.name,
            &change.description,
            &rows::ts(change.updated_at),
        ],
    )
    .await
    .map_err(|err| conflict(err, || name_taken(&change.name)))?
    .map(|row| from_row(&row))
    .transpose()?;
    let Some(after) = after else {
        return Ok(None);
    };
    audit::event(
        tx,
        account,
        ctx,
        EventType::Update,
        ("group", id.to_string()),
        Some(snapshot::group(&before)),
        Some(snapshot::group(&after)),
    )
    .await?;
    Ok(Some(after))
}

pub(crate) async fn delete(
    tx: &Transaction<'_>,
    account: AccountId,
    id: GroupId,
    ctx: &AuditContext,
) -> DbResult<bool> {
    let Some(before) = get_locked(tx, account, id, UPDATE).await? else {
        return Ok(false);
    };
    // Memberships and permissions cascade.
    let n = db::execute(
        tx,
        "DELETE FROM user_groups WHERE gid = $1 AND account_id = $2",
        &[id.as_uuid(), account.as_uuid()],
    )
    .await?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Delete,
        ("group", id.to_string()),
        Some(snapshot::group(&before)),
        None,
    )
    .await?;
    Ok(n == 1)
}

pub(crate) async fn list<C: GenericClient>(
    client: &C,
    account: AccountId,
    query: &PageQuery,
) -> DbResult<Page<Group>> {
    let sql = paging::sql(
        &format!(
            "SELECT {COLUMNS} FROM user_groups WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
        ),
        "SELECT count(*) FROM user_groups WHERE account_id = $1",
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
    paging::split(found, query, from_row)
}
