//! Calendar days in UTC, without a time crate: the "today" that hazards are judged against
//! (certificate expiry, end of life), the dates of the release tables, and `--as-of`.
//!
//! Why a day and not an instant: every rule that uses it counts whole days (days left on a
//! certificate, a release past its end-of-life date), and `--as-of 2026-12-01` must give
//! the same output whatever the hour, so goldens are stable.

use std::fmt;

const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar day (UTC), as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

/// A date that is not `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date (expected YYYY-MM-DD, such as 2026-12-01)")]
pub struct DateError(pub String);

impl Day {
    /// The day of `secs` seconds since the Unix epoch.
    pub fn from_unix(secs: i64) -> Day {
        Day(secs.div_euclid(SECONDS_PER_DAY))
    }

    /// The first second of the day, in seconds since the Unix epoch.
    pub fn unix_seconds(self) -> i64 {
        self.0.saturating_mul(SECONDS_PER_DAY)
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        self.0
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn until(self, later: Day) -> i64 {
        later.0 - self.0
    }

    /// Parses `YYYY-MM-DD` (a real calendar day: no 2026-02-30).
    pub fn parse(text: &str) -> Result<Day, DateError> {
        let bad = || DateError(text.to_owned());
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(bad());
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64, DateError> {
            let part = &text[range];
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(bad());
        }
        Ok(Day(days_from_civil(year, month, day)))
    }

    /// The day of an RFC 3339 timestamp (`2026-12-01T10:00:00Z`: its first ten
    /// characters), `None` when it does not start with a date.
    pub fn of_timestamp(ts: &str) -> Option<Day> {
        ts.get(..10).and_then(|d| Day::parse(d).ok())
    }

    /// (year, month, day).
    pub fn civil(self) -> (i64, i64, i64) {
        civil_from_days(self.0)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.civil();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl std::str::FromStr for Day {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Day, DateError> {
        Day::parse(s)
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of days since 1970-01-01 (H. Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print_round_trip() {
        for s in [
            "1970-01-01",
            "2000-02-29",
            "2026-12-01",
            "2100-12-31",
            "1969-07-20",
        ] {
            assert_eq!(Day::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Day::parse("1970-01-02").unwrap().days(), 1);
        assert_eq!(
            Day::parse("2026-11-23").unwrap().unix_seconds(),
            1_795_392_000
        );
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        let start = Day::parse("1900-01-01").unwrap().days();
        for n in start..start + 146_097 {
            let (y, m, d) = civil_from_days(n);
            assert_eq!(days_from_civil(y, m, d), n);
        }
    }

    #[test]
    fn not_dates_are_refused_with_the_input() {
        for s in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
            "26-12-01",
            "2026/12/01",
            "",
            "2026-12-01T00",
            "+026-12-01",
            "2026-00-10",
        ] {
            assert_eq!(Day::parse(s), Err(DateError(s.to_owned())), "{s}");
        }
        assert_eq!(
            Day::parse("1900-02-29").map(|_| ()),
            Err(DateError("1900-02-29".into()))
        );
    }

    #[test]
    fn days_between_and_timestamps() {
        let a = Day::parse("2026-12-01").unwrap();
        let b = Day::parse("2027-01-01").unwrap();
        assert_eq!(a.until(b), 31);
        assert_eq!(b.until(a), -31);
        assert_eq!(Day::of_timestamp("2026-12-01T23:59:59Z"), Some(a));
        assert_eq!(Day::of_timestamp("nope"), None);
        assert_eq!(Day::from_unix(a.unix_seconds() + 86_399), a);
        assert_eq!(Day::from_unix(-1).to_string(), "1969-12-31");
    }
}
