//! What a `backup-listing` worksheet needs once all its rows are read: the day and month order
//! of its culture-formatted times, settled by the file as a whole (one `Export-Csv` writes one
//! culture), the clock of its time column, and a check that its `FullName`s are paths on a
//! share.

use super::column::SheetProblem;
use super::kinds::BackupListingRow;
use crate::input::table::Record;
use crate::model::evidence::SharePath;
use crate::model::stamp::{self, Unsettled, Zone};

/// Settles the rows of one listing: every `written` value is then known or unread (each unread
/// one reported), times are in UTC when the column is `LastWriteTimeUtc`, and the first
/// `FullName` that is not a UNC path is reported, with how many more there are.
pub(super) fn settle(
    rows: &mut [BackupListingRow],
    header: &Record,
    time_column: Option<usize>,
    problems: &mut Vec<SheetProblem>,
) {
    let utc = time_column
        .and_then(|p| header.cells.get(p))
        .is_some_and(|c| {
            BackupListingRow::COLUMNS
                .written
                .header
                .eq_ignore_ascii_case(c.text.trim().trim_end_matches('*').trim())
        });
    if utc {
        for row in rows.iter_mut() {
            if let Some(c) = &mut row.written.value {
                for s in [&mut c.day_first, &mut c.month_first].into_iter().flatten() {
                    if s.zone == Zone::Local {
                        s.zone = Zone::Utc;
                    }
                }
            }
        }
    }
    let mut cells: Vec<Option<stamp::Culture>> = rows.iter().map(|r| r.written.value).collect();
    let unsettled = stamp::settle(&mut cells);
    // One finding for the times a listing leaves ambiguous, at the first: a listing of one
    // night's files early in a month may hold thousands.
    let ambiguous = unsettled
        .iter()
        .filter(|(_, why)| *why == Unsettled::Ambiguous)
        .count();
    let mut reported_ambiguous = false;
    for (i, why) in unsettled {
        let cell = &rows[i].written.cell;
        let (message, help) = match why {
            Unsettled::Ambiguous if reported_ambiguous => continue,
            Unsettled::Ambiguous => (
                {
                    reported_ambiguous = true;
                    format!(
                        "`{}` can be read with the day or the month first, and no time of the listing shows which its culture writes{}",
                        crate::input::text::shown(&cell.text),
                        match ambiguous - 1 {
                            0 => String::new(),
                            1 => " (nor does it for 1 more time)".to_string(),
                            n => format!(" (nor does it for {n} more times)"),
                        }
                    )
                },
                "write the listing with ISO 8601 times: `@{n='LastWriteTimeUtc';e={$_.LastWriteTimeUtc.ToString('o')}}` in its Select-Object",
            ),
            Unsettled::Contradicts { first } => (
                format!(
                    "`{}` puts the {} first, where `{}` earlier in the listing puts the {} first: the times are not all in one culture, so those that can be read either way are not read",
                    crate::input::text::shown(&cell.text),
                    if cells_shows_day(&rows[first]) {
                        "month"
                    } else {
                        "day"
                    },
                    crate::input::text::shown(&rows[first].written.cell.text),
                    if cells_shows_day(&rows[first]) {
                        "day"
                    } else {
                        "month"
                    },
                ),
                "write the listing again in one go, with ISO 8601 times: `@{n='LastWriteTimeUtc';e={$_.LastWriteTimeUtc.ToString('o')}}` in its Select-Object",
            ),
        };
        problems.push(SheetProblem {
            span: cell.span,
            message,
            help: Some(help.to_string()),
        });
    }
    for (row, settled) in rows.iter_mut().zip(cells) {
        row.written.value = settled;
    }
    let mut not_unc = rows
        .iter()
        .filter(|r| !r.full_name.is_blank() && SharePath::parse(&r.full_name.text).is_none());
    if let Some(first) = not_unc.next() {
        let more = not_unc.count();
        problems.push(SheetProblem {
            span: first.full_name.span,
            message: format!(
                "`{}` is not a path on a share{}: the listing's files cannot be matched with the worksheets' `\\\\host\\share` locations",
                crate::input::text::shown(&first.full_name.text),
                match more {
                    0 => String::new(),
                    1 => " (nor is 1 more FullName)".to_string(),
                    n => format!(" (nor are {n} more FullNames)"),
                }
            ),
            help: Some(
                "list the share by its UNC path, as the worksheets name it: `Get-ChildItem -Path \\\\backup01.contoso.com\\lync -Recurse -File` (on the backup server too)"
                    .to_string(),
            ),
        });
    }
}

/// Whether a row's time, as read, could only be read with the day first.
fn cells_shows_day(row: &BackupListingRow) -> bool {
    row.written
        .value
        .is_some_and(|c| c.day_first.is_some() && c.month_first.is_none())
}
