//! Keyset paging shared by every listing: fetch one row more than the page to learn whether more
//! follow, and count the whole filtered set in the same statement (one snapshot, one round trip).

use accountd_core::page::{Page, PageQuery};
use accountd_core::scim::{ScimQuery, ScimSlice};
use tokio_postgres::Row;

use crate::errors::DbResult;
use crate::rows;

/// Wraps the statement `page` (its first column is the sort key `seq`) and the statement `count`
/// into one: every row carries the page columns and then the total; an empty page is one row
/// whose page columns are NULL. `direction` is `ASC` or `DESC`, as `page` orders.
pub(crate) fn sql(page: &str, count: &str, direction: &str) -> String {
    format!(
        "SELECT p.*, t.total FROM ({count}) AS t(total) LEFT JOIN LATERAL ({page}) AS p ON true \
         ORDER BY p.seq {direction}"
    )
}

/// Splits the rows of a [`sql`] statement that asked for `query.limit + 1` items into a page.
pub(crate) fn split<T>(
    rows: Vec<Row>,
    query: &PageQuery,
    mut decode: impl FnMut(&Row) -> DbResult<T>,
) -> DbResult<Page<T>> {
    let total = match rows.first() {
        Some(row) => rows::count(row.try_get(row.len() - 1)?),
        None => 0,
    };
    let mut found = Vec::with_capacity(rows.len());
    for row in &rows {
        if let Some(seq) = row.try_get::<_, Option<i64>>(0)? {
            found.push((decode(row)?, seq));
        }
    }
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let next_after = if found.len() > limit {
        found.truncate(limit);
        found.last().map(|(_, seq)| *seq)
    } else {
        None
    };
    Ok(Page {
        items: found.into_iter().map(|(item, _)| item).collect(),
        next_after,
        total,
    })
}

/// The `LIMIT` parameter: one more than the page.
pub(crate) fn fetch_limit(query: &PageQuery) -> i64 {
    i64::from(query.limit) + 1
}

/// Splits the rows of a [`sql`] statement whose page is a window by `LIMIT` and `OFFSET` (SCIM's
/// listings) into the window and the size of the whole set.
pub(crate) fn slice<T>(
    rows: Vec<Row>,
    mut decode: impl FnMut(&Row) -> DbResult<T>,
) -> DbResult<ScimSlice<T>> {
    let total = match rows.first() {
        Some(row) => rows::count(row.try_get(row.len() - 1)?),
        None => 0,
    };
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        if row.try_get::<_, Option<i64>>(0)?.is_some() {
            items.push(decode(row)?);
        }
    }
    Ok(ScimSlice { total, items })
}

/// The `LIMIT` (NULL: no limit) and `OFFSET` parameters of a SCIM window.
pub(crate) fn window(query: &ScimQuery) -> (Option<i64>, i64) {
    let limit = query
        .limit
        .map(|limit| i64::try_from(limit).unwrap_or(i64::MAX));
    (limit, i64::try_from(query.offset).unwrap_or(i64::MAX))
}
