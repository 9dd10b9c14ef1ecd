//! Rate limits as configured (`200/min`): the default (`--rate-limit`) and per-account overrides.

use std::fmt;
use std::time::Duration;

use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Second,
    Minute,
    Hour,
}

impl Period {
    pub fn seconds(self) -> u64 {
        match self {
            Period::Second => 1,
            Period::Minute => 60,
            Period::Hour => 3600,
        }
    }
}

/// `requests` per `period`, e.g. `200/min`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    pub requests: u32,
    pub period: Period,
}

impl RateLimit {
    /// Parses `<n>/<s|sec|second|m|min|minute|h|hour>`; `n` from 1 to 1,000,000.
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = || {
            Error::invalid(
                "rateLimit",
                format!("'{text}' is not a rate limit; write it like 200/min (units: s, min, h)"),
            )
        };
        let (count, unit) = text.trim().split_once('/').ok_or_else(invalid)?;
        let requests: u32 = count.trim().parse().map_err(|_| invalid())?;
        if !(1..=1_000_000).contains(&requests) {
            return Err(invalid());
        }
        let period = match unit.trim() {
            "s" | "sec" | "second" => Period::Second,
            "m" | "min" | "minute" => Period::Minute,
            "h" | "hour" => Period::Hour,
            _ => return Err(invalid()),
        };
        Ok(Self { requests, period })
    }
}

/// GCRA (the generic cell rate algorithm) in plain numbers, so that every store computes the same
/// answer from the one value it keeps per key: the theoretical arrival time (TAT), in
/// microseconds since the Unix epoch.
///
/// A request at `now` is allowed when `max(tat, now) - now <= tolerance`; an allowed request
/// moves the TAT to `max(tat, now) + interval`, a refused one leaves it alone. A key without a
/// state, or whose TAT is in the past, has its whole budget.
impl RateLimit {
    /// The emission interval: the time one request "costs" at the sustained rate, in µs.
    pub fn interval_micros(self) -> i64 {
        let period = i64::try_from(self.period.seconds()).unwrap_or(i64::MAX) * 1_000_000;
        (period / i64::from(self.requests.max(1))).max(1)
    }

    /// How far the TAT may run ahead of now (the burst tolerance): `requests - 1` intervals, so
    /// a full budget allows `requests` requests at once.
    pub fn tolerance_micros(self) -> i64 {
        self.interval_micros() * i64::from(self.requests.max(1) - 1)
    }
}

/// What one request counted against a limit got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    pub allowed: bool,
    /// Requests that could still be made at once.
    pub remaining: u32,
    /// Until the budget is full again.
    pub reset_after: Duration,
    /// When refused: until a request would be allowed.
    pub retry_after: Option<Duration>,
}

impl RateDecision {
    /// The decision after one GCRA step at `now_micros` that left the TAT at `tat_micros` and
    /// did (`allowed`) or did not count the request.
    pub fn from_gcra(limit: RateLimit, now_micros: i64, tat_micros: i64, allowed: bool) -> Self {
        let interval = limit.interval_micros();
        let tolerance = limit.tolerance_micros();
        let ahead = tat_micros.saturating_sub(now_micros).max(0);
        let micros = |m: i64| Duration::from_micros(u64::try_from(m.max(0)).unwrap_or(0));
        if allowed {
            let left = (tolerance + interval - ahead).max(0) / interval;
            Self {
                allowed,
                remaining: u32::try_from(left)
                    .unwrap_or(u32::MAX)
                    .min(limit.requests.saturating_sub(1)),
                reset_after: micros(ahead),
                retry_after: None,
            }
        } else {
            Self {
                allowed,
                remaining: 0,
                reset_after: micros(ahead),
                retry_after: Some(micros(ahead - tolerance)),
            }
        }
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.period {
            Period::Second => "s",
            Period::Minute => "min",
            Period::Hour => "h",
        };
        write!(f, "{}/{unit}", self.requests)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms_and_refuses_others() {
        assert_eq!(
            RateLimit::parse("200/min"),
            Ok(RateLimit {
                requests: 200,
                period: Period::Minute
            })
        );
        assert_eq!(
            RateLimit::parse("5/s").map(|r| r.to_string()),
            Ok("5/s".to_owned())
        );
        assert_eq!(
            RateLimit::parse("1000/hour").map(|r| r.period),
            Ok(Period::Hour)
        );
        for bad in ["", "200", "0/min", "x/min", "200/day", "-1/s"] {
            assert!(RateLimit::parse(bad).is_err(), "{bad}");
        }
    }

    /// One GCRA step, as a store does it atomically.
    fn step(limit: RateLimit, tat: Option<i64>, now: i64) -> (i64, RateDecision) {
        let effective = tat.unwrap_or(now).max(now);
        let allowed = effective - now <= limit.tolerance_micros();
        let tat = if allowed {
            effective + limit.interval_micros()
        } else {
            effective
        };
        (tat, RateDecision::from_gcra(limit, now, tat, allowed))
    }

    #[test]
    fn gcra_allows_a_burst_of_the_limit_then_one_per_interval() {
        let limit = RateLimit::parse("3/min").unwrap_or(RateLimit {
            requests: 1,
            period: Period::Second,
        });
        assert_eq!(limit.interval_micros(), 20_000_000);
        assert_eq!(limit.tolerance_micros(), 40_000_000);
        let now = 1_000_000_000_000;
        let mut tat = None;
        let mut seen = Vec::new();
        for _ in 0..4 {
            let (next, decision) = step(limit, tat, now);
            tat = Some(next);
            seen.push((decision.allowed, decision.remaining));
        }
        assert_eq!(seen, [(true, 2), (true, 1), (true, 0), (false, 0)]);
        let (_, refused) = step(limit, tat, now);
        assert_eq!(refused.retry_after, Some(Duration::from_secs(20)));
        assert_eq!(refused.reset_after, Duration::from_secs(60));
        // One interval later exactly one more request is allowed.
        let (_, later) = step(limit, tat, now + 20_000_000);
        assert_eq!((later.allowed, later.remaining), (true, 0));
        // A TAT in the past is a full budget.
        let (_, fresh) = step(limit, Some(now - 1), now + 1);
        assert_eq!((fresh.allowed, fresh.remaining), (true, 2));
    }
}
