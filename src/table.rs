//! CSV text into rows of cells that keep their spans, so a diagnostic can underline one cell.
//!
//! The csv crate reads the records (RFC 4180 quoting, CRLF or LF); a small scanner walks each
//! record's raw text alongside to find where every cell sits. Problems (an unclosed quote, a
//! row with more or fewer cells than the header) are collected and the reading goes on.

use crate::span::Span;

/// One cell: its unquoted text with surrounding spaces removed, and where it is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    /// The cell's content in the file (inside the quotes when quoted; empty for a blank cell,
    /// placed where the cell starts).
    pub span: Span,
}

impl Cell {
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// One CSV record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The whole record, without its line ending.
    pub span: Span,
    pub cells: Vec<Cell>,
}

/// A problem with the CSV structure itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableProblem {
    pub span: Span,
    pub message: String,
}

/// A parsed CSV document: the header record, the data records, and what was wrong.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub header: Option<Record>,
    pub rows: Vec<Record>,
    pub problems: Vec<TableProblem>,
}

/// Reads CSV text. Never fails: structural problems are listed in [`Table::problems`].
#[must_use]
pub fn parse(text: &str) -> Table {
    let mut table = Table::default();
    let mut cut_short = false;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    loop {
        let start = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(err) => {
                // Only invalid UTF-8 can fail here, and the text is a `&str`.
                let at = usize::try_from(start).unwrap_or(usize::MAX);
                table.problems.push(TableProblem {
                    span: Span::at(at.min(text.len())),
                    message: format!("unreadable CSV record: {err}"),
                });
                break;
            }
        }
        // The record begins after any blank lines the reader skipped.
        let mut from = usize::try_from(record.position().map_or(start, csv::Position::byte))
            .unwrap_or(usize::MAX)
            .min(text.len());
        while matches!(text.as_bytes().get(from), Some(b'\r' | b'\n')) {
            from += 1;
        }
        let scanned = scan_record(text, from);
        if let Some(quote) = scanned.unclosed_quote {
            table.problems.push(TableProblem {
                span: Span::new(quote, quote + 1),
                message: "this quote is never closed: the rest of the file is read as one cell"
                    .to_string(),
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
fn scan_record(text: &str, from: usize) -> Scanned {
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
            while at < bytes.len() && !matches!(bytes[at], b',' | b'\r' | b'\n') {
                at += 1;
            }
        } else {
            let start = at;
            while at < bytes.len() && !matches!(bytes[at], b',' | b'\r' | b'\n') {
                at += 1;
            }
            cells.push(trimmed(text, start, at));
        }
        if bytes.get(at) == Some(&b',') {
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

    fn cells(table: &Table, row: usize, text: &str) -> Vec<(String, String)> {
        table.rows[row]
            .cells
            .iter()
            .map(|c| (c.text.clone(), text[c.span.range()].to_string()))
            .collect()
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
    fn many_columns_are_read_without_trouble() {
        let header = vec!["c"; 100_000].join(",");
        let table = parse(&format!("{header}\n"));
        assert_eq!(table.header.map(|h| h.cells.len()), Some(100_000));
    }
}
