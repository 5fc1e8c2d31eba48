//! The machine-readable report (`schema_version` 1; fields are only ever added).

use std::io::{self, Write};

use serde::Serialize;

use super::{Position, primary_position};
use crate::lint::draft::Severity;
use crate::lint::engine::{DeploymentSummary, Report, Summary, Verdict};
use crate::model::Workspace;
use crate::model::date::Date;

#[derive(Serialize)]
struct Json<'a> {
    schema_version: u32,
    tool: Tool,
    as_of: String,
    verdict: Verdict,
    summary: &'a Summary,
    /// Each deployment's own outcome.
    deployments: &'a [DeploymentSummary],
    /// The topology exported with the last backup, when one was compared.
    backup_topology: Option<&'a str>,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    help: &'a str,
    url: String,
    fingerprint: &'a str,
    location: Option<Position>,
    related: Vec<Related>,
    entity: &'a str,
    /// Set when an exemption waives the finding.
    suppression: Option<JsonSuppression<'a>>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    reason: &'a str,
    expires: String,
}

#[derive(Serialize)]
struct Related {
    #[serde(flatten)]
    position: Position,
    message: String,
}

/// Writes the report as one pretty-printed JSON object.
///
/// # Errors
/// Propagates write errors.
pub fn render(out: &mut dyn Write, ws: &Workspace, report: &Report, as_of: Date) -> io::Result<()> {
    let findings = report
        .findings
        .iter()
        .map(|f| JsonFinding {
            code: f.rule.code,
            name: f.rule.name,
            severity: f.severity,
            message: &f.message,
            help: &f.help,
            url: f.url(),
            fingerprint: &f.fingerprint,
            location: primary_position(ws, f),
            related: f
                .secondary
                .iter()
                .map(|l| Related {
                    position: Position::of(ws, l.file, l.span),
                    message: l.message.clone(),
                })
                .collect(),
            entity: &f.entity,
            suppression: f.suppression.as_ref().map(|s| JsonSuppression {
                kind: "exemption",
                reason: &s.reason,
                expires: s.expires.to_string(),
            }),
        })
        .collect();
    let json = Json {
        schema_version: 1,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        as_of: as_of.to_string(),
        verdict: report.summary.verdict,
        summary: &report.summary,
        deployments: &report.summary.deployments,
        backup_topology: report.summary.backup_topology.as_deref(),
        findings,
    };
    crate::report::escape::write_json(out, &json)
}
