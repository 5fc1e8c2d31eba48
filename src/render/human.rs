//! Rich diagnostics through miette: the source snippet, labels on the exact attribute, help, the
//! rule's doc link, and a second file as a related snippet. Then the closing summary.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use std::collections::BTreeMap;

use crate::engine::Report;
use crate::finding::{Finding, Label, Severity};
use crate::model::Workspace;
use crate::model::worksheet::{BlankCell, Worksheet};
use crate::render::excerpt::Excerpt;
use crate::source::FileId;
use crate::span::Span;

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
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
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
                .render_report(&mut text, &Adapter::new(ws, entry))
                .map_err(io::Error::other)?;
            out.write_all(text.as_bytes())?;
        }
    }
    if !style.quiet {
        if report.active().next().is_some() {
            writeln!(out)?;
        }
        exempted(out, ws, report)?;
        summary(out, report)?;
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
        if columns.contains(&cell.column) {
            continue;
        }
        columns.push(cell.column);
        labels.push(Label::new(
            label.file,
            label.span,
            format!("{} ({})", cell.column, f.rule.code),
        ));
        if let Some(column) = sheet.kind.column(cell.column) {
            help.push_str(&format!("\n- {}: {}", cell.column, column.what));
        }
    }
    let row = if blank.row_key.is_empty() {
        format!("a row of the {} worksheet", sheet.kind.name())
    } else {
        format!(
            "the {} row `{}`",
            sheet.kind.name(),
            crate::finding::shown(&blank.row_key)
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
            crate::rules::and_list(&columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>())
        )
        .into(),
        help: help.into(),
        primary: labels.next().map(std::borrow::Cow::Owned),
        secondary: labels.map(std::borrow::Cow::Owned).collect(),
    }
}

/// The findings exemptions waive, one line each with the reason and the expiry date.
fn exempted(out: &mut dyn Write, ws: &Workspace, report: &Report) -> io::Result<()> {
    let mut any = false;
    for f in report.suppressed() {
        if !any {
            writeln!(out, "Exempted (still listed, not counted):")?;
            any = true;
        }
        let place = super::primary_position(ws, f)
            .map(|p| format!("{}:{}:{}: ", p.path, p.line, p.column))
            .unwrap_or_default();
        let reason = f.suppression.as_ref().map_or(String::new(), |s| {
            format!(" — exempted until {}: {}", s.expires, s.reason)
        });
        writeln!(
            out,
            "  {place}{}[{}] {}{reason}",
            f.severity.as_str(),
            f.rule.code,
            f.message
        )?;
    }
    if any {
        writeln!(out)?;
    }
    Ok(())
}

use super::plural;

fn summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let s = &report.summary;
    writeln!(
        out,
        "Checked {} and {} in {} read; {} run.",
        plural(s.topologies, "topology").replace("topologys", "topologies"),
        plural(s.worksheets, "worksheet"),
        plural(s.files, "file"),
        plural(s.rules_run, "rule")
    )?;
    if let Some(backup) = &s.backup_topology {
        if s.backup_identical {
            writeln!(
                out,
                "Compared with the backup-time topology {backup}: identical to today's, so nothing changed since the backup."
            )?;
        } else {
            writeln!(out, "Compared with the backup-time topology {backup}.")?;
        }
    }
    if s.deployments.len() > 1 {
        writeln!(out, "Deployments:")?;
        for d in &s.deployments {
            let mut line = format!(
                "  {}: {}: {}, {}, {}",
                d.topology,
                d.verdict.headline(),
                plural(d.errors, "error"),
                plural(d.warnings, "warning"),
                plural(d.notes, "note"),
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
                    d.topology
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
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.notes, "note")
    )?;
    writeln!(out, "{}", super::verdict_line(s))
}

/// How many lines apart two labels may be and still share one snippet.
const NEAR_LINES: usize = 6;

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
}

impl<'a> Entry<'a> {
    fn of(finding: &'a Finding) -> Self {
        Self {
            code: format!("{} {}", finding.rule.code, finding.rule.name),
            url: Some(finding.url()),
            severity: finding.severity,
            message: finding.message.as_str().into(),
            help: finding.help.as_str().into(),
            primary: finding.primary.as_ref().map(std::borrow::Cow::Borrowed),
            secondary: finding
                .secondary
                .iter()
                .map(std::borrow::Cow::Borrowed)
                .collect(),
        }
    }
}

/// A diagnostic seen through miette's eyes, with its source attached at render time.
struct Adapter<'a> {
    entry: Entry<'a>,
    /// The lines of the primary label's file the snippet shows, with `labels` in them.
    source: Option<Excerpt>,
    /// The labels shown in that snippet, the primary one first when there is one.
    labels: Vec<(Label, bool)>,
    related: Vec<Related>,
}

impl<'a> Adapter<'a> {
    fn new(ws: &Workspace, entry: Entry<'a>) -> Self {
        let primary = entry.primary.as_deref();
        let primary_file = primary.map(|l| l.file);
        // Labels far from the primary one get their own snippet rather than stretching it.
        let line = |l: &Label| ws.files.get(l.file).line(l.span.start);
        let near = |l: &Label| {
            primary.is_some_and(|p| p.file == l.file && line(p).abs_diff(line(l)) <= NEAR_LINES)
        };
        let mut labels: Vec<(Label, bool)> =
            primary.map(|p| (p.clone(), true)).into_iter().collect();
        let mut related = Vec::new();
        for l in entry.secondary.iter().map(|l| &**l) {
            if near(l) {
                labels.push((l.clone(), false));
            } else {
                related.push(Related {
                    message: l.message.clone(),
                    source: Excerpt::new(ws.files.get(l.file), &[l.span]),
                });
            }
        }
        let spans: Vec<Span> = labels.iter().map(|(l, _)| l.span).collect();
        Self {
            source: primary_file.map(|f| Excerpt::new(ws.files.get(f), &spans)),
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
