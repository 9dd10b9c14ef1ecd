//! Rate limits as configured (`200/min`): the default (`--rate-limit`) and per-account overrides.

use std::fmt;

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
}
