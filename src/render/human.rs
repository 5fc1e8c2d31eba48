//! Rich diagnostics through miette: the source snippet, labels on the exact attribute, help, the
//! rule's doc link, and a second file as a related snippet. Then the closing summary.

use std::fmt;
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use crate::engine::{Report, Verdict};
use crate::finding::{Finding, Label, Severity};
use crate::model::Workspace;
use crate::render::excerpt::Excerpt;

/// How to draw.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// Terminal width, or a fixed width for files and tests.
    pub width: usize,
    /// Leave out the closing summary.
    pub quiet: bool,
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
    for finding in report.active() {
        let mut text = String::new();
        let adapter = Adapter::new(ws, finding);
        handler
            .render_report(&mut text, &adapter)
            .map_err(io::Error::other)?;
        out.write_all(text.as_bytes())?;
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
        writeln!(out, "Compared with the backup-time topology {backup}.")?;
    }
    if s.deployments.len() > 1 {
        writeln!(out, "Deployments:")?;
        for d in &s.deployments {
            let scope = match (d.readiness_checked, d.has_worksheets) {
                (true, _) => "",
                (false, false) => "; structural rules only (no worksheets beside it)",
                (false, true) => "; structural rules only (readiness rules not selected)",
            };
            writeln!(
                out,
                "  {}: {}: {}, {}, {}{scope}",
                d.topology,
                verdict(d.verdict),
                plural(d.errors, "error"),
                plural(d.warnings, "warning"),
                plural(d.notes, "note"),
            )?;
        }
    } else {
        for path in &s.structural_only {
            writeln!(
                out,
                "Readiness rules (BK, RS, HA) did not run for {path}: it has no backup worksheets beside it, or they were not selected."
            )?;
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
    writeln!(out, "{}", verdict(s.verdict))
}

fn verdict(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Ready => "READY",
        Verdict::NotReady => "NOT READY FOR RESTORE",
    }
}

/// How many lines apart two labels may be and still share one snippet.
const NEAR_LINES: usize = 6;

/// A finding seen through miette's eyes, with its source attached at render time.
struct Adapter<'a> {
    finding: &'a Finding,
    code: String,
    /// The lines of the primary label's file the snippet shows, with `labels` in them.
    source: Option<Excerpt>,
    labels: Vec<&'a Label>,
    related: Vec<Related>,
}

impl<'a> Adapter<'a> {
    fn new(ws: &'a Workspace, finding: &'a Finding) -> Self {
        let primary = finding.primary.as_ref();
        let primary_file = primary.map(|l| l.file);
        // Labels far from the primary one get their own snippet rather than stretching it.
        let line = |l: &Label| ws.files.get(l.file).line(l.span.start);
        let near = |l: &Label| {
            primary.is_some_and(|p| p.file == l.file && line(p).abs_diff(line(l)) <= NEAR_LINES)
        };
        let (labels, others): (Vec<&Label>, Vec<&Label>) = primary
            .into_iter()
            .chain(&finding.secondary)
            .partition(|l| Some(*l) == primary || near(l));
        let spans: Vec<crate::span::Span> = labels.iter().map(|l| l.span).collect();
        Self {
            finding,
            code: format!("{} {}", finding.rule.code, finding.rule.name),
            source: primary_file.map(|f| Excerpt::new(ws.files.get(f), &spans)),
            labels,
            related: others
                .into_iter()
                .map(|l| Related {
                    message: l.message.clone(),
                    source: Excerpt::new(ws.files.get(l.file), &[l.span]),
                })
                .collect(),
        }
    }
}

impl fmt::Debug for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Adapter<'_> {}

impl Diagnostic for Adapter<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.help))
    }

    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.url()))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = self.finding.primary.as_ref();
        let spans = self.source.as_ref().map_or(&[][..], Excerpt::spans);
        Some(Box::new(self.labels.iter().zip(spans).map(
            move |(l, span)| {
                let text = Some(l.message.clone());
                if Some(*l) == primary {
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
