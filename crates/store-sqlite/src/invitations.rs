//! Invitations, user status changes, and the outbox.

use accountd_core::audit::{AuditContext, EventType};
use accountd_core::ids::{AccountId, UserRef};
use accountd_core::model::{InvitationOutcome, Message, NewInvitation, User, UserStatus};
use accountd_core::secret::SecretDigest;
use accountd_core::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::internal;
use crate::{audit, rows, users};

/// Records an invitation of the user `user_seq` and its outbox message.
pub fn insert(
    conn: &Connection,
    account: AccountId,
    user_seq: i64,
    invitation: &NewInvitation,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO invitations (account_id, user_seq, token_digest, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            account.to_string(),
            user_seq,
            invitation.token_digest.0.as_slice(),
            rows::millis(invitation.created_at),
            rows::millis(invitation.expires_at)
        ])
    })
    .map_err(internal)?;
    if let Some(message) = &invitation.outbox {
        conn.prepare_cached(
            "INSERT INTO outbox (account_id, recipient, subject, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut stmt| {
            stmt.execute(params![
                account.to_string(),
                message.recipient.as_str(),
                message.subject,
                message.body,
                rows::millis(message.created_at)
            ])
        })
        .map_err(internal)?;
    }
    Ok(())
}

pub fn create_invited_user(
    conn: &Connection,
    account: AccountId,
    user: &User,
    invitation: &NewInvitation,
    ctx: &AuditContext,
) -> Result<()> {
    let seq = users::create(conn, account, user, ctx)?;
    insert(conn, account, seq, invitation)
}

pub fn renew(
    conn: &Connection,
    account: AccountId,
    user: &UserRef,
    invitation: &NewInvitation,
    ctx: &AuditContext,
) -> Result<Option<User>> {
    let Some((mut found, seq)) = users::find(conn, account, user).map_err(internal)? else {
        return Ok(None);
    };
    if found.status != UserStatus::PendingInvite {
        return Err(Error::Conflict(format!(
            "user '{user}' is {} and has no invitation to resend; only PENDING_INVITE users do",
            found.status.as_str()
        )));
    }
    conn.execute(
        "DELETE FROM invitations WHERE user_seq = ?1 AND used_at IS NULL",
        [seq],
    )
    .map_err(internal)?;
    insert(conn, account, seq, invitation)?;
    found.groups = users::groups_of(conn, seq).map_err(internal)?;
    let after = serde_json::json!({"uid": found.uid.to_string(), "expiresAt": accountd_core::clock::rfc3339(invitation.expires_at)});
    audit::event(
        conn,
        account,
        ctx,
        EventType::Create,
        ("invitation", found.uid.to_string()),
        None,
        Some(after),
    )?;
    Ok(Some(found))
}

pub fn accept(
    conn: &Connection,
    digest: &SecretDigest,
    ctx: &AuditContext,
) -> Result<InvitationOutcome> {
    let found: Option<(i64, i64, Option<i64>, i64, String, String)> = conn
        .query_row(
            "SELECT i.seq, i.expires_at, i.used_at, i.user_seq, u.account_id, u.uid FROM invitations i \
             JOIN users u ON u.seq = i.user_seq WHERE i.token_digest = ?1",
            [digest.0.as_slice()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)),
        )
        .optional()
        .map_err(internal)?;
    let Some((seq, expires_at, used_at, user_seq, account, uid)) = found else {
        return Ok(InvitationOutcome::Unknown);
    };
    if used_at.is_some() {
        return Ok(InvitationOutcome::AlreadyUsed);
    }
    let now_ms = rows::millis(ctx.at);
    if expires_at <= now_ms {
        return Ok(InvitationOutcome::Expired);
    }
    let before = users::load(conn, user_seq).map_err(internal)?;
    if before.status != UserStatus::PendingInvite {
        return Ok(InvitationOutcome::NotPending(before.status));
    }
    conn.execute(
        "UPDATE invitations SET used_at = ?2 WHERE seq = ?1",
        [seq, now_ms],
    )
    .map_err(internal)?;
    conn.execute(
        "UPDATE users SET status = 'ACTIVE', modified_at = ?2 WHERE seq = ?1",
        [user_seq, now_ms],
    )
    .map_err(internal)?;
    let account = accountd_core::ids::AccountId::parse(&account)
        .ok_or_else(|| Error::Internal("stored account id".into()))?;
    users::record_update(conn, account, ctx, &before, user_seq)?;
    let user = accountd_core::ids::UserId::parse(&uid)
        .ok_or_else(|| Error::Internal("stored user id".into()))?;
    Ok(InvitationOutcome::Accepted { account, user })
}

pub fn change_status(
    conn: &Connection,
    account: AccountId,
    user: &UserRef,
    from: &[UserStatus],
    to: UserStatus,
    ctx: &AuditContext,
) -> Result<Option<std::result::Result<User, UserStatus>>> {
    let Some((_, seq)) = users::find(conn, account, user).map_err(internal)? else {
        return Ok(None);
    };
    let found = users::load(conn, seq).map_err(internal)?;
    if !from.contains(&found.status) {
        return Ok(Some(Err(found.status)));
    }
    if found.status == to {
        return Ok(Some(Ok(found)));
    }
    conn.execute(
        "UPDATE users SET status = ?2, modified_at = ?3 WHERE seq = ?1",
        params![seq, to.as_str(), rows::millis(ctx.at)],
    )
    .map_err(internal)?;
    if to == UserStatus::Inactive {
        // A deactivated user must not be activated by a link sent before.
        conn.execute(
            "DELETE FROM invitations WHERE user_seq = ?1 AND used_at IS NULL",
            [seq],
        )
        .map_err(internal)?;
    }
    users::record_update(conn, account, ctx, &found, seq).map(|after| Some(Ok(after)))
}

pub fn outbox(conn: &Connection, account: AccountId) -> rusqlite::Result<Vec<Message>> {
    let mut stmt = conn.prepare_cached(
        "SELECT recipient, subject, body, created_at FROM outbox WHERE account_id = ?1 ORDER BY seq",
    )?;
    stmt.query_map([account.to_string()], |row| {
        Ok(Message {
            recipient: rows::email(row, 0)?,
            subject: row.get(1)?,
            body: row.get(2)?,
            created_at: rows::time(row, 3)?,
        })
    })?
    .collect()
}
