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

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Value, json};

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
    let driver_rules: Vec<Value> = rules::ALL.iter().map(|r| rule(&r.meta)).collect();
    // Fields in the order serde_json writes an object's keys (sorted), as before.
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            invocations: json!([{ "executionSuccessful": true }]),
            // The verdict beside the results: findings the baseline left out are not results,
            // but their errors keep the run from being ready.
            properties: json!({
                "verdict": report.summary.verdict.as_str(),
                "verdictText": super::verdict_line(&report.summary),
                "baselined": report.summary.baselined,
                "baselinedErrors": report.summary.baselined_errors,
            }),
            results: Results { ws, report },
            tool: json!({
                "driver": {
                    "name": env!("CARGO_PKG_NAME"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": driver_rules,
                }
            }),
        }],
        version: "2.1.0",
    };
    crate::report::escape::write_json(out, &log)
}

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
    invocations: Value,
    properties: Value,
    results: Results<'a>,
    tool: Value,
}

/// The results, each built as it is written: a report of many findings never holds them all
/// as JSON values at once.
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

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A rule's reporting descriptor.
fn rule(meta: &RuleMeta) -> Value {
    let docs = meta.docs_markdown();
    let checks = section(&docs, "What it checks").unwrap_or(meta.summary);
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": sentence(meta.summary) },
        "fullDescription": { "text": cut(&plain(checks), DESCRIPTION_MAX) },
        "help": {
            "text": format!("{}\n\n{}", sentence(meta.help), meta.url()),
            "markdown": format!("# {} {}\n\n{docs}", meta.code, meta.name),
        },
        "helpUri": meta.url(),
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": {
            "tags": [meta.category(), "restore-readiness"],
            "precision": "very-high",
            "problem.severity": match meta.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "recommendation",
            },
        },
    })
}

fn result(ws: &Workspace, f: &Finding, occurrence: usize) -> Value {
    let index = rules::ALL
        .iter()
        .position(|r| r.meta.code == f.rule.code)
        .unwrap_or_default();
    let mut result = json!({
        "ruleId": f.rule.code,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "partialFingerprints": {
            "topolint/v1": f.fingerprint,
            "primaryLocationLineHash": format!("{}:{occurrence}", f.fingerprint),
        },
        "properties": { "entity": f.entity, "help": f.help },
    });
    if let Some(label) = &f.primary {
        result["locations"] = json!([physical(&Position::of(ws, label.file, label.span), None)]);
    }
    if !f.secondary.is_empty() {
        let related: Vec<Value> = f
            .secondary
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut location =
                    physical(&Position::of(ws, l.file, l.span), Some(l.message.as_str()));
                location["id"] = json!(i + 1);
                location
            })
            .collect();
        result["relatedLocations"] = Value::Array(related);
    }
    if let Some(s) = &f.suppression {
        result["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{} (exempted until {})", s.reason, s.expires),
        }]);
    }
    result
}

/// A location: the file relative to the working directory, and the region in characters.
fn physical(p: &Position, message: Option<&str>) -> Value {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": paths::uri(&p.path, Platform::CURRENT) },
            "region": {
                "startLine": p.line,
                "startColumn": p.column,
                "endLine": p.end_line,
                "endColumn": p.end_column,
            }
        }
    });
    // In a workbook the region is a cell: its row and column, and the sheet it is in.
    if let (Some(sheet), Some(cell)) = (&p.sheet, &p.cell) {
        location["physicalLocation"]["region"]["properties"] =
            json!({ "sheet": sheet, "cell": cell });
    }
    if let Some(text) = message {
        location["message"] = json!({ "text": text });
    }
    location
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
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
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
        let short = cut(&long, DESCRIPTION_MAX);
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
            let descriptor = rule(&r.meta);
            let full = descriptor["fullDescription"]["text"].as_str().unwrap_or("");
            assert!(full.len() > 40, "{}: {full}", r.meta.code);
            assert!(full.chars().count() <= DESCRIPTION_MAX + 1);
        }
    }
}
