//! Environments.

use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, EnvironmentId};
use accountd_core::model::{Environment, EnvironmentStatus};
use accountd_core::page::{Page, PageQuery};
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use crate::errors::{DbResult, conflict};
use crate::{audit, db, paging, rows};

/// Decodes `id, name, status, trial` starting at column `at`.
fn from_row_at(row: &Row, at: usize) -> DbResult<Environment> {
    Ok(Environment {
        id: rows::environment_id(row, at)?,
        name: row.try_get(at + 1)?,
        status: rows::parsed(row, at + 2, "environment status", EnvironmentStatus::parse)?,
        trial: row.try_get(at + 3)?,
    })
}

pub(crate) async fn create(
    tx: &Transaction<'_>,
    account: AccountId,
    env: &Environment,
    ctx: &AuditContext,
) -> DbResult<()> {
    db::execute(
        tx,
        "INSERT INTO environments (id, account_id, name, status, trial) VALUES ($1, $2, $3, $4, $5)",
        &[
            &env.id.as_str(),
            account.as_uuid(),
            &env.name,
            &env.status.as_str(),
            &env.trial,
        ],
    )
    .await
    .map_err(|err| conflict(err, || format!("environment '{}' already exists", env.id)))?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Create,
        ("environment", env.id.to_string()),
        None,
        Some(snapshot::environment(env)),
    )
    .await
}

pub(crate) async fn update(
    tx: &Transaction<'_>,
    account: AccountId,
    env: &Environment,
    ctx: &AuditContext,
) -> DbResult<bool> {
    let Some(before) = get_locked(tx, account, &env.id).await? else {
        return Ok(false);
    };
    let n = db::execute(
        tx,
        "UPDATE environments SET name = $3, status = $4, trial = $5 WHERE id = $1 AND account_id = $2",
        &[
            &env.id.as_str(),
            account.as_uuid(),
            &env.name,
            &env.status.as_str(),
            &env.trial,
        ],
    )
    .await?;
    audit::event(
        tx,
        account,
        ctx,
        EventType::Update,
        ("environment", env.id.to_string()),
        Some(snapshot::environment(&before)),
        Some(snapshot::environment(env)),
    )
    .await?;
    Ok(n == 1)
}

pub(crate) async fn delete(
    tx: &Transaction<'_>,
    account: AccountId,
    id: &EnvironmentId,
    ctx: &AuditContext,
) -> DbResult<bool> {
    let Some(before) = get_locked(tx, account, id).await? else {
        return Ok(false);
    };
    let n = db::execute(
        tx,
        "DELETE FROM environments WHERE id = $1 AND account_id = $2",
        &[&id.as_str(), account.as_uuid()],
    )
    .await?;
    if n == 1 {
        // Permissions on a vanished environment (or its management zones) would grant nothing
        // and confuse access reviews: remove them with it.
        db::execute(
            tx,
            "DELETE FROM permissions WHERE account_id = $1 AND ((scope_type = 'tenant' AND scope = $2::text) \
             OR (scope_type = 'management-zone' AND left(scope, length($2::text) + 1) = $2::text || ':'))",
            &[account.as_uuid(), &id.as_str()],
        )
        .await?;
        audit::event(
            tx,
            account,
            ctx,
            EventType::Delete,
            ("environment", id.to_string()),
            Some(snapshot::environment(&before)),
            None,
        )
        .await?;
    }
    Ok(n == 1)
}

pub(crate) async fn get<C: GenericClient>(
    client: &C,
    account: AccountId,
    id: &EnvironmentId,
) -> DbResult<Option<Environment>> {
    db::query_opt(
        client,
        "SELECT id, name, status, trial FROM environments WHERE id = $1 AND account_id = $2",
        &[&id.as_str(), account.as_uuid()],
    )
    .await?
    .map(|row| from_row_at(&row, 0))
    .transpose()
}

/// The environment, its row locked until the transaction ends.
async fn get_locked(
    tx: &Transaction<'_>,
    account: AccountId,
    id: &EnvironmentId,
) -> DbResult<Option<Environment>> {
    db::query_opt(
        tx,
        "SELECT id, name, status, trial FROM environments WHERE id = $1 AND account_id = $2 FOR UPDATE",
        &[&id.as_str(), account.as_uuid()],
    )
    .await?
    .map(|row| from_row_at(&row, 0))
    .transpose()
}

pub(crate) async fn list<C: GenericClient>(
    client: &C,
    account: AccountId,
    query: &PageQuery,
) -> DbResult<Page<Environment>> {
    let sql = paging::sql(
        "SELECT seq, id, name, status, trial FROM environments WHERE account_id = $1 AND seq > $2 \
         ORDER BY seq LIMIT $3",
        "SELECT count(*) FROM environments WHERE account_id = $1",
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
    paging::split(found, query, |row| from_row_at(row, 1))
}
