//! Rate-limit state shared by every instance: GCRA in one atomic statement per request.
//!
//! `INSERT ... ON CONFLICT DO UPDATE` locks the key's row (or inserts it), computes the new
//! theoretical arrival time from the old one and returns it, all in one statement: concurrent
//! requests of one key from any number of instances queue on the row lock for the length of
//! that statement only, and each sees the previous one's result. The statement runs outside an
//! explicit transaction (one round trip), and the table is UNLOGGED, so its commit does not wait
//! for a WAL flush.

use std::sync::atomic::{AtomicU64, Ordering};

use accountd_core::rate_limit::{RateDecision, RateLimit};
use deadpool_postgres::{GenericClient, Pool};
use time::OffsetDateTime;

use crate::db;
use crate::errors::DbResult;

/// Every this many checks, rows whose arrival time has passed (equivalent to no row) are
/// deleted in the background, so the table holds only the keys limited right now.
const PURGE_EVERY: u64 = 4096;

const CHECK: &str = "
INSERT INTO rate_limits AS r (key, tat, allowed) VALUES ($1::text, $2::bigint + $3::bigint, TRUE)
ON CONFLICT (key) DO UPDATE SET
    allowed = greatest(r.tat, $2) - $2 <= $4::bigint,
    tat = CASE WHEN greatest(r.tat, $2) - $2 <= $4 THEN greatest(r.tat, $2) + $3 ELSE r.tat END
RETURNING tat, allowed";

pub(crate) fn micros(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000).unwrap_or(i64::MAX)
}

pub(crate) async fn check<C: GenericClient>(
    client: &C,
    key: &str,
    limit: RateLimit,
    now: i64,
) -> DbResult<RateDecision> {
    let row = db::query_one(
        client,
        CHECK,
        &[
            &key,
            &now,
            &limit.interval_micros(),
            &limit.tolerance_micros(),
        ],
    )
    .await?;
    let tat: i64 = row.try_get(0)?;
    let allowed: bool = row.try_get(1)?;
    Ok(RateDecision::from_gcra(limit, now, tat, allowed))
}

/// Counts calls and, now and then, deletes expired state without making a request wait.
#[derive(Default)]
pub(crate) struct Purger {
    calls: AtomicU64,
}

impl Purger {
    pub(crate) fn tick(&self, pool: &Pool, now: i64) {
        if self.calls.fetch_add(1, Ordering::Relaxed) % PURGE_EVERY != PURGE_EVERY - 1 {
            return;
        }
        let pool = pool.clone();
        tokio::spawn(async move {
            let purged = async {
                let client = pool.get().await.ok()?;
                client
                    .execute("DELETE FROM rate_limits WHERE tat < $1", &[&now])
                    .await
                    .ok()
            }
            .await;
            tracing::debug!(?purged, "purged expired rate-limit state");
        });
    }
}
