use std::sync::Mutex;

use time::OffsetDateTime;

/// The source of "now". The domain never reads the wall clock itself, so tests can move time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that only moves when told to; for tests (token expiry, invitation expiry).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<OffsetDateTime>,
}

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    pub fn advance(&self, by: time::Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .now
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Milliseconds since the Unix epoch: the storage form of every timestamp.
pub fn to_millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Inverse of [`to_millis`]; out-of-range values clamp to the epoch rather than fail.
pub fn from_millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339 with millisecond precision and a `Z` offset, e.g. `2025-03-15T14:30:00.000Z`.
///
/// Written digit by digit into one 24-byte allocation: two of these per user in every response
/// made `format!`'s machinery a visible part of a listing's time.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let year = t.year();
    if !(0..=9999).contains(&year) {
        // Outside RFC 3339's four-digit years: not produced by our clocks, but never panic.
        return format!(
            "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        );
    }
    let mut out = String::with_capacity(24);
    push_digits(&mut out, year.unsigned_abs(), 4);
    out.push('-');
    push_digits(&mut out, u32::from(u8::from(t.month())), 2);
    out.push('-');
    push_digits(&mut out, u32::from(t.day()), 2);
    out.push('T');
    push_digits(&mut out, u32::from(t.hour()), 2);
    out.push(':');
    push_digits(&mut out, u32::from(t.minute()), 2);
    out.push(':');
    push_digits(&mut out, u32::from(t.second()), 2);
    out.push('.');
    push_digits(&mut out, u32::from(t.millisecond()), 3);
    out.push('Z');
    out
}

/// Appends `value` as exactly `width` decimal digits (zero-padded; higher digits dropped).
fn push_digits(out: &mut String, value: u32, width: u32) {
    let mut divisor = 10u32.pow(width.saturating_sub(1));
    while divisor > 0 {
        let digit = (value / divisor) % 10;
        out.push(char::from(b'0' + u8::try_from(digit).unwrap_or(0)));
        divisor /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_the_formatted_form_everywhere() {
        // Every field at its widest and narrowest, and times across a few centuries.
        for ms in [
            0_i64,
            1,
            999,
            1_742_049_000_123,
            951_782_400_000,
            253_402_300_799_999,
            -1_000,
        ] {
            let t = from_millis(ms);
            let expected = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.millisecond()
            );
            assert_eq!(rfc3339(t), expected, "{ms} ms");
        }
        assert_eq!(
            rfc3339(from_millis(1_742_049_000_123)),
            "2025-03-15T14:30:00.123Z"
        );
    }
}
