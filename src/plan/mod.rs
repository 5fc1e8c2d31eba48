//! The restore runbook (`topolint plan --failed TARGET`): given what failed, pick the restore
//! scenario of *Preparing to restore Lync Server 2013* (Hh202179), and write the ordered
//! procedure with every command filled in from the topology and the worksheets, and the
//! prerequisites, each satisfied or blocked by the findings of a normal check run.
//!
//! The plan is plain data ([`Plan`]); [`render`] turns it into text, Markdown or JSON.
//! [`target`] reads the `--failed` values, [`select`] picks the scenarios and their order,
//! [`steps`] writes the procedures, each step citing the page and step it carries out
//! ([`pages`]), and [`prereq`] judges the prerequisites.

pub mod pages;
pub mod prereq;
pub mod render;
pub mod select;
pub mod steps;
pub mod target;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::app::{Env, read_workspace};
use crate::date::Date;
use crate::engine::{self, RuleSet};
use crate::error::Fatal;
use crate::finding::Finding;
use crate::model::topology::Topology;
use crate::model::values::SqlRef;
use crate::model::{Deployment, Fqdn, Sheets, Workspace};
use crate::waiver::{BaselineUse, Waivers};

use pages::{Cite, Page, Words};

/// `topolint plan` options.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// What failed: a machine or pool FQDN, a SQL instance (`fqdn\instance`), or a store
    /// (`UserStore:POOL`, `FileStore:HOST`, `ArchivingStore:SQL`...); repeat it for things that
    /// failed together
    #[arg(long, required = true, value_name = "TARGET")]
    pub failed: Vec<String>,

    /// The deployment: a directory holding the topology and its worksheets, or files
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,

    /// The date expiry and backup-age rules measure against (YYYY-MM-DD; default today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,

    /// Configuration file (default: the nearest topolint.toml from the working directory up)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Also walk hidden and ignored paths
    #[arg(long)]
    pub no_ignore: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Plain text for a terminal
    Text,
    /// Markdown, for a change ticket
    Markdown,
    /// One JSON object (schema_version 1)
    Json,
}

/// `text` as a Markdown code span, in prose: delimited by one more backquote than the longest
/// run inside it (and a space inside each delimiter when it starts or ends with one), so that a
/// value holding backquotes stays one span. The text renderer shows the delimiters as they are.
#[must_use]
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// A restore procedure of the "What to Restore" table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// An entire pool: its Back End first, then each member server.
    Pool,
    CentralManagement,
    StandardEdition,
    BackEnd,
    MirroredPrimary,
    MirroredMirror,
    FileStore,
    MemberServer,
    MonitoringArchiving,
    PersistentChat,
    /// A mirroring witness: no row of the table; rebuilt so failover is automatic again.
    Witness,
    /// Starting a Front End pool whose every Front End Server was down, and what needs it
    /// running: not a row of the table, but the end of an entire pool's restore.
    PoolStart,
}

impl Scenario {
    /// The row of the "What to Restore" table, in words.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Pool => "Entire pool",
            Self::CentralManagement => "Server hosting the Central Management store",
            Self::StandardEdition => "Standard Edition server",
            Self::BackEnd => "Enterprise Edition Back End Server",
            Self::MirroredPrimary => "Mirrored Back End Server: primary",
            Self::MirroredMirror => "Mirrored Back End Server: mirror",
            Self::FileStore => "File store",
            Self::MemberServer => "Enterprise Edition member server",
            Self::MonitoringArchiving => "Monitoring or Archiving database",
            Self::PersistentChat => "Persistent Chat database",
            Self::Witness => "SQL mirroring witness (not in the table)",
            Self::PoolStart => "Starting the pool",
        }
    }

    /// Microsoft's page for the procedure, in the product's words where they differ.
    #[must_use]
    pub fn page(self, words: &Words) -> &'static Page {
        match self {
            Self::Pool => &pages::HH202176,
            Self::CentralManagement => &pages::HH202172,
            Self::StandardEdition => &pages::HH202190,
            Self::BackEnd => &pages::HH202163,
            Self::MirroredPrimary => &pages::JJ945648,
            Self::MirroredMirror => &pages::JJ945626,
            Self::FileStore => &pages::HH202180,
            Self::MemberServer => &pages::HH202191,
            Self::MonitoringArchiving => &pages::HH202175,
            Self::PersistentChat => &pages::JJ945649,
            Self::Witness => &pages::JJ204992,
            Self::PoolStart if words.is_sfb() => &pages::SFB_INSTALL,
            Self::PoolStart => &pages::GG412996,
        }
    }
}

/// One restore procedure of the plan, for one thing that failed.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub scenario: Scenario,
    /// What is restored (`sql01.contoso.com\rtc`, `fe01.contoso.com`).
    pub subject: String,
    /// Why this procedure applies.
    pub why: String,
    pub source: &'static Page,
    pub steps: Vec<Step>,
}

/// One step: what to do, and the commands to type, filled in.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Step {
    pub text: String,
    /// The steps of Microsoft's pages this one carries out.
    pub cites: Vec<Cite>,
    /// The server the step is done on, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// The server this step starts to rebuild.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuilds: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
    /// Set when a value the commands need failed its check: the commands are left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<Withheld>,
}

/// Why a step's commands are left out: a value they need cannot be what it names, and the
/// finding that reports it.
#[derive(Clone, Debug, Serialize)]
pub struct Withheld {
    /// `IN009`, or `IN006` for a value holding a template placeholder.
    pub code: &'static str,
    pub name: &'static str,
    /// Why the value fails, without repeating it (`a value it needs is not an FQDN: ...`).
    pub message: String,
    /// Where the check run reported it (`database.csv:2:88`), when it did.
    pub location: Option<String>,
    /// The value itself: never written into the plan (see [`scrub`]).
    #[serde(skip)]
    pub value: String,
}

/// What a prerequisite is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    SameFqdnServer,
    SqlInstance,
    Certificates,
    SystemImage,
    BackupArtefact,
    /// A backup the plan takes first, from a mirror that still works.
    FreshBackup,
    /// The file share SQL Server mirroring copies the databases through.
    MirroringShare,
}

impl Check {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::SameFqdnServer => "server with the same FQDN",
            Self::SqlInstance => "SQL Server with the same instance name",
            Self::Certificates => "certificates restored or re-enrolled",
            Self::SystemImage => "system image taken",
            Self::BackupArtefact => "backup artefact recorded",
            Self::FreshBackup => "fresh backup from the working mirror",
            Self::MirroringShare => "file share for mirroring",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Satisfied,
    Blocked,
    /// Nothing in the inputs can show it: to confirm by hand before starting.
    Unverified,
}

/// A finding that bears on a prerequisite.
#[derive(Clone, Debug, Serialize)]
pub struct Blocker {
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    /// Whether it stops this restore; when not, it is shown as a note.
    pub blocks: bool,
}

/// One line of the prerequisites checklist.
#[derive(Clone, Debug, Serialize)]
pub struct Prerequisite {
    pub check: Check,
    pub subject: String,
    pub status: Status,
    /// What the worksheets record about it.
    pub detail: String,
    /// Error findings block; warnings are shown with it but do not.
    pub findings: Vec<Blocker>,
}

/// A restore runbook.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    pub schema_version: u32,
    /// The topology document, as displayed.
    pub topology: String,
    pub product: &'static str,
    pub as_of: String,
    /// The `--failed` values, as given.
    pub failed: Vec<String>,
    pub sections: Vec<Section>,
    pub prerequisites: Vec<Prerequisite>,
    pub blocked: bool,
    /// Every page the plan cites, in the order first cited.
    pub sources: Vec<&'static Page>,
}

/// What the plan is built from: one deployment and the findings of a check run over it.
pub struct Cx<'a> {
    pub ws: &'a Workspace,
    pub deployment: &'a Deployment,
    pub t: &'a Topology,
    pub sheets: &'a Sheets,
    /// Findings about this deployment's files.
    pub findings: Vec<&'a Finding>,
    /// The product's names for its tools.
    pub words: Words,
    /// The date the plan is made for (it names the files of a fresh backup).
    pub as_of: Date,
}

impl Cx<'_> {
    /// The instance as worksheets name it, when its server is known.
    #[must_use]
    pub fn sql_ref(&self, sql: usize) -> Option<SqlRef> {
        crate::model::restore::sql_ref(self.t, sql)
    }

    /// Where a finding points, as `path:line:column`.
    #[must_use]
    pub fn location(&self, f: &Finding) -> Option<String> {
        f.primary.as_ref().map(|l| {
            let p = crate::render::Position::of(self.ws, l.file, l.span);
            format!("{}:{}:{}", p.path, p.line, p.column)
        })
    }

    /// The topology's instance for a reference.
    #[must_use]
    pub fn instance(&self, r: &SqlRef) -> Option<usize> {
        (0..self.t.sql_instances.len()).find(|&i| self.sql_ref(i).as_ref() == Some(r))
    }
}

/// A mirrored pair as the `sql-instances` worksheet records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mirroring {
    pub principal: SqlRef,
    pub mirror: SqlRef,
    pub witness: Option<SqlRef>,
}

impl Cx<'_> {
    /// Every mirrored pair, in worksheet order.
    #[must_use]
    pub fn mirrorings(&self) -> Vec<Mirroring> {
        self.sheets
            .mirrored()
            .map(|(row, principal, mirror)| Mirroring {
                principal,
                mirror: mirror.clone(),
                witness: row.witness.value.clone(),
            })
            .collect()
    }

    /// The FQDNs of the machines of a pool.
    #[must_use]
    pub fn machines(&self, pool: usize) -> Vec<Fqdn> {
        let p = &self.t.pools[pool];
        p.machines
            .iter()
            .filter_map(|m| m.fqdn.as_ref().or(p.fqdn.as_ref()))
            .map(|f| f.value.clone())
            .collect()
    }
}

/// Runs `topolint plan`.
///
/// # Errors
/// Usage errors (a bad date, an unknown target), missing paths, no input, unwritable output.
pub fn run(args: &PlanArgs, env: &Env, out: &mut dyn Write) -> Result<u8, Fatal> {
    let as_of = match &args.as_of {
        None => Date::today(),
        Some(text) => Date::parse(text.trim()).ok_or_else(|| Fatal::Usage {
            message: format!("`--as-of {text}` is not a date"),
            help: Some("write the date as YYYY-MM-DD, for example --as-of 2026-11-21".to_string()),
        })?,
    };
    let config = crate::config::load(args.config.as_deref(), &env.cwd)?;
    let mut rules = RuleSet::all();
    for (code, level) in &config.rules {
        rules.set(code, *level);
    }
    let mut options = config.options(as_of);
    options.as_of_is_today = args.as_of.is_none();
    let mut ws = read_workspace(&args.paths, args.no_ignore, env)?;
    // The exemptions of topolint.toml apply as they do to `check`: a waived finding blocks
    // nothing. Baselines are for CI runs and play no part here.
    let config_file = crate::app::attach_config(&mut ws, &config);
    let waivers = Waivers {
        exemptions: &config.exemptions,
        config_file,
        baseline: BaselineUse::None,
    };
    let report = engine::run_with(&ws, &rules, &options, &waivers);
    let active: Vec<Finding> = report.active().cloned().collect();
    let plan = build(&ws, &active, &args.failed, as_of)?;
    let mut buffer = Vec::new();
    let written = match args.format {
        PlanFormat::Text => render::text(&mut buffer, &plan),
        PlanFormat::Markdown => render::markdown(&mut buffer, &plan),
        PlanFormat::Json => render::json(&mut buffer, &plan),
    };
    written
        .and_then(|()| out.write_all(&buffer))
        .and_then(|()| out.flush())
        .map_err(|e| Fatal::Io {
            message: format!("cannot write the plan: {e}"),
        })?;
    Ok(u8::from(plan.blocked))
}

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
    use crate::engine::{self, RuleSet};
    use crate::error::Fatal;
    use crate::model::Workspace;
    use crate::rules::test_util::{AS_OF, options};

    /// The files of `testdata/plan/mixed`: a Standard Edition server, a mirrored Back End, a
    /// Persistent Chat pool and a stand-alone Archiving store.
    pub const MIXED: &[(&str, &str)] = &[
        (
            "topology.xml",
            include_str!("../../testdata/plan/mixed/topology.xml"),
        ),
        (
            "database.csv",
            include_str!("../../testdata/plan/mixed/database.csv"),
        ),
        (
            "file-store.csv",
            include_str!("../../testdata/plan/mixed/file-store.csv"),
        ),
        (
            "settings.csv",
            include_str!("../../testdata/plan/mixed/settings.csv"),
        ),
        (
            "servers.csv",
            include_str!("../../testdata/plan/mixed/servers.csv"),
        ),
        (
            "sql-instances.csv",
            include_str!("../../testdata/plan/mixed/sql-instances.csv"),
        ),
        (
            "certificates.csv",
            include_str!("../../testdata/plan/mixed/certificates.csv"),
        ),
        (
            "backup-runs.csv",
            include_str!("../../testdata/plan/mixed/backup-runs.csv"),
        ),
    ];

    fn workspace(files: &[(&str, &str)]) -> Workspace {
        let bytes: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        crate::load::from_memory(&bytes)
    }

    /// The plan for `failed` over in-memory files, after a check with every rule.
    pub fn plan(files: &[(&str, &str)], failed: &[&str]) -> Result<Plan, Fatal> {
        let ws = workspace(files);
        let report = engine::run(&ws, &RuleSet::all(), &options());
        let failed: Vec<String> = failed.iter().map(|f| (*f).to_string()).collect();
        let as_of = crate::date::Date::parse(AS_OF).expect("date");
        build(&ws, &report.findings, &failed, as_of)
    }
}
