//! The restore runbook (`topolint plan --failed TARGET`): given what failed, pick the restore
//! scenario of *Preparing to restore Lync Server 2013* (Hh202179), and write the ordered
//! procedure with every command filled in from the topology and the worksheets, and the
//! prerequisites, each satisfied or blocked by the findings of a normal check run.
//!
//! The plan is plain data ([`Plan`]); [`render`] turns it into text, Markdown or JSON.
//! [`target`] reads the `--failed` values, [`select`] picks the scenarios and their order,
//! [`steps`] writes the procedures, each step citing the page and step it carries out
//! ([`pages`]), and [`prereq`] judges the prerequisites.

pub mod failover;
mod model;
pub mod pages;
pub mod prereq;
pub mod render;
pub mod select;
pub mod steps;
pub mod target;

use crate::analysis::facts::Facts;
use crate::lint::error::Fatal;
use crate::lint::finding::Finding;
use crate::model::Workspace;
use crate::model::date::Date;

pub use model::{
    Blocker, Check, Cx, Mirroring, Plan, Prerequisite, Scenario, Section, Status, Step, Withheld,
    code,
};
use pages::{Page, Words};

/// Builds the plan for `failed` in the one deployment that knows every target.
///
/// # Errors
/// No deployment, a target no deployment knows (with close matches), or targets spread over
/// several deployments.
pub fn build(
    ws: &Workspace,
    findings: &[Finding],
    failed: &[String],
    as_of: Date,
) -> Result<Plan, Fatal> {
    let deployment = target::deployment_for(ws, failed, as_of)?;
    let t = &ws.topologies[deployment.topology];
    let mut files = vec![t.file];
    files.extend(deployment.worksheets.iter().map(|&i| ws.worksheets[i].file));
    let cx = Cx {
        ws,
        deployment,
        t,
        facts: Facts::new(t),
        sheets: &deployment.sheets,
        findings: findings
            .iter()
            .filter(|f| f.primary.as_ref().is_some_and(|l| files.contains(&l.file)))
            .collect(),
        words: Words::of(t.product()),
        as_of,
    };
    let mut targets = Vec::new();
    for text in failed {
        targets.extend(target::resolve(&cx, text)?);
    }
    let selection = select::select(&cx, &targets);
    if selection.picks.is_empty() {
        return Err(Fatal::Usage {
            message: format!(
                "nothing to restore for {}: no Lync/Skype for Business role, store or database is on it",
                failed
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            help: Some(
                "name a server, pool, SQL instance or store of the topology; `topolint inspect` lists them"
                    .to_string(),
            ),
        });
    }
    let mut built = steps::sections(&cx, &selection);
    let mut prerequisites = prereq::prerequisites(&cx, &built.needs);
    scrub(&cx, &mut built.sections, &mut prerequisites);
    let blocked = prerequisites.iter().any(|p| p.status == Status::Blocked)
        || built
            .sections
            .iter()
            .flat_map(|s| &s.steps)
            .any(|step| step.withheld.is_some());
    let sources = sources(&built.sections);
    Ok(Plan {
        schema_version: 1,
        topology: ws.files.get(t.file).display.clone(),
        product: t.product().display_name(),
        as_of: as_of.to_string(),
        failed: failed.to_vec(),
        sections: built.sections,
        prerequisites,
        blocked,
        sources,
    })
}

/// Every page the sections name, in the order first named; topolint's own steps name none.
fn sources(sections: &[Section]) -> Vec<&'static Page> {
    let mut out: Vec<&'static Page> = Vec::new();
    for section in sections {
        let pages = std::iter::once(section.source).chain(
            section
                .steps
                .iter()
                .flat_map(|s| s.cites.iter().map(|c| c.page)),
        );
        for page in pages {
            if page.key != pages::TOPOLINT.key && !out.iter().any(|p| p.key == page.key) {
                out.push(page);
            }
        }
    }
    out
}

/// What stands in the plan for a value that is not valid: where it is, and the finding.
fn reference(code: &str, location: Option<&str>) -> String {
    match location {
        Some(at) => format!("(a value that is not valid: {code} at {at})"),
        None => format!("(a value that is not valid: {code})"),
    }
}

/// Replaces, in every sentence of the plan, each value that is not valid (every value IN009
/// or IN006 reported in the deployment, and every value a step found invalid) with a
/// reference to its finding. Such a value is then written nowhere in the plan: not in a
/// command (those are built from checked values only), and not in the prose either, where a
/// wrapped line could start with what it holds. Commands are left as they are.
fn scrub(cx: &Cx<'_>, sections: &mut [Section], prerequisites: &mut [Prerequisite]) {
    let mut values: Vec<(String, String)> = Vec::new();
    for f in &cx.findings {
        if !matches!(f.rule.code, "IN009" | "IN006") {
            continue;
        }
        let value = match f.rule.code {
            "IN006" => f.entity.split('@').next().unwrap_or(""),
            _ => f.entity.strip_suffix('…').unwrap_or(&f.entity),
        };
        let at = cx.location(f);
        values.push((value.to_string(), reference(f.rule.code, at.as_deref())));
    }
    for w in sections
        .iter()
        .flat_map(|s| &s.steps)
        .filter_map(|s| s.withheld.as_ref())
    {
        values.push((w.value.clone(), reference(w.code, w.location.as_deref())));
    }
    values.retain(|(v, _)| !v.trim().is_empty());
    // The longest first, so that a value is replaced whole before a part of it.
    values.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
    values.dedup_by(|a, b| a.0 == b.0);
    if values.is_empty() {
        return;
    }
    let apply = |text: &mut String| {
        for (value, with) in &values {
            if text.contains(value.as_str()) {
                *text = text.replace(value.as_str(), with);
            }
        }
    };
    for section in sections.iter_mut() {
        apply(&mut section.subject);
        apply(&mut section.why);
        for step in &mut section.steps {
            apply(&mut step.text);
        }
    }
    for p in prerequisites.iter_mut() {
        apply(&mut p.subject);
        apply(&mut p.detail);
        for f in &mut p.findings {
            apply(&mut f.message);
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {

    use super::{Plan, build};
    use crate::lint::engine::{self, RuleSet};
    use crate::lint::error::Fatal;
    use crate::model::Workspace;
    use crate::rules::test_util::{AS_OF, options};

    /// The files of `testdata/plan/mixed`: a Standard Edition server, a mirrored Back End, a
    /// Persistent Chat pool and a stand-alone Archiving store.
    pub const MIXED: &[(&str, &str)] = &[
        (
            "topology.xml",
            include_str!("../../../testdata/plan/mixed/topology.xml"),
        ),
        (
            "database.csv",
            include_str!("../../../testdata/plan/mixed/database.csv"),
        ),
        (
            "file-store.csv",
            include_str!("../../../testdata/plan/mixed/file-store.csv"),
        ),
        (
            "settings.csv",
            include_str!("../../../testdata/plan/mixed/settings.csv"),
        ),
        (
            "servers.csv",
            include_str!("../../../testdata/plan/mixed/servers.csv"),
        ),
        (
            "sql-instances.csv",
            include_str!("../../../testdata/plan/mixed/sql-instances.csv"),
        ),
        (
            "certificates.csv",
            include_str!("../../../testdata/plan/mixed/certificates.csv"),
        ),
        (
            "backup-runs.csv",
            include_str!("../../../testdata/plan/mixed/backup-runs.csv"),
        ),
    ];

    fn workspace(files: &[(&str, &str)]) -> Workspace {
        let bytes: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        crate::model::load::from_memory(&bytes)
    }

    /// A deployment's files with each (file, from, to) edit applied once; `from` must be there.
    pub fn edited(
        base: &[(&'static str, &str)],
        edits: &[(&str, &str, &str)],
    ) -> Vec<(&'static str, String)> {
        base.iter()
            .map(|(name, text)| {
                let mut text = (*text).to_string();
                for (file, from, to) in edits {
                    if file == name {
                        assert!(text.contains(from), "{name}: {from}");
                        text = text.replacen(from, to, 1);
                    }
                }
                (*name, text)
            })
            .collect()
    }

    /// The plan for `failed` over owned files (see [`edited`]).
    pub fn plan_of(files: &[(&'static str, String)], failed: &[&str]) -> Plan {
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        plan(&borrowed, failed).expect("plan")
    }

    /// The plan for `failed` over in-memory files, after a check with every rule.
    pub fn plan(files: &[(&str, &str)], failed: &[&str]) -> Result<Plan, Fatal> {
        let ws = workspace(files);
        let report = engine::run(&ws, &RuleSet::all(crate::rules::REGISTRY), &options());
        let failed: Vec<String> = failed.iter().map(|f| (*f).to_string()).collect();
        let as_of = crate::model::date::Date::parse(AS_OF).expect("date");
        build(&ws, &report.findings, &failed, as_of)
    }
}
