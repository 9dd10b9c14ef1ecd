//! SCIM bearer tokens: only their digests are stored.

use accountd_core::Error;
use accountd_core::audit::{AuditContext, EventType};
use accountd_core::clock::rfc3339;
use accountd_core::ids::AccountId;
use accountd_core::scim::ScimToken;
use accountd_core::secret::SecretDigest;
use deadpool_postgres::{GenericClient, Transaction};
use serde_json::{Value, json};
use tokio_postgres::Row;

use crate::errors::{DbResult, conflict, corrupt};
use crate::{accounts, audit, db, rows};

/// [`from_row`] decodes them.
const COLUMNS: &str = "id, account_id, name, digest, created_at";

fn from_row(row: &Row) -> DbResult<ScimToken> {
    let digest: Vec<u8> = row.try_get(3)?;
    Ok(ScimToken {
        id: row.try_get(0)?,
        account: rows::account_id(row, 1)?,
        name: row.try_get(2)?,
        digest: SecretDigest::from_slice(&digest)
            .ok_or_else(|| corrupt("token digest", "<bytes>"))?,
        created_at: rows::time(row, 4)?,
    })
}

/// What the audit log shows of a token: never its digest.
fn snapshot(token: &ScimToken) -> Value {
    json!({"id": token.id, "name": token.name, "createdAt": rfc3339(token.created_at)})
}

async fn record_delete(
    tx: &Transaction<'_>,
    token: &ScimToken,
    ctx: &AuditContext,
) -> DbResult<()> {
    audit::event(
        tx,
        token.account,
        ctx,
        EventType::Delete,
        ("scim_token", token.id.clone()),
        Some(snapshot(token)),
        None,
    )
    .await
}

pub(crate) async fn create(
    tx: &Transaction<'_>,
    token: &ScimToken,
    max_tokens: u32,
    revoke_others: bool,
    ctx: &AuditContext,
) -> DbResult<bool> {
    // Token changes of one account queue behind each other here, so the count below stays true
    // until this transaction ends. (NO KEY UPDATE: rows that merely reference the account, as
    // the token inserted below does, are not held off.)
    if accounts::get_locked(tx, token.account, "FOR NO KEY UPDATE")
        .await?
        .is_none()
    {
        return Ok(false);
    }
    if revoke_others {
        let revoked = db::query(
            tx,
            &format!("DELETE FROM scim_tokens WHERE account_id = $1 RETURNING {COLUMNS}, seq"),
            &[token.account.as_uuid()],
        )
        .await?;
        let mut revoked = revoked
            .iter()
            .map(|row| Ok((row.try_get::<_, i64>(5)?, from_row(row)?)))
            .collect::<DbResult<Vec<_>>>()?;
        // Oldest first in the audit log, whatever order DELETE returned them in.
        revoked.sort_by_key(|(seq, _)| *seq);
        for (_, other) in &revoked {
            record_delete(tx, other, ctx).await?;
        }
    } else {
        let row = db::query_one(
            tx,
            "SELECT count(*) FROM scim_tokens WHERE account_id = $1",
            &[token.account.as_uuid()],
        )
        .await?;
        let existing = rows::count(row.try_get(0)?);
        if existing >= u64::from(max_tokens) {
            return Err(Error::Conflict(format!(
                "the account already has {existing} SCIM tokens (the limit); revoke one or rotate"
            ))
            .into());
        }
    }
    db::execute(
        tx,
        &format!("INSERT INTO scim_tokens ({COLUMNS}) VALUES ($1, $2, $3, $4, $5)"),
        &[
            &token.id,
            token.account.as_uuid(),
            &token.name,
            &token.digest.0.as_slice(),
            &rows::ts(token.created_at),
        ],
    )
    .await
    .map_err(|err| {
        conflict(err, || {
            format!("a SCIM token with the id '{}' exists", token.id)
        })
    })?;
    audit::event(
        tx,
        token.account,
        ctx,
        EventType::Create,
        ("scim_token", token.id.clone()),
        None,
        Some(snapshot(token)),
    )
    .await?;
    Ok(true)
}

/// The account's tokens, oldest first.
pub(crate) async fn list<C: GenericClient>(
    client: &C,
    account: AccountId,
) -> DbResult<Vec<ScimToken>> {
    db::query(
        client,
        &format!("SELECT {COLUMNS} FROM scim_tokens WHERE account_id = $1 ORDER BY seq"),
        &[account.as_uuid()],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub(crate) async fn find<C: GenericClient>(client: &C, id: &str) -> DbResult<Option<ScimToken>> {
    db::query_opt(
        client,
        &format!("SELECT {COLUMNS} FROM scim_tokens WHERE id = $1"),
        &[&id],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

pub(crate) async fn delete(
    tx: &Transaction<'_>,
    account: AccountId,
    id: &str,
    ctx: &AuditContext,
) -> DbResult<bool> {
    let deleted = db::query_opt(
        tx,
        &format!("DELETE FROM scim_tokens WHERE id = $1 AND account_id = $2 RETURNING {COLUMNS}"),
        &[&id, account.as_uuid()],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()?;
    let Some(token) = deleted else {
        return Ok(false);
    };
    record_delete(tx, &token, ctx).await?;
    Ok(true)
}
