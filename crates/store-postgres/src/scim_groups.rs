//! Groups as SCIM serves them: every group of the account with its externalId and member uids.
//!
//! Members change as set operations under the lock of every user they change (as in
//! `memberships.rs`), and each user that gains or loses a membership is marked modified with an
//! audit event of its own, so concurrent member changes from several SCIM clients all survive.

use std::collections::HashMap;

use accountd_core::Error;
use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, GroupId, UserId};
use accountd_core::scim::{ScimGroup, ScimGroupChange, ScimKey, ScimQuery, ScimSlice};
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;
use uuid::Uuid;

use crate::errors::{DbResult, conflict};
use crate::{audit, db, groups, memberships, paging, rows, users};

/// The columns `groups::from_row` decodes (`seq` first), then the externalId and the member
/// uids in user creation order (memberships record no time of their own). Alias `g`.
const SELECT: &str = "SELECT g.seq, g.gid, g.name, g.description, g.owner, g.created_at, \
     g.updated_at, g.external_id, ARRAY(SELECT u.uid FROM memberships m JOIN users u \
     ON u.seq = m.user_seq WHERE m.group_seq = g.seq ORDER BY u.seq) AS members \
     FROM user_groups g";

/// A row of [`SELECT`].
fn from_row(row: &Row) -> DbResult<ScimGroup> {
    let members: Vec<Uuid> = row.try_get(8)?;
    Ok(ScimGroup {
        group: groups::from_row(row)?,
        external_id: row.try_get(7)?,
        members: members.into_iter().map(UserId::from_uuid).collect(),
    })
}

pub(crate) async fn get<C: GenericClient>(
    client: &C,
    account: AccountId,
    id: GroupId,
) -> DbResult<Option<ScimGroup>> {
    db::query_opt(
        client,
        &format!("{SELECT} WHERE g.gid = $1 AND g.account_id = $2"),
        &[id.as_uuid(), account.as_uuid()],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

/// Locks the users among `uids` that are users of the account, in one order (by seq) whoever
/// locks several, so that two member changes cannot deadlock on each other; their row numbers
/// by uid.
async fn lock_users(
    tx: &Transaction<'_>,
    account: AccountId,
    uids: &[UserId],
) -> DbResult<HashMap<Uuid, i64>> {
    if uids.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted: Vec<Uuid> = uids.iter().map(|uid| *uid.as_uuid()).collect();
    let found = db::query(
        tx,
        "SELECT uid, seq FROM users WHERE account_id = $1 AND uid = ANY($2) ORDER BY seq FOR UPDATE",
        &[account.as_uuid(), &wanted],
    )
    .await?;
    let mut known = HashMap::with_capacity(found.len());
    for row in &found {
        known.insert(row.try_get::<_, Uuid>(0)?, row.try_get::<_, i64>(1)?);
    }
    Ok(known)
}

/// The row numbers of `uids` (in their order), every one of which must be in `known`; else
/// `Invalid` naming the first that is not a user of the account.
fn member_seqs(known: &HashMap<Uuid, i64>, uids: &[UserId]) -> DbResult<Vec<i64>> {
    uids.iter()
        .map(|uid| {
            known.get(uid.as_uuid()).copied().ok_or_else(|| {
                Error::invalid("members", format!("'{uid}' is not a user of this account")).into()
            })
        })
        .collect()
}

/// Adds the users at `user_seqs` (locked) to the group (already a member is fine); each that
/// becomes a member is marked modified, with its audit event.
async fn add(
    tx: &Transaction<'_>,
    account: AccountId,
    ctx: &AuditContext,
    group_seq: i64,
    user_seqs: &[i64],
) -> DbResult<()> {
    for &seq in user_seqs {
        let before = users::load(tx, seq).await?;
        let added = db::execute(
            tx,
            "INSERT INTO memberships (user_seq, group_seq) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&seq, &group_seq],
        )
        .await?;
        if added == 1 {
            memberships::touch_user(tx, account, ctx, seq, &before).await?;
        }
    }
    Ok(())
}

/// Removes the users at `user_seqs` (locked) from the group (not a member is fine); each that
/// was a member is marked modified, with its audit event.
async fn remove(
    tx: &Transaction<'_>,
    account: AccountId,
    ctx: &AuditContext,
    group_seq: i64,
    user_seqs: &[i64],
) -> DbResult<()> {
    for &seq in user_seqs {
        let before = users::load(tx, seq).await?;
        let removed = db::execute(
            tx,
            "DELETE FROM memberships WHERE user_seq = $1 AND group_seq = $2",
            &[&seq, &group_seq],
        )
        .await?;
        if removed == 1 {
            memberships::touch_user(tx, account, ctx, seq, &before).await?;
        }
    }
    Ok(())
}

pub(crate) async fn create(
    tx: &Transaction<'_>,
    account: AccountId,
    group: &ScimGroup,
    ctx: &AuditContext,
) -> DbResult<()> {
    // Members first: an unknown one ends the transaction before anything is written.
    let known = lock_users(tx, account, &group.members).await?;
    let member_seqs = member_seqs(&known, &group.members)?;
    let g = &group.group;
    let row = db::query_one(
        tx,
        "INSERT INTO user_groups (gid, account_id, name, description, owner, created_at, updated_at, \
         external_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
        &[
            g.id.as_uuid(),
            account.as_uuid(),
            &g.name,
            &g.description,
            &g.owner.as_str(),
            &rows::ts(g.created_at),
            &rows::ts(g.updated_at),
            &group.external_id,
        ],
    )
    .await
    .map_err(|err| conflict(err, || groups::name_taken(&g.name)))?;
    let group_seq: i64 = row.try_get(0)?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Create,
        ("group", g.id.to_string()),
        None,
        Some(snapshot::group(g)),
    )
    .await?;
    add(tx, account, ctx, group_seq, &member_seqs).await
}

pub(crate) async fn replace(
    tx: &Transaction<'_>,
    account: AccountId,
    id: GroupId,
    change: &ScimGroupChange,
    ctx: &AuditContext,
) -> DbResult<Option<ScimGroup>> {
    // Changes to the group's own data queue behind each other (as `groups::update` does);
    // member changes of other writers (which key-share lock the group) go on in parallel.
    let Some(group_seq) = groups::seq_of(tx, account, id, groups::NO_KEY_UPDATE).await? else {
        return Ok(None);
    };
    let Some(before) = get(tx, account, id).await? else {
        return Ok(None);
    };
    let mut touched = change.add_members.clone();
    touched.extend_from_slice(&change.remove_members);
    let known = lock_users(tx, account, &touched).await?;
    let add_seqs = member_seqs(&known, &change.add_members)?;
    // A uid to remove that is no user (any more) is no member either: nothing to do.
    let remove_seqs: Vec<i64> = change
        .remove_members
        .iter()
        .filter_map(|uid| known.get(uid.as_uuid()).copied())
        .collect();
    if before.group.name != change.name || before.external_id != change.external_id {
        let after = db::query_one(
            tx,
            "UPDATE user_groups SET name = $2, external_id = $3, updated_at = $4 WHERE seq = $1 \
             RETURNING seq, gid, name, description, owner, created_at, updated_at",
            &[
                &group_seq,
                &change.name,
                &change.external_id,
                &rows::ts(change.updated_at),
            ],
        )
        .await
        .map_err(|err| conflict(err, || groups::name_taken(&change.name)))?;
        let after = groups::from_row(&after)?;
        audit::event(
            tx,
            account,
            ctx,
            EventType::Update,
            ("group", id.to_string()),
            Some(snapshot::group(&before.group)),
            Some(snapshot::group(&after)),
        )
        .await?;
    }
    add(tx, account, ctx, group_seq, &add_seqs).await?;
    remove(tx, account, ctx, group_seq, &remove_seqs).await?;
    get(tx, account, id).await
}

/// Groups in creation order, narrowed by `query.key`; the window and the count are one
/// statement.
pub(crate) async fn list<C: GenericClient>(
    client: &C,
    account: AccountId,
    query: &ScimQuery,
) -> DbResult<ScimSlice<ScimGroup>> {
    let (condition, value) = match &query.key {
        None => ("", None),
        // SCIM's displayName is not case-exact (RFC 7643 §4.2), though group names are unique
        // case-sensitively. Both sides folded by the same function: a name always finds its
        // group, whatever the database's locale folds. Groups are few per account: no index.
        Some(ScimKey::DisplayName(name)) => (" AND lower(g.name) = lower($4)", Some(name)),
        Some(ScimKey::ExternalId(id)) => (" AND g.external_id = $4", Some(id)),
        // Groups have no userName.
        Some(ScimKey::UserName(_)) => {
            return Ok(ScimSlice {
                total: 0,
                items: Vec::new(),
            });
        }
    };
    let sql = paging::sql(
        &format!("{SELECT} WHERE g.account_id = $1{condition} ORDER BY g.seq LIMIT $2 OFFSET $3"),
        &format!("SELECT count(*) FROM user_groups g WHERE g.account_id = $1{condition}"),
        "ASC",
    );
    let (limit, offset) = paging::window(query);
    let found = match value {
        Some(value) => {
            db::query(client, &sql, &[account.as_uuid(), &limit, &offset, value]).await?
        }
        None => db::query(client, &sql, &[account.as_uuid(), &limit, &offset]).await?,
    };
    paging::slice(found, from_row)
}
