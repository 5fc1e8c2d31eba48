//! Renderers: each writes a whole report to a `dyn Write`.

pub mod annotations;
pub mod baseline;
pub mod concise;
pub mod console;
pub mod docs;
pub mod escape;
pub mod excerpt;
pub mod fatal;
pub mod html;
pub mod human;
pub mod inspect;
pub mod json;
pub mod junit;
pub mod plan;
pub mod powershell;
pub mod sarif;

use crate::input::span::Span;
use crate::input::text::plural;
use crate::lint::finding::Finding;
use crate::model::Workspace;

/// The verdict as every text format closes with it: `READY`, `STRUCTURE ONLY`,
/// `NOT READY FOR RESTORE`, and the errors the baseline waived when there are any
/// (`NOT READY FOR RESTORE (3 known errors in the baseline)`): they do not fail the run, but
/// they keep it from being ready.
#[must_use]
pub fn verdict_line(summary: &crate::lint::engine::Summary) -> String {
    let mut line = summary.verdict.headline().to_string();
    if summary.baselined_errors > 0 {
        line.push_str(&format!(" ({})", known_errors(summary.baselined_errors)));
    }
    line
}

/// The plain closing line of the concise and annotation formats: the counts and the verdict,
/// `topolint: 1 error, 1 warning, 0 notes, 2 in the baseline: NOT READY FOR RESTORE (...)`.
#[must_use]
pub fn closing_line(s: &crate::lint::engine::Summary) -> String {
    let mut waived = String::new();
    if s.suppressed > 0 {
        waived.push_str(&format!(", {} exempted", s.suppressed));
    }
    if s.baselined > 0 {
        waived.push_str(&format!(", {} in the baseline", s.baselined));
    }
    format!(
        "topolint: {}, {}, {}{waived}: {}",
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.notes, "note", "notes"),
        verdict_line(s)
    )
}

/// `1 known error in the baseline`, `3 known errors in the baseline`.
#[must_use]
pub fn known_errors(n: usize) -> String {
    format!(
        "{} in the baseline",
        plural(n, "known error", "known errors")
    )
}

/// `--statistics`: how many findings each rule reported (exempted ones left out), most first,
/// one line per rule and severity: `  12  BK215  error    worksheet-field-blank`.
///
/// # Errors
/// Propagates write errors.
pub fn statistics(
    out: &mut dyn std::io::Write,
    report: &crate::lint::engine::Report,
) -> std::io::Result<()> {
    let mut counts: std::collections::BTreeMap<
        (&str, std::cmp::Reverse<crate::lint::draft::Severity>),
        (usize, &str),
    > = std::collections::BTreeMap::new();
    for f in report.active() {
        let entry = counts
            .entry((f.rule.code, std::cmp::Reverse(f.severity)))
            .or_insert((0, f.rule.name));
        entry.0 += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    // Most findings first; then by code and severity, as sorted above.
    rows.sort_by_key(|(_, (n, _))| std::cmp::Reverse(*n));
    let width = rows.first().map_or(1, |(_, (n, _))| n.to_string().len());
    for ((code, severity), (n, name)) in rows {
        writeln!(
            out,
            "{n:>width$}  {code}  {:<7}  {name}",
            severity.0.as_str()
        )?;
    }
    Ok(())
}

/// A position as users see it: 1-based line and character column, start and end. In a sheet of
/// a workbook, the line is the row and the column the sheet's column (C is 3), the end column
/// one past the last cell's; `sheet` and `cell` (`C7`, or a range `A1:G1`) say where.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Position {
    #[must_use]
    pub fn of(ws: &Workspace, file: crate::input::source::FileId, span: Span) -> Self {
        let f = ws.files.get(file);
        if let (Some(sheet), Some(start), Some(end)) =
            (&f.sheet, f.cell(span.start), f.cell(span.end))
        {
            let (first, last) = (start.name(), end.name());
            return Self {
                path: f.display.clone(),
                line: start.row,
                column: start.column,
                end_line: end.row,
                end_column: end.column + 1,
                sheet: Some(sheet.name.clone()),
                cell: Some(if first == last {
                    first
                } else {
                    format!("{first}:{last}")
                }),
            };
        }
        let (line, column) = f.line_col(span.start);
        let (end_line, end_column) = f.line_col(span.end);
        Self {
            path: f.display.clone(),
            line,
            column,
            end_line,
            end_column,
            sheet: None,
            cell: None,
        }
    }

    /// A cell of a workbook as Excel's Name Box takes it, the sheet's name always quoted:
    /// `'servers'!C7`. `None` outside a workbook.
    #[must_use]
    pub fn reference(&self) -> Option<String> {
        let (sheet, cell) = (self.sheet.as_ref()?, self.cell.as_ref()?);
        Some(format!("'{}'!{cell}", sheet.replace('\'', "''")))
    }

    /// The place in words: `path:line:column`, and in a workbook the cell as well
    /// (`worksheets.xlsx:7:3 ('servers'!C7)`).
    #[must_use]
    pub fn place(&self) -> String {
        let place = format!("{}:{}:{}", self.path, self.line, self.column);
        match self.reference() {
            Some(reference) => format!("{place} ({reference})"),
            None => place,
        }
    }

    /// `message`, preceded by the cell it is about in a workbook (`'servers'!C7: ...`), for the
    /// formats that give a place as a path, a line and a column only.
    #[must_use]
    pub fn with_reference<'m>(
        position: Option<&Self>,
        message: &'m str,
    ) -> std::borrow::Cow<'m, str> {
        match position.and_then(Self::reference) {
            Some(reference) => std::borrow::Cow::Owned(format!("{reference}: {message}")),
            None => std::borrow::Cow::Borrowed(message),
        }
    }
}

/// The primary position of a finding, if it has one.
#[must_use]
pub fn primary_position(ws: &Workspace, finding: &Finding) -> Option<Position> {
    finding
        .primary
        .as_ref()
        .map(|l| Position::of(ws, l.file, l.span))
}
