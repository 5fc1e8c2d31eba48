//! The prerequisites of a plan (*Preparing to restore Lync Server 2013*, Hh202179): a server
//! with the same FQDN, SQL Server with the same instance names, certificates, a system image,
//! and the backups the steps read. Each is judged by the findings of a normal check run that
//! are about it. A finding blocks only when it stops this restore (no replacement server, an
//! instance name not on record, a certificate with no way back, a backup the steps read that no
//! row records); the others are shown with it as notes.
//!
//! A backup is "recorded": the worksheets say where it is; nothing here looks at the share.

use crate::analysis::restore;
use crate::lint::draft::Severity;
use crate::lint::finding::Finding;
use crate::model::Fqdn;
use crate::model::topology::FileStore;
use crate::model::valid::{Invalid, Valid, What};
use crate::model::values::{Db, SqlRef, Unc};
use crate::model::worksheet::{At, Kind};
use crate::model::{PoolId, SqlId};
use crate::report::powershell::{Literal, Part};

use super::model::{Blocker, Check, Cx, Prerequisite, Status, code};

/// The local folder a step copies an export to before importing it, where Microsoft's page
/// imports from a local copy.
pub const LOCAL_FOLDER: &str = "C:\\Restore";

/// What stands for a file name the worksheets do not record.
const UNKNOWN_FILE: &str = "<file name not recorded>";

/// A backup a step reads, as the worksheets record it, or one the plan takes first.
#[derive(Clone, Debug)]
pub struct Artefact {
    /// `xds@sql01.contoso.com`, `rtcxds@pool01.contoso.com`, `\\fs01.contoso.com\lyncshare`.
    pub subject: String,
    /// What it is, in words.
    pub what: &'static str,
    pub sheet: Kind,
    /// The worksheet row that records it.
    pub row: Option<At>,
    /// The folder (or the `.zip` file) the row names.
    pub location: Option<String>,
    /// The file in that folder, when the row names one.
    pub file: Option<String>,
    /// A command reads the file itself (not a SQL Server backup chosen in SSMS).
    pub needs_file: bool,
    pub set_name: Option<String>,
    pub last_backup: Option<String>,
    pub tool: Option<String>,
    /// Entities of the findings that report the row missing, lower-case.
    pub keys: Vec<String>,
    /// Exported by this plan from the mirror that still works, rather than read from a backup.
    pub fresh_from: Option<SqlRef>,
}

fn is_zip(path: &str) -> bool {
    path.to_lowercase().ends_with(".zip")
}

impl Artefact {
    fn new(subject: String, what: &'static str, sheet: Kind) -> Self {
        Self {
            keys: vec![subject.to_lowercase()],
            subject,
            what,
            sheet,
            row: None,
            location: None,
            file: None,
            needs_file: true,
            set_name: None,
            last_backup: None,
            tool: None,
            fresh_from: None,
        }
    }

    /// The folder the backup is in.
    #[must_use]
    pub fn folder(&self) -> Option<&str> {
        let location = self.location.as_deref()?;
        if self.file.is_none() && is_zip(location) {
            Some(location.rsplit_once('\\').map_or("", |(folder, _)| folder))
        } else {
            Some(location.trim_end_matches('\\'))
        }
    }

    /// The file name: the one the row names, or the last part of a location that is a `.zip`.
    #[must_use]
    pub fn file_name(&self) -> Option<&str> {
        match (&self.file, &self.location) {
            (Some(file), _) => Some(file),
            (None, Some(location)) if is_zip(location) => Some(
                location
                    .rsplit_once('\\')
                    .map_or(location.as_str(), |(_, f)| f),
            ),
            _ => None,
        }
    }

    /// A folder is recorded but not the file a command reads.
    #[must_use]
    pub fn file_unknown(&self) -> bool {
        self.needs_file && self.location.is_some() && self.file_name().is_none()
    }

    /// The path as shown in prose: the folder and file, or a marker when nothing is recorded.
    #[must_use]
    pub fn path(&self) -> String {
        match (self.folder(), self.file_name()) {
            (None, _) => format!("<no {} recorded>", self.what),
            (Some(folder), Some(file)) => format!("{folder}\\{file}"),
            (Some(folder), None) if self.needs_file => format!("{folder}\\{UNKNOWN_FILE}"),
            (Some(folder), None) => folder.to_string(),
        }
    }

    /// The path as a command argument, built from the row's folder and file once each has
    /// passed its check; topolint's words (`<no ... recorded>`, `<file name not recorded>`)
    /// where the worksheets are silent.
    ///
    /// # Errors
    /// The folder or the file name fails its check (IN009).
    pub fn argument(&self) -> Result<Literal, Invalid> {
        let Some(location) = &self.location else {
            return Ok(Literal::join(&[
                Part::Text("<no "),
                Part::Text(self.what),
                Part::Text(" recorded>"),
            ]));
        };
        Valid::new(What::Path, location)?;
        let folder = Valid::new(What::Path, self.folder().unwrap_or_default())?;
        match self.file_name() {
            Some(file) => {
                let file = Valid::new(What::FileName, file)?;
                Ok(Literal::join(&[
                    Part::Value(&folder),
                    Part::Text("\\"),
                    Part::Value(&file),
                ]))
            }
            None if self.needs_file => Ok(Literal::join(&[
                Part::Value(&folder),
                Part::Text("\\"),
                Part::Text(UNKNOWN_FILE),
            ])),
            None => Ok(Literal::from(&Valid::new(What::Path, location)?)),
        }
    }

    /// The path of its copy in [`LOCAL_FOLDER`].
    ///
    /// # Errors
    /// The file name fails its check (IN009).
    pub fn local(&self) -> Result<Literal, Invalid> {
        let start = [Part::Text(LOCAL_FOLDER), Part::Text("\\")];
        match self.file_name() {
            Some(file) => {
                let file = Valid::new(What::FileName, file)?;
                Ok(Literal::join(&[start[0], start[1], Part::Value(&file)]))
            }
            None => Ok(Literal::join(&[
                start[0],
                start[1],
                Part::Text(UNKNOWN_FILE),
            ])),
        }
    }

    /// The same backup taken again, now, from the working mirror `from`: a new file, `name`,
    /// in the folder the scheduled one is recorded in (the exports refuse to overwrite).
    #[must_use]
    pub fn fresh(&self, name: String, from: &SqlRef) -> Self {
        Self {
            row: None,
            location: self.folder().map(ToString::to_string),
            file: Some(name),
            needs_file: true,
            set_name: None,
            last_backup: None,
            tool: None,
            fresh_from: Some(from.clone()),
            ..self.clone()
        }
    }
}

fn cell(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The export of `db` (xds, lis, rgsconfig) from `host`, from the settings worksheet.
#[must_use]
pub fn settings(cx: &Cx<'_>, db: Db, host: &Fqdn) -> Artefact {
    let what = match db {
        Db::Xds => "Central Management store export (Export-CsConfiguration)",
        Db::Lis => "E9-1-1 location export (Export-CsLisConfiguration)",
        _ => "Response Group export (Export-CsRgsConfiguration)",
    };
    let mut a = Artefact::new(format!("{db}@{host}"), what, Kind::Settings);
    if let Some(row) = cx
        .sheets
        .settings
        .iter()
        .find(|r| restore::settings_row_covers(r, db, host))
    {
        a.row = Some(row.at);
        a.location = cell(&row.location.text);
        a.file = cell(&row.file_name.text);
        a.last_backup = cell(&row.last_backup.cell.text);
        a.tool = cell(&row.tool.text);
    }
    a
}

/// The Response Group export of a pool.
#[must_use]
pub fn rgs(cx: &Cx<'_>, pool: PoolId) -> Artefact {
    let name = Fqdn::new(&cx.t.pool_name(pool));
    settings(cx, Db::Rgsconfig, &name)
}

/// The user data export of a pool (rtcxds), from the database worksheet. The file is the one
/// the row names (a `.zip` backup set name or destination); `Export-CsUserData` has no default
/// file name, so none is assumed.
#[must_use]
pub fn user_data(cx: &Cx<'_>, pool: PoolId, sql: Option<SqlId>) -> Artefact {
    let name = cx.t.pool_name(pool);
    let mut a = Artefact::new(
        format!("rtcxds@{name}"),
        "user data export (Export-CsUserData)",
        Kind::Database,
    );
    if let Some(row) = cx
        .sheets
        .database
        .iter()
        .find(|r| restore::database_row_covers(cx.t, r, Db::Rtcxds, sql, Some(pool)))
    {
        a.row = Some(row.at);
        a.location = cell(&row.destination.text);
        a.set_name = cell(&row.set_name.text);
        a.last_backup = cell(&row.last_backup.cell.text);
        a.tool = cell(&row.tool.text);
        if !a.location.as_deref().is_some_and(is_zip) {
            a.file = a.set_name.clone().filter(|s| is_zip(s));
        }
    }
    a
}

/// A backup of `db` on an instance (LcsLog, LcsCDR, QoEMetrics, mgc): a SQL Server backup,
/// or for mgc possibly an `Export-CsPersistentChatData` file.
#[must_use]
pub fn sql_backup(cx: &Cx<'_>, db: Db, sql: SqlId) -> Artefact {
    let shown = cx.t.sql_display(sql);
    let what = match db {
        Db::Lcslog => "Archiving database backup",
        Db::Lcscdr => "call detail records database backup",
        Db::Qoemetrics => "QoE metrics database backup",
        Db::Mgc => "Persistent Chat database backup",
        _ => "database backup",
    };
    let mut a = Artefact::new(format!("{db}@{shown}"), what, Kind::Database);
    a.needs_file = false;
    if let Some(server) = cx.t.sql_server(sql) {
        a.keys.push(format!("{db}@{}", server.value));
    }
    if let Some(row) = cx
        .sheets
        .database
        .iter()
        .find(|r| restore::database_row_covers(cx.t, r, db, Some(sql), None))
    {
        a.row = Some(row.at);
        a.location = cell(&row.destination.text);
        a.set_name = cell(&row.set_name.text);
        a.last_backup = cell(&row.last_backup.cell.text);
        a.tool = cell(&row.tool.text);
        a.needs_file = a.is_export();
    }
    a
}

impl Artefact {
    /// Made by `Export-CsPersistentChatData` (imported with the matching cmdlet), as the
    /// worksheet's tool column says.
    #[must_use]
    pub fn is_export(&self) -> bool {
        self.tool
            .as_deref()
            .is_some_and(|t| t.to_lowercase().contains("export-cspersistentchatdata"))
    }
}

/// The copy of a file store, from the file-store worksheet.
#[must_use]
pub fn file_store(cx: &Cx<'_>, store: &FileStore) -> Artefact {
    let unc = store.unc.to_lowercase();
    let mut a = Artefact::new(
        unc.clone(),
        "file store copy (Robocopy or another file tool)",
        Kind::FileStore,
    );
    a.needs_file = false;
    if let Some(row) = cx
        .sheets
        .file_store
        .iter()
        .find(|r| Unc::parse(&r.share.text).is_some_and(|u| u.root() == unc))
    {
        a.row = Some(row.at);
        a.location = cell(&row.destination.text);
        a.last_backup = cell(&row.last_backup.cell.text);
        a.tool = cell(&row.tool.text);
    }
    a
}

/// How each certificate of a server comes back, as the certificates worksheet says.
#[must_use]
pub fn certificate_sources(cx: &Cx<'_>, fqdn: &Fqdn) -> Vec<String> {
    cx.sheets
        .certificates
        .iter()
        .filter(|r| {
            r.server
                .value
                .as_ref()
                .is_some_and(|s| fqdn.matches_host(s))
        })
        .map(|r| {
            let name = r.certificate.text.trim();
            let location = r.location.text.trim();
            if r.exportable.value == Some(true) && !location.is_empty() {
                format!("{} from {}", code(name), code(location))
            } else if r.reenroll.value == Some(true) {
                format!("{} re-enrolled from the internal CA", code(name))
            } else {
                format!("{} (no way back recorded)", code(name))
            }
        })
        .collect()
}

/// The SQL Server release and edition recorded for an instance (`SQL Server 2012 SP4 Enterprise`).
#[must_use]
pub fn sql_release(cx: &Cx<'_>, r: &SqlRef) -> Option<String> {
    let rows = cx.sheets.first_row_per_instance();
    let row = rows.get(r)?;
    let text = format!(
        "{} {}",
        row.version.cell.text.trim(),
        row.edition.cell.text.trim()
    );
    cell(&text)
}

/// Where a row is, as `file:line`; in a workbook, the row of its sheet as Excel's Name Box
/// takes it (`worksheets.xlsx 'servers'!10:10`).
fn place(cx: &Cx<'_>, at: At) -> String {
    let file = cx.ws.files.get(at.file);
    let line = file.line(at.span.start);
    match &file.sheet {
        Some(sheet) => format!(
            "{} '{}'!{line}:{line}",
            file.display,
            sheet.name.replace('\'', "''")
        ),
        None => format!("{}:{line}", file.display),
    }
}

/// The host a finding's entity names: after `db@`, without `\\`, before `\instance` or `/cert`.
fn entity_host(entity: &str) -> Fqdn {
    let place = entity.rsplit_once('@').map_or(entity, |(_, p)| p);
    let place = place.trim_start_matches('\\');
    let host = place.split(['\\', '/']).next().unwrap_or("");
    Fqdn::new(host)
}

/// The SQL instance a finding's entity names (`server\instance`, or `server`).
fn entity_instance(entity: &str) -> String {
    entity
        .rsplit_once('@')
        .map_or(entity, |(_, p)| p)
        .to_lowercase()
}

/// The findings about one prerequisite, each with whether it stops this restore.
type Found<'a> = Vec<(&'a Finding, bool)>;

fn blockers(found: &Found<'_>) -> Vec<Blocker> {
    found
        .iter()
        .map(|(f, blocks)| Blocker {
            code: f.rule.code,
            severity: f.severity.as_str(),
            message: f.message.clone(),
            blocks: *blocks && f.severity == Severity::Error,
        })
        .collect()
}

fn judged(found: &Found<'_>) -> Status {
    if found
        .iter()
        .any(|(f, blocks)| *blocks && f.severity == Severity::Error)
    {
        Status::Blocked
    } else {
        Status::Satisfied
    }
}

/// Whether a finding's primary label lies inside a worksheet row.
fn inside(f: &Finding, at: At) -> bool {
    f.primary.as_ref().is_some_and(|l| {
        l.file == at.file && l.span.start >= at.span.start && l.span.end <= at.span.end
    })
}

const NO_WORKSHEETS: &str = "no worksheets beside the topology record it";

/// The rules about a SQL Server instance whose findings stop its restore: its name not on
/// record stops any; a mirroring fault stops only re-creating that mirror. An unsupported
/// release (RS305) is an advisory: the same release ran before.
const INSTANCE_BLOCKS: &[&str] = &["RS302"];
const MIRRORING_BLOCKS: &[&str] = &["HA403", "HA404", "HA406"];

/// What the procedures need, for the prerequisites checklist.
#[derive(Clone, Debug, Default)]
pub struct Needs {
    /// Servers rebuilt with the same FQDN, in plan order.
    pub servers: Vec<Fqdn>,
    /// SQL Server instances installed again with the same name.
    pub instances: Vec<SqlRef>,
    /// Backups the steps read.
    pub artefacts: Vec<Artefact>,
    /// Instances the plan sets up mirroring on again (as principal or mirror).
    pub mirrored: Vec<SqlRef>,
    /// Mirrored pairs set up again through a file share no input records: (principal, mirror).
    pub mirror_shares: Vec<(SqlRef, SqlRef)>,
    /// Back Ends the Central Management store would fail over to that the topology defines no
    /// store database on: (the Back End, its pool).
    pub no_standby: Vec<(SqlRef, String)>,
}

impl Needs {
    pub(super) fn server(&mut self, fqdn: &Fqdn) {
        if !self.servers.contains(fqdn) {
            self.servers.push(fqdn.clone());
        }
    }

    pub(super) fn instance(&mut self, r: &SqlRef) {
        if !self.instances.contains(r) {
            self.instances.push(r.clone());
        }
    }

    /// Records an artefact and returns it, for the commands that read it.
    pub(super) fn artefact(&mut self, a: Artefact) -> Artefact {
        if !self.artefacts.iter().any(|b| b.subject == a.subject) {
            self.artefacts.push(a.clone());
        }
        a
    }

    pub(super) fn mirroring(&mut self, principal: &SqlRef, mirror: &SqlRef) {
        for r in [principal, mirror] {
            if !self.mirrored.contains(r) {
                self.mirrored.push(r.clone());
            }
        }
        let pair = (principal.clone(), mirror.clone());
        if !self.mirror_shares.contains(&pair) {
            self.mirror_shares.push(pair);
        }
    }
}

/// The checklist for what the steps need.
#[must_use]
pub fn prerequisites(cx: &Cx<'_>, needs: &Needs) -> Vec<Prerequisite> {
    let mut out = Vec::new();
    let sheets = cx.deployment.has_worksheets();
    let about = |codes: &[&str], matches: &dyn Fn(&Finding) -> bool| -> Vec<&Finding> {
        cx.findings
            .iter()
            .copied()
            .filter(|f| codes.contains(&f.rule.code) && matches(f))
            .collect()
    };
    let checked = |check: Check, subject: String, detail: String, found: Found<'_>| {
        let status = if sheets {
            judged(&found)
        } else {
            Status::Blocked
        };
        Prerequisite {
            check,
            subject,
            status,
            detail: if sheets {
                detail
            } else {
                NO_WORKSHEETS.to_string()
            },
            findings: blockers(&found),
        }
    };

    for fqdn in &needs.servers {
        let found = about(&["RS301", "RS306"], &|f| {
            fqdn.matches_host(&entity_host(&f.entity))
        })
        .into_iter()
        .map(|f| (f, true))
        .collect();
        let detail = cx
            .sheets
            .servers
            .iter()
            .find(|r| {
                r.server
                    .value
                    .as_ref()
                    .is_some_and(|s| fqdn.matches_host(s))
            })
            .map_or_else(
                || "not recorded in the servers worksheet".to_string(),
                |r| {
                    format!(
                        "replacement {}, computer account retained {} ({})",
                        shown_or_blank(&r.replacement.cell.text),
                        shown_or_blank(&r.account.cell.text),
                        place(cx, r.at)
                    )
                },
            );
        out.push(checked(
            Check::SameFqdnServer,
            fqdn.to_string(),
            detail,
            found,
        ));
    }
    for r in &needs.instances {
        let key = r.to_string();
        let mirrored = needs.mirrored.contains(r);
        let found = about(&["RS302", "RS305", "HA403", "HA404", "HA406"], &|f| {
            entity_instance(&f.entity) == key
        })
        .into_iter()
        .map(|f| {
            let code = f.rule.code;
            let blocks =
                INSTANCE_BLOCKS.contains(&code) || (mirrored && MIRRORING_BLOCKS.contains(&code));
            (f, blocks)
        })
        .collect();
        let detail = match (
            sql_release(cx, r),
            cx.sheets.first_row_per_instance().get(r),
        ) {
            (Some(release), Some(row)) => {
                format!("recorded as {} ({})", code(&release), place(cx, row.at))
            }
            _ => "not recorded in the sql-instances worksheet".to_string(),
        };
        out.push(checked(Check::SqlInstance, key, detail, found));
    }
    let servers = cx.facts.servers();
    for fqdn in &needs.servers {
        let needs_certificates = servers
            .iter()
            .any(|s| &s.fqdn.value == fqdn && s.needs_certificates());
        if !needs_certificates {
            continue;
        }
        let found = about(&["RS303", "RS304"], &|f| {
            fqdn.matches_host(&entity_host(&f.entity))
        })
        .into_iter()
        .map(|f| (f, true))
        .collect();
        let sources = certificate_sources(cx, fqdn);
        let detail = if sources.is_empty() {
            "no certificate recorded in the certificates worksheet".to_string()
        } else {
            format!("recorded: {}", sources.join("; "))
        };
        out.push(checked(
            Check::Certificates,
            fqdn.to_string(),
            detail,
            found,
        ));
    }
    if !needs.servers.is_empty() {
        let names: Vec<String> = needs.servers.iter().map(ToString::to_string).collect();
        out.push(Prerequisite {
            check: Check::SystemImage,
            subject: names.join(", "),
            status: Status::Unverified,
            detail: "take an image of each rebuilt server once the operating system, SQL Server and certificates are in place; no input records it, so confirm it by hand".to_string(),
            findings: Vec::new(),
        });
    }
    for a in &needs.artefacts {
        out.push(match &a.fresh_from {
            Some(from) => fresh(a, from),
            None => artefact(cx, a, sheets),
        });
    }
    for (backend, pool) in &needs.no_standby {
        out.push(Prerequisite {
            check: Check::StandbyStore,
            subject: backend.to_string(),
            status: Status::Blocked,
            detail: format!(
                "the topology defines no Central Management store database on {backend}, the Back End of {pool}: Invoke-CsManagementServerFailover fails over only to a database the topology defines (cmdlet reference), so the plan withholds it, and the users' failover cannot run until the store does"
            ),
            findings: Vec::new(),
        });
    }
    for (principal, mirror) in &needs.mirror_shares {
        out.push(Prerequisite {
            check: Check::MirroringShare,
            subject: format!("{principal} and {mirror}"),
            status: Status::Unverified,
            detail: format!(
                "no input records it, so the commands hold {} in its place: a share the accounts that SQL Server and SQL Server Agent run under on both servers can read and write (JJ204992)",
                code(MIRRORING_SHARE)
            ),
            findings: Vec::new(),
        });
    }
    out
}

/// What stands for the file share mirroring copies the databases through: no input records it.
pub const MIRRORING_SHARE: &str = "<\\\\server\\share for mirroring>";

/// Codes of the rules that report a backup row missing.
const MISSING_ROW: &[&str] = &["BK204", "BK205", "BK206", "BK207", "BK208", "BK209"];

fn artefact(cx: &Cx<'_>, a: &Artefact, sheets: bool) -> Prerequisite {
    let found: Found<'_> = cx
        .findings
        .iter()
        .copied()
        .filter(|f| {
            a.row.is_some_and(|at| inside(f, at))
                || (MISSING_ROW.contains(&f.rule.code) && a.keys.contains(&f.entity.to_lowercase()))
        })
        .map(|f| (f, true))
        .collect();
    let subject = format!("{} ({})", a.subject, a.what);
    let Some(at) = a.row else {
        return Prerequisite {
            check: Check::BackupArtefact,
            subject,
            status: Status::Blocked,
            detail: if sheets {
                format!("no row of the {} worksheet records it", a.sheet.name())
            } else {
                NO_WORKSHEETS.to_string()
            },
            findings: blockers(&found),
        };
    };
    let mut detail = format!("recorded in {}", code(&a.path()));
    if let Some(set) = &a.set_name {
        detail.push_str(&format!(", backup set {}", code(set)));
    }
    if let Some(date) = &a.last_backup {
        detail.push_str(&format!(", last backup {date}"));
    }
    detail.push_str(&format!(" ({})", place(cx, at)));
    let mut status = judged(&found);
    if a.file_unknown() {
        detail.push_str(&format!(
            "; the row gives the folder but not the file's name: find the file there and write its name over {} in the commands",
            code(UNKNOWN_FILE)
        ));
        if status == Status::Satisfied {
            status = Status::Unverified;
        }
    }
    Prerequisite {
        check: Check::BackupArtefact,
        subject,
        status,
        detail,
        findings: blockers(&found),
    }
}

/// A backup the plan takes first: nothing records it yet.
fn fresh(a: &Artefact, from: &SqlRef) -> Prerequisite {
    let subject = format!("{} ({})", a.subject, a.what);
    match a.folder() {
        Some(_) => Prerequisite {
            check: Check::FreshBackup,
            subject,
            status: Status::Unverified,
            detail: format!(
                "exported by this plan from the working mirror {from} to {}; check that the file is there before it is imported",
                code(&a.path())
            ),
            findings: Vec::new(),
        },
        None => Prerequisite {
            check: Check::FreshBackup,
            subject,
            status: Status::Blocked,
            detail: format!(
                "no worksheet row records a folder for this backup, so the plan has nowhere to write it from {from}"
            ),
            findings: Vec::new(),
        },
    }
}

fn shown_or_blank(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        "(blank)".to_string()
    } else {
        code(t)
    }
}
