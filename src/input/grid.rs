//! A sheet of a workbook laid out as text, so that its cells have spans like a CSV file's.
//!
//! Line `r` of the text is row `r` of the sheet (rows above the header and empty rows are
//! empty lines), so a finding's line is the cell's row. A row is its cells from column A to the
//! header's last column, each padded to its column's width and joined by ` │ `: the column of
//! an offset is one more than the number of `│` before it on its line ([`column_at`]). Drawn in
//! a human-format snippet, the rows read as a table. A cell's text keeps what the cell holds;
//! the text shows it on one line (line breaks and tabs as spaces, `│` as `|`), cut to
//! [`SHOWN_CHARS`].

use std::collections::BTreeSet;

use super::table::{Cell, Layout, Record, Table, TableProblem};
use crate::input::span::Span;

/// Between two cells of a row.
pub const SEPARATOR: char = '│';
const JOIN: &str = " │ ";
/// The most characters of a cell the text shows (ellipsis included).
const SHOWN_CHARS: usize = 40;

/// One cell read from a sheet: 0-based row and column, its value as text, and what is wrong
/// with it, if anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GridCell {
    pub row: u32,
    pub col: u32,
    pub text: String,
    pub problem: Option<CellProblem>,
}

/// A cell whose value cannot be taken as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CellProblem {
    /// An error value (`#N/A`): the formula behind it failed.
    Error,
    /// A number formatted as a date that is no date Excel can show.
    NotADate(String),
}

/// A sheet laid out: its text, its table (spans into the text) and what the rows' cells need.
#[derive(Debug, Default)]
pub struct Laid {
    pub text: String,
    pub table: Table,
    /// The header row (1-based), when the sheet has a non-blank cell.
    pub header_row: Option<u32>,
    /// The header cells' texts, by column.
    pub headers: Vec<String>,
    /// The spans of cells that hold an error value: their own problem says what is wrong, so
    /// a second one about the same cell is not needed.
    pub errors: BTreeSet<Span>,
}

/// The name of a column in A1 notation: `A`, `Z`, `AA`, `XFD` (1-based).
#[must_use]
pub fn column_name(mut column: usize) -> String {
    let mut name = Vec::new();
    while column > 0 {
        let rem = (column - 1) % 26;
        name.push(b'A' + u8::try_from(rem).unwrap_or(0));
        column = (column - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// A cell's name in A1 notation (`C7`), from its 1-based row and column.
#[must_use]
pub fn cell_name(row: usize, column: usize) -> String {
    format!("{}{row}", column_name(column))
}

/// The 1-based column of `offset` in a laid-out line that starts at `line_start`.
#[must_use]
pub fn column_at(text: &str, line_start: usize, offset: usize) -> usize {
    let end = offset.min(text.len());
    let start = line_start.min(end);
    1 + text
        .get(start..end)
        .map_or(0, |s| s.matches(SEPARATOR).count())
}

/// What a cell shows on its line.
fn shown(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => ' ',
            SEPARATOR => '|',
            c => c,
        })
        .collect();
    crate::input::text::cut_owned(one_line, SHOWN_CHARS)
}

/// Lays out the cells of a sheet (in any order; a position given twice keeps its first cell),
/// at most `max_slots` cells (rows times the header's width): rows past that are left out,
/// and a problem on the header says so.
#[must_use]
pub fn lay_out(mut cells: Vec<GridCell>, max_slots: usize) -> Laid {
    cells.sort_by_key(|c| (c.row, c.col));
    cells.dedup_by_key(|c| (c.row, c.col));
    let filled = |c: &GridCell| !c.text.is_empty() || c.problem.is_some();
    let Some(header_row) = cells.iter().find(|c| !c.text.is_empty()).map(|c| c.row) else {
        return Laid::default();
    };
    let width = cells
        .iter()
        .filter(|c| c.row == header_row && !c.text.is_empty())
        .map(|c| c.col as usize + 1)
        .max()
        .unwrap_or(1);
    // The rows to lay out: the header and each later row with a cell under it.
    let mut rows: Vec<(u32, Vec<&GridCell>)> = Vec::new();
    for cell in cells
        .iter()
        .filter(|c| c.row >= header_row && (c.col as usize) < width)
    {
        if !filled(cell) {
            continue;
        }
        match rows.last_mut() {
            Some((row, list)) if *row == cell.row => list.push(cell),
            _ => rows.push((cell.row, vec![cell])),
        }
    }
    let fit = (max_slots / width.max(1)).max(1);
    let cut_from = (rows.len() > fit).then(|| rows[fit].0);
    rows.truncate(fit);
    // Each column as wide as its widest cell shows.
    let mut widths = vec![0usize; width];
    let mut shown_rows: Vec<Vec<Option<(String, &GridCell)>>> = Vec::with_capacity(rows.len());
    for (_, list) in &rows {
        let mut slots: Vec<Option<(String, &GridCell)>> = vec![None; width];
        for cell in list {
            let text = shown(&cell.text);
            let col = cell.col as usize;
            widths[col] = widths[col].max(text.chars().count());
            slots[col] = Some((text, *cell));
        }
        shown_rows.push(slots);
    }
    let mut laid = Laid {
        header_row: Some(header_row + 1),
        ..Laid::default()
    };
    laid.table.layout = Layout::Sheet;
    let mut line = 0u32;
    for ((row, _), slots) in rows.iter().zip(shown_rows) {
        while line < *row {
            laid.text.push('\n');
            line += 1;
        }
        let start = laid.text.len();
        let mut record = Record {
            span: Span::default(),
            cells: Vec::with_capacity(width),
        };
        for (col, slot) in slots.iter().enumerate() {
            if col > 0 {
                laid.text.push_str(JOIN);
            }
            let at = laid.text.len();
            let (text, cell) = match slot {
                Some((text, cell)) => (text.as_str(), Some(*cell)),
                None => ("", None),
            };
            laid.text.push_str(text);
            let span = Span::new(at, laid.text.len());
            if col + 1 < width {
                let pad = widths[col].saturating_sub(text.chars().count());
                laid.text.extend(std::iter::repeat_n(' ', pad));
            }
            let value = cell.map_or(String::new(), |c| c.text.clone());
            if let Some(cell) = cell {
                if let Some(problem) = &cell.problem {
                    laid.table.problems.push(cell_problem(problem, cell, span));
                    if matches!(problem, CellProblem::Error) {
                        laid.errors.insert(span);
                    }
                }
            }
            record.cells.push(Cell { text: value, span });
        }
        record.span = Span::new(start, laid.text.len());
        if *row == header_row {
            laid.headers = record.cells.iter().map(|c| c.text.clone()).collect();
            laid.table.header = Some(record);
        } else {
            laid.table.rows.push(record);
        }
    }
    laid.text.push('\n');
    if let (Some(row), Some(header)) = (cut_from, &laid.table.header) {
        laid.table.problems.push(TableProblem {
            span: header.span,
            message: format!(
                "the sheet is too large: topolint reads {} rows of {width} columns under this header, and leaves out row {} and those after it",
                fit - 1,
                row + 1
            ),
            help: "keep one worksheet per sheet, a few hundred rows of a few columns; move other data to a workbook outside the deployment folder".to_string(),
        });
    }
    laid
}

fn cell_problem(problem: &CellProblem, cell: &GridCell, span: Span) -> TableProblem {
    let name = cell_name(cell.row as usize + 1, cell.col as usize + 1);
    match problem {
        CellProblem::Error => TableProblem {
            span,
            message: format!(
                "cell {name} holds the error value `{}`: the formula behind it failed, so the cell has no value",
                crate::input::text::shown(&cell.text)
            ),
            help: "correct the formula, or type the value itself".to_string(),
        },
        CellProblem::NotADate(value) => TableProblem {
            span,
            message: format!(
                "cell {name} is formatted as a date but holds {value}, which is no date"
            ),
            help: "type the date as YYYY-MM-DD, for example 2026-11-21".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(row: u32, col: u32, text: &str) -> GridCell {
        GridCell {
            row,
            col,
            text: text.to_string(),
            problem: None,
        }
    }

    #[test]
    fn a_sheet_larger_than_its_budget_is_cut_and_says_so() {
        let mut cells = vec![cell(0, 0, "Date"), cell(0, 1, "Backup share")];
        for row in 1..10 {
            cells.push(cell(row, 0, "2026-11-20"));
            // Right of the header: no column, not laid out.
            cells.push(cell(row, 5, "far away"));
        }
        let laid = lay_out(cells, 8);
        assert_eq!(laid.table.rows.len(), 3);
        assert!(!laid.text.contains("far away"));
        assert_eq!(laid.table.problems.len(), 1);
        assert!(
            laid.table.problems[0].message.contains(
                "topolint reads 3 rows of 2 columns under this header, and leaves out row 5"
            ),
            "{:?}",
            laid.table.problems
        );
    }

    #[test]
    fn cells_with_problems_are_reported_where_they_are() {
        let mut bad = cell(1, 1, "#N/A");
        bad.problem = Some(CellProblem::Error);
        let mut date = cell(1, 0, "-1");
        date.problem = Some(CellProblem::NotADate("-1".to_string()));
        let laid = lay_out(
            vec![cell(0, 0, "Date"), cell(0, 1, "Backup share"), bad, date],
            100,
        );
        let problems: Vec<(&str, &str)> = laid
            .table
            .problems
            .iter()
            .map(|p| (&laid.text[p.span.range()], p.message.as_str()))
            .collect();
        assert_eq!(
            problems,
            [
                (
                    "-1",
                    "cell A2 is formatted as a date but holds -1, which is no date"
                ),
                (
                    "#N/A",
                    "cell B2 holds the error value `#N/A`: the formula behind it failed, so the cell has no value"
                ),
            ]
        );
        assert_eq!(
            laid.errors.iter().collect::<Vec<_>>(),
            [&laid.table.rows[0].cells[1].span]
        );
    }

    #[test]
    fn a_cell_is_shown_on_one_line_and_kept_whole() {
        let laid = lay_out(
            vec![
                cell(0, 0, "Notes"),
                cell(1, 0, "first line\nsecond │ line"),
                cell(2, 0, &"x".repeat(100)),
            ],
            100,
        );
        let lines: Vec<&str> = laid.text.lines().collect();
        assert_eq!(lines[1], "first line second | line");
        assert_eq!(lines[2].chars().count(), 40);
        assert!(lines[2].ends_with('…'));
        assert_eq!(
            laid.table.rows[0].cells[0].text,
            "first line\nsecond │ line"
        );
        assert_eq!(laid.table.rows[1].cells[0].text.len(), 100);
        assert!(lay_out(vec![cell(3, 3, "")], 100).table.header.is_none());
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(1), "A");
        assert_eq!(column_name(26), "Z");
        assert_eq!(column_name(27), "AA");
        assert_eq!(column_name(52), "AZ");
        assert_eq!(column_name(16_384), "XFD");
        assert_eq!(cell_name(7, 3), "C7");
    }

    #[test]
    fn lines_are_rows_and_columns_are_counted_by_separators() {
        let laid = lay_out(
            vec![
                cell(6, 1, "fe01.contoso.com"),
                cell(2, 0, "Server FQDN"),
                cell(2, 1, "Role"),
                cell(2, 2, "Replacement server"),
                cell(6, 2, "ready"),
            ],
            100,
        );
        assert_eq!(laid.header_row, Some(3));
        let lines: Vec<&str> = laid.text.split('\n').collect();
        assert_eq!(lines[0], "");
        assert_eq!(
            lines[2],
            "Server FQDN │ Role             │ Replacement server"
        );
        assert_eq!(lines[6], "            │ fe01.contoso.com │ ready");
        let row = &laid.table.rows[0];
        assert_eq!(row.cells.len(), 3);
        assert!(row.cells[0].text.is_empty());
        assert_eq!(&laid.text[row.cells[1].span.range()], "fe01.contoso.com");
        let start = laid
            .text
            .match_indices('\n')
            .nth(5)
            .map(|(i, _)| i + 1)
            .unwrap();
        assert_eq!(
            column_at(&laid.text, start, row.cells[2].span.start as usize),
            3
        );
        assert_eq!(
            column_at(&laid.text, start, row.cells[0].span.start as usize),
            1
        );
    }
}
