//! CSV text into rows of cells that keep their spans, so a diagnostic can underline one cell.
//!
//! The csv crate reads the records (RFC 4180 quoting, CRLF or LF); a small scanner walks each
//! record's raw text alongside to find where every cell sits. Problems (an unclosed quote, a
//! row with more or fewer cells than the header) are collected and the reading goes on.
//!
//! The [`Dialect`] (`dialect`) is read from the file itself, as Windows tools write it: a first line
//! `#TYPE ...` (Windows PowerShell 5.1's `Export-Csv`) or `sep=;` (Excel's separator hint) is
//! skipped, and the separator is the one of `,`, `;` and TAB the header row uses most (European
//! Excel writes `;`, its "Unicode Text" TAB). Spans stay offsets into the whole text.

use super::dialect::Dialect;
use super::table::{Cell, Layout, Record, Table, TableProblem};
use crate::input::span::Span;

/// Reads CSV text in the dialect it is written in. Never fails: structural problems are listed
/// in [`Table::problems`].
#[must_use]
pub fn parse(text: &str) -> Table {
    let dialect = Dialect::detect(text);
    let mut table = Table {
        layout: Layout::Csv(dialect),
        ..Table::default()
    };
    let help = format!(
        "quote a cell that holds the separator (`{}`) or a line break (\"...\"), and double any quote inside it",
        dialect.separator_name()
    );
    let separator = dialect.separator;
    let base = dialect.start as u64;
    let mut cut_short = false;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(&text.as_bytes()[dialect.start..]);
    let mut record = csv::StringRecord::new();
    loop {
        let start = base + reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                // Only invalid UTF-8 can fail here, and the text is a `&str`.
                let at = usize::try_from(start).unwrap_or(usize::MAX);
                table.problems.push(TableProblem {
                    span: Span::at(at.min(text.len())),
                    message: format!("unreadable CSV record: {err}"),
                    help: help.clone(),
                });
                break;
            }
        }
        // The record begins after any blank lines the reader skipped.
        let mut from = usize::try_from(record.position().map_or(start, |p| base + p.byte()))
            .unwrap_or(usize::MAX)
            .min(text.len());
        while matches!(text.as_bytes().get(from), Some(b'\r' | b'\n')) {
            from += 1;
        }
        let scanned = scan_record(text, from, separator);
        if let Some(quote) = scanned.unclosed_quote {
            table.problems.push(TableProblem {
                span: Span::new(quote, quote + 1),
                message: "this quote is never closed: the rest of the file is read as one cell"
                    .to_string(),
                help: help.clone(),
            });
        }
        let cells = record
            .iter()
            .enumerate()
            .map(|(i, value)| Cell {
                text: value.trim().to_string(),
                span: scanned
                    .cells
                    .get(i)
                    .copied()
                    .filter(|_| scanned.cells.len() == record.len())
                    .unwrap_or(scanned.span),
            })
            .collect();
        let row = Record {
            span: scanned.span,
            cells,
        };
        if table.header.is_none() {
            table.header = Some(row);
        } else {
            table.rows.push(row);
        }
        if scanned.unclosed_quote.is_some() {
            cut_short = true;
            break;
        }
    }
    if let Some(header) = &table.header {
        let width = header.cells.len();
        // Reading stops at an unclosed quote: the last row is cut short, and already explained.
        let checked = table.rows.len() - usize::from(cut_short && !table.rows.is_empty());
        for row in &table.rows[..checked] {
            if row.cells.len() != width {
                table.problems.push(TableProblem {
                    span: row.span,
                    message: format!(
                        "this row has {} cell{} but the header has {width}",
                        row.cells.len(),
                        if row.cells.len() == 1 { "" } else { "s" }
                    ),
                    help: help.clone(),
                });
            }
        }
    }
    table
}

struct Scanned {
    span: Span,
    cells: Vec<Span>,
    unclosed_quote: Option<usize>,
}

/// Finds the cells of the record starting at `from` in the raw text.
fn scan_record(text: &str, from: usize, separator: u8) -> Scanned {
    let bytes = text.as_bytes();
    let mut cells = Vec::new();
    let mut at = from;
    let mut unclosed_quote = None;
    loop {
        if bytes.get(at) == Some(&b'"') {
            let open = at;
            at += 1;
            let content_start = at;
            let mut closed = None;
            while at < bytes.len() {
                if bytes[at] == b'"' {
                    if bytes.get(at + 1) == Some(&b'"') {
                        at += 2;
                        continue;
                    }
                    closed = Some(at);
                    at += 1;
                    break;
                }
                at += 1;
            }
            match closed {
                Some(end) => cells.push(trimmed(text, content_start, end)),
                None => {
                    unclosed_quote = Some(open);
                    cells.push(trimmed(text, content_start, bytes.len()));
                    break;
                }
            }
            // Anything between the closing quote and the separator belongs to the same cell.
            while at < bytes.len() && !matches!(bytes[at], b'\r' | b'\n') && bytes[at] != separator
            {
                at += 1;
            }
        } else {
            let start = at;
            while at < bytes.len() && !matches!(bytes[at], b'\r' | b'\n') && bytes[at] != separator
            {
                at += 1;
            }
            cells.push(trimmed(text, start, at));
        }
        if bytes.get(at) == Some(&separator) {
            at += 1;
        } else {
            break;
        }
    }
    Scanned {
        span: Span::new(from, at),
        cells,
        unclosed_quote,
    }
}

/// The span of `text[start..end]` without surrounding whitespace (empty spans stay at `start`).
fn trimmed(text: &str, start: usize, end: usize) -> Span {
    let Some(slice) = text.get(start..end) else {
        return Span::at(start);
    };
    let lead = slice.len() - slice.trim_start().len();
    let body = slice.trim();
    if body.is_empty() {
        Span::at(start)
    } else {
        Span::new(start + lead, start + lead + body.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::dialect::Preamble;

    fn cells(table: &Table, row: usize, text: &str) -> Vec<(String, String)> {
        table.rows[row]
            .cells
            .iter()
            .map(|c| (c.text.clone(), text[c.span.range()].to_string()))
            .collect()
    }

    fn dialect_of(table: &Table) -> Dialect {
        match table.layout {
            Layout::Csv(dialect) => dialect,
            Layout::Sheet => panic!("a CSV table"),
        }
    }

    #[test]
    fn spans_point_at_each_cell_including_quoted_ones() {
        let text = "A,B,C\r\nx,\"y, \"\"z\"\"\",  w  \r\n";
        let table = parse(text);
        assert!(table.problems.is_empty(), "{:?}", table.problems);
        let pairs = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            cells(&table, 0, text),
            vec![
                pairs("x", "x"),
                pairs("y, \"z\"", "y, \"\"z\"\""),
                pairs("w", "w"),
            ]
        );
        assert_eq!(
            &text[table.rows[0].span.range()],
            "x,\"y, \"\"z\"\"\",  w  "
        );
    }

    #[test]
    fn blank_lines_are_skipped_and_spans_stay_right() {
        let text = "A,B\n\n\nfe01,yes\n";
        let table = parse(text);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(
            cells(&table, 0, text),
            vec![
                ("fe01".to_string(), "fe01".to_string()),
                ("yes".to_string(), "yes".to_string())
            ]
        );
    }

    #[test]
    fn blank_cells_get_an_empty_span_where_they_start() {
        let text = "A,B,C\nx,,z\n";
        let table = parse(text);
        let blank = &table.rows[0].cells[1];
        assert!(blank.is_blank());
        assert_eq!(blank.span, Span::at(8));
    }

    #[test]
    fn ragged_rows_and_unclosed_quotes_are_problems() {
        let table = parse("A,B\n1,2,3\n4\n\"open,5\n6,7\n");
        let messages: Vec<_> = table.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "this quote is never closed: the rest of the file is read as one cell",
                "this row has 3 cells but the header has 2",
                "this row has 1 cell but the header has 2",
            ]
        );
    }

    #[test]
    fn powershell_type_line_is_skipped_and_spans_stay_in_the_whole_text() {
        let text =
            "#TYPE System.Management.Automation.PSCustomObject\r\n\"A\",\"B\"\r\n\"x\",\"y\"\r\n";
        let table = parse(text);
        assert_eq!(dialect_of(&table).preamble, Some(Preamble::PowerShellType));
        assert!(table.problems.is_empty(), "{:?}", table.problems);
        let header = table.header.as_ref().expect("header");
        assert_eq!(header.cells[0].text, "A");
        assert_eq!(&text[header.cells[1].span.range()], "B");
        assert_eq!(
            cells(&table, 0, text),
            [("x".into(), "x".into()), ("y".into(), "y".into())]
        );
    }

    #[test]
    fn semicolons_tabs_and_excel_sep_lines() {
        let text = "A;B;\"C;D\"\n1,5;2;3\n";
        let table = parse(text);
        assert_eq!(dialect_of(&table).separator, b';');
        assert_eq!(dialect_of(&table).describe(), "semicolon-separated");
        assert_eq!(cells(&table, 0, text)[0], ("1,5".into(), "1,5".into()));
        assert_eq!(table.header.expect("header").cells[2].text, "C;D");

        let text = "A\tB\r\nx y\tz\r\n";
        let table = parse(text);
        assert_eq!(dialect_of(&table).separator_name(), "TAB");
        assert_eq!(cells(&table, 0, text)[1], ("z".into(), "z".into()));

        let text = "sep=;\nA,1;B\nx;y\n";
        let table = parse(text);
        assert_eq!(dialect_of(&table).preamble, Some(Preamble::Separator));
        assert_eq!(table.header.expect("header").cells[0].text, "A,1");
        // A comma inside a header cell does not outvote the separator the row uses.
        assert_eq!(Dialect::detect("\"A,B\";C\n").separator, b';');
        assert_eq!(Dialect::detect("").separator, b',');
    }

    #[test]
    fn many_columns_are_read_without_trouble() {
        let header = vec!["c"; 100_000].join(",");
        let table = parse(&format!("{header}\n"));
        assert_eq!(table.header.map(|h| h.cells.len()), Some(100_000));
    }
}
