//! Calendar dates (ISO 8601 `YYYY-MM-DD`), for `--as-of` and worksheet dates.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses exactly `YYYY-MM-DD`, rejecting impossible dates.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let s = text.get(r)?;
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        let year = i32::try_from(digits(0..4)?).ok()?;
        let month = u8::try_from(digits(5..7)?).ok()?;
        let day = u8::try_from(digits(8..10)?).ok()?;
        let date = Self { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(date)
    }

    /// Today in UTC.
    #[must_use]
    pub fn today() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
    }

    /// Days since 1970-01-01.
    #[must_use]
    pub fn days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    #[must_use]
    pub fn from_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// Where this expiry date stands on `as_of`: `None` when it is more than `window` days
    /// after it.
    #[must_use]
    pub fn expiry(self, as_of: Self, window: i64) -> Option<Expiry> {
        let left = self.days() - as_of.days();
        if left > window {
            None
        } else if left < 0 {
            Some(Expiry::Expired(-left))
        } else {
            Some(Expiry::Expiring(left))
        }
    }
}

/// Where an expiry date stands on a given day, when it is within the warning window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// Expired this many days before (at least 1).
    Expired(i64),
    /// Expires in this many days (0: on the day itself).
    Expiring(i64),
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_dates_only() {
        assert_eq!(
            Date::parse("2026-11-21").map(|d| d.to_string()).as_deref(),
            Some("2026-11-21")
        );
        for bad in [
            "2026-13-01",
            "2026-02-29",
            "21/11/2026",
            "2026-1-01",
            "２０２６-11-21",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2024-02-29").is_some());
    }

    #[test]
    fn days_round_trip() {
        let d = Date::parse("2026-11-21").expect("date");
        assert_eq!(Date::from_days(d.days()), d);
        assert_eq!(Date::parse("1970-01-01").expect("epoch").days(), 0);
        assert_eq!(
            Date::parse("2000-03-01").expect("d").days()
                - Date::parse("2000-02-28").expect("d").days(),
            2
        );
    }

    #[test]
    fn expiry_within_the_window() {
        let as_of = Date::parse("2026-11-21").expect("date");
        let on = |text: &str| Date::parse(text).expect("date").expiry(as_of, 30);
        assert_eq!(on("2026-11-20"), Some(Expiry::Expired(1)));
        assert_eq!(on("2026-11-21"), Some(Expiry::Expiring(0)));
        assert_eq!(on("2026-12-21"), Some(Expiry::Expiring(30)));
        assert_eq!(on("2026-12-22"), None);
    }
}
