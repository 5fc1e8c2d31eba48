//! SARIF 2.1.0, for GitHub code scanning and the Azure DevOps scans tab.
//!
//! One run; `tool.driver.rules` lists every rule (so `ruleIndex` is stable), with its summary,
//! what it checks, its page as Markdown help and its default level. Each result carries the
//! effective level, the primary location and the related ones, and two fingerprints built from
//! the rule and the entity (never the line): `topolint/v1`, and `primaryLocationLineHash`, which
//! GitHub uses to follow an alert across runs, so an alert survives Topology Builder
//! re-serialising the export. Exempted findings carry `suppressions`; baselined ones are left
//! out. Columns count characters (`columnKind: unicodeCodePoints`); in a sheet of a workbook the
//! region's line and column are the cell's row and column, and its `properties` name the sheet
//! and the cell.
//!
//! The log is built from typed structs of the objects it holds, topolint's own, their fields
//! declared in the order the keys have always been written in; it is serialised through
//! the report's one JSON escape.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Position;
use crate::input::paths::{self, Platform};
use crate::lint::draft::Severity;
use crate::lint::engine::Report;
use crate::lint::finding::Finding;
use crate::lint::meta::RuleMeta;
use crate::model::Workspace;
use crate::rules;

/// The schema the output follows.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub reads at most this many characters of a rule's descriptions.
const DESCRIPTION_MAX: usize = 1000;

/// Writes the report as one SARIF log.
///
/// # Errors
/// Propagates write errors.
pub fn render(out: &mut dyn Write, ws: &Workspace, report: &Report) -> io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            invocations: [Invocation {
                execution_successful: true,
            }],
            // The verdict beside the results: findings the baseline left out are not results,
            // but their errors keep the run from being ready.
            properties: RunProperties {
                baselined: report.summary.baselined,
                baselined_errors: report.summary.baselined_errors,
                verdict: report.summary.verdict.as_str(),
                verdict_text: super::verdict_line(&report.summary),
            },
            results: Results { ws, report },
            tool: Tool {
                driver: Driver {
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    name: env!("CARGO_PKG_NAME"),
                    rules: rules::ALL.iter().map(|r| rule(&r.meta)).collect(),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    };
    crate::report::escape::write_json(out, &log)
}

// The SARIF objects topolint writes. Fields are declared in the order their JSON keys sort
// in, the order the log has always been written in.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    invocations: [Invocation; 1],
    properties: RunProperties,
    results: Results<'a>,
    tool: Tool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    baselined: usize,
    baselined_errors: usize,
    verdict: &'static str,
    verdict_text: String,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<ReportingDescriptor>,
    semantic_version: &'static str,
}

/// A rule's reporting descriptor.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    default_configuration: Configuration,
    full_description: Text,
    help: Help,
    help_uri: String,
    id: &'static str,
    name: &'static str,
    properties: RuleProperties,
    short_description: Text,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: String,
}

#[derive(Serialize)]
struct RuleProperties {
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    tags: [&'static str; 2],
}

/// The results, each built as it is written: a report of many findings never holds them all
/// at once.
struct Results<'a> {
    ws: &'a Workspace,
    report: &'a Report,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut occurrences: BTreeMap<&str, usize> = BTreeMap::new();
        serializer.collect_seq(self.report.findings.iter().map(|f| {
            let n = occurrences.entry(f.fingerprint.as_str()).or_default();
            *n += 1;
            result(self.ws, f, *n)
        }))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'f> {
    level: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location<'f>>,
    message: Message<'f>,
    partial_fingerprints: PartialFingerprints<'f>,
    properties: ResultProperties<'f>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'f>>,
    rule_id: &'static str,
    rule_index: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
struct Message<'f> {
    text: &'f str,
}

#[derive(Serialize)]
struct PartialFingerprints<'f> {
    #[serde(rename = "primaryLocationLineHash")]
    primary_location_line_hash: String,
    #[serde(rename = "topolint/v1")]
    topolint_v1: &'f str,
}

#[derive(Serialize)]
struct ResultProperties<'f> {
    entity: &'f str,
    help: &'f str,
}

#[derive(Serialize)]
struct Suppression {
    justification: String,
    kind: &'static str,
    status: &'static str,
}

/// A location: the file relative to the working directory, and the region in characters.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'f> {
    /// Numbered from 1 in related locations.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message<'f>>,
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RegionProperties>,
    start_column: usize,
    start_line: usize,
}

/// Where a region of a workbook is: its sheet, and the cell (`C7`) or range.
#[derive(Serialize)]
struct RegionProperties {
    cell: String,
    sheet: String,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A rule's reporting descriptor.
fn rule(meta: &RuleMeta) -> ReportingDescriptor {
    let docs = meta.docs_markdown();
    let checks = section(&docs, "What it checks").unwrap_or(meta.summary);
    ReportingDescriptor {
        default_configuration: Configuration {
            level: level(meta.severity),
        },
        full_description: Text {
            text: cut_at_space(&plain(checks), DESCRIPTION_MAX),
        },
        help: Help {
            markdown: format!("# {} {}\n\n{docs}", meta.code, meta.name),
            text: format!("{}\n\n{}", sentence(meta.help), meta.url()),
        },
        help_uri: meta.url(),
        id: meta.code,
        name: meta.name,
        properties: RuleProperties {
            precision: "very-high",
            problem_severity: match meta.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "recommendation",
            },
            tags: [meta.category(), "restore-readiness"],
        },
        short_description: Text {
            text: sentence(meta.summary),
        },
    }
}

fn result<'f>(ws: &Workspace, f: &'f Finding, occurrence: usize) -> SarifResult<'f> {
    let index = rules::ALL
        .iter()
        .position(|r| r.meta.code == f.rule.code)
        .unwrap_or_default();
    SarifResult {
        level: level(f.severity),
        locations: f
            .primary
            .iter()
            .map(|label| location(&Position::of(ws, label.file, label.span), None, None))
            .collect(),
        message: Message { text: &f.message },
        partial_fingerprints: PartialFingerprints {
            primary_location_line_hash: format!("{}:{occurrence}", f.fingerprint),
            topolint_v1: &f.fingerprint,
        },
        properties: ResultProperties {
            entity: &f.entity,
            help: &f.help,
        },
        related_locations: f
            .secondary
            .iter()
            .enumerate()
            .map(|(i, l)| {
                location(
                    &Position::of(ws, l.file, l.span),
                    Some(i + 1),
                    Some(l.message.as_str()),
                )
            })
            .collect(),
        rule_id: f.rule.code,
        rule_index: index,
        suppressions: f
            .suppression
            .iter()
            .map(|s| Suppression {
                justification: format!("{} (exempted until {})", s.reason, s.expires),
                kind: "external",
                status: "accepted",
            })
            .collect(),
    }
}

fn location<'f>(p: &Position, id: Option<usize>, message: Option<&'f str>) -> Location<'f> {
    Location {
        id,
        message: message.map(|text| Message { text }),
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: paths::uri(&p.path, Platform::CURRENT),
            },
            region: Region {
                end_column: p.end_column,
                end_line: p.end_line,
                // In a workbook the region is a cell: its row and column, and its sheet.
                properties: p
                    .sheet
                    .clone()
                    .zip(p.cell.clone())
                    .map(|(sheet, cell)| RegionProperties { cell, sheet }),
                start_column: p.column,
                start_line: p.line,
            },
        },
    }
}

/// The body of a `## title` section of a rule page.
fn section<'d>(docs: &'d str, title: &str) -> Option<&'d str> {
    let heading = format!("## {title}\n");
    let start = docs.find(&heading)? + heading.len();
    let rest = &docs[start..];
    Some(rest.find("\n## ").map_or(rest, |end| &rest[..end]).trim())
}

/// Markdown reduced to plain text: code fences dropped, backticks and emphasis removed,
/// lines joined.
fn plain(markdown: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line);
    }
    out.replace(['`', '*'], "")
}

/// A summary as a sentence: capital first letter, final period.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// At most `max` characters, cut at a space with an ellipsis.
fn cut_at_space(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head = crate::input::text::head(text, max);
    let head = head.rfind(' ').map_or(head, |space| &head[..space]);
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_plain_sentences_within_the_limit() {
        assert_eq!(sentence("a pool without `x`"), "A pool without `x`.");
        let long = "word ".repeat(400);
        let short = cut_at_space(&long, DESCRIPTION_MAX);
        assert!(short.chars().count() <= DESCRIPTION_MAX + 1 && short.ends_with('…'));
        let docs = "## What it checks\nA `Pool` with\n```xml\n<x/>\n```\n**no** FQDN.\n\n## Why\nb";
        assert_eq!(
            section(docs, "What it checks").map(plain).as_deref(),
            Some("A Pool with no FQDN.")
        );
    }

    #[test]
    fn every_rule_has_a_full_description_from_its_page() {
        for r in rules::ALL {
            let descriptor = serde_json::to_value(rule(&r.meta)).unwrap_or_default();
            let full = descriptor["fullDescription"]["text"].as_str().unwrap_or("");
            assert!(full.len() > 40, "{}: {full}", r.meta.code);
            assert!(full.chars().count() <= DESCRIPTION_MAX + 1);
        }
    }
}
