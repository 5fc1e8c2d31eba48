//! The prerequisites of a plan (*Preparing to restore Lync Server 2013*, Hh202179): a server
//! with the same FQDN, SQL Server with the same instance names, certificates, a system image,
//! and the backups the steps read. Each is judged by the findings of a normal check run: an
//! error finding about it blocks it, a warning is shown with it.

use crate::finding::{Finding, Severity};
use crate::model::topology::FileStore;
use crate::model::values::{Db, SqlRef, Unc};
use crate::model::worksheet::{At, Kind};
use crate::model::{Fqdn, restore};

use super::steps::Needs;
use super::{Blocker, Check, Cx, Prerequisite, Status};

/// A backup a step reads, as the worksheets record it.
#[derive(Clone, Debug)]
pub struct Artefact {
    /// `xds@sql01.contoso.com`, `rtcxds@pool01.contoso.com`, `\\fs01.contoso.com\lyncshare`.
    pub subject: String,
    /// What it is, in words.
    pub what: String,
    pub sheet: Kind,
    /// The worksheet row that records it.
    pub row: Option<At>,
    /// The folder (or file) the row names.
    pub location: Option<String>,
    /// The file in that folder, when the row names one or a default is assumed.
    pub file: Option<String>,
    /// The file name is not recorded: `file` is the tool's usual name.
    pub assumed_file: bool,
    pub set_name: Option<String>,
    pub last_backup: Option<String>,
    pub tool: Option<String>,
    /// Entities of the findings that report the row missing, lower-case.
    pub keys: Vec<String>,
}

impl Artefact {
    fn new(subject: String, what: String, sheet: Kind) -> Self {
        Self {
            keys: vec![subject.to_lowercase()],
            subject,
            what,
            sheet,
            row: None,
            location: None,
            file: None,
            assumed_file: false,
            set_name: None,
            last_backup: None,
            tool: None,
        }
    }

    /// The path the commands use: the folder and file, or a marker when nothing is recorded.
    #[must_use]
    pub fn path(&self) -> String {
        self.path_or(None)
    }

    /// Like [`Self::path`], with `default` as the file when the row names only a folder.
    #[must_use]
    pub fn path_or(&self, default: Option<&str>) -> String {
        let Some(location) = &self.location else {
            return format!("<no backup of {} recorded>", self.subject);
        };
        let file = self
            .file
            .as_deref()
            .or(default.filter(|_| !location.to_lowercase().ends_with(".zip")));
        match file {
            Some(file) => format!("{}\\{file}", location.trim_end_matches('\\')),
            None => location.clone(),
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
    let mut a = Artefact::new(format!("{db}@{host}"), what.to_string(), Kind::Settings);
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
pub fn rgs(cx: &Cx<'_>, pool: usize) -> Artefact {
    let name = Fqdn::new(&cx.t.pool_name(pool));
    settings(cx, Db::Rgsconfig, &name)
}

/// The user data export of a pool (rtcxds), from the database worksheet.
#[must_use]
pub fn user_data(cx: &Cx<'_>, pool: usize, sql: Option<usize>) -> Artefact {
    let name = cx.t.pool_name(pool);
    let mut a = Artefact::new(
        format!("rtcxds@{name}"),
        "user data export (Export-CsUserData)".to_string(),
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
        let zip_set = a
            .set_name
            .clone()
            .filter(|s| s.to_lowercase().ends_with(".zip"));
        let zip_location = a
            .location
            .as_ref()
            .is_some_and(|l| l.to_lowercase().ends_with(".zip"));
        if zip_set.is_some() {
            a.file = zip_set;
        } else if !zip_location {
            a.file = Some("ExportedUserData.zip".to_string());
            a.assumed_file = true;
        }
    }
    a
}

/// A SQL Server backup of `db` on an instance (LcsLog, LcsCDR, QoEMetrics, mgc).
#[must_use]
pub fn sql_backup(cx: &Cx<'_>, db: Db, sql: usize) -> Artefact {
    let shown = cx.t.sql_display(sql);
    let what = match db {
        Db::Lcslog => "Archiving database backup",
        Db::Lcscdr => "call detail records database backup",
        Db::Qoemetrics => "QoE metrics database backup",
        Db::Mgc => "Persistent Chat database backup",
        _ => "database backup",
    };
    let mut a = Artefact::new(format!("{db}@{shown}"), what.to_string(), Kind::Database);
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
        a.assumed_file = a
            .location
            .as_ref()
            .is_some_and(|l| !l.to_lowercase().ends_with(".zip"));
    }
    a
}

/// The copy of a file store, from the file-store worksheet.
#[must_use]
pub fn file_store(cx: &Cx<'_>, store: &FileStore) -> Artefact {
    let unc = store.unc.to_lowercase();
    let mut a = Artefact::new(
        unc.clone(),
        "file store copy (Robocopy or another file tool)".to_string(),
        Kind::FileStore,
    );
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
                format!("{name} from {location}")
            } else if r.reenroll.value == Some(true) {
                format!("{name} re-enrolled from the internal CA")
            } else {
                format!("{name} (no way back recorded)")
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

/// Where a row is, as `file:line`.
fn place(cx: &Cx<'_>, at: At) -> String {
    let file = cx.ws.files.get(at.file);
    format!("{}:{}", file.display, file.line(at.span.start))
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

fn blockers(findings: &[&Finding]) -> Vec<Blocker> {
    findings
        .iter()
        .map(|f| Blocker {
            code: f.rule.code,
            severity: f.severity.as_str(),
            message: f.message.clone(),
        })
        .collect()
}

fn judged(findings: &[&Finding]) -> Status {
    if findings.iter().any(|f| f.severity == Severity::Error) {
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
    let checked = |check: Check, subject: String, detail: String, found: Vec<&Finding>| {
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
        });
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
        let found = about(&["RS302", "RS305", "HA403", "HA404", "HA406"], &|f| {
            entity_instance(&f.entity) == key
        });
        let detail = match (
            sql_release(cx, r),
            cx.sheets.first_row_per_instance().get(r),
        ) {
            (Some(release), Some(row)) => format!("{release} ({})", place(cx, row.at)),
            _ => "not recorded in the sql-instances worksheet".to_string(),
        };
        out.push(checked(Check::SqlInstance, key, detail, found));
    }
    let servers = restore::servers(cx.t);
    for fqdn in &needs.servers {
        let needs_certificates = servers
            .iter()
            .any(|s| &s.fqdn.value == fqdn && s.needs_certificates());
        if !needs_certificates {
            continue;
        }
        let found = about(&["RS303", "RS304"], &|f| {
            fqdn.matches_host(&entity_host(&f.entity))
        });
        let sources = certificate_sources(cx, fqdn);
        let detail = if sources.is_empty() {
            "no certificate recorded in the certificates worksheet".to_string()
        } else {
            sources.join("; ")
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
        out.push(artefact(cx, a, sheets));
    }
    out
}

/// Codes of the rules that report a backup row missing.
const MISSING_ROW: &[&str] = &["BK204", "BK205", "BK206", "BK207", "BK208", "BK209"];

fn artefact(cx: &Cx<'_>, a: &Artefact, sheets: bool) -> Prerequisite {
    let found: Vec<&Finding> = cx
        .findings
        .iter()
        .copied()
        .filter(|f| {
            a.row.is_some_and(|at| inside(f, at))
                || (MISSING_ROW.contains(&f.rule.code) && a.keys.contains(&f.entity.to_lowercase()))
        })
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
    let mut detail = a.path();
    if let Some(set) = &a.set_name {
        detail.push_str(&format!(", backup set `{set}`"));
    }
    if let Some(date) = &a.last_backup {
        detail.push_str(&format!(", last backup {date}"));
    }
    detail.push_str(&format!(" ({})", place(cx, at)));
    Prerequisite {
        check: Check::BackupArtefact,
        subject,
        status: judged(&found),
        detail,
        findings: blockers(&found),
    }
}

fn shown_or_blank(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        "(blank)".to_string()
    } else {
        format!("`{t}`")
    }
}
