//! Environments.

use accountd_core::Result;
use accountd_core::audit::{AuditContext, EventType, snapshot};
use accountd_core::ids::{AccountId, EnvironmentId};
use accountd_core::model::{Environment, EnvironmentStatus};
use accountd_core::page::{Page, PageQuery};
use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::{conflict_or_internal, internal};
use crate::{audit, rows};

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Environment> {
    Ok(Environment {
        id: rows::environment_id(row, 0)?,
        name: row.get(1)?,
        status: rows::parsed(row, 2, "environment status", EnvironmentStatus::parse)?,
        trial: row.get(3)?,
    })
}

pub fn create(
    conn: &Connection,
    account: AccountId,
    env: &Environment,
    ctx: &AuditContext,
) -> Result<()> {
    conn.execute(
        "INSERT INTO environments (id, account_id, name, status, trial) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![env.id.as_str(), account.to_string(), env.name, env.status.as_str(), env.trial],
    )
    .map_err(|err| conflict_or_internal(err, || format!("environment '{}' already exists", env.id)))?;
    let resource = ("environment", env.id.to_string());
    audit::event(
        conn,
        account,
        ctx,
        EventType::Create,
        resource,
        None,
        Some(snapshot::environment(env)),
    )
}

pub fn update(
    conn: &Connection,
    account: AccountId,
    env: &Environment,
    ctx: &AuditContext,
) -> Result<bool> {
    let Some(before) = get(conn, account, &env.id).map_err(internal)? else {
        return Ok(false);
    };
    let n = conn
        .execute(
            "UPDATE environments SET name = ?3, status = ?4, trial = ?5 WHERE id = ?1 AND account_id = ?2",
            params![env.id.as_str(), account.to_string(), env.name, env.status.as_str(), env.trial],
        )
        .map_err(internal)?;
    let resource = ("environment", env.id.to_string());
    let (before, after) = (snapshot::environment(&before), snapshot::environment(env));
    audit::event(
        conn,
        account,
        ctx,
        EventType::Update,
        resource,
        Some(before),
        Some(after),
    )?;
    Ok(n == 1)
}

pub fn delete(
    conn: &Connection,
    account_id: AccountId,
    id: &EnvironmentId,
    ctx: &AuditContext,
) -> Result<bool> {
    let Some(before) = get(conn, account_id, id).map_err(internal)? else {
        return Ok(false);
    };
    let account = account_id.to_string();
    let n = conn
        .execute(
            "DELETE FROM environments WHERE id = ?1 AND account_id = ?2",
            params![id.as_str(), account],
        )
        .map_err(internal)?;
    if n == 1 {
        // Permissions on a vanished environment (or its management zones) would grant nothing
        // and confuse access reviews: remove them with it.
        conn.execute(
            "DELETE FROM permissions WHERE account_id = ?1 AND ((scope_type = 'tenant' AND scope = ?2) \
             OR (scope_type = 'management-zone' AND substr(scope, 1, length(?2) + 1) = ?2 || ':'))",
            params![account, id.as_str()],
        )
        .map_err(internal)?;
        let resource = ("environment", id.to_string());
        audit::event(
            conn,
            account_id,
            ctx,
            EventType::Delete,
            resource,
            Some(snapshot::environment(&before)),
            None,
        )?;
    }
    Ok(n == 1)
}

pub fn get(
    conn: &Connection,
    account: AccountId,
    id: &EnvironmentId,
) -> rusqlite::Result<Option<Environment>> {
    conn.prepare_cached(
        "SELECT id, name, status, trial FROM environments WHERE id = ?1 AND account_id = ?2",
    )?
    .query_row(params![id.as_str(), account.to_string()], from_row)
    .optional()
}

pub fn list(
    conn: &Connection,
    account: AccountId,
    query: &PageQuery,
) -> rusqlite::Result<Page<Environment>> {
    let fetched = crate::paging::fetch(
        conn,
        "SELECT id, name, status, trial, seq FROM environments WHERE account_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3 OFFSET ?4",
        "SELECT coalesce(sum(n), 0) FROM row_counts WHERE account_id = ?1 AND kind = 'environments'",
        &account.to_string(),
        query,
        0,
        |row| Ok((from_row(row)?, row.get(4)?)),
    )?;
    Ok(Page {
        items: fetched.rows.into_iter().map(|(env, _)| env).collect(),
        next_after: fetched.next_after,
        total: fetched.total,
    })
}
