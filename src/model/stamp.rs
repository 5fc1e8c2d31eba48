//! The times a backup listing gives its files (`LastWriteTimeUtc`, or `LastWriteTime`), as
//! `Export-Csv` writes them: ISO 8601 when the listing was written with `ToString('o')`, else
//! in the culture of the machine that wrote it (`11/20/2026 10:14:05 PM`, `20/11/2026 22:14:05`,
//! `20.11.2026 22:14:05`, `2026/11/20 22:14:05`).
//!
//! A culture form whose day and month could be swapped is read once the whole file is known
//! ([`settle`]): one `Export-Csv` writes every cell in one culture, so a cell whose first number
//! is above 12 shows that the file puts the day first, and one whose second number is above 12
//! that it puts the month first. A file that shows both, or that never shows which, leaves the
//! cells that could be read either way unread: a misread date is worse than none.

use super::date::Date;

/// Which clock a time was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// Coordinated universal time (a `LastWriteTimeUtc` column, or a `Z` suffix).
    Utc,
    /// An offset from UTC written with the time, in minutes (`+01:00`).
    Offset(i32),
    /// The local time of the machine that wrote the listing, offset unknown (`LastWriteTime`).
    Local,
}

/// A file's write time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub date: Date,
    /// Seconds since midnight.
    pub seconds: u32,
    pub zone: Zone,
}

/// Hours the local date of a time written in UTC can be ahead of it (UTC+14, Kiribati).
const MOST_AHEAD_HOURS: u32 = 14;

impl Stamp {
    /// The latest calendar date the time can have had where it was written: the date as written
    /// for a local time or one with its offset, and the date 14 hours later for a UTC time
    /// (the most any time zone is ahead of UTC).
    #[must_use]
    pub fn latest_local_date(self) -> Date {
        match self.zone {
            Zone::Utc if self.seconds + MOST_AHEAD_HOURS * 3600 >= 86_400 => {
                Date::from_days(self.date.days() + 1)
            }
            _ => self.date,
        }
    }

    /// Seconds since 1970-01-01 on the clock it was written in, for ordering times of one
    /// listing.
    #[must_use]
    pub fn ordinal(self) -> i64 {
        let offset = match self.zone {
            Zone::Offset(minutes) => i64::from(minutes) * 60,
            Zone::Utc | Zone::Local => 0,
        };
        self.date.days() * 86_400 + i64::from(self.seconds) - offset
    }
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (h, m, s) = (
            self.seconds / 3600,
            self.seconds / 60 % 60,
            self.seconds % 60,
        );
        write!(f, "{} {h:02}:{m:02}:{s:02}", self.date)?;
        match self.zone {
            Zone::Utc => write!(f, " UTC"),
            Zone::Offset(minutes) => {
                let sign = if minutes < 0 { '-' } else { '+' };
                let a = minutes.unsigned_abs();
                write!(f, " {sign}{:02}:{:02}", a / 60, a % 60)
            }
            Zone::Local => Ok(()),
        }
    }
}

/// A cell as read: what it gives with the day first and with the month first. The two are the
/// same for a cell only one order can read, or whose year comes first; [`settle`] leaves every
/// cell so, or unread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Culture {
    pub day_first: Option<Stamp>,
    pub month_first: Option<Stamp>,
}

impl Culture {
    /// The time, when the cell reads one way only.
    #[must_use]
    pub fn known(self) -> Option<Stamp> {
        match (self.day_first, self.month_first) {
            (Some(a), Some(b)) if a == b => Some(a),
            (Some(a), None) | (None, Some(a)) => Some(a),
            _ => None,
        }
    }

    /// The order the cell shows: the day first when only that reading is a date.
    fn shows(self) -> Option<Order> {
        match (self.day_first, self.month_first) {
            (Some(_), None) => Some(Order::DayFirst),
            (None, Some(_)) => Some(Order::MonthFirst),
            _ => None,
        }
    }
}

/// Which number a file's culture writes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    DayFirst,
    MonthFirst,
}

/// Reads a cell. `zone` is the column's clock (UTC for `LastWriteTimeUtc`), used unless the text
/// carries its own (`Z`, `+01:00`). `None` when the text is no time topolint can read.
#[must_use]
pub fn parse(text: &str, zone: Zone) -> Option<Culture> {
    let text = text.trim();
    let (date_part, time_part) = match text.find(['T', ' ']) {
        Some(i) => (&text[..i], text[i + 1..].trim()),
        None => (text, ""),
    };
    let (time, zone) = if time_part.is_empty() {
        (0, zone)
    } else {
        time_of_day(time_part, zone)?
    };
    let numbers: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    let [a, b, c] = numbers.as_slice() else {
        return None;
    };
    let mut separators = date_part.chars().filter(|c| matches!(c, '-' | '/' | '.'));
    if separators.next() != separators.next() {
        return None;
    }
    let all_digits =
        |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(a) && all_digits(b) && all_digits(c)) {
        return None;
    }
    let stamp = |y: &str, m: &str, d: &str| -> Option<Stamp> {
        if y.len() != 4 || m.len() > 2 || d.len() > 2 {
            return None;
        }
        let date = Date::parse(&format!("{y}-{m:0>2}-{d:0>2}"))?;
        Some(Stamp {
            date,
            seconds: time,
            zone,
        })
    };
    if a.len() == 4 {
        // Year first: ISO 8601 and the East Asian cultures (`2026/11/20`): always year, month, day.
        let s = stamp(a, b, c)?;
        return Some(Culture {
            day_first: Some(s),
            month_first: Some(s),
        });
    }
    let culture = Culture {
        day_first: stamp(c, b, a),
        month_first: stamp(c, a, b),
    };
    (culture.day_first.is_some() || culture.month_first.is_some()).then_some(culture)
}

/// Reads `HH:mm[:ss[.fffffff]][ AM|PM][Z|±HH:mm]` into seconds since midnight and the zone.
fn time_of_day(text: &str, column: Zone) -> Option<(u32, Zone)> {
    let mut rest = text.trim();
    let mut zone = column;
    if let Some(r) = rest.strip_suffix(['Z', 'z']) {
        rest = r;
        zone = Zone::Utc;
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (r, offset) = rest.split_at(i);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (h, m) = offset[1..].split_once(':')?;
        let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
        if h > 14 || m > 59 {
            return None;
        }
        zone = Zone::Offset(sign * (h * 60 + m));
        rest = r;
    }
    let lower = rest.trim().to_ascii_lowercase();
    let am = lower
        .strip_suffix("am")
        .or_else(|| lower.strip_suffix("a.m."));
    let pm = lower
        .strip_suffix("pm")
        .or_else(|| lower.strip_suffix("p.m."));
    let (clock, meridiem) = match (am, pm) {
        (Some(r), _) => (r.trim(), Some(false)),
        (_, Some(r)) => (r.trim(), Some(true)),
        _ => (lower.as_str(), None),
    };
    // Fractions of a second (`.1234567`, `,5`) are dropped.
    let clock = clock.split(['.', ',']).next().unwrap_or("");
    let mut parts = clock.split(':');
    let number = |p: Option<&str>| -> Option<u32> {
        let p = p?;
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())?
    };
    let mut hour = number(parts.next())?;
    let minute = number(parts.next())?;
    let second = match parts.next() {
        Some(s) => number(Some(s))?,
        None => 0,
    };
    if parts.next().is_some() || minute > 59 || second > 59 {
        return None;
    }
    match meridiem {
        Some(pm) => {
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour = hour % 12 + if pm { 12 } else { 0 };
        }
        None if hour > 23 => return None,
        None => {}
    }
    Some((hour * 3600 + minute * 60 + second, zone))
}

/// What settling a file's cells found wrong: the cell, and why it is not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unsettled {
    /// Both readings are dates and no cell of the file shows which the culture writes.
    Ambiguous,
    /// The file shows both orders: this cell the one, `first` (an index) the other.
    Contradicts { first: usize },
}

/// Settles the cells of one file (in file order): each becomes known, or unread with the reason
/// at its index. One `Export-Csv` writes every cell in one culture, so the cells that show the
/// order decide it for the rest.
pub fn settle(cells: &mut [Option<Culture>]) -> Vec<(usize, Unsettled)> {
    let mut order: Option<(Order, usize)> = None;
    let mut contradiction: Option<(usize, usize)> = None;
    for (i, cell) in cells.iter().enumerate() {
        let Some(shown) = cell.and_then(Culture::shows) else {
            continue;
        };
        match order {
            None => order = Some((shown, i)),
            Some((o, first)) if o != shown => {
                contradiction.get_or_insert((i, first));
            }
            Some(_) => {}
        }
    }
    let mut problems = Vec::new();
    if let Some((at, first)) = contradiction {
        problems.push((at, Unsettled::Contradicts { first }));
    }
    for (i, cell) in cells.iter_mut().enumerate() {
        let Some(c) = *cell else { continue };
        if c.known().is_some() {
            continue;
        }
        let chosen = match (contradiction, order) {
            (None, Some((Order::DayFirst, _))) => c.day_first,
            (None, Some((Order::MonthFirst, _))) => c.month_first,
            _ => None,
        };
        *cell = chosen.map(|s| Culture {
            day_first: Some(s),
            month_first: Some(s),
        });
        if chosen.is_none() && contradiction.is_none() {
            problems.push((i, Unsettled::Ambiguous));
        }
    }
    problems.sort_by_key(|p| p.0);
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(text: &str, zone: Zone) -> Option<String> {
        parse(text, zone)?.known().map(|s| s.to_string())
    }

    #[test]
    fn iso_times_carry_their_zone() {
        assert_eq!(
            known("2026-11-20T22:14:05.1234567Z", Zone::Local).as_deref(),
            Some("2026-11-20 22:14:05 UTC")
        );
        assert_eq!(
            known("2026-11-20T22:14:05.1234567+01:00", Zone::Utc).as_deref(),
            Some("2026-11-20 22:14:05 +01:00")
        );
        assert_eq!(
            known("2026-11-20 22:14:05", Zone::Utc).as_deref(),
            Some("2026-11-20 22:14:05 UTC")
        );
        assert_eq!(
            known("2026/11/20 7:05", Zone::Local).as_deref(),
            Some("2026-11-20 07:05:00")
        );
        assert_eq!(
            known("2026-11-20", Zone::Local).as_deref(),
            Some("2026-11-20 00:00:00")
        );
    }

    #[test]
    fn culture_forms_read_one_way_or_both() {
        // The month cannot be 20: day first only.
        assert_eq!(
            known("20/11/2026 22:14:05", Zone::Local).as_deref(),
            Some("2026-11-20 22:14:05")
        );
        assert_eq!(
            known("11/20/2026 10:14:05 PM", Zone::Utc).as_deref(),
            Some("2026-11-20 22:14:05 UTC")
        );
        assert_eq!(
            known("20.11.2026 00:00:01", Zone::Local).as_deref(),
            Some("2026-11-20 00:00:01")
        );
        assert_eq!(
            known("12/1/2026 12:00:00 AM", Zone::Local),
            None,
            "ambiguous"
        );
        let both = parse("12/1/2026 12:00:00 AM", Zone::Local).expect("a time");
        assert_eq!(
            both.day_first.map(|s| s.date.to_string()).as_deref(),
            Some("2026-01-12")
        );
        assert_eq!(
            both.month_first.map(|s| s.seconds),
            Some(0),
            "12 AM is midnight"
        );
        // Same day and month: one date whichever comes first.
        assert_eq!(
            known("5/5/2026 1:00 PM", Zone::Local).as_deref(),
            Some("2026-05-05 13:00:00")
        );
    }

    #[test]
    fn text_that_is_no_time_is_not_read() {
        for text in [
            "",
            "yesterday",
            "11/20/26 10:14 PM",
            "31/31/2026",
            "2026-13-01",
            "20/11-2026",
            "2026-11-20T25:00:00",
            "2026-11-20T10:61",
            "2026-11-20T10:00:00+15:00",
            "1/2/3/2026",
        ] {
            assert_eq!(parse(text, Zone::Utc), None, "{text:?}");
        }
    }

    #[test]
    fn a_file_settles_its_order_from_the_cells_that_show_it() {
        let read = |texts: &[&str]| {
            let mut cells: Vec<Option<Culture>> =
                texts.iter().map(|t| parse(t, Zone::Local)).collect();
            let problems = settle(&mut cells);
            let dates: Vec<Option<String>> = cells
                .iter()
                .map(|c| c.and_then(Culture::known).map(|s| s.date.to_string()))
                .collect();
            (dates, problems)
        };
        let (dates, problems) = read(&["3/4/2026", "20/4/2026"]);
        assert_eq!(
            dates,
            [Some("2026-04-03".into()), Some("2026-04-20".into())]
        );
        assert!(problems.is_empty());
        let (dates, _) = read(&["3/4/2026", "4/20/2026"]);
        assert_eq!(dates[0].as_deref(), Some("2026-03-04"));
        // Nothing shows the order: the cells that could be read both ways are not read.
        let (dates, problems) = read(&["3/4/2026", "5/5/2026"]);
        assert_eq!(dates, [None, Some("2026-05-05".into())]);
        assert_eq!(problems, [(0, Unsettled::Ambiguous)]);
        // Both orders shown: one problem, at the first cell that contradicts the order.
        let (dates, problems) = read(&["20/4/2026", "3/4/2026", "4/20/2026"]);
        assert_eq!(
            dates,
            [Some("2026-04-20".into()), None, Some("2026-04-20".into())]
        );
        assert_eq!(problems, [(2, Unsettled::Contradicts { first: 0 })]);
    }

    #[test]
    fn a_utc_time_may_be_the_next_day_where_it_was_written() {
        let at = |text: &str, zone| parse(text, zone).and_then(Culture::known).expect("time");
        assert_eq!(
            at("2026-11-20T09:59:59Z", Zone::Local)
                .latest_local_date()
                .to_string(),
            "2026-11-20"
        );
        assert_eq!(
            at("2026-11-20T10:00:00Z", Zone::Local)
                .latest_local_date()
                .to_string(),
            "2026-11-21"
        );
        assert_eq!(
            at("2026-11-20T23:00:00", Zone::Local)
                .latest_local_date()
                .to_string(),
            "2026-11-20"
        );
        assert_eq!(
            at("2026-11-20T23:00:00-05:00", Zone::Utc)
                .latest_local_date()
                .to_string(),
            "2026-11-20"
        );
        assert!(
            at("2026-11-20T23:00:00-05:00", Zone::Utc).ordinal()
                > at("2026-11-21T01:00:00Z", Zone::Utc).ordinal()
        );
    }
}
