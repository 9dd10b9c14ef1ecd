//! SCIM bearer tokens (only their digests).

use accountd_core::audit::{AuditContext, EventType};
use accountd_core::clock::rfc3339;
use accountd_core::ids::AccountId;
use accountd_core::scim::ScimToken;
use accountd_core::secret::SecretDigest;
use accountd_core::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use crate::errors::{conflict_or_internal, corrupt, internal};
use crate::{accounts, audit, rows};

const COLUMNS: &str = "id, account_id, name, digest, created_at";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ScimToken> {
    let digest: Vec<u8> = row.get(3)?;
    Ok(ScimToken {
        id: row.get(0)?,
        account: rows::account_id(row, 1)?,
        name: row.get(2)?,
        digest: SecretDigest::from_slice(&digest)
            .ok_or_else(|| corrupt("token digest", "<bytes>"))?,
        created_at: rows::time(row, 4)?,
    })
}

/// What the audit log shows of a token: never its digest.
fn snapshot(token: &ScimToken) -> Value {
    json!({"id": token.id, "name": token.name, "createdAt": rfc3339(token.created_at)})
}

pub fn list(conn: &Connection, account: AccountId) -> rusqlite::Result<Vec<ScimToken>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM scim_tokens WHERE account_id = ?1 ORDER BY seq"
    ))?
    .query_map([account.to_string()], from_row)?
    .collect()
}

pub fn find(conn: &Connection, id: &str) -> rusqlite::Result<Option<ScimToken>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM scim_tokens WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()
}

fn remove(conn: &Connection, token: &ScimToken, ctx: &AuditContext) -> Result<()> {
    conn.prepare_cached("DELETE FROM scim_tokens WHERE id = ?1")
        .and_then(|mut stmt| stmt.execute([&token.id]))
        .map_err(internal)?;
    audit::event(
        conn,
        token.account,
        ctx,
        EventType::Delete,
        ("scim_token", token.id.clone()),
        Some(snapshot(token)),
        None,
    )
}

pub fn create(
    conn: &Connection,
    token: &ScimToken,
    max_tokens: u32,
    revoke_others: bool,
    ctx: &AuditContext,
) -> Result<bool> {
    if accounts::get(conn, token.account)
        .map_err(internal)?
        .is_none()
    {
        return Ok(false);
    }
    let existing = list(conn, token.account).map_err(internal)?;
    if revoke_others {
        for other in &existing {
            remove(conn, other, ctx)?;
        }
    } else if existing.len() >= usize::try_from(max_tokens).unwrap_or(usize::MAX) {
        return Err(Error::Conflict(format!(
            "the account already has {} SCIM tokens (the limit); revoke one or rotate",
            existing.len()
        )));
    }
    conn.prepare_cached(
        "INSERT INTO scim_tokens (id, account_id, name, digest, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            token.id,
            token.account.to_string(),
            token.name,
            token.digest.0.as_slice(),
            rows::millis(token.created_at)
        ])
    })
    .map_err(|err| conflict_or_internal(err, || format!("a SCIM token with the id '{}' exists", token.id)))?;
    audit::event(
        conn,
        token.account,
        ctx,
        EventType::Create,
        ("scim_token", token.id.clone()),
        None,
        Some(snapshot(token)),
    )?;
    Ok(true)
}

pub fn delete(conn: &Connection, account: AccountId, id: &str, ctx: &AuditContext) -> Result<bool> {
    match find(conn, id).map_err(internal)? {
        Some(token) if token.account == account => remove(conn, &token, ctx).map(|()| true),
        _ => Ok(false),
    }
}
