//! Rate-limit state (GCRA): a budget per key, refused requests change nothing, time refills it,
//! and concurrent requests of one key never overspend it.

use std::sync::Arc;
use std::time::Duration;

use accountd_core::rate_limit::{Period, RateLimit};
use accountd_core::store::Store;

use crate::fixtures::now;

const THREE_A_MINUTE: RateLimit = RateLimit {
    requests: 3,
    period: Period::Minute,
};

pub async fn rate_limit_budgets_run_out_per_key_and_refill_with_time(store: Arc<dyn Store>) {
    let t0 = now();
    let mut seen = Vec::new();
    for _ in 0..4 {
        let decision = store
            .rate_limit_check("c:one", THREE_A_MINUTE, t0)
            .await
            .expect("check");
        seen.push((decision.allowed, decision.remaining));
    }
    assert_eq!(seen, [(true, 2), (true, 1), (true, 0), (false, 0)]);
    let refused = store
        .rate_limit_check("c:one", THREE_A_MINUTE, t0)
        .await
        .expect("check");
    assert!(!refused.allowed);
    assert_eq!(refused.retry_after, Some(Duration::from_secs(20)));
    assert_eq!(refused.reset_after, Duration::from_secs(60));

    // Another key has its own budget.
    let other = store
        .rate_limit_check("c:two", THREE_A_MINUTE, t0)
        .await
        .expect("check");
    assert_eq!((other.allowed, other.remaining), (true, 2));

    // One interval (20 s) later, one request more; a whole period later, the whole budget.
    let later = store
        .rate_limit_check("c:one", THREE_A_MINUTE, t0 + time::Duration::seconds(20))
        .await
        .expect("check");
    assert_eq!((later.allowed, later.remaining), (true, 0));
    let much_later = store
        .rate_limit_check("c:one", THREE_A_MINUTE, t0 + time::Duration::hours(1))
        .await
        .expect("check");
    assert_eq!((much_later.allowed, much_later.remaining), (true, 2));
}

pub async fn concurrent_rate_limit_checks_of_one_key_never_overspend(store: Arc<dyn Store>) {
    let t0 = now();
    let limit = RateLimit {
        requests: 10,
        period: Period::Hour,
    };
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let store = store.clone();
        tasks.spawn(async move { store.rate_limit_check("a:shared", limit, t0).await });
    }
    let mut allowed = 0;
    let mut remaining = Vec::new();
    while let Some(result) = tasks.join_next().await {
        let decision = result.expect("task").expect("check");
        if decision.allowed {
            allowed += 1;
            remaining.push(decision.remaining);
        }
    }
    assert_eq!(allowed, 10);
    remaining.sort_unstable();
    assert_eq!(
        remaining,
        (0..10).collect::<Vec<u32>>(),
        "each allowed request saw the previous"
    );
}
