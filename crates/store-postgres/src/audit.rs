//! Writing and reading audit events. Every write function of this store calls [`event`] inside
//! its own transaction, so a change and its event commit together or not at all.

use accountd_core::audit::{AuditContext, AuditEvent, AuditFilter, EventType};
use accountd_core::ids::AccountId;
use accountd_core::page::{Page, PageQuery};
use deadpool_postgres::{GenericClient, Transaction};
use serde_json::Value;
use tokio_postgres::Row;

use crate::errors::DbResult;
use crate::{db, paging, rows};

/// Appends one event for `account`.
pub(crate) async fn event(
    tx: &Transaction<'_>,
    account: AccountId,
    ctx: &AuditContext,
    event_type: EventType,
    resource: (&'static str, String),
    before: Option<Value>,
    after: Option<Value>,
) -> DbResult<()> {
    let (resource_type, resource_id) = resource;
    db::execute(
        tx,
        "INSERT INTO audit_events (account_id, occurred_at, actor, event_type, resource_type, resource_id, \
         before_state, after_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            account.as_uuid(),
            &rows::ts(ctx.at),
            &ctx.actor.label(),
            &event_type.as_str(),
            &resource_type,
            &resource_id,
            &before,
            &after,
        ],
    )
    .await?;
    Ok(())
}

fn from_row(row: &Row) -> DbResult<AuditEvent> {
    Ok(AuditEvent {
        id: row.try_get(0)?,
        at: rows::time(row, 1)?,
        actor: row.try_get(2)?,
        event_type: rows::parsed(row, 3, "audit event type", EventType::parse)?,
        resource_type: row.try_get(4)?,
        resource_id: row.try_get(5)?,
        before: row.try_get(6)?,
        after: row.try_get(7)?,
    })
}

/// Newest first: `query.after` is the id to continue below.
pub(crate) async fn list<C: GenericClient>(
    client: &C,
    account: AccountId,
    query: &PageQuery,
    filter: &AuditFilter,
) -> DbResult<Page<AuditEvent>> {
    let conditions = "account_id = $1 AND ($4::timestamptz IS NULL OR occurred_at >= $4) \
         AND ($5::timestamptz IS NULL OR occurred_at <= $5) AND ($6::text IS NULL OR resource_type = $6)";
    let sql = paging::sql(
        &format!(
            "SELECT seq, occurred_at, actor, event_type, resource_type, resource_id, before_state, after_state \
             FROM audit_events WHERE {conditions} AND seq < $2 ORDER BY seq DESC LIMIT $3"
        ),
        &format!("SELECT count(*) FROM audit_events WHERE {conditions}"),
        "DESC",
    );
    let start = filter.start_ms.map(accountd_core::clock::from_millis);
    let end = filter.end_ms.map(accountd_core::clock::from_millis);
    let found = db::query(
        client,
        &sql,
        &[
            account.as_uuid(),
            &query.after.unwrap_or(i64::MAX),
            &paging::fetch_limit(query),
            &start,
            &end,
            &filter.resource_type,
        ],
    )
    .await?;
    paging::split(found, query, from_row)
}
