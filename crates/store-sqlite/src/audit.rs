//! Writing and reading audit events. Every write function of this store calls [`record`] inside
//! its own transaction, so a change and its event commit together or not at all.

use accountd_core::Result;
use accountd_core::audit::{AuditContext, AuditEvent, AuditFilter, EventType, NewAuditEvent};
use accountd_core::ids::AccountId;
use accountd_core::page::{Page, PageQuery};
use rusqlite::{Connection, params};
use serde_json::Value;

use crate::errors::{corrupt, internal};
use crate::rows;

/// Appends one event for `account`.
pub fn record(conn: &Connection, account: AccountId, event: NewAuditEvent<'_>) -> Result<()> {
    let json = |value: &Option<Value>| value.as_ref().map(Value::to_string);
    conn.prepare_cached(
        "INSERT INTO audit_events (account_id, at, actor, event_type, resource_type, resource_id, before, after) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            account.to_string(),
            rows::millis(event.context.at),
            event.context.actor.label(),
            event.event_type.as_str(),
            event.resource_type,
            event.resource_id,
            json(&event.before),
            json(&event.after)
        ])
    })
    .map_err(internal)?;
    Ok(())
}

/// Shorthand for [`record`].
pub fn event(
    conn: &Connection,
    account: AccountId,
    ctx: &AuditContext,
    event_type: EventType,
    resource: (&'static str, String),
    before: Option<Value>,
    after: Option<Value>,
) -> Result<()> {
    let (resource_type, resource_id) = resource;
    record(
        conn,
        account,
        NewAuditEvent {
            event_type,
            resource_type,
            resource_id,
            before,
            after,
            context: ctx,
        },
    )
}

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEvent> {
    let json = |idx: usize| -> rusqlite::Result<Option<Value>> {
        let text: Option<String> = row.get(idx)?;
        text.map(|t| serde_json::from_str(&t).map_err(|_| corrupt("audit JSON", &t)))
            .transpose()
    };
    Ok(AuditEvent {
        id: row.get(0)?,
        at: rows::time(row, 1)?,
        actor: row.get(2)?,
        event_type: rows::parsed(row, 3, "audit event type", EventType::parse)?,
        resource_type: row.get(4)?,
        resource_id: row.get(5)?,
        before: json(6)?,
        after: json(7)?,
    })
}

/// Newest first: `query.after` is the id to continue below.
pub fn list(
    conn: &Connection,
    account: AccountId,
    query: &PageQuery,
    filter: &AuditFilter,
) -> rusqlite::Result<Page<AuditEvent>> {
    let conditions = "account_id = ?1 AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at <= ?5) AND (?6 IS NULL OR resource_type = ?6)";
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT seq, at, actor, event_type, resource_type, resource_id, before, after FROM audit_events \
         WHERE {conditions} AND seq < ?2 ORDER BY seq DESC LIMIT ?3"
    ))?;
    let account = account.to_string();
    let mut found = stmt
        .query_map(
            params![
                account,
                query.after.unwrap_or(i64::MAX),
                i64::from(query.limit) + 1,
                filter.start_ms,
                filter.end_ms,
                filter.resource_type
            ],
            from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let next_after = if found.len() > limit {
        found.truncate(limit);
        found.last().map(|e| e.id)
    } else {
        None
    };
    // ?2 and ?3 are unused in the count but keep the numbering of the shared conditions.
    let total = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM audit_events WHERE {conditions} AND ?2 IS ?2 AND ?3 IS ?3"
        ))?
        .query_row(
            params![
                account,
                0,
                0,
                filter.start_ms,
                filter.end_ms,
                filter.resource_type
            ],
            |row| row.get(0),
        )
        .map(rows::count)?;
    Ok(Page {
        items: found,
        next_after,
        total,
    })
}
