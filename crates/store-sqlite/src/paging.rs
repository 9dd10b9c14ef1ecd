//! Keyset paging helper: queries fetch one row more than the page to learn whether more follow.

/// Cuts `rows` (fetched with `LIMIT limit + 1`) to the page and returns the sort key to continue
/// after, if a further row exists.
pub fn trim<T>(rows: &mut Vec<(T, i64)>, limit: u32) -> Option<i64> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|(_, seq)| *seq)
    } else {
        None
    }
}
