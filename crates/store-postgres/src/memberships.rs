//! Group memberships: set operations in one transaction each, under the lock of every user they
//! change, so concurrent adds and removes never lose an update.

use std::collections::HashMap;

use accountd_core::Error;
use accountd_core::audit::AuditContext;
use accountd_core::ids::{AccountId, GroupId, UserId, UserRef};
use accountd_core::model::User;
use accountd_core::store::{GroupsChange, MemberRemoval};
use deadpool_postgres::{GenericClient, Transaction};
use uuid::Uuid;

use crate::errors::DbResult;
use crate::{db, groups, rows, users};

/// Marks the user at `user_seq` modified and records the change from `before`.
pub(crate) async fn touch_user(
    tx: &Transaction<'_>,
    account: AccountId,
    ctx: &AuditContext,
    user_seq: i64,
    before: &User,
) -> DbResult<User> {
    db::execute(
        tx,
        "UPDATE users SET modified_at = $2 WHERE seq = $1",
        &[&user_seq, &rows::ts(ctx.at)],
    )
    .await?;
    users::record_update(tx, account, ctx, before, user_seq).await
}

pub(crate) async fn add_members(
    tx: &Transaction<'_>,
    account: AccountId,
    group: GroupId,
    uids: &[UserId],
    ctx: &AuditContext,
) -> DbResult<Option<()>> {
    let Some(group_seq) = groups::seq_of(tx, account, group, groups::KEY_SHARE).await? else {
        return Ok(None);
    };
    // Lock the users in one order (by seq), whoever locks several: no deadlock between two adds.
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
    let mut seqs = Vec::with_capacity(uids.len());
    for uid in uids {
        let seq = known.get(uid.as_uuid()).copied().ok_or_else(|| {
            Error::invalid("users", format!("'{uid}' is not a user of this account"))
        })?;
        seqs.push(seq);
    }
    for seq in seqs {
        let before = users::load(tx, seq).await?;
        let added = db::execute(
            tx,
            "INSERT INTO memberships (user_seq, group_seq) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&seq, &group_seq],
        )
        .await?;
        if added == 1 {
            touch_user(tx, account, ctx, seq, &before).await?;
        }
    }
    Ok(Some(()))
}

pub(crate) async fn remove_member(
    tx: &Transaction<'_>,
    account: AccountId,
    group: GroupId,
    user: &UserRef,
    ctx: &AuditContext,
) -> DbResult<MemberRemoval> {
    let Some(group_seq) = groups::seq_of(tx, account, group, groups::KEY_SHARE).await? else {
        return Ok(MemberRemoval::NoSuchGroup);
    };
    let Some((before, seq)) = users::find_locked(tx, account, user).await? else {
        return Ok(MemberRemoval::NoSuchUser);
    };
    let removed = db::execute(
        tx,
        "DELETE FROM memberships WHERE user_seq = $1 AND group_seq = $2",
        &[&seq, &group_seq],
    )
    .await?;
    if removed == 0 {
        return Ok(MemberRemoval::NotAMember);
    }
    touch_user(tx, account, ctx, seq, &before).await?;
    Ok(MemberRemoval::Removed)
}

/// The members of a group (in user creation order), `None` when the group does not exist.
pub(crate) async fn list_members<C: GenericClient>(
    client: &C,
    account: AccountId,
    group: GroupId,
) -> DbResult<Option<Vec<User>>> {
    // One statement: a group without members is one row of NULLs, no group is no row.
    let found = db::query(
        client,
        &format!(
            "SELECT member.* FROM user_groups grp LEFT JOIN LATERAL ({} \
             JOIN memberships mm ON mm.user_seq = u.seq WHERE mm.group_seq = grp.seq) AS member ON true \
             WHERE grp.gid = $1 AND grp.account_id = $2 ORDER BY member.seq",
            users::SELECT
        ),
        &[group.as_uuid(), account.as_uuid()],
    )
    .await?;
    if found.is_empty() {
        return Ok(None);
    }
    let mut members = Vec::with_capacity(found.len());
    for row in &found {
        if row.try_get::<_, Option<i64>>(0)?.is_some() {
            members.push(users::from_row(row)?.0);
        }
    }
    Ok(Some(members))
}

pub(crate) async fn change_user_groups(
    tx: &Transaction<'_>,
    account: AccountId,
    user: &UserRef,
    change: &GroupsChange,
    ctx: &AuditContext,
) -> DbResult<Option<User>> {
    let Some((before, seq)) = users::find_locked(tx, account, user).await? else {
        return Ok(None);
    };
    match change {
        GroupsChange::Replace(ids) => {
            let group_seqs = groups::seqs_of(tx, account, ids).await?;
            users::set_memberships(tx, seq, &group_seqs).await?;
        }
        GroupsChange::Add(ids) => {
            let group_seqs = groups::seqs_of(tx, account, ids).await?;
            users::add_memberships(tx, seq, &group_seqs).await?;
        }
        GroupsChange::Remove(ids) => {
            let group_seqs = groups::seqs_of(tx, account, ids).await?;
            db::execute(
                tx,
                "DELETE FROM memberships WHERE user_seq = $1 AND group_seq = ANY($2)",
                &[&seq, &group_seqs],
            )
            .await?;
        }
    }
    if users::groups_of(tx, seq).await? == before.groups {
        return Ok(Some(before));
    }
    touch_user(tx, account, ctx, seq, &before).await.map(Some)
}
