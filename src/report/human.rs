//! Rich diagnostics through miette: the source snippet, labels on the exact attribute, help, the
//! rule's doc link, and a second file as a related snippet. Then the closing summary.
//!
//! Every text from the inputs (messages, labels, help, paths, reasons, the snippet itself) goes
//! through [`terminal`], so the only control codes written are miette's colours.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use std::collections::BTreeMap;

use crate::input::paths::for_humans;
use crate::input::source::FileId;
use crate::input::span::Span;
use crate::lint::draft::{Label, Severity};
use crate::lint::engine::Report;
use crate::lint::finding::Finding;
use crate::model::Workspace;
use crate::model::worksheet::{BlankCell, Worksheet};
use crate::report::escape::{Term, terminal};
use crate::report::excerpt::Excerpt;

/// How to draw.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// Terminal width, or a fixed width for files and tests.
    pub width: usize,
    /// Leave out the closing summary.
    pub quiet: bool,
    /// Print the number of findings of each rule instead of the findings.
    pub statistics: bool,
    /// ASCII frames and symbols only, for a console whose code page is not UTF-8.
    pub ascii: bool,
    /// Paths with `\` separators (see [`crate::input::paths::for_humans`]).
    pub backslashes: bool,
}

/// Writes every finding and the summary.
///
/// # Errors
/// Propagates write errors.
pub fn render(
    out: &mut dyn Write,
    ws: &Workspace,
    report: &Report,
    style: Style,
) -> io::Result<()> {
    if !style.ascii {
        return draw(out, ws, report, style);
    }
    let mut buffer = Vec::new();
    draw(&mut buffer, ws, report, style)?;
    let text = String::from_utf8_lossy(&buffer);
    out.write_all(crate::report::console::ascii_symbols(&text).as_bytes())
}

/// The miette theme: Unicode or ASCII frames, with or without colour.
#[must_use]
pub fn theme(color: bool, ascii: bool) -> GraphicalTheme {
    match (color, ascii) {
        (true, false) => GraphicalTheme::unicode(),
        (false, false) => GraphicalTheme::unicode_nocolor(),
        (true, true) => GraphicalTheme::ascii(),
        (false, true) => GraphicalTheme::none(),
    }
}

fn draw(out: &mut dyn Write, ws: &Workspace, report: &Report, style: Style) -> io::Result<()> {
    let theme = theme(style.color, style.ascii);
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(style.color)
        .with_urls(true)
        // Dates, cmdlets, FQDNs and `\\host\share` paths hold hyphens and backslashes: wrap
        // lines at spaces only.
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false);
    if style.statistics {
        super::statistics(out, report)?;
    } else {
        for entry in entries(ws, report) {
            let mut text = String::new();
            handler
                .render_report(&mut text, &Adapter::new(ws, entry, style.backslashes))
                .map_err(io::Error::other)?;
            out.write_all(text.as_bytes())?;
        }
    }
    if !style.quiet {
        if report.active().next().is_some() {
            writeln!(out)?;
        }
        exempted(out, ws, report, style.backslashes)?;
        summary(out, report, style.backslashes)?;
    }
    Ok(())
}

/// The diagnostics to show, in report order: one per finding, except that the findings about
/// the blank cells of one worksheet row, when there are several, make one entry listing them
/// (a fresh template reads as a to-do list, row by row).
fn entries<'a>(ws: &Workspace, report: &'a Report) -> Vec<Entry<'a>> {
    // Every blank cell of every worksheet, by where it is.
    let mut blanks: BTreeMap<(FileId, u32), (&Worksheet, &BlankCell)> = BTreeMap::new();
    for sheet in &ws.worksheets {
        for blank in &sheet.blanks {
            blanks.insert((sheet.file, blank.span.start), (sheet, blank));
        }
    }
    let at_blank = |f: &Finding| {
        f.primary
            .as_ref()
            .filter(|l| l.span.is_empty())
            .and_then(|l| blanks.get(&(l.file, l.span.start)))
            .copied()
    };
    // The findings at the blank cells of each row.
    let mut rows: BTreeMap<(FileId, Span), Vec<&Finding>> = BTreeMap::new();
    for f in report.active() {
        if let Some((sheet, blank)) = at_blank(f) {
            rows.entry((sheet.file, blank.row)).or_default().push(f);
        }
    }
    let mut entries = Vec::new();
    for f in report.active() {
        let Some((sheet, blank)) = at_blank(f) else {
            entries.push(Entry::of(f));
            continue;
        };
        let key = (sheet.file, blank.row);
        // Several blank cells, not several findings about one cell.
        let cells = |group: &[&Finding]| {
            let mut at: Vec<u32> = group
                .iter()
                .filter_map(|f| f.primary.as_ref().map(|l| l.span.start))
                .collect();
            at.sort_unstable();
            at.dedup();
            at.len()
        };
        match rows.get(&key) {
            Some(group) if cells(group) > 1 => {
                // The row's entry stands where its first blank cell's finding would.
                if std::ptr::eq(group[0], f) {
                    entries.push(row_entry(sheet, blank, group, &blanks));
                }
            }
            _ => entries.push(Entry::of(f)),
        }
    }
    entries
}

/// One entry for the blank cells of a worksheet row: each cell labelled with its column and
/// the rule that reports it, and what to write in each.
fn row_entry<'a>(
    sheet: &Worksheet,
    blank: &BlankCell,
    group: &[&Finding],
    blanks: &BTreeMap<(FileId, u32), (&Worksheet, &BlankCell)>,
) -> Entry<'a> {
    let mut codes: Vec<&str> = group.iter().map(|f| f.rule.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let mut columns = Vec::new();
    let mut labels = Vec::new();
    let mut help = String::from("write in each:");
    for f in group {
        let Some(label) = &f.primary else { continue };
        let Some((_, cell)) = blanks.get(&(label.file, label.span.start)) else {
            continue;
        };
        if columns.contains(&cell.column.header) {
            continue;
        }
        columns.push(cell.column.header);
        labels.push(Label::new(
            label.file,
            label.span,
            format!("{} ({})", cell.column.header, f.rule.code),
        ));
        help.push_str(&format!("\n- {}: {}", cell.column.header, cell.column.what));
    }
    let row = if blank.row_key.is_empty() {
        format!("a row of the {} worksheet", sheet.kind.name())
    } else {
        format!(
            "the {} row `{}`",
            sheet.kind.name(),
            terminal(&crate::input::text::shown(&blank.row_key))
        )
    };
    // One rule: its heading and page, as for a single finding.
    let (code, url) = match (codes.as_slice(), group.first()) {
        ([_], Some(f)) => (format!("{} {}", f.rule.code, f.rule.name), Some(f.url())),
        _ => (codes.join(", "), None),
    };
    let mut labels = labels.into_iter();
    Entry {
        code,
        url,
        severity: group
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Error),
        message: format!(
            "{row} has {} blank cells to fill in: {}",
            columns.len(),
            crate::input::text::and_list(
                &columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>()
            )
        )
        .into(),
        help: help.into(),
        primary: labels.next().map(std::borrow::Cow::Owned),
        secondary: labels.map(std::borrow::Cow::Owned).collect(),
        stops_at_primary: false,
    }
}

/// The findings exemptions waive, one line each with the reason and the expiry date.
fn exempted(
    out: &mut dyn Write,
    ws: &Workspace,
    report: &Report,
    backslashes: bool,
) -> io::Result<()> {
    let mut any = false;
    for f in report.suppressed() {
        if !any {
            writeln!(out, "Exempted (still listed, not counted):")?;
            any = true;
        }
        let position = super::primary_position(ws, f);
        let place = position
            .as_ref()
            .map(|p| {
                format!(
                    "{}:{}:{}: ",
                    for_humans(&p.path, backslashes),
                    p.line,
                    p.column
                )
            })
            .unwrap_or_default();
        let message = super::Position::with_reference(position.as_ref(), &f.message);
        let reason = f.suppression.as_ref().map_or(String::new(), |s| {
            format!(" — exempted until {}: {}", s.expires, s.reason)
        });
        writeln!(
            out,
            "  {}{}[{}] {}",
            Term(&place),
            f.severity.as_str(),
            f.rule.code,
            Term(&format!("{message}{reason}"))
        )?;
    }
    if any {
        writeln!(out)?;
    }
    Ok(())
}

use crate::input::text::plural;

fn summary(out: &mut dyn Write, report: &Report, backslashes: bool) -> io::Result<()> {
    let s = &report.summary;
    let shown = |path: &str| for_humans(path, backslashes).into_owned();
    writeln!(
        out,
        "Checked {} and {} in {} read; {} run.",
        plural(s.topologies, "topology", "topologies"),
        plural(s.worksheets, "worksheet", "worksheets"),
        plural(s.files, "file", "files"),
        plural(s.rules_run, "rule", "rules")
    )?;
    if let Some(backup) = &s.backup_topology {
        let backup = Term(&shown(backup));
        if s.backup_identical {
            writeln!(
                out,
                "Compared with the backup-time topology {backup}: identical to today's, so nothing changed since the backup."
            )?;
        } else if s.backup_from_archive {
            writeln!(
                out,
                "Compared with the backup-time topology {backup}, read from the latest backup run's Export-CsConfiguration archive."
            )?;
        } else {
            writeln!(out, "Compared with the backup-time topology {backup}.")?;
        }
    }
    for d in &s.deployments {
        if let Some(run) = &d.backup_run {
            let whose = if s.deployments.len() > 1 {
                format!(" for {}", Term(&shown(&d.topology)))
            } else {
                String::new()
            };
            writeln!(out, "Backup run checked{whose}: {}.", Term(run))?;
        }
    }
    if s.deployments.len() > 1 {
        writeln!(out, "Deployments:")?;
        for d in &s.deployments {
            let mut line = format!(
                "  {}: {}: {}, {}, {}",
                Term(&shown(&d.topology)),
                d.verdict.headline(),
                plural(d.errors, "error", "errors"),
                plural(d.warnings, "warning", "warnings"),
                plural(d.notes, "note", "notes"),
            );
            if d.baselined_errors > 0 {
                line.push_str(&format!(", {}", super::known_errors(d.baselined_errors)));
            }
            if let Some(why) = d.unjudged_because() {
                line.push_str(&format!("; readiness not judged: {why}"));
            }
            writeln!(out, "{line}")?;
        }
    } else {
        for d in &s.deployments {
            if let Some(why) = d.unjudged_because() {
                writeln!(
                    out,
                    "Readiness rules (BK, RS, HA) did not run for {}: {why}.",
                    Term(&shown(&d.topology))
                )?;
            }
        }
    }
    let mut waived = String::new();
    if s.suppressed > 0 {
        waived.push_str(&format!("; {} exempted", s.suppressed));
    }
    if s.baselined > 0 {
        waived.push_str(&format!("; {} in the baseline", s.baselined));
    }
    writeln!(
        out,
        "Found {}, {}, {}{waived}.",
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.notes, "note", "notes")
    )?;
    writeln!(out, "{}", super::verdict_line(s))
}

/// How many lines apart two labels may be and still share one snippet.
const NEAR_LINES: usize = 6;

/// Rules whose findings are about a file that may be no topology or worksheet at all: their
/// snippet stops at the first bad position, so that such a file (a secret, a process's
/// environment) is never repeated. For a CSV or text file that is no worksheet (`IN004`), the
/// bad position is its header row, which is shown whole, with what each cell should read; the
/// rows after it are not.
const NOT_AN_INPUT: &[&str] = &["IN002", "IN003", "IN004"];

/// What one diagnostic says: a finding, or the blank cells of one worksheet row.
struct Entry<'a> {
    /// The heading: `CODE name`, or the codes of a row's blank cells.
    code: String,
    url: Option<String>,
    severity: Severity,
    message: std::borrow::Cow<'a, str>,
    help: std::borrow::Cow<'a, str>,
    primary: Option<std::borrow::Cow<'a, Label>>,
    secondary: Vec<std::borrow::Cow<'a, Label>>,
    /// The snippet shows nothing of the file from the primary label on ([`NOT_AN_INPUT`]).
    stops_at_primary: bool,
}

impl<'a> Entry<'a> {
    fn of(finding: &'a Finding) -> Self {
        Self {
            code: format!("{} {}", finding.rule.code, finding.rule.name),
            url: Some(finding.url()),
            severity: finding.severity,
            message: terminal(&finding.message),
            help: terminal(&finding.help),
            primary: finding.primary.as_ref().map(std::borrow::Cow::Borrowed),
            secondary: finding
                .secondary
                .iter()
                .map(std::borrow::Cow::Borrowed)
                .collect(),
            stops_at_primary: NOT_AN_INPUT.contains(&finding.rule.code),
        }
    }
}

/// A diagnostic seen through miette's eyes, with its source attached at render time and its
/// texts escaped for the terminal.
struct Adapter<'a> {
    entry: Entry<'a>,
    /// The lines of the primary label's file the snippet shows, with `labels` in them.
    source: Option<Excerpt>,
    /// The labels shown in that snippet, the primary one first when there is one.
    labels: Vec<(Label, bool)>,
    related: Vec<Related>,
}

impl<'a> Adapter<'a> {
    fn new(ws: &Workspace, entry: Entry<'a>, backslashes: bool) -> Self {
        let shown = |l: &Label| Label {
            message: terminal(&with_column(ws, l)).into_owned(),
            ..l.clone()
        };
        let primary = entry.primary.as_deref();
        let primary_file = primary.map(|l| l.file);
        // Labels far from the primary one get their own snippet rather than stretching it.
        let line = |l: &Label| ws.files.get(l.file).line(l.span.start);
        let near = |l: &Label| {
            primary.is_some_and(|p| p.file == l.file && line(p).abs_diff(line(l)) <= NEAR_LINES)
        };
        let mut labels: Vec<(Label, bool)> =
            primary.map(|p| (shown(p), true)).into_iter().collect();
        let mut related = Vec::new();
        for l in entry.secondary.iter().map(|l| &**l) {
            if near(l) {
                labels.push((shown(l), false));
            } else {
                related.push(Related {
                    message: terminal(&l.message).into_owned(),
                    source: Excerpt::new(ws.files.get(l.file), &[l.span]).shown(backslashes),
                });
            }
        }
        let spans: Vec<Span> = labels.iter().map(|(l, _)| l.span).collect();
        let stop = primary.filter(|_| entry.stops_at_primary).map(|p| {
            let file = ws.files.get(p.file);
            let start = p.span.start as usize;
            let worksheet_like = file.sheet.is_some()
                || file.path.extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt")
                });
            if entry.code.starts_with("IN004") && worksheet_like {
                // The end of the header row.
                file.text
                    .get(start..)
                    .and_then(|rest| rest.find(['\r', '\n']))
                    .map_or(file.text.len(), |end| start + end)
            } else {
                start
            }
        });
        Self {
            source: primary_file.map(|f| {
                let file = ws.files.get(f);
                Excerpt::until(file, &spans, stop.unwrap_or(file.text.len())).shown(backslashes)
            }),
            entry,
            labels,
            related,
        }
    }
}

impl fmt::Debug for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.entry.message)
    }
}

impl fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.entry.message)
    }
}

impl std::error::Error for Adapter<'_> {}

impl Diagnostic for Adapter<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.entry.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.entry.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.entry.help))
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.entry
            .url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let spans = self.source.as_ref().map_or(&[][..], Excerpt::spans);
        Some(Box::new(self.labels.iter().zip(spans).map(
            |((l, primary), span)| {
                let text = Some(l.message.clone());
                if *primary {
                    LabeledSpan::new_primary_with_span(text, *span)
                } else {
                    LabeledSpan::new_with_span(text, *span)
                }
            },
        )))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

/// A label's text; on a cell of a workbook's sheet below its header row, preceded by the
/// cell's column header (`Replacement server: no replacement`), which the snippet of the row
/// does not show.
fn with_column<'l>(ws: &Workspace, label: &'l Label) -> std::borrow::Cow<'l, str> {
    let file = ws.files.get(label.file);
    let header = file.sheet.as_ref().and_then(|sheet| {
        let cell = file.cell(label.span.start)?;
        let header = sheet.headers.get(cell.column.checked_sub(1)?)?;
        (cell.row > sheet.header_row
            && !header.is_empty()
            && !label.message.starts_with(header.as_str()))
        .then_some(header)
    });
    match header {
        Some(header) => std::borrow::Cow::Owned(format!(
            "{}: {}",
            crate::input::text::shown(header),
            label.message
        )),
        None => std::borrow::Cow::Borrowed(&label.message),
    }
}

/// A location in another file, shown as its own snippet after the main one.
struct Related {
    message: String,
    /// The lines around the location, which is the excerpt's only label.
    source: Excerpt,
}

impl fmt::Debug for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Related {}

impl Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        // The message is the heading of this snippet; the underline needs no second copy.
        Some(Box::new(
            self.source
                .spans()
                .iter()
                .map(|span| LabeledSpan::new_primary_with_span(None, *span)),
        ))
    }
}
