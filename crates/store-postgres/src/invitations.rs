//! Invitations, user status changes, and the outbox.

use accountd_core::Error;
use accountd_core::audit::{AuditContext, EventType};
use accountd_core::ids::{AccountId, UserRef};
use accountd_core::model::{InvitationOutcome, Message, NewInvitation, User, UserStatus};
use accountd_core::secret::SecretDigest;
use deadpool_postgres::{GenericClient, Transaction};
use time::OffsetDateTime;

use crate::errors::DbResult;
use crate::{audit, db, rows, users};

/// Records an invitation of the user `user_seq` and its outbox message.
pub(crate) async fn insert(
    tx: &Transaction<'_>,
    account: AccountId,
    user_seq: i64,
    invitation: &NewInvitation,
) -> DbResult<()> {
    db::execute(
        tx,
        "INSERT INTO invitations (account_id, user_seq, token_digest, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        &[
            account.as_uuid(),
            &user_seq,
            &invitation.token_digest.0.as_slice(),
            &rows::ts(invitation.created_at),
            &rows::ts(invitation.expires_at),
        ],
    )
    .await?;
    if let Some(message) = &invitation.outbox {
        db::execute(
            tx,
            "INSERT INTO outbox (account_id, recipient, subject, body, created_at) VALUES ($1, $2, $3, $4, $5)",
            &[
                account.as_uuid(),
                &message.recipient.as_str(),
                &message.subject,
                &message.body,
                &rows::ts(message.created_at),
            ],
        )
        .await?;
    }
    Ok(())
}

pub(crate) async fn create_invited_user(
    tx: &Transaction<'_>,
    account: AccountId,
    user: &User,
    invitation: &NewInvitation,
    ctx: &AuditContext,
) -> DbResult<()> {
    let seq = users::create(tx, account, user, ctx).await?;
    insert(tx, account, seq, invitation).await
}

pub(crate) async fn renew(
    tx: &Transaction<'_>,
    account: AccountId,
    user: &UserRef,
    invitation: &NewInvitation,
    ctx: &AuditContext,
) -> DbResult<Option<User>> {
    let Some((found, seq)) = users::find_locked(tx, account, user).await? else {
        return Ok(None);
    };
    if found.status != UserStatus::PendingInvite {
        return Err(Error::Conflict(format!(
            "user '{user}' is {} and has no invitation to resend; only PENDING_INVITE users do",
            found.status.as_str()
        ))
        .into());
    }
    db::execute(
        tx,
        "DELETE FROM invitations WHERE user_seq = $1 AND used_at IS NULL",
        &[&seq],
    )
    .await?;
    insert(tx, account, seq, invitation).await?;
    let after = serde_json::json!({
        "uid": found.uid.to_string(),
        "expiresAt": accountd_core::clock::rfc3339(invitation.expires_at),
    });
    audit::event(
        tx,
        account,
        ctx,
        EventType::Create,
        ("invitation", found.uid.to_string()),
        None,
        Some(after),
    )
    .await?;
    Ok(Some(found))
}

pub(crate) async fn accept(
    tx: &Transaction<'_>,
    digest: &SecretDigest,
    ctx: &AuditContext,
) -> DbResult<InvitationOutcome> {
    let Some(found) = db::query_opt(
        tx,
        "SELECT i.seq, u.account_id, u.uid FROM invitations i JOIN users u ON u.seq = i.user_seq \
         WHERE i.token_digest = $1",
        &[&digest.0.as_slice()],
    )
    .await?
    else {
        return Ok(InvitationOutcome::Unknown);
    };
    let seq: i64 = found.try_get(0)?;
    let account = rows::account_id(&found, 1)?;
    let uid = rows::user_id(&found, 2)?;
    // Lock the user (as every change to a user does), then read the invitation afresh: a
    // concurrent acceptance of the same token has committed by then, or not started.
    let Some((before, user_seq)) = users::find_locked(tx, account, &UserRef::Uid(uid)).await?
    else {
        return Ok(InvitationOutcome::Unknown);
    };
    let Some(invitation) = db::query_opt(
        tx,
        "SELECT expires_at, used_at FROM invitations WHERE seq = $1",
        &[&seq],
    )
    .await?
    else {
        return Ok(InvitationOutcome::Unknown);
    };
    let expires_at: OffsetDateTime = invitation.try_get(0)?;
    let used_at: Option<OffsetDateTime> = invitation.try_get(1)?;
    if used_at.is_some() {
        return Ok(InvitationOutcome::AlreadyUsed);
    }
    let now = rows::ts(ctx.at);
    if expires_at <= now {
        return Ok(InvitationOutcome::Expired);
    }
    if before.status != UserStatus::PendingInvite {
        return Ok(InvitationOutcome::NotPending(before.status));
    }
    db::execute(
        tx,
        "UPDATE invitations SET used_at = $2 WHERE seq = $1",
        &[&seq, &now],
    )
    .await?;
    db::execute(
        tx,
        "UPDATE users SET status = 'ACTIVE', modified_at = $2 WHERE seq = $1",
        &[&user_seq, &now],
    )
    .await?;
    users::record_update(tx, account, ctx, &before, user_seq).await?;
    Ok(InvitationOutcome::Accepted { account, user: uid })
}

pub(crate) async fn change_status(
    tx: &Transaction<'_>,
    account: AccountId,
    user: &UserRef,
    from: &[UserStatus],
    to: UserStatus,
    ctx: &AuditContext,
) -> DbResult<Option<std::result::Result<User, UserStatus>>> {
    let Some((found, seq)) = users::find_locked(tx, account, user).await? else {
        return Ok(None);
    };
    if !from.contains(&found.status) {
        return Ok(Some(Err(found.status)));
    }
    if found.status == to {
        return Ok(Some(Ok(found)));
    }
    db::execute(
        tx,
        "UPDATE users SET status = $2, modified_at = $3 WHERE seq = $1",
        &[&seq, &to.as_str(), &rows::ts(ctx.at)],
    )
    .await?;
    if to == UserStatus::Inactive {
        // A deactivated user must not be activated by a link sent before.
        db::execute(
            tx,
            "DELETE FROM invitations WHERE user_seq = $1 AND used_at IS NULL",
            &[&seq],
        )
        .await?;
    }
    users::record_update(tx, account, ctx, &found, seq)
        .await
        .map(|after| Some(Ok(after)))
}

pub(crate) async fn outbox<C: GenericClient>(
    client: &C,
    account: AccountId,
) -> DbResult<Vec<Message>> {
    db::query(
        client,
        "SELECT recipient, subject, body, created_at FROM outbox WHERE account_id = $1 ORDER BY seq",
        &[account.as_uuid()],
    )
    .await?
    .iter()
    .map(|row| {
        Ok(Message {
            recipient: rows::email(row, 0)?,
            subject: row.try_get(1)?,
            body: row.try_get(2)?,
            created_at: rows::time(row, 3)?,
        })
    })
    .collect()
}
