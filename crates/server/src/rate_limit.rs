//! Request rate limits (seed 002): off unless `--rate-limit` or an account override is set; keyed
//! per OAuth client (default) or per account; GCRA through `governor`. Limited responses carry
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (Unix seconds, as
//! Dynatrace's Go client reads it); a 429 adds `Retry-After`.
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

/// The request limits of one server.
pub struct RateLimits {
    default: Option<RateLimit>,
    key: RateLimitKey,
    clock: DefaultClock,
    /// One keyed limiter per distinct limit (the default and each account override).
    limiters: Mutex<HashMap<RateLimit, Arc<Limiter>>>,
}

impl RateLimits {
    pub fn new(default: Option<RateLimit>, key: RateLimitKey) -> Self {
        Self {
            default,
            key,
            clock: DefaultClock::default(),
            limiters: Mutex::new(HashMap::new()),
        }
    }

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

    /// Counts one request of `principal`. `Ok(None)`: no limit applies; `Ok(Some)`: allowed,
    /// with the headers to send; `Err`: refused (429).
    pub fn check(&self, principal: &Principal) -> Result<Option<RateInfo>, RateInfo> {
        let Some(limit) = principal.rate_limit.or(self.default) else {
            return Ok(None);
        };
        let key = match self.key {
            RateLimitKey::Client => format!("c:{}", principal.client_id),
            RateLimitKey::Account => format!("a:{}", principal.account),
        };
        let interval = quota(limit).replenish_interval();
        match self.limiter(limit).check_key(&key) {
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

    #[test]
    fn the_budget_runs_out_per_client_and_overrides_win() {
        let limits = RateLimits::new(RateLimit::parse("2/min").ok(), RateLimitKey::Client);
        let account = AccountId::generate();
        let a = principal("a", account, None);
        assert_eq!(
            limits.check(&a).map(|i| i.map(|i| i.remaining)),
            Ok(Some(1))
        );
        assert_eq!(
            limits.check(&a).map(|i| i.map(|i| i.remaining)),
            Ok(Some(0))
        );
        let refused = limits.check(&a);
        assert!(
            matches!(refused, Err(RateInfo { remaining: 0, retry_after: Some(wait), .. }) if wait >= 1)
        );
        // Another client of the same account has its own budget.
        assert!(limits.check(&principal("b", account, None)).is_ok());
        // An override applies instead of the default.
        let generous = principal("a", account, RateLimit::parse("100/min").ok());
        assert_eq!(
            limits.check(&generous).map(|i| i.map(|i| i.limit)),
            Ok(Some(100))
        );
    }

    #[test]
    fn per_account_keys_share_one_budget() {
        let limits = RateLimits::new(RateLimit::parse("1/min").ok(), RateLimitKey::Account);
        let account = AccountId::generate();
        assert!(limits.check(&principal("a", account, None)).is_ok());
        assert!(limits.check(&principal("b", account, None)).is_err());
    }

    #[test]
    fn no_limit_configured_means_no_headers() {
        let limits = RateLimits::new(None, RateLimitKey::Client);
        assert_eq!(
            limits.check(&principal("a", AccountId::generate(), None)),
            Ok(None)
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
