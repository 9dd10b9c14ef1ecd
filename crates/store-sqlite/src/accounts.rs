//! Accounts, server keys and flags.

use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::AccountId;
use accountd_core::model::Account;
use accountd_core::rate_limit::RateLimit;
use accountd_core::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::{conflict_or_internal, internal};
use crate::{audit, rows};

pub fn server_key(conn: &Connection, name: &str, candidate: [u8; 32]) -> Result<[u8; 32]> {
    conn.execute(
        "INSERT OR IGNORE INTO server_keys (name, key) VALUES (?1, ?2)",
        params![name, candidate.as_slice()],
    )
    .map_err(internal)?;
    let key: Vec<u8> = conn
        .query_row(
            "SELECT key FROM server_keys WHERE name = ?1",
            [name],
            |row| row.get(0),
        )
        .map_err(internal)?;
    <[u8; 32]>::try_from(key.as_slice())
        .map_err(|_| Error::Internal(format!("server key '{name}' is not 32 bytes")))
}

pub fn claim_flag(conn: &Connection, name: &str) -> Result<bool> {
    let inserted = conn
        .execute("INSERT OR IGNORE INTO flags (name) VALUES (?1)", [name])
        .map_err(internal)?;
    Ok(inserted == 1)
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let rate_limit: Option<String> = row.get(3)?;
    let rate_limit = match rate_limit {
        Some(text) => {
            Some(RateLimit::parse(&text).map_err(|_| crate::errors::corrupt("rate limit", &text))?)
        }
        None => None,
    };
    Ok(Account {
        rate_limit,
        id: rows::account_id(row, 0)?,
        name: row.get(1)?,
        created_at: rows::time(row, 2)?,
    })
}

pub fn count(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row("SELECT count(*) FROM accounts", [], |row| row.get(0))
        .map(rows::count)
}

pub fn create(conn: &Connection, account: &Account, ctx: &AuditContext) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO accounts (id, name, created_at, rate_limit) VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            account.id.to_string(),
            account.name,
            rows::millis(account.created_at),
            account.rate_limit.map(|l| l.to_string())
        ])
    })
    .map_err(|err| {
        conflict_or_internal(err, || format!("account {} already exists", account.id))
    })?;
    let resource = ("account", account.id.to_string());
    audit::event(
        conn,
        account.id,
        ctx,
        EventType::Create,
        resource,
        None,
        Some(snapshot::account(account)),
    )
}

/// Applies an update to the account row and records it; `false` when there is no account.
fn update_audited(
    conn: &Connection,
    id: AccountId,
    ctx: &AuditContext,
    apply: impl FnOnce() -> rusqlite::Result<usize>,
) -> Result<bool> {
    let Some(before) = get(conn, id).map_err(internal)? else {
        return Ok(false);
    };
    apply().map_err(internal)?;
    let after = get(conn, id).map_err(internal)?;
    let resource = ("account", id.to_string());
    audit::event(
        conn,
        id,
        ctx,
        EventType::Update,
        resource,
        Some(snapshot::account(&before)),
        after.as_ref().map(snapshot::account),
    )?;
    Ok(true)
}

pub fn rename(conn: &Connection, id: AccountId, name: &str, ctx: &AuditContext) -> Result<bool> {
    update_audited(conn, id, ctx, || {
        conn.execute(
            "UPDATE accounts SET name = ?2 WHERE id = ?1",
            params![id.to_string(), name],
        )
    })
}

pub fn set_rate_limit(
    conn: &Connection,
    id: AccountId,
    limit: Option<RateLimit>,
    ctx: &AuditContext,
) -> Result<bool> {
    update_audited(conn, id, ctx, || {
        conn.execute(
            "UPDATE accounts SET rate_limit = ?2 WHERE id = ?1",
            params![id.to_string(), limit.map(|l| l.to_string())],
        )
    })
}

pub fn get(conn: &Connection, id: AccountId) -> rusqlite::Result<Option<Account>> {
    conn.prepare_cached("SELECT id, name, created_at, rate_limit FROM accounts WHERE id = ?1")?
        .query_row([id.to_string()], from_row)
        .optional()
}

pub fn list(conn: &Connection) -> rusqlite::Result<Vec<Account>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, created_at, rate_limit FROM accounts ORDER BY created_at, id",
    )?;
    stmt.query_map([], from_row)?.collect()
}

pub fn delete(conn: &Connection, id: AccountId) -> Result<bool> {
    // Cascades to environments, clients, users, groups, memberships and permissions.
    let n = conn
        .execute("DELETE FROM accounts WHERE id = ?1", [id.to_string()])
        .map_err(internal)?;
    Ok(n == 1)
}

pub fn reset(conn: &Connection, id: AccountId, ctx: &AuditContext) -> Result<bool> {
    let account = id.to_string();
    if get(conn, id).map_err(internal)?.is_none() {
        return Ok(false);
    }
    // Memberships and permissions cascade from users and groups.
    let users = conn
        .execute("DELETE FROM users WHERE account_id = ?1", [&account])
        .map_err(internal)?;
    let groups = conn
        .execute("DELETE FROM user_groups WHERE account_id = ?1", [&account])
        .map_err(internal)?;
    let before = serde_json::json!({"users": users, "groups": groups});
    audit::event(
        conn,
        id,
        ctx,
        EventType::Delete,
        ("account_data", account),
        Some(before),
        None,
    )?;
    Ok(true)
}
