//! Request rate limits (seed 002): off unless `--rate-limit` or an account override is set; keyed
//! per OAuth client (default) or per account; GCRA either in memory through `governor` (one
//! instance: the SQLite default) or in the database through [`Store::rate_limit_check`] (several
//! instances share one budget: the PostgreSQL default); `--rate-limit-store` picks. Limited
//! responses carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix
//! seconds, as Dynatrace's Go client reads it); a 429 adds `Retry-After`. Both backends give the
//! same headers for the same history.
//!
//! Also here: brute-force protection of the token endpoint, on by default, which blocks an
//! address for a while after repeated failed client authentications.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use accountd_core::authz::Principal;
use accountd_core::rate_limit::{Period, RateLimit};
use accountd_core::store::Store;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use clap::ValueEnum;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use serde::Deserialize;

/// What a limit is counted per.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateLimitKey {
    /// Each OAuth client has its own budget (Dynatrace's documented behaviour).
    #[default]
    Client,
    /// All clients of an account share one budget.
    Account,
}

/// Where the rate-limit state lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateLimitStore {
    /// In this process: fastest, but every instance counts on its own.
    Memory,
    /// In the database: one budget however many instances share the database.
    Database,
}

impl RateLimitStore {
    /// The default for a store backend: shared where sharing a database is what the backend is
    /// for (PostgreSQL), in memory otherwise.
    pub fn default_for(backend: &str) -> Self {
        if backend == "sqlite" {
            Self::Memory
        } else {
            Self::Database
        }
    }
}

type Limiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// The state of one caller's budget after a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateInfo {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds at which the budget is full again (or, when limited, a request is allowed).
    pub reset: u64,
    /// Seconds to wait, when the request was refused.
    pub retry_after: Option<u64>,
}

impl RateInfo {
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        let mut set = |name: &'static str, value: u64| {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        };
        set("x-ratelimit-limit", u64::from(self.limit));
        set("x-ratelimit-remaining", u64::from(self.remaining));
        set("x-ratelimit-reset", self.reset);
        if let Some(wait) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(wait));
        }
    }
}

fn quota(limit: RateLimit) -> Quota {
    let n = NonZeroU32::new(limit.requests).unwrap_or(NonZeroU32::MIN);
    match limit.period {
        Period::Second => Quota::per_second(n),
        Period::Minute => Quota::per_minute(n),
        Period::Hour => Quota::per_hour(n),
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// What counting one request gave: `Ok(None)`: no limit applies; `Ok(Some)`: allowed, with the
/// headers to send; `Err`: refused (429), with the headers to send.
pub type Verdict = Result<Option<RateInfo>, RateInfo>;

/// The request limits of one server.
pub struct RateLimits {
    default: Option<RateLimit>,
    key: RateLimitKey,
    backend: Backend,
}

enum Backend {
    Memory(MemoryLimits),
    Database {
        store: Arc<dyn Store>,
        clock: Arc<dyn accountd_core::Clock>,
    },
}

struct MemoryLimits {
    clock: DefaultClock,
    /// One keyed limiter per distinct limit (the default and each account override).
    limiters: Mutex<HashMap<RateLimit, Arc<Limiter>>>,
}

impl RateLimits {
    /// Limits counted in this process.
    pub fn new(default: Option<RateLimit>, key: RateLimitKey) -> Self {
        Self {
            default,
            key,
            backend: Backend::Memory(MemoryLimits {
                clock: DefaultClock::default(),
                limiters: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Limits counted in the database, shared with every instance on it; `clock` is the
    /// domain's clock.
    pub fn shared(
        default: Option<RateLimit>,
        key: RateLimitKey,
        store: Arc<dyn Store>,
        clock: Arc<dyn accountd_core::Clock>,
    ) -> Self {
        Self {
            default,
            key,
            backend: Backend::Database { store, clock },
        }
    }

    /// Which store counts the requests.
    pub fn store_kind(&self) -> RateLimitStore {
        match self.backend {
            Backend::Memory(_) => RateLimitStore::Memory,
            Backend::Database { .. } => RateLimitStore::Database,
        }
    }

    /// Counts one request of `principal`. The outer error: the database could not be asked
    /// (answered like any other store failure, as a 503).
    pub async fn check(&self, principal: &Principal) -> accountd_core::Result<Verdict> {
        let Some(limit) = principal.rate_limit.or(self.default) else {
            return Ok(Ok(None));
        };
        let key = match self.key {
            RateLimitKey::Client => format!("c:{}", principal.client_id),
            RateLimitKey::Account => format!("a:{}", principal.account),
        };
        match &self.backend {
            Backend::Memory(memory) => Ok(memory.check(&key, limit)),
            Backend::Database { store, clock } => {
                // Each distinct limit has its own budget, as each has its own limiter in memory:
                // a changed override starts afresh.
                let key = format!("{key}|{limit}");
                let decision = store.rate_limit_check(&key, limit, clock.now()).await?;
                Ok(if decision.allowed {
                    Ok(Some(RateInfo {
                        limit: limit.requests,
                        remaining: decision.remaining,
                        reset: unix_now() + ceil_secs(decision.reset_after),
                        retry_after: None,
                    }))
                } else {
                    let wait = ceil_secs(decision.retry_after.unwrap_or_default()).max(1);
                    Err(RateInfo {
                        limit: limit.requests,
                        remaining: 0,
                        reset: unix_now() + wait,
                        retry_after: Some(wait),
                    })
                })
            }
        }
    }
}

impl MemoryLimits {
    fn limiter(&self, limit: RateLimit) -> Arc<Limiter> {
        let mut limiters = self
            .limiters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        limiters
            .entry(limit)
            .or_insert_with(|| {
                Arc::new(
                    RateLimiter::keyed(quota(limit))
                        .with_middleware::<StateInformationMiddleware>(),
                )
            })
            .clone()
    }

    fn check(&self, key: &String, limit: RateLimit) -> Verdict {
        let interval = quota(limit).replenish_interval();
        match self.limiter(limit).check_key(key) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let refill = interval * (limit.requests.saturating_sub(remaining));
                Ok(Some(RateInfo {
                    limit: limit.requests,
                    remaining,
                    reset: unix_now() + ceil_secs(refill),
                    retry_after: None,
                }))
            }
            Err(not_until) => {
                let wait = ceil_secs(not_until.wait_time_from(self.clock.now())).max(1);
                Err(RateInfo {
                    limit: limit.requests,
                    remaining: 0,
                    reset: unix_now() + wait,
                    retry_after: Some(wait),
                })
            }
        }
    }
}

/// Blocks an address after too many failed client authentications at the token endpoint.
pub struct AuthFailures {
    failures: RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, DefaultClock>,
    clock: DefaultClock,
    blocked: Mutex<HashMap<IpAddr, Instant>>,
}

/// Addresses remembered as blocked at most; expired entries are dropped first.
const MAX_BLOCKED: usize = 65_536;

impl AuthFailures {
    pub fn new(limit: RateLimit) -> Self {
        Self {
            failures: RateLimiter::keyed(quota(limit)),
            clock: DefaultClock::default(),
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds the address must still wait, if it is blocked.
    pub fn blocked_for(&self, ip: IpAddr) -> Option<u64> {
        let blocked = self
            .blocked
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let until = blocked.get(&ip)?;
        until
            .checked_duration_since(Instant::now())
            .map(|left| ceil_secs(left).max(1))
    }

    /// Records a failed authentication; returns the block in seconds if this failure was one
    /// too many.
    pub fn record_failure(&self, ip: IpAddr) -> Option<u64> {
        let not_until = self.failures.check_key(&ip).err()?;
        let wait = not_until
            .wait_time_from(self.clock.now())
            .max(Duration::from_secs(1));
        let mut blocked = self
            .blocked
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if blocked.len() >= MAX_BLOCKED {
            let now = Instant::now();
            blocked.retain(|_, until| *until > now);
        }
        if blocked.len() < MAX_BLOCKED {
            blocked.insert(ip, Instant::now() + wait);
        }
        Some(ceil_secs(wait))
    }
}

#[cfg(test)]
mod tests {
    use accountd_core::ids::AccountId;
    use accountd_core::scope::ScopeSet;

    use super::*;

    fn principal(client: &str, account: AccountId, rate_limit: Option<RateLimit>) -> Principal {
        Principal {
            client_id: client.into(),
            account,
            scopes: ScopeSet::all(),
            rate_limit,
        }
    }

    /// What the limits say for one request (the store never fails here).
    async fn check(limits: &RateLimits, principal: &Principal) -> Verdict {
        limits.check(principal).await.unwrap()
    }

    #[tokio::test]
    async fn the_budget_runs_out_per_client_and_overrides_win() {
        let limits = RateLimits::new(RateLimit::parse("2/min").ok(), RateLimitKey::Client);
        let account = AccountId::generate();
        let a = principal("a", account, None);
        assert_eq!(
            check(&limits, &a).await.map(|i| i.map(|i| i.remaining)),
            Ok(Some(1))
        );
        assert_eq!(
            check(&limits, &a).await.map(|i| i.map(|i| i.remaining)),
            Ok(Some(0))
        );
        let refused = check(&limits, &a).await;
        assert!(
            matches!(refused, Err(RateInfo { remaining: 0, retry_after: Some(wait), .. }) if wait >= 1)
        );
        // Another client of the same account has its own budget.
        assert!(check(&limits, &principal("b", account, None)).await.is_ok());
        // An override applies instead of the default.
        let generous = principal("a", account, RateLimit::parse("100/min").ok());
        assert_eq!(
            check(&limits, &generous).await.map(|i| i.map(|i| i.limit)),
            Ok(Some(100))
        );
    }

    #[tokio::test]
    async fn per_account_keys_share_one_budget() {
        let limits = RateLimits::new(RateLimit::parse("1/min").ok(), RateLimitKey::Account);
        let account = AccountId::generate();
        assert!(check(&limits, &principal("a", account, None)).await.is_ok());
        assert!(
            check(&limits, &principal("b", account, None))
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn no_limit_configured_means_no_headers() {
        let limits = RateLimits::new(None, RateLimitKey::Client);
        assert_eq!(
            check(&limits, &principal("a", AccountId::generate(), None)).await,
            Ok(None)
        );
    }

    /// A shared (database) limiter over a fresh SQLite store, on a clock of its own.
    fn shared(
        default: &str,
        key: RateLimitKey,
        dir: &tempfile::TempDir,
    ) -> (RateLimits, Arc<accountd_core::ManualClock>, Arc<dyn Store>) {
        let store: Arc<dyn Store> =
            Arc::new(accountd_store_sqlite::SqliteStore::open(&dir.path().join("db")).unwrap());
        let clock = Arc::new(accountd_core::ManualClock::new(
            time::OffsetDateTime::now_utc(),
        ));
        let limits = RateLimits::shared(
            RateLimit::parse(default).ok(),
            key,
            store.clone(),
            clock.clone(),
        );
        (limits, clock, store)
    }

    #[tokio::test]
    async fn the_database_backend_answers_like_the_memory_one() {
        let dir = tempfile::tempdir().unwrap();
        let (shared, _, _) = shared("3/min", RateLimitKey::Client, &dir);
        assert_eq!(shared.store_kind(), RateLimitStore::Database);
        let memory = RateLimits::new(RateLimit::parse("3/min").ok(), RateLimitKey::Client);
        let a = principal("a", AccountId::generate(), None);
        for _ in 0..5 {
            let (from_memory, from_database) = (check(&memory, &a).await, check(&shared, &a).await);
            // The reset may straddle a second boundary between the two calls.
            let strip = |v: Verdict| match v {
                Ok(Some(info)) => Ok(Some((info.limit, info.remaining, info.retry_after))),
                Ok(None) => Ok(None),
                Err(info) => Err((info.limit, info.remaining, info.retry_after)),
            };
            assert_eq!(strip(from_memory), strip(from_database));
            let reset = |v: &Verdict| match v {
                Ok(Some(info)) | Err(info) => info.reset,
                Ok(None) => 0,
            };
            assert!(reset(&from_memory).abs_diff(reset(&from_database)) <= 1);
        }
    }

    #[tokio::test]
    async fn two_instances_on_one_database_share_the_budget_and_time_refills_it() {
        let dir = tempfile::tempdir().unwrap();
        let (first, clock, store) = shared("3/min", RateLimitKey::Account, &dir);
        let second = RateLimits::shared(
            RateLimit::parse("3/min").ok(),
            RateLimitKey::Account,
            store,
            clock.clone(),
        );
        let account = AccountId::generate();
        let (a, b) = (principal("a", account, None), principal("b", account, None));
        assert!(check(&first, &a).await.is_ok());
        assert!(check(&second, &b).await.is_ok());
        assert!(check(&first, &b).await.is_ok());
        let refused = check(&second, &a).await;
        assert!(
            matches!(
                refused,
                Err(RateInfo {
                    retry_after: Some(20),
                    ..
                })
            ),
            "{refused:?}"
        );
        clock.advance(time::Duration::seconds(20));
        assert!(check(&second, &a).await.is_ok());
        assert!(check(&first, &a).await.is_err());
    }

    #[test]
    fn rate_limit_stores_default_by_backend() {
        assert_eq!(
            RateLimitStore::default_for("sqlite"),
            RateLimitStore::Memory
        );
        assert_eq!(
            RateLimitStore::default_for("postgres"),
            RateLimitStore::Database
        );
    }

    #[test]
    fn repeated_auth_failures_block_the_address() {
        let failures = AuthFailures::new(RateLimit {
            requests: 3,
            period: Period::Minute,
        });
        let ip: IpAddr = [127, 0, 0, 1].into();
        assert_eq!(failures.blocked_for(ip), None);
        for _ in 0..3 {
            assert_eq!(failures.record_failure(ip), None);
        }
        assert!(failures.record_failure(ip).is_some_and(|wait| wait >= 1));
        assert!(failures.blocked_for(ip).is_some());
        assert_eq!(failures.blocked_for([10, 0, 0, 1].into()), None);
    }
}
