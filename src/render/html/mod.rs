//! A self-contained HTML readiness report: the verdict, what was read, a topology diagram drawn
//! as inline SVG, and the findings grouped by entity and by rule, with a few lines of inline
//! script to filter them.
//!
//! Every string that comes from an input goes through [`escape`]; no input ever reaches the
//! script, which is a constant allowed by its hash in the page's Content-Security-Policy.

mod diagram;
pub mod escape;
mod estate;
mod style;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use escape::Esc;
use estate::Estate;

use super::{Position, primary_position};
use crate::date::Date;
use crate::engine::{Report, Verdict};
use crate::finding::{Finding, Severity};
use crate::model::Workspace;
use crate::rules;
use crate::source::FileId;

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
    let verdict = super::verdict_line(s);
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '{}'\">\n\
         <meta name=\"generator\" content=\"topolint {}\">\n\
         <title>{}: topolint readiness report as of {as_of}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        style::SCRIPT_HASH,
        env!("CARGO_PKG_VERSION"),
        Esc(&verdict),
        style::CSS
    );

    // The verdict and the numbers.
    let _ = write!(
        h,
        "<header class=\"top\">\n<p class=\"kicker\">Restore readiness report · Lync Server 2013 / Skype for Business Server</p>\n\
         <h1 id=\"verdict\" class=\"verdict {}\">{}</h1>\n<p class=\"lead\">{}</p>\n",
        s.verdict.as_str(),
        Esc(&verdict),
        Esc(&lead(report))
    );
    let _ = writeln!(
        h,
        "<dl class=\"facts\"><div><dt>As of</dt><dd id=\"as-of\">{as_of}</dd></div>\
         <div><dt>Inputs</dt><dd>{} topolog{}, {} worksheet{}, {} file{}</dd></div>\
         <div><dt>Rules run</dt><dd>{}</dd></div>\
         <div><dt>Checked by</dt><dd>topolint {}</dd></div></dl>",
        s.topologies,
        if s.topologies == 1 { "y" } else { "ies" },
        s.worksheets,
        plural_s(s.worksheets),
        s.files,
        plural_s(s.files),
        s.rules_run,
        env!("CARGO_PKG_VERSION")
    );
    h.push_str("<div class=\"counts\">");
    for (severity, n) in [
        (Severity::Error, s.errors),
        (Severity::Warning, s.warnings),
        (Severity::Note, s.notes),
    ] {
        let _ = write!(
            h,
            "<a class=\"count {0}\" href=\"#findings\" data-count=\"{0}\"><b>{n}</b> {0}{1}</a>",
            severity.as_str(),
            plural_s(n)
        );
    }
    let _ = write!(
        h,
        "<a class=\"count exempt\" href=\"#exemptions\" data-count=\"exempted\"><b>{}</b> exempted</a>",
        s.suppressed
    );
    if s.baselined > 0 {
        let _ = write!(
            h,
            "<span class=\"count exempt\" data-count=\"baselined\"><b>{}</b> in the baseline</span>",
            s.baselined
        );
    }
    h.push_str("</div>\n</header>\n");

    inputs(&mut h, ws, report);
    exemption_table(&mut h, exemptions);

    // The diagram.
    h.push_str("<section id=\"topology\">\n<h2>Topology</h2>\n");
    legend(&mut h);
    if estates.is_empty() {
        h.push_str("<p class=\"empty\">No topology was read, so there is nothing to draw.</p>\n");
    }
    for (i, estate) in estates.iter().enumerate() {
        let _ = write!(
            h,
            "<h3 class=\"deployment\">{}</h3>\n<div class=\"scroll\">\n",
            Esc(&estate.title)
        );
        diagram::render(&mut h, estate, &format!("diagram-{i}"));
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");

    findings(&mut h, ws, report, &estates, &unplaced);

    let _ = write!(
        h,
        "<footer><p>Generated by topolint {} from the inputs listed above, measured against {as_of}. \
         The diagram and the findings come from the same run.</p></footer>\n<script>{}</script>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        style::SCRIPT
    );
    h
}

fn plural_s(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
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
            "{} error{} would stop a restore or lose data",
            s.errors,
            plural_s(s.errors)
        ));
    }
    if s.baselined_errors > 0 {
        why.push(format!(
            "{} recorded in the baseline would stop it too: the baseline leaves them out of this report, not out of the restore",
            super::plural(s.baselined_errors, "known error")
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

fn inputs(h: &mut String, ws: &Workspace, report: &Report) {
    let mut what: BTreeMap<FileId, String> = BTreeMap::new();
    for t in &ws.topologies {
        let form = match t.form {
            crate::model::Form::Published => "topology (published document)",
            crate::model::Form::Tbxml => "topology (Topology Builder document)",
        };
        what.insert(
            t.file,
            format!(
                "{form}, {}: {} site{}, {} pool{}",
                t.product().display_name(),
                t.sites.len(),
                plural_s(t.sites.len()),
                t.pools.len(),
                plural_s(t.pools.len())
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
    h.push_str(
        "<section id=\"inputs\">\n<h2>Inputs read</h2>\n<table class=\"inputs\"><thead><tr><th>File</th><th>Read as</th><th>Encoding</th></tr></thead><tbody>\n",
    );
    for file in ws.files.iter() {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            Esc(&file.display),
            Esc(what
                .get(&file.id)
                .map_or_else(|| other_file(&file.display), String::as_str)),
            file.encoding.label()
        );
    }
    h.push_str("</tbody></table>\n");
    for d in &ws.deployments {
        let t = &ws.topologies[d.topology];
        let _ = writeln!(
            h,
            "<p class=\"deployment-line\">Deployment in <code>{}</code>: <code>{}</code> with {} worksheet{}.</p>",
            Esc(&d.dir),
            Esc(&ws.files.get(t.file).display),
            d.worksheets.len(),
            plural_s(d.worksheets.len())
        );
    }
    for d in &report.summary.deployments {
        if let Some(because) = d.unjudged_because() {
            let _ = writeln!(
                h,
                "<p class=\"warning-line\">Readiness rules (BK, RS, HA) did not run for <code>{}</code>: {}.</p>",
                Esc(&d.topology),
                Esc(because)
            );
        }
    }
    h.push_str("</section>\n");
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

fn exemption_table(h: &mut String, exemptions: &[ExemptionRow]) {
    h.push_str("<section id=\"exemptions\">\n<h2>Exemptions in force</h2>\n");
    if exemptions.is_empty() {
        h.push_str("<p class=\"empty\">None: every finding counts.</p>\n</section>\n");
        return;
    }
    h.push_str("<p class=\"note-line\">Exempted findings are still listed below, marked, but do not count and do not change the verdict. The configuration file (<code>[[exemptions]]</code> in <code>topolint.toml</code>) records who accepted each risk and until when.</p>\n");
    h.push_str("<table class=\"exemptions\"><thead><tr><th>Rule</th><th>Entity</th><th>Reason</th><th>Expires</th><th>Findings waived</th></tr></thead><tbody>\n");
    for e in exemptions {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            Esc(e.rule),
            Esc(&e.entity),
            Esc(&e.reason),
            e.expires,
            e.findings
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
}

fn legend(h: &mut String) {
    h.push_str(
        "<ul class=\"legend\">\
         <li><span class=\"swatch sev-error\"></span>error</li>\
         <li><span class=\"swatch sev-warning\"></span>warning</li>\
         <li><span class=\"swatch sev-note\"></span>note</li>\
         <li><span class=\"swatch sev-ok\"></span>no finding</li>\
         <li><span class=\"line mirror\"></span>SQL mirror</li>\
         <li><span class=\"line witness\"></span>mirroring witness</li>\
         <li class=\"hint\">A box takes the colour of the worst finding on it or inside it; click it for its findings.</li>\
         </ul>\n",
    );
}

fn findings(
    h: &mut String,
    ws: &Workspace,
    report: &Report,
    estates: &[Estate],
    unplaced: &[usize],
) {
    let total = report.findings.len();
    h.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    if total == 0 {
        h.push_str("<p class=\"empty\">No findings: <span id=\"shown\">0</span> of <span id=\"total\">0</span>.</p>\n</section>\n");
        return;
    }
    let _ = write!(
        h,
        "<form id=\"filter\" class=\"filter\" hidden>\
         <label><input type=\"checkbox\" name=\"severity\" value=\"error\" checked> errors</label>\
         <label><input type=\"checkbox\" name=\"severity\" value=\"warning\" checked> warnings</label>\
         <label><input type=\"checkbox\" name=\"severity\" value=\"note\" checked> notes</label>\
         <label><input type=\"checkbox\" name=\"severity\" value=\"exempted\" checked> exempted</label>\
         <label class=\"search\">Text <input type=\"search\" name=\"q\" placeholder=\"host, rule, word\"></label>\
         </form>\n<p class=\"shown\"><span id=\"shown\">{total}</span> of <span id=\"total\">{total}</span> finding{} shown</p>\n",
        plural_s(total)
    );

    h.push_str("<h3>By entity</h3>\n");
    for estate in estates {
        for (node, n) in estate.nodes.iter().enumerate() {
            if n.findings.is_empty() {
                continue;
            }
            let _ = writeln!(
                h,
                "<section class=\"group\" id=\"{}\"><h4><code>{}</code> <span class=\"place\">{}</span></h4>",
                n.anchor,
                Esc(&n.label),
                Esc(&estate.place(node))
            );
            for &i in &n.findings {
                card(h, ws, report, i);
            }
            h.push_str("</section>\n");
        }
    }
    let mut others: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in unplaced {
        if let Some(f) = report.findings.get(i) {
            others.entry(f.entity.as_str()).or_default().push(i);
        }
    }
    for (k, (entity, list)) in others.iter().enumerate() {
        let _ = writeln!(
            h,
            "<section class=\"group\" id=\"other-{k}\"><h4><code>{}</code> <span class=\"place\">not on the diagram</span></h4>",
            Esc(entity)
        );
        for &i in list {
            card(h, ws, report, i);
        }
        h.push_str("</section>\n");
    }

    h.push_str("<h3>By rule</h3>\n");
    for rule in rules::ALL {
        let m = &rule.meta;
        let list: Vec<usize> = (0..total)
            .filter(|&i| report.findings[i].rule.code == m.code)
            .collect();
        if list.is_empty() {
            continue;
        }
        let _ = write!(
            h,
            "<section class=\"rulegroup\" id=\"rule-{0}\"><h4><span class=\"code\">{0}</span> {1} <span class=\"place\">{2} · default {3} · {4} finding{5}</span></h4>\n\
             <p class=\"summary\">Looks for: {6}. <a href=\"{7}\">Rule page</a></p>\n\
             <details><summary>Documentation</summary><pre class=\"doc\">{8}</pre></details>\n<ul class=\"refs\">\n",
            Esc(m.code),
            Esc(m.name),
            Esc(m.category()),
            m.severity.as_str(),
            list.len(),
            plural_s(list.len()),
            Esc(m.summary),
            Esc(&m.url()),
            Esc(&m.docs_markdown())
        );
        for i in list {
            let f = &report.findings[i];
            let _ = writeln!(
                h,
                "<li class=\"ref\" data-severity=\"{}\"{}><span class=\"badge {0}\">{0}</span> <a href=\"#f{i}\"><code>{}</code></a> {} <span class=\"loc\">{}</span></li>",
                f.severity.as_str(),
                if f.is_active() {
                    ""
                } else {
                    " data-exempt=\"yes\""
                },
                Esc(&f.entity),
                Esc(&f.message),
                Esc(&location(ws, f))
            );
        }
        h.push_str("</ul>\n</section>\n");
    }
    h.push_str("</section>\n");
}

/// `path:line:column`, or a note that the finding has no location.
fn location(ws: &Workspace, f: &Finding) -> String {
    primary_position(ws, f).map_or_else(
        || "no location".to_string(),
        |p| format!("{}:{}:{}", p.path, p.line, p.column),
    )
}

fn card(h: &mut String, ws: &Workspace, report: &Report, i: usize) {
    let Some(f) = report.findings.get(i) else {
        return;
    };
    let sev = f.severity.as_str();
    let (exempt_class, exempt_attr, exempt_badge) = if f.is_active() {
        ("", "", "")
    } else {
        (
            " exempt",
            " data-exempt=\"yes\"",
            " <span class=\"badge exempt\">exempted</span>",
        )
    };
    let _ = write!(
        h,
        "<article class=\"finding {sev}{exempt_class}\" id=\"f{i}\" data-severity=\"{sev}\"{exempt_attr}>\
         <p class=\"head\"><span class=\"badge {sev}\">{sev}</span>{exempt_badge} <a class=\"code\" href=\"#rule-{0}\">{0}</a> <span class=\"name\">{1}</span> <span class=\"loc\">{2}</span></p>\n\
         <p class=\"msg\">{3}</p>\n",
        Esc(f.rule.code),
        Esc(f.rule.name),
        Esc(&location(ws, f)),
        Esc(&f.message)
    );
    if let Some(s) = &f.suppression {
        let _ = writeln!(
            h,
            "<p class=\"exempt-note\">Exempted until {}: {}</p>",
            s.expires,
            Esc(&s.reason)
        );
    }
    let related: Vec<(Position, &str)> = f
        .secondary
        .iter()
        .map(|l| (Position::of(ws, l.file, l.span), l.message.as_str()))
        .collect();
    if !related.is_empty() {
        h.push_str("<ul class=\"related\">");
        for (p, message) in related {
            let _ = write!(
                h,
                "<li><span class=\"loc\">{}:{}:{}</span> {}</li>",
                Esc(&p.path),
                p.line,
                p.column,
                Esc(message)
            );
        }
        h.push_str("</ul>\n");
    }
    let _ = write!(
        h,
        "<p class=\"help\"><b>Fix:</b> {}</p>\n<p class=\"entity\">Entity <code>{}</code> · <a href=\"{}\">{} documentation</a></p></article>\n",
        Esc(&f.help),
        Esc(&f.entity),
        Esc(&f.url()),
        Esc(f.rule.code)
    );
}
