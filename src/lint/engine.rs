//! Running the rules over a workspace: selection, severity, ordering, the summary.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::facts::Facts;
use crate::input::source::FileId;
use crate::lint::draft::Severity;
use crate::lint::error::Fatal;
use crate::lint::finding::{Finding, stamp};
use crate::lint::meta::{RuleMeta, Scope};
use crate::lint::options::Options;
use crate::lint::rule::{Context, Emitter, Registry, RuleDef};
use crate::lint::waiver::{BaselineUse, Stale, Waivers};
use crate::model::Workspace;

/// Which rules run, at what severity.
#[derive(Clone, Debug)]
pub struct RuleSet {
    /// The rules there are.
    registry: Registry,
    /// Parallel to the registry: `None` = off.
    levels: Vec<Option<Severity>>,
}

impl RuleSet {
    /// Every rule of the registry at its default severity.
    #[must_use]
    pub fn all(registry: Registry) -> Self {
        Self {
            registry,
            levels: registry.iter().map(|r| Some(r.meta.severity)).collect(),
        }
    }

    /// The rules there are, whether they run or not.
    #[must_use]
    pub fn registry(&self) -> Registry {
        self.registry
    }

    /// Applies `--select` (only these, when given) and `--ignore` (not these).
    ///
    /// Each key is a code (`TP101`), a name (`duplicate-fqdn`), a code prefix (`TP`, `TP1`) or `ALL`.
    ///
    /// # Errors
    /// An unknown key is fatal, with a suggestion.
    pub fn select(mut self, select: &[String], ignore: &[String]) -> Result<Self, Fatal> {
        if !select.is_empty() {
            let mut keep = vec![false; self.levels.len()];
            for key in select {
                for i in matching(self.registry, key)? {
                    keep[i] = true;
                }
            }
            for (level, keep) in self.levels.iter_mut().zip(keep) {
                if !keep {
                    *level = None;
                }
            }
        }
        for key in ignore {
            for i in matching(self.registry, key)? {
                self.levels[i] = None;
            }
        }
        Ok(self)
    }

    /// Sets one rule's severity, or turns it off.
    pub fn set(&mut self, code: &str, level: Option<Severity>) {
        if let Some(i) = self.registry.position(code) {
            self.levels[i] = level;
        }
    }

    /// Whether a rule (by code) runs.
    #[must_use]
    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled().any(|(r, _)| r.meta.code == code)
    }

    fn enabled(&self) -> impl Iterator<Item = (&'static RuleDef, Severity)> + '_ {
        self.registry
            .iter()
            .zip(&self.levels)
            .filter_map(|(rule, level)| level.map(|l| (rule, l)))
    }
}

/// Indices of the rules a selection key names.
fn matching(registry: Registry, key: &str) -> Result<Vec<usize>, Fatal> {
    let key = key.trim();
    let hits: Vec<usize> = registry
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            key.eq_ignore_ascii_case("ALL")
                || r.meta.name.eq_ignore_ascii_case(key)
                || (!key.is_empty()
                    && key.chars().all(|c| c.is_ascii_alphanumeric())
                    && r.meta.code.len() >= key.len()
                    && r.meta.code[..key.len()].eq_ignore_ascii_case(key))
        })
        .map(|(i, _)| i)
        .collect();
    if hits.is_empty() {
        return Err(Fatal::unknown_rule(key, registry));
    }
    Ok(hits)
}

/// The outcome of a run.
#[derive(Debug)]
pub struct Report {
    /// Reported findings, sorted; exempted ones are among them, marked suppressed.
    pub findings: Vec<Finding>,
    /// Findings left out because the baseline lists them (or `--write-baseline` recorded them).
    pub baselined: Vec<Finding>,
    /// What each rule that ran looked at, in registry order.
    pub runs: Vec<RuleRun>,
    pub summary: Summary,
}

impl Report {
    /// Findings that count: not waived by an exemption.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_active())
    }

    /// Findings waived by an exemption.
    pub fn suppressed(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_active())
    }
}

/// One rule's part in a run.
#[derive(Clone, Debug)]
pub struct RuleRun {
    pub rule: &'static RuleMeta,
    /// The effective default severity.
    pub severity: Severity,
    /// Where it ran: each deployment's topology path, or `inputs` for the input rules.
    pub contexts: Vec<String>,
    /// The entities it checked (sorted, each once), as findings name them.
    pub checked: Vec<String>,
}

/// What a run (or one deployment) comes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Readiness was judged and no error stands in the way.
    Ready,
    /// An error (one waived by the baseline too), or worksheets whose readiness could not be
    /// judged.
    NotReady,
    /// A topology with no worksheets (or with the readiness rules not selected): only the
    /// input and structural rules ran, so readiness was not judged.
    StructureOnly,
}

impl Verdict {
    /// The verdict as the human summary, the annotations and the HTML headline print it.
    #[must_use]
    pub fn headline(self) -> &'static str {
        match self {
            Self::Ready => "READY",
            Self::NotReady => "NOT READY FOR RESTORE",
            Self::StructureOnly => "STRUCTURE ONLY",
        }
    }

    /// The verdict as JSON writes it: `ready`, `not-ready`, `structure-only`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::NotReady => "not-ready",
            Self::StructureOnly => "structure-only",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub files: usize,
    pub topologies: usize,
    pub worksheets: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Findings waived by an exemption (still listed, marked suppressed).
    pub suppressed: usize,
    /// Findings left out because the baseline lists them.
    pub baselined: usize,
    /// The errors among them: they do not fail the run, but the verdict stays NOT READY.
    pub baselined_errors: usize,
    #[serde(skip)]
    pub rules_run: usize,
    #[serde(skip)]
    pub verdict: Verdict,
    /// Each deployment's own outcome, in the order the deployments were found.
    #[serde(skip)]
    pub deployments: Vec<DeploymentSummary>,
    /// The backup-time topology the deployment was compared with, as displayed.
    #[serde(skip)]
    pub backup_topology: Option<String>,
    /// The backup-time topology has the same text as the deployment's: nothing changed since
    /// the backup (or the same export was named twice).
    #[serde(skip)]
    pub backup_identical: bool,
    /// The backup-time topology was read from the latest run's Export-CsConfiguration archive
    /// (`--backup-topology` was not given).
    #[serde(skip)]
    pub backup_from_archive: bool,
}

/// One deployment's outcome: the findings about its topology and worksheets.
#[derive(Clone, Debug, Serialize)]
pub struct DeploymentSummary {
    /// The topology document, as displayed.
    pub topology: String,
    pub verdict: Verdict,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Errors waived by the baseline: the deployment is not ready while there are any.
    pub baselined_errors: usize,
    /// Whether the readiness rules (BK, RS, HA) ran: it has worksheets and they were selected.
    pub readiness_checked: bool,
    /// Whether worksheets were found beside the topology.
    #[serde(skip)]
    pub has_worksheets: bool,
    /// Worksheets of its folder that could not be joined with it (another topology shares the
    /// folder).
    #[serde(skip)]
    pub unjoined: usize,
    /// The backup run its evidence rules checked, in words, when it has evidence (a
    /// `backup-listing` worksheet, a share read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_run: Option<String>,
}

impl DeploymentSummary {
    /// Why the readiness of the deployment was not judged, when it was not.
    #[must_use]
    pub fn unjudged_because(&self) -> Option<&'static str> {
        if self.readiness_checked {
            None
        } else if self.unjoined > 0 {
            Some(
                "another topology document shares its folder, so its worksheets were joined with neither",
            )
        } else if self.has_worksheets {
            Some("the readiness rules were not selected")
        } else {
            Some("no worksheets beside it")
        }
    }
}

/// Each deployment's counts and verdict, from the findings whose primary location is in one of
/// its files (its topology, its worksheets, or the backup-time topology it was compared with).
/// A deployment is ready when it has no error (none waived by the baseline either) and the
/// readiness rules checked it; it is not ready with an error or with worksheets beside it that
/// could not be joined; otherwise only its structure was checked.
#[must_use]
pub fn deployment_summaries(
    ws: &Workspace,
    findings: &[Finding],
    baselined: &[Finding],
    readiness_selected: bool,
) -> Vec<DeploymentSummary> {
    let mut owner: BTreeMap<FileId, usize> = BTreeMap::new();
    for (i, d) in ws.deployments.iter().enumerate() {
        owner.insert(ws.topologies[d.topology].file, i);
        for &w in &d.worksheets {
            owner.insert(ws.worksheets[w].file, i);
        }
    }
    if let (Some(backup), 1) = (&ws.backup, ws.deployments.len()) {
        owner.entry(backup.file).or_insert(0);
    }
    // The archives of a deployment's backup run, and what was read inside them.
    for archive in &ws.archives {
        if let Some(d) = archive.deployment {
            owner.entry(archive.file).or_insert(d);
            if let Some(member) = archive.member {
                owner.entry(member).or_insert(d);
            }
        }
    }
    let mut counts = vec![[0usize; 3]; ws.deployments.len()];
    for f in findings.iter().filter(|f| f.is_active()) {
        let Some(&d) = f.primary.as_ref().and_then(|l| owner.get(&l.file)) else {
            continue;
        };
        let slot = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Note => 2,
        };
        counts[d][slot] += 1;
    }
    let mut known = vec![0usize; ws.deployments.len()];
    for f in baselined.iter().filter(|f| f.severity == Severity::Error) {
        if let Some(&d) = f.primary.as_ref().and_then(|l| owner.get(&l.file)) {
            known[d] += 1;
        }
    }
    ws.deployments
        .iter()
        .zip(counts)
        .zip(known)
        .map(|((d, [errors, warnings, notes]), baselined_errors)| {
            let readiness_checked = d.has_worksheets() && readiness_selected;
            DeploymentSummary {
                topology: ws.files.get(ws.topologies[d.topology].file).display.clone(),
                verdict: if errors > 0 || baselined_errors > 0 || d.unjoined > 0 {
                    Verdict::NotReady
                } else if readiness_checked {
                    Verdict::Ready
                } else {
                    Verdict::StructureOnly
                },
                errors,
                warnings,
                notes,
                baselined_errors,
                readiness_checked,
                has_worksheets: d.has_worksheets(),
                unjoined: d.unjoined,
                backup_run: None,
            }
        })
        .collect()
}

/// Runs the enabled rules over every deployment (and the input rules once), without waivers.
#[must_use]
pub fn run(ws: &Workspace, rules: &RuleSet, options: &Options) -> Report {
    run_with(ws, rules, options, &Waivers::default())
}

/// Runs the enabled rules, then applies the exemptions and the baseline; IN007 runs last, over
/// what the waivers left stale.
#[must_use]
pub fn run_with(
    ws: &Workspace,
    rules: &RuleSet,
    options: &Options,
    waivers: &Waivers<'_>,
) -> Report {
    let mut findings = Vec::new();
    let mut runs = Vec::new();
    let run = Run::new(ws, options);
    for (rule, severity) in rules.enabled() {
        if rule.meta.scope != Scope::Waivers {
            run_rule(&run, rule, severity, &[], &mut findings, &mut runs);
        }
    }
    let mut stale = exempt(&mut findings, rules, &runs, options, waivers);
    let (mut findings, baselined) = baseline(findings, rules, &runs, waivers, &mut stale);
    for (rule, severity) in rules.enabled() {
        if rule.meta.scope == Scope::Waivers {
            run_rule(&run, rule, severity, &stale, &mut findings, &mut runs);
        }
    }
    sort_findings(ws, &mut findings);
    runs.sort_by_key(|r| r.rule.code);
    let rules_run = runs.len();

    let count = |s: Severity| {
        findings
            .iter()
            .filter(|f| f.is_active() && f.severity == s)
            .count()
    };
    // A deployment was checked for readiness when it has worksheets and a readiness rule ran.
    let readiness_selected = rules
        .enabled()
        .any(|(r, _)| r.meta.scope == Scope::Deployment);
    let errors = count(Severity::Error);
    let baselined_errors = baselined
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let mut deployments = deployment_summaries(ws, &findings, &baselined, readiness_selected);
    // The run the EV rules checked, when one of them ran.
    let evidence_selected = rules
        .enabled()
        .any(|(r, _)| r.meta.scope == Scope::Evidence);
    for ((summary, d), facts) in deployments.iter_mut().zip(&ws.deployments).zip(&run.facts) {
        if evidence_selected {
            summary.backup_run = facts.evidence(d).map(|e| e.run.describe());
        }
    }
    // Ready only when every deployment is, and nothing outside them is in error either; not
    // ready when nothing was judged at all.
    let verdict = if errors > 0
        || baselined_errors > 0
        || deployments.is_empty()
        || deployments.iter().any(|d| d.verdict == Verdict::NotReady)
    {
        Verdict::NotReady
    } else if deployments
        .iter()
        .any(|d| d.verdict == Verdict::StructureOnly)
    {
        Verdict::StructureOnly
    } else {
        Verdict::Ready
    };
    Report {
        summary: Summary {
            // The configuration and baseline files are in the workspace only to be pointed at.
            files: ws
                .files
                .iter()
                // A workbook's sheets are parts of its file.
                .filter(|f| f.sheet.is_none())
                .count()
                // Archives and workbooks skipped outside deployment folders were not read.
                .saturating_sub(
                    ws.unread
                        .iter()
                        .filter(|u| {
                            ws.files.get(u.file).encoding == crate::input::source::Encoding::Binary
                        })
                        .count(),
                )
                .saturating_sub(usize::from(waivers.config_file.is_some()))
                .saturating_sub(usize::from(
                    matches!(waivers.baseline, BaselineUse::Apply(b) if b.file.is_some()),
                )),
            topologies: ws.topologies.len(),
            worksheets: ws.worksheets.len(),
            errors,
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            suppressed: findings.iter().filter(|f| !f.is_active()).count(),
            baselined: baselined.len(),
            baselined_errors,
            rules_run,
            verdict,
            deployments,
            backup_topology: backup_topology(ws).map(|b| ws.files.get(b.file).display.clone()),
            backup_identical: backup_topology(ws).is_some_and(|b| {
                let then = &ws.files.get(b.file).text;
                ws.deployments
                    .iter()
                    .any(|d| ws.files.get(ws.topologies[d.topology].file).text == *then)
            }),
            backup_from_archive: ws.backup.is_none() && backup_topology(ws).is_some(),
        },
        findings,
        baselined,
        runs,
    }
}

/// The backup-time topology of the run: `--backup-topology`'s, else the one inside the first
/// deployment's latest Export-CsConfiguration archive.
fn backup_topology(ws: &Workspace) -> Option<&crate::model::Topology> {
    ws.backup.as_ref().or_else(|| {
        ws.deployments
            .iter()
            .find_map(|d| d.archive.and_then(|i| ws.archives.get(i)))
            .and_then(|a| a.topology.as_ref())
    })
}

/// What every rule of a run shares: the workspace, the options, and the facts of each
/// deployment (worked out once, for whichever rules ask).
struct Run<'a> {
    ws: &'a Workspace,
    options: &'a Options,
    /// Parallel to the workspace's deployments.
    facts: Vec<Facts<'a>>,
}

impl<'a> Run<'a> {
    fn new(ws: &'a Workspace, options: &'a Options) -> Self {
        Self {
            ws,
            options,
            facts: ws
                .deployments
                .iter()
                .map(|d| Facts::new(&ws.topologies[d.topology]))
                .collect(),
        }
    }
}

/// The contexts a rule runs in: once per run, or once per deployment (with worksheets, for the
/// readiness rules).
fn contexts<'a>(run: &'a Run<'a>, rule: &RuleDef, stale: &'a [Stale]) -> Vec<Context<'a>> {
    let ws = run.ws;
    let context = |index: Option<usize>| Context {
        workspace: ws,
        deployment: index.map(|i| &ws.deployments[i]),
        facts: index.and_then(|i| run.facts.get(i)),
        options: run.options,
        stale,
    };
    let deployments = ws.deployments.iter().enumerate();
    match rule.meta.scope {
        Scope::Input | Scope::Waivers => vec![context(None)],
        Scope::Topology => deployments.map(|(i, _)| context(Some(i))).collect(),
        Scope::Deployment => deployments
            .filter(|(_, d)| d.has_worksheets())
            .map(|(i, _)| context(Some(i)))
            .collect(),
        Scope::Drift => deployments
            .filter(|(_, d)| ws.backup.is_some() || d.archive.is_some())
            .map(|(i, _)| context(Some(i)))
            .collect(),
        Scope::Evidence => deployments
            .filter(|(i, d)| {
                crate::analysis::evidence::has_evidence(&d.sheets, d.backups.as_ref())
                    || ws.archives.iter().any(|a| a.deployment == Some(*i))
            })
            .map(|(i, _)| context(Some(i)))
            .collect(),
    }
}

/// Runs one rule in each context its scope gives, stamping its drafts into `findings`.
fn run_rule(
    run: &Run<'_>,
    rule: &'static RuleDef,
    severity: Severity,
    stale: &[Stale],
    findings: &mut Vec<Finding>,
    runs: &mut Vec<RuleRun>,
) {
    let (ws, options) = (run.ws, run.options);
    let contexts = contexts(run, rule, stale);
    if contexts.is_empty() {
        return;
    }
    let mut checked = Vec::new();
    let mut places = Vec::new();
    for cx in &contexts {
        places.push(cx.topology().map_or_else(
            || "inputs".to_string(),
            |t| ws.files.get(t.file).display.clone(),
        ));
        let mut drafts = Vec::new();
        (rule.check)(
            cx,
            &mut Emitter {
                drafts: &mut drafts,
                checked: options.record_checked.then_some(&mut checked),
            },
        );
        for draft in drafts {
            // A drift finding may point into the backup-time topology, whose folder changes with
            // every backup: its fingerprint belongs to the deployment's folder.
            let file = match (rule.meta.scope, cx.topology()) {
                (Scope::Drift, Some(topology)) => Some(topology.file),
                _ => draft.primary.as_ref().map(|l| l.file),
            };
            // On Windows the folder is named without regard to case, so a baseline written
            // after `check Deploy` still matches after `check deploy`.
            let scope = file
                .map(|f| {
                    let dir = crate::input::paths::parent_dir(&ws.files.get(f).display);
                    crate::input::paths::fold(dir, crate::input::paths::Platform::CURRENT)
                        .into_owned()
                })
                .unwrap_or_default();
            findings.push(stamp(&rule.meta, draft, severity, &scope));
        }
    }
    checked.sort();
    checked.dedup();
    runs.push(RuleRun {
        rule: &rule.meta,
        severity,
        contexts: places,
        checked,
    });
}

/// Marks the findings an exemption waives; returns the exemptions that waive nothing (expired,
/// or matching no finding of a rule that ran).
fn exempt(
    findings: &mut [Finding],
    rules: &RuleSet,
    runs: &[RuleRun],
    options: &Options,
    waivers: &Waivers<'_>,
) -> Vec<Stale> {
    let mut stale = Vec::new();
    for exemption in waivers.exemptions {
        let expired = options.as_of > exemption.expires;
        let mut matched = 0;
        for f in findings.iter_mut().filter(|f| {
            f.is_active()
                && f.rule.code == exemption.rule
                && f.entity.eq_ignore_ascii_case(&exemption.entity)
        }) {
            matched += 1;
            if !expired {
                f.suppression = Some(crate::lint::finding::Suppression {
                    reason: exemption.reason.clone(),
                    expires: exemption.expires,
                });
            }
        }
        let at = waivers.config_file.map(|file| (file, exemption.span));
        let entity = format!("{} {}", exemption.rule, exemption.entity);
        if expired {
            let again = match matched {
                0 => String::new(),
                1 => "; the finding it waived is reported again".to_string(),
                n => format!("; the {n} findings it waived are reported again"),
            };
            stale.push(Stale {
                at: waivers
                    .config_file
                    .map(|file| (file, exemption.expires_span)),
                label: "expired".to_string(),
                entity,
                message: format!(
                    "the exemption of {} for {} expired on {}{again}",
                    exemption.rule, exemption.entity, exemption.expires
                ),
                help: "fix what the finding reports, or review the exemption and give it a new expiry date".to_string(),
            });
        } else if matched == 0
            && rules.is_enabled(exemption.rule)
            && runs.iter().any(|r| r.rule.code == exemption.rule)
        {
            stale.push(Stale {
                at,
                label: "matches no finding".to_string(),
                entity,
                message: format!(
                    "the exemption of {} for {} matches no finding",
                    exemption.rule, exemption.entity
                ),
                help: "remove the exemption: what it waived is fixed, or its entity is misspelt (compare it with the `entity` of the finding in `--format json`)".to_string(),
            });
        }
    }
    stale
}

/// Splits off the findings the baseline lists (or all of them, when recording one); adds the
/// baseline entries that match nothing to `stale`.
fn baseline(
    findings: Vec<Finding>,
    rules: &RuleSet,
    runs: &[RuleRun],
    waivers: &Waivers<'_>,
    stale: &mut Vec<Stale>,
) -> (Vec<Finding>, Vec<Finding>) {
    match waivers.baseline {
        BaselineUse::None => (findings, Vec::new()),
        BaselineUse::Record => findings.into_iter().partition(|f| !f.is_active()),
        BaselineUse::Apply(baseline) => {
            let listed = baseline.by_fingerprint();
            let mut matched: std::collections::BTreeSet<String> = findings
                .iter()
                .map(|f| f.fingerprint.as_str())
                .filter(|fp| listed.contains_key(fp))
                .map(str::to_string)
                .collect();
            for entry in &baseline.entries {
                let ran =
                    rules.is_enabled(&entry.code) && runs.iter().any(|r| r.rule.code == entry.code);
                let unknown = rules.registry().find(&entry.code).is_none();
                if !matched.contains(entry.fingerprint.as_str()) && (ran || unknown) {
                    stale.push(Stale {
                        at: baseline.file.map(|file| (file, entry.span)),
                        label: "matches no finding".to_string(),
                        entity: format!("{} {}", entry.code, entry.entity),
                        message: format!(
                            "the baseline entry for {} {} matches no finding",
                            entry.code, entry.entity
                        ),
                        help: "what it recorded is fixed (or renamed): rewrite the baseline with `--write-baseline` to drop the entry".to_string(),
                    });
                }
            }
            // A finding that got worse since the baseline recorded it is new again, pointing
            // at the entry that no longer hides it.
            let mut findings = findings;
            for f in findings.iter_mut().filter(|f| f.is_active()) {
                let Some(entry) = listed.get(f.fingerprint.as_str()) else {
                    continue;
                };
                if let Some(then) = entry.worsened(f) {
                    f.message.push_str(&format!(
                        " (worse than when the baseline was written: {then} then)"
                    ));
                    if let Some(file) = baseline.file {
                        f.secondary.push(crate::lint::draft::Label::new(
                            file,
                            entry.span,
                            format!("the baseline recorded it as {then}"),
                        ));
                    }
                    matched.remove(&f.fingerprint);
                }
            }
            findings
                .into_iter()
                .partition(|f| !f.is_active() || !matched.contains(&f.fingerprint))
        }
    }
}

/// By path (in a workbook, then by sheet, in the workbook's order), then position, then rule;
/// exact repeats removed.
fn sort_findings(ws: &Workspace, findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            f.primary.as_ref().map(|l| {
                let file = ws.files.get(l.file);
                (
                    file.display.clone(),
                    file.sheet.is_some().then_some(l.file),
                    l.span.start,
                    l.span.end,
                )
            })
        };
        // Findings without a location come last.
        match (key(a), key(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.rule.code.cmp(b.rule.code))
        .then_with(|| a.message.cmp(&b.message))
        .then_with(|| a.entity.cmp(&b.entity))
    });
    findings.dedup_by(|b, a| {
        a.rule.code == b.rule.code
            && a.primary == b.primary
            && a.message == b.message
            && a.entity == b.entity
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled(set: &RuleSet) -> Vec<&'static str> {
        set.enabled().map(|(r, _)| r.meta.code).collect()
    }

    #[test]
    fn select_by_code_name_and_prefix_then_ignore() {
        let set = RuleSet::all(crate::rules::REGISTRY)
            .select(&["TP10".into(), "decode-error".into()], &["tp101".into()])
            .expect("valid");
        let codes = enabled(&set);
        assert!(codes.contains(&"IN002") && codes.contains(&"TP102"));
        assert!(!codes.contains(&"TP101") && !codes.contains(&"IN001"));
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let err = RuleSet::all(crate::rules::REGISTRY)
            .select(&["duplicate-fdqn".into()], &[])
            .expect_err("unknown");
        match err {
            Fatal::UnknownRule { suggestion, .. } => {
                assert_eq!(
                    suggestion.as_deref(),
                    Some("did you mean `duplicate-fqdn`?")
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    // ---- the entities rules record as checked (the passing cases of `--format junit`) ------

    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use crate::commands::{Env, read_workspace};
    use crate::model::date::Date;

    /// Rules whose subject the example deployment does not have, so they check nothing there.
    const NOTHING_IN_THE_EXAMPLE: &[(&str, &str)] = &[
        ("BK208", "the example has no Persistent Chat store"),
        (
            "HA408",
            "the example has one Front End pool and no pool-pairs worksheet",
        ),
        ("HA409", "the example pairs no pools"),
        ("HA410", "the example pairs no pools"),
        ("HA411", "the example pairs no pools"),
    ];

    /// Rules whose findings are not named like what they check.
    const NAMED_OTHERWISE: &[(&str, &str)] = &[
        (
            "IN006",
            "a clean file passes by its path; a file with placeholders fails by placeholder",
        ),
        (
            "IN007",
            "its context holds only the stale exemptions and baseline entries it reports",
        ),
        (
            "IN009",
            "each file it read passes by its path; a value that fails is a case of its own",
        ),
    ];

    fn read(path: &Path) -> Workspace {
        let env = Env {
            cwd: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            no_color: true,
            stdout_is_terminal: false,
            width: None,
            console: crate::report::console::Console {
                color: false,
                unicode: true,
            },
        };
        read_workspace(&[path.to_path_buf()], false, &env).expect("readable")
    }

    fn as_of() -> Options {
        Options::new(Date::parse("2026-11-21").expect("date"))
    }

    /// Runs one rule as the engine does; returns the entities of its findings and the entities
    /// it recorded with [`Emitter::checked`] (what `emit` recorded taken out).
    fn run_alone(ws: &Workspace, rule: &RuleDef) -> (Vec<String>, BTreeSet<String>) {
        let options = as_of();
        let mut findings = Vec::new();
        let mut explicit = BTreeSet::new();
        let run = Run::new(ws, &options);
        for cx in contexts(&run, rule, &[]) {
            let mut drafts = Vec::new();
            let mut checked = Vec::new();
            (rule.check)(
                &cx,
                &mut Emitter {
                    drafts: &mut drafts,
                    checked: Some(&mut checked),
                },
            );
            for draft in drafts {
                if let Some(i) = checked.iter().position(|c| *c == draft.entity) {
                    checked.swap_remove(i);
                }
                findings.push(draft.entity);
            }
            explicit.extend(checked);
        }
        (findings, explicit)
    }

    #[test]
    fn every_rule_names_what_it_checked_in_the_ready_example() {
        let ws = read(Path::new("testdata/example"));
        let report = run(&ws, &RuleSet::all(crate::rules::REGISTRY), &as_of());
        assert_eq!(report.summary.verdict, Verdict::Ready);
        let mut wrong = Vec::new();
        for r in &report.runs {
            if !matches!(r.rule.scope, Scope::Topology | Scope::Deployment) {
                continue;
            }
            let allowed = NOTHING_IN_THE_EXAMPLE
                .iter()
                .any(|(code, _)| *code == r.rule.code);
            if r.checked.is_empty() != allowed {
                wrong.push(format!("{}: checked {:?}", r.rule.code, r.checked));
            }
        }
        // Every topology and readiness rule ran, and only the allowed ones checked nothing.
        let ran = report
            .runs
            .iter()
            .filter(|r| matches!(r.rule.scope, Scope::Topology | Scope::Deployment))
            .count();
        let expected = crate::rules::ALL
            .iter()
            .filter(|r| matches!(r.meta.scope, Scope::Topology | Scope::Deployment))
            .count();
        assert_eq!(ran, expected);
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn a_finding_is_named_like_the_subject_the_rule_checked() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut cases = Vec::new();
        for code_dir in std::fs::read_dir(root.join("testdata/rules")).expect("fixtures") {
            let code_dir = code_dir.expect("entry").path();
            for case in std::fs::read_dir(&code_dir).expect("cases") {
                let case = case.expect("entry").path();
                let name = case
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .to_string();
                if name.starts_with("fail-") {
                    cases.push(case.strip_prefix(&root).expect("relative").to_path_buf());
                }
            }
        }
        cases.sort();
        let mut wrong = Vec::new();
        let mut findings = 0;
        for case in &cases {
            let code = case
                .parent()
                .and_then(Path::file_name)
                .expect("code folder")
                .to_string_lossy()
                .to_string();
            let rule = crate::rules::find(&code).expect("fixture folder names a rule");
            if NAMED_OTHERWISE.iter().any(|(c, _)| *c == code) {
                continue;
            }
            let (entities, checked) = run_alone(&read(case), rule);
            for entity in entities {
                findings += 1;
                if !checked.contains(&entity) {
                    wrong.push(format!(
                        "{}: finding `{entity}` is not among the checked {checked:?}",
                        case.display()
                    ));
                }
            }
        }
        assert!(findings > 100, "only {findings} findings in the fixtures");
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
