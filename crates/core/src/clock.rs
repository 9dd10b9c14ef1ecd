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
///
/// Whole seconds, then the milliseconds: the nanosecond constructor divides an `i128`, which
/// was a visible part of decoding a page of users (two timestamps each).
pub fn from_millis(ms: i64) -> OffsetDateTime {
    let milli = u16::try_from(ms.rem_euclid(1000)).unwrap_or(0);
    OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .and_then(|t| t.replace_millisecond(milli))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339 with millisecond precision and a `Z` offset, e.g. `2025-03-15T14:30:00.000Z`.
pub fn rfc3339(t: OffsetDateTime) -> String {
    match rfc3339_bytes(t) {
        // Every byte written by `rfc3339_bytes` is an ASCII digit or separator.
        Some(bytes) => bytes.iter().map(|b| char::from(*b)).collect(),
        None => {
            let t = t.to_offset(time::UtcOffset::UTC);
            // Outside RFC 3339's four-digit years: not produced by our clocks, but never panic.
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.millisecond()
            )
        }
    }
}

/// The 24 ASCII bytes of [`rfc3339`], on the stack; `None` for a year outside 0..=9999.
///
/// Written digit by digit from one calendar-date and one time-of-day computation: two of these
/// per user in every response made `format!`'s machinery, and then `time`'s per-field
/// accessors, a visible part of a listing's time.
pub fn rfc3339_bytes(t: OffsetDateTime) -> Option<[u8; 24]> {
    let t = t.to_offset(time::UtcOffset::UTC);
    let (year, month, day) = t.to_calendar_date();
    let year = u32::try_from(year).ok().filter(|year| *year <= 9999)?;
    let (hour, minute, second, milli) = t.to_hms_milli();
    let mut out = *b"0000-00-00T00:00:00.000Z";
    put_digits(&mut out[0..4], year);
    put_digits(&mut out[5..7], u32::from(u8::from(month)));
    put_digits(&mut out[8..10], u32::from(day));
    put_digits(&mut out[11..13], u32::from(hour));
    put_digits(&mut out[14..16], u32::from(minute));
    put_digits(&mut out[17..19], u32::from(second));
    put_digits(&mut out[20..23], u32::from(milli));
    Some(out)
}

/// Writes `value` as exactly `slot.len()` decimal digits (zero-padded; higher digits dropped).
fn put_digits(slot: &mut [u8], mut value: u32) {
    for byte in slot.iter_mut().rev() {
        *byte = b'0' + u8::try_from(value % 10).unwrap_or(0);
        value /= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2 BC began this many milliseconds before the epoch (year -1 in RFC 3339's numbering).
    const YEAR_MINUS_ONE: i64 = -62_198_755_200_000;

    #[test]
    fn millis_round_trip_on_both_sides_of_the_epoch_and_clamp_outside_the_calendar() {
        for ms in [
            0_i64,
            1,
            999,
            1_000,
            -1,
            -999,
            -1_000,
            -1_001,
            1_742_049_000_123,
            YEAR_MINUS_ONE,
        ] {
            let t = from_millis(ms);
            assert_eq!(to_millis(t), ms, "{ms}");
            assert_eq!(
                t,
                OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
                    .expect("in range"),
                "{ms}"
            );
        }
        assert_eq!(from_millis(i64::MAX), OffsetDateTime::UNIX_EPOCH);
        assert_eq!(from_millis(i64::MIN), OffsetDateTime::UNIX_EPOCH);
    }

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
            YEAR_MINUS_ONE,
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
        // A negative year has no four-digit form: the bytes refuse it, the string still renders it.
        assert_eq!(rfc3339_bytes(from_millis(YEAR_MINUS_ONE)), None);
        assert_eq!(
            rfc3339(from_millis(YEAR_MINUS_ONE)),
            "-001-01-01T00:00:00.000Z"
        );
    }
}
