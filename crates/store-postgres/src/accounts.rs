//! Accounts, server keys and flags.

use accountd_core::Error;
use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::AccountId;
use accountd_core::model::Account;
use accountd_core::rate_limit::RateLimit;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use crate::errors::{DbResult, conflict, corrupt};
use crate::{audit, db, rows};

const COLUMNS: &str = "id, name, created_at, rate_limit";

pub(crate) async fn server_key(
    tx: &Transaction<'_>,
    name: &str,
    candidate: [u8; 32],
) -> DbResult<[u8; 32]> {
    // Two instances starting at once: the second's insert waits for the first and then does
    // nothing; its SELECT, a new statement, sees the first one's key.
    db::execute(
        tx,
        "INSERT INTO server_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        &[&name, &candidate.as_slice()],
    )
    .await?;
    let row = db::query_one(tx, "SELECT key FROM server_keys WHERE name = $1", &[&name]).await?;
    let key: Vec<u8> = row.try_get(0)?;
    <[u8; 32]>::try_from(key.as_slice())
        .map_err(|_| Error::Internal(format!("server key '{name}' is not 32 bytes")).into())
}

pub(crate) async fn claim_flag(tx: &Transaction<'_>, name: &str) -> DbResult<bool> {
    let inserted = db::execute(
        tx,
        "INSERT INTO flags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
        &[&name],
    )
    .await?;
    Ok(inserted == 1)
}

fn from_row(row: &Row) -> DbResult<Account> {
    let rate_limit: Option<String> = row.try_get(3)?;
    let rate_limit = match rate_limit {
        Some(text) => Some(RateLimit::parse(&text).map_err(|_| corrupt("rate limit", &text))?),
        None => None,
    };
    Ok(Account {
        rate_limit,
        id: rows::account_id(row, 0)?,
        name: row.try_get(1)?,
        created_at: rows::time(row, 2)?,
    })
}

pub(crate) async fn count<C: GenericClient>(client: &C) -> DbResult<u64> {
    let row = db::query_one(client, "SELECT count(*) FROM accounts", &[]).await?;
    Ok(rows::count(row.try_get(0)?))
}

pub(crate) async fn create(
    tx: &Transaction<'_>,
    account: &Account,
    ctx: &AuditContext,
) -> DbResult<()> {
    db::execute(
        tx,
        "INSERT INTO accounts (id, name, created_at, rate_limit) VALUES ($1, $2, $3, $4)",
        &[
            account.id.as_uuid(),
            &account.name,
            &rows::ts(account.created_at),
            &account.rate_limit.map(|l| l.to_string()),
        ],
    )
    .await
    .map_err(|err| conflict(err, || format!("account {} already exists", account.id)))?;
    audit::event(
        tx,
        account.id,
        ctx,
        EventType::Create,
        ("account", account.id.to_string()),
        None,
        Some(snapshot::account(account)),
    )
    .await
}

/// Runs `update` (parameters: the id, then `value`) on the account row and records the change;
/// `false` when there is no account.
async fn update_audited(
    tx: &Transaction<'_>,
    id: AccountId,
    ctx: &AuditContext,
    update: &str,
    value: Option<String>,
) -> DbResult<bool> {
    let Some(before) = get_locked(tx, id, "FOR NO KEY UPDATE").await? else {
        return Ok(false);
    };
    let after = db::query_opt(
        tx,
        &format!("{update} WHERE id = $1 RETURNING {COLUMNS}"),
        &[id.as_uuid(), &value],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()?;
    audit::event(
        tx,
        id,
        ctx,
        EventType::Update,
        ("account", id.to_string()),
        Some(snapshot::account(&before)),
        after.as_ref().map(snapshot::account),
    )
    .await?;
    Ok(true)
}

pub(crate) async fn rename(
    tx: &Transaction<'_>,
    id: AccountId,
    name: &str,
    ctx: &AuditContext,
) -> DbResult<bool> {
    let update = "UPDATE accounts SET name = $2";
    update_audited(tx, id, ctx, update, Some(name.to_owned())).await
}

pub(crate) async fn set_rate_limit(
    tx: &Transaction<'_>,
    id: AccountId,
    limit: Option<RateLimit>,
    ctx: &AuditContext,
) -> DbResult<bool> {
    let update = "UPDATE accounts SET rate_limit = $2";
    update_audited(tx, id, ctx, update, limit.map(|l| l.to_string())).await
}

pub(crate) async fn get<C: GenericClient>(client: &C, id: AccountId) -> DbResult<Option<Account>> {
    db::query_opt(
        client,
        &format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"),
        &[id.as_uuid()],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

/// The account, its row locked with `lock` (`FOR UPDATE`, `FOR NO KEY UPDATE`).
pub(crate) async fn get_locked(
    tx: &Transaction<'_>,
    id: AccountId,
    lock: &str,
) -> DbResult<Option<Account>> {
    db::query_opt(
        tx,
        &format!("SELECT {COLUMNS} FROM accounts WHERE id = $1 {lock}"),
        &[id.as_uuid()],
    )
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

pub(crate) async fn list<C: GenericClient>(client: &C) -> DbResult<Vec<Account>> {
    db::query(
        client,
        &format!("SELECT {COLUMNS} FROM accounts ORDER BY created_at, id"),
        &[],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub(crate) async fn delete(tx: &Transaction<'_>, id: AccountId) -> DbResult<bool> {
    // Cascades to environments, clients, SCIM tokens, users, groups, memberships, permissions,
    // invitations, the outbox and the audit log.
    let n = db::execute(tx, "DELETE FROM accounts WHERE id = $1", &[id.as_uuid()]).await?;
    Ok(n == 1)
}

pub(crate) async fn reset(
    tx: &Transaction<'_>,
    id: AccountId,
    ctx: &AuditContext,
) -> DbResult<bool> {
    // FOR UPDATE waits for every write that is adding rows to the account (each holds a key
    // share on the account row through its foreign keys) and holds off new ones.
    if get_locked(tx, id, "FOR UPDATE").await?.is_none() {
        return Ok(false);
    }
    // Memberships and permissions cascade from users and groups. Environments, OAuth clients
    // and SCIM tokens stay.
    let users = db::execute(
        tx,
        "DELETE FROM users WHERE account_id = $1",
        &[id.as_uuid()],
    )
    .await?;
    let groups = db::execute(
        tx,
        "DELETE FROM user_groups WHERE account_id = $1",
        &[id.as_uuid()],
    )
    .await?;
    let before = serde_json::json!({"users": users, "groups": groups});
    audit::event(
        tx,
        id,
        ctx,
        EventType::Delete,
        ("account_data", id.to_string()),
        Some(before),
        None,
    )
    .await?;
    Ok(true)
}
