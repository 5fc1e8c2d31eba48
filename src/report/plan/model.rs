//! The plan as plain data ([`Plan`], its sections, steps and prerequisites), and what it is
//! built from ([`Cx`]).

use serde::Serialize;

use super::pages::{self, Cite, Page, Words};
use crate::analysis::facts::Facts;
use crate::lint::finding::Finding;
use crate::model::date::Date;
use crate::model::topology::Topology;
use crate::model::values::SqlRef;
use crate::model::{Deployment, Fqdn, Sheets, Workspace};
use crate::model::{PoolId, SqlId};

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
    /// A paired Front End pool's users failed over to its backup pool before the restore.
    PoolFailover,
    /// The same users failed back once the pool runs again.
    PoolFailback,
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
            Self::PoolFailover => "Failing over the pool to its backup pool",
            Self::PoolFailback => "Failing back the pool",
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
            Self::PoolFailover => &pages::JJ204678,
            Self::PoolFailback => &pages::JJ204945,
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
    /// The standby Central Management store database the store's failover targets.
    StandbyStore,
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
            Self::StandbyStore => "standby Central Management store in the topology",
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
    /// What analysis derives from the topology, worked out once.
    pub facts: Facts<'a>,
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
    pub fn sql_ref(&self, sql: SqlId) -> Option<SqlRef> {
        crate::analysis::restore::sql_ref(self.t, sql)
    }

    /// Where a finding points, as `path:line:column`.
    #[must_use]
    pub fn location(&self, f: &Finding) -> Option<String> {
        f.primary.as_ref().map(|l| {
            let p = crate::report::Position::of(self.ws, l.file, l.span);
            format!("{}:{}:{}", p.path, p.line, p.column)
        })
    }

    /// The topology's instance for a reference.
    #[must_use]
    pub fn instance(&self, r: &SqlRef) -> Option<SqlId> {
        self.t
            .sql_ids()
            .find(|&i| self.sql_ref(i).as_ref() == Some(r))
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
    pub fn machines(&self, pool: PoolId) -> Vec<Fqdn> {
        let p = &self.t.pools[pool];
        p.machines
            .iter()
            .filter_map(|m| m.fqdn.as_ref().or(p.fqdn.as_ref()))
            .map(|f| f.value.clone())
            .collect()
    }
}
