//! A self-contained HTML readiness report: the verdict, what was read, a topology diagram drawn
//! as inline SVG, and the findings grouped by entity and by rule, with a few lines of inline
//! script to filter them.
//!
//! The page is the template `templates/page.html` (a finding's card `templates/card.html`, the
//! diagram `templates/diagram.svg`), filled from the data built here. Every value a template
//! writes goes through [`escape::Html`], the templates' only escaper; no input ever reaches the
//! script, which is a constant allowed by its hash in the page's Content-Security-Policy.

mod diagram;
pub mod escape;
mod estate;
mod style;

use std::collections::BTreeMap;
use std::io::{self, Write};

use askama::Template;
use estate::Estate;

use super::{Position, primary_position};
use crate::input::source::FileId;
use crate::input::text::plural;
use crate::lint::draft::Severity;
use crate::lint::engine::{Report, Verdict};
use crate::lint::finding::Finding;
use crate::model::Workspace;
use crate::model::date::Date;
use crate::rules;

/// An exemption in force (one that waives findings in this run), as the report lists it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExemptionRow {
    pub rule: &'static str,
    pub entity: String,
    pub reason: String,
    pub expires: Date,
    /// How many findings it waives in this run.
    pub findings: usize,
}

/// The exemptions that waive findings of `report`, sorted by rule and entity.
#[must_use]
pub fn exemptions_in_force(report: &Report) -> Vec<ExemptionRow> {
    let mut rows: BTreeMap<(&'static str, String, String, Date), usize> = BTreeMap::new();
    for f in report.suppressed() {
        if let Some(s) = &f.suppression {
            *rows
                .entry((
                    f.rule.code,
                    f.entity.to_lowercase(),
                    s.reason.clone(),
                    s.expires,
                ))
                .or_default() += 1;
        }
    }
    rows.into_iter()
        .map(|((rule, entity, reason, expires), findings)| ExemptionRow {
            rule,
            entity,
            reason,
            expires,
            findings,
        })
        .collect()
}

/// Writes the report as one HTML document.
///
/// # Errors
/// Propagates write errors.
pub fn render(out: &mut dyn Write, ws: &Workspace, report: &Report, as_of: Date) -> io::Result<()> {
    let page = page(ws, report, as_of, &exemptions_in_force(report));
    out.write_all(page.as_bytes())
}

/// The page, as its template fills it.
#[derive(Template)]
#[template(path = "page.html", config = "src/report/html/askama.toml")]
struct Page<'a> {
    script_hash: &'static str,
    version: &'static str,
    css: &'static str,
    script: &'static str,
    verdict: String,
    verdict_class: &'static str,
    as_of: Date,
    lead: String,
    /// `1 topology, 7 worksheets, 8 files`.
    inputs: String,
    rules_run: usize,
    counts: Vec<Count>,
    suppressed: usize,
    baselined: usize,
    files: Vec<InputRow>,
    deployments: Vec<DeploymentLine>,
    unjudged: Vec<Unjudged>,
    /// The backup run the EV rules checked, per deployment that has one.
    backup_runs: Vec<BackupRunLine>,
    exemptions: &'a [ExemptionRow],
    diagrams: Vec<DiagramSection>,
    total: usize,
    /// `finding`, `findings`.
    total_words: &'static str,
    groups: Vec<Group>,
    rule_groups: Vec<RuleGroup>,
}

/// A count of findings of one severity, linking to the findings.
struct Count {
    severity: &'static str,
    count: usize,
    /// `errors`, `warning`...
    words: String,
}

/// A file read, and what it was read as.
struct InputRow {
    path: String,
    read_as: String,
    encoding: &'static str,
}

struct DeploymentLine {
    dir: String,
    topology: String,
    /// `7 worksheets`.
    worksheets: String,
}

/// The backup run checked for a deployment.
struct BackupRunLine {
    topology: String,
    run: String,
}

/// A deployment whose readiness was not judged, and why.
struct Unjudged {
    topology: String,
    because: &'static str,
}

struct DiagramSection {
    title: String,
    /// The drawing, from its own template (its values escaped there).
    svg: String,
}

/// The findings about one box of the diagram, or one entity that is on no box.
struct Group {
    id: String,
    label: String,
    place: String,
    cards: Vec<Card>,
}

/// One finding in full.
struct Card {
    index: usize,
    severity: &'static str,
    exempt: bool,
    code: &'static str,
    name: &'static str,
    location: String,
    message: String,
    /// Until when, and why, when an exemption waives it.
    exempted: Option<(Date, String)>,
    /// Each related place (`path:line:column`) and what it says.
    related: Vec<(String, String)>,
    help: String,
    entity: String,
    url: String,
}

/// The findings of one rule, with its documentation.
struct RuleGroup {
    code: &'static str,
    name: &'static str,
    category: &'static str,
    severity: &'static str,
    /// `2 findings`.
    count_words: String,
    summary: &'static str,
    url: String,
    docs: String,
    refs: Vec<Ref>,
}

/// A line pointing at a finding's card.
struct Ref {
    index: usize,
    severity: &'static str,
    exempt: bool,
    entity: String,
    message: String,
    location: String,
}

/// The whole document.
#[must_use]
pub fn page(ws: &Workspace, report: &Report, as_of: Date, exemptions: &[ExemptionRow]) -> String {
    let mut estates: Vec<Estate> = ws
        .deployments
        .iter()
        .enumerate()
        .map(|(i, d)| Estate::build(ws, d, i))
        .collect();
    let unplaced = place_findings(report, &mut estates);
    let s = &report.summary;
    let page = Page {
        script_hash: style::SCRIPT_HASH,
        version: env!("CARGO_PKG_VERSION"),
        css: style::CSS,
        script: style::SCRIPT,
        verdict: super::verdict_line(s),
        verdict_class: s.verdict.as_str(),
        as_of,
        lead: lead(report),
        inputs: format!(
            "{}, {}, {}",
            plural(s.topologies, "topology", "topologies"),
            plural(s.worksheets, "worksheet", "worksheets"),
            plural(s.files, "file", "files")
        ),
        rules_run: s.rules_run,
        counts: [
            (Severity::Error, s.errors),
            (Severity::Warning, s.warnings),
            (Severity::Note, s.notes),
        ]
        .into_iter()
        .map(|(severity, count)| Count {
            severity: severity.as_str(),
            count,
            words: plural(count, severity.as_str(), &format!("{}s", severity.as_str()))
                .split_once(' ')
                .map_or_else(String::new, |(_, w)| w.to_string()),
        })
        .collect(),
        suppressed: s.suppressed,
        baselined: s.baselined,
        files: inputs(ws),
        deployments: ws
            .deployments
            .iter()
            .map(|d| DeploymentLine {
                dir: d.dir.clone(),
                topology: ws.files.get(ws.topologies[d.topology].file).display.clone(),
                worksheets: plural(d.worksheets.len(), "worksheet", "worksheets"),
            })
            .collect(),
        unjudged: s
            .deployments
            .iter()
            .filter_map(|d| {
                d.unjudged_because().map(|because| Unjudged {
                    topology: d.topology.clone(),
                    because,
                })
            })
            .collect(),
        backup_runs: s
            .deployments
            .iter()
            .filter_map(|d| {
                d.backup_run.as_ref().map(|run| BackupRunLine {
                    topology: d.topology.clone(),
                    run: run.replace('`', ""),
                })
            })
            .collect(),
        exemptions,
        diagrams: estates
            .iter()
            .enumerate()
            .map(|(i, estate)| {
                let id = format!("diagram-{i}");
                DiagramSection {
                    title: estate.title.clone(),
                    svg: diagram::layout(estate, &id).render().unwrap_or_default(),
                }
            })
            .collect(),
        total: report.findings.len(),
        total_words: if report.findings.len() == 1 {
            "finding"
        } else {
            "findings"
        },
        groups: groups(ws, report, &estates, &unplaced),
        rule_groups: rule_groups(ws, report),
    };
    // Writing to a String cannot fail. A template file's last line break is not part of the
    // template: the document's own is added here.
    let mut html = page.render().unwrap_or_default();
    html.push('\n');
    html
}

/// The sentence under the verdict.
fn lead(report: &Report) -> String {
    let s = &report.summary;
    if s.verdict == Verdict::Ready {
        return if s.warnings + s.notes == 0 {
            "No finding stands in the way of a restore.".to_string()
        } else {
            "No error stands in the way of a restore; the warnings and notes below make it slower or riskier.".to_string()
        };
    }
    let mut why = Vec::new();
    if s.errors > 0 {
        why.push(format!(
            "{} would stop a restore or lose data",
            plural(s.errors, "error", "errors")
        ));
    }
    if s.baselined_errors > 0 {
        why.push(format!(
            "{} recorded in the baseline would stop it too: the baseline leaves them out of this report, not out of the restore",
            plural(s.baselined_errors, "known error", "known errors")
        ));
    }
    for d in &s.deployments {
        if let Some(because) = d.unjudged_because() {
            why.push(format!(
                "the readiness of {} was not judged: {because}",
                d.topology
            ));
        }
    }
    if s.topologies == 0 {
        why.push("no topology was read".to_string());
    }
    let mut text = why.join("; ");
    if let Some(first) = text.get(..1) {
        let upper = first.to_uppercase();
        text.replace_range(..1, &upper);
    }
    text.push('.');
    text
}

/// Assigns each finding to the deployment whose files it points at (or the first whose boxes
/// it names) and returns the findings that name no box.
fn place_findings(report: &Report, estates: &mut [Estate]) -> Vec<usize> {
    let mut per_estate: Vec<Vec<usize>> = vec![Vec::new(); estates.len()];
    let mut unplaced = Vec::new();
    for (i, f) in report.findings.iter().enumerate() {
        let file = f.primary.as_ref().map(|l| l.file);
        let home = file.and_then(|file| estates.iter().position(|e| e.files.contains(&file)));
        let chosen = match home {
            Some(e) => estates[e].locate(&f.entity).map(|_| e),
            None => estates.iter().position(|e| e.locate(&f.entity).is_some()),
        };
        match chosen {
            Some(e) => per_estate[e].push(i),
            None => unplaced.push(i),
        }
    }
    for (estate, which) in estates.iter_mut().zip(&per_estate) {
        // Every finding given here names a box of this estate.
        unplaced.extend(estate.attach(report, which));
    }
    unplaced.sort_unstable();
    unplaced
}

/// Each file read, and what it was read as.
fn inputs(ws: &Workspace) -> Vec<InputRow> {
    let mut what: BTreeMap<FileId, String> = BTreeMap::new();
    for t in &ws.topologies {
        let form = match t.form {
            crate::model::Form::Published => "topology (published document)",
            crate::model::Form::Tbxml => "topology (Topology Builder document)",
        };
        what.insert(
            t.file,
            format!(
                "{form}, {}: {}, {}",
                t.product().display_name(),
                plural(t.sites.len(), "site", "sites"),
                plural(t.pools.len(), "pool", "pools")
            ),
        );
    }
    for sheet in &ws.worksheets {
        what.insert(
            sheet.file,
            format!("{} worksheet, {} rows", sheet.kind.name(), sheet.row_count),
        );
    }
    for p in &ws.problems {
        what.entry(p.file)
            .or_insert_with(|| "not read: see the findings".to_string());
    }
    ws.files
        .iter()
        .map(|file| InputRow {
            path: file.display.clone(),
            read_as: what
                .get(&file.id)
                .map_or_else(|| other_file(&file.display).to_string(), Clone::clone),
            encoding: file.encoding.label(),
        })
        .collect()
}

/// What a file that is neither a topology nor a worksheet was read for.
fn other_file(display: &str) -> &'static str {
    if display.to_ascii_lowercase().ends_with(".toml") {
        "configuration (exemptions)"
    } else if display.to_ascii_lowercase().ends_with(".json") {
        "baseline"
    } else {
        "not an input of any rule"
    }
}

/// The findings grouped by the box they are about, then those on no box by entity.
fn groups(ws: &Workspace, report: &Report, estates: &[Estate], unplaced: &[usize]) -> Vec<Group> {
    let mut groups = Vec::new();
    for estate in estates {
        for (node, n) in estate.nodes.iter().enumerate() {
            if n.findings.is_empty() {
                continue;
            }
            groups.push(Group {
                id: n.anchor.clone(),
                label: n.label.clone(),
                place: estate.place(node),
                cards: n
                    .findings
                    .iter()
                    .filter_map(|&i| card(ws, report, i))
                    .collect(),
            });
        }
    }
    let mut others: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in unplaced {
        if let Some(f) = report.findings.get(i) {
            others.entry(f.entity.as_str()).or_default().push(i);
        }
    }
    for (k, (entity, list)) in others.iter().enumerate() {
        groups.push(Group {
            id: format!("other-{k}"),
            label: (*entity).to_string(),
            place: "not on the diagram".to_string(),
            cards: list.iter().filter_map(|&i| card(ws, report, i)).collect(),
        });
    }
    groups
}

/// The findings of each rule that has any, in the registry's order.
fn rule_groups(ws: &Workspace, report: &Report) -> Vec<RuleGroup> {
    let mut groups = Vec::new();
    for rule in rules::ALL {
        let m = &rule.meta;
        let refs: Vec<Ref> = report
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| f.rule.code == m.code)
            .map(|(index, f)| Ref {
                index,
                severity: f.severity.as_str(),
                exempt: !f.is_active(),
                entity: f.entity.clone(),
                message: f.message.clone(),
                location: location(ws, f),
            })
            .collect();
        if refs.is_empty() {
            continue;
        }
        groups.push(RuleGroup {
            code: m.code,
            name: m.name,
            category: m.category(),
            severity: m.severity.as_str(),
            count_words: plural(refs.len(), "finding", "findings"),
            summary: m.summary,
            url: m.url(),
            docs: m.docs_markdown(),
            refs,
        });
    }
    groups
}

/// `path:line:column`, or a note that the finding has no location.
fn location(ws: &Workspace, f: &Finding) -> String {
    primary_position(ws, f).map_or_else(|| "no location".to_string(), |p| p.place())
}

fn card(ws: &Workspace, report: &Report, index: usize) -> Option<Card> {
    let f = report.findings.get(index)?;
    Some(Card {
        index,
        severity: f.severity.as_str(),
        exempt: !f.is_active(),
        code: f.rule.code,
        name: f.rule.name,
        location: location(ws, f),
        message: f.message.clone(),
        exempted: f
            .suppression
            .as_ref()
            .map(|s| (s.expires, s.reason.clone())),
        related: f
            .secondary
            .iter()
            .map(|l| (Position::of(ws, l.file, l.span).place(), l.message.clone()))
            .collect(),
        help: f.help.clone(),
        entity: f.entity.clone(),
        url: f.url(),
    })
}
