//! Keyset paging shared by every listing: fetch one row more than the page to learn whether more
//! follow, and count the whole set in the same read transaction.

use accountd_core::page::PageQuery;
use rusqlite::{Connection, Row, params};

use crate::rows;

/// One page of `(item, seq)` rows, the sort key to continue after, and the size of the set.
pub struct Fetched<T> {
    pub rows: Vec<(T, i64)>,
    pub next_after: Option<i64>,
    pub total: u64,
}

/// Runs `select` (parameters: account, after, limit, offset; `ORDER BY seq`) and `count`
/// (parameter: account) for one page. `skip` is the offset: 0 except for page-number paging.
pub fn fetch<T>(
    conn: &Connection,
    select: &str,
    count: &str,
    account: &str,
    query: &PageQuery,
    skip: u64,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<(T, i64)>,
) -> rusqlite::Result<Fetched<T>> {
    let mut stmt = conn.prepare_cached(select)?;
    let mut found = stmt
        .query_map(
            params![
                account,
                query.after.unwrap_or(0),
                i64::from(query.limit) + 1,
                i64::try_from(skip).unwrap_or(i64::MAX)
            ],
            map,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
    let next_after = if found.len() > limit {
        found.truncate(limit);
        found.last().map(|(_, seq)| *seq)
    } else {
        None
    };
    let total = conn
        .prepare_cached(count)?
        .query_row([account], |row| row.get(0))
        .map(rows::count)?;
    Ok(Fetched {
        rows: found,
        next_after,
        total,
    })
}
