//! Rate-limit state in the database (GCRA, one UPSERT per request), for
//! `--rate-limit-store database`; the SQLite default keeps it in memory instead.

use accountd_core::Result;
use accountd_core::rate_limit::{RateDecision, RateLimit};
use rusqlite::{Connection, params};

use crate::errors::internal;

/// Every this many checks, expired state (equivalent to no state) is deleted.
const PURGE_EVERY: i64 = 4096;

pub fn check(conn: &Connection, key: &str, limit: RateLimit, now: i64) -> Result<RateDecision> {
    let (tat, allowed): (i64, bool) = conn
        .prepare_cached(
            "INSERT INTO rate_limits (key, tat, allowed) VALUES (?1, ?2 + ?3, 1)
             ON CONFLICT (key) DO UPDATE SET
                 allowed = max(tat, ?2) - ?2 <= ?4,
                 tat = CASE WHEN max(tat, ?2) - ?2 <= ?4 THEN max(tat, ?2) + ?3 ELSE tat END
             RETURNING tat, allowed",
        )
        .and_then(|mut statement| {
            statement.query_row(
                params![key, now, limit.interval_micros(), limit.tolerance_micros()],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
        })
        .map_err(internal)?;
    if now % PURGE_EVERY == 0 {
        conn.execute("DELETE FROM rate_limits WHERE tat < ?1", [now])
            .map_err(internal)?;
    }
    Ok(RateDecision::from_gcra(limit, now, tat, allowed))
}
