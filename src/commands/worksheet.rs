//! `topolint worksheet init TOPOLOGY --out DIR [--format csv|xlsx]`: the worksheets, pre-filled
//! from a topology with every row the readiness rules look for, and blank cells for what only the
//! administrator knows: a CSV file per kind, or one workbook of a sheet per kind
//! ([`super::workbook`]) holding the same cells.
//!
//! Every value taken from the topology becomes a cell through [`cell`]: it must pass its check
//! ([`crate::model::valid`]) and must not start like a spreadsheet formula (`= + - @`, a tab or
//! a line break: OWASP's CSV injection). A value that fails is left blank and listed, and the
//! command exits 1; `topolint check` reports it as IN009. A value holding a template
//! placeholder (`$SkypeFQDN`) is IN006's: it is written as it is, unless it starts like a
//! formula or holds a control character, so that the template keeps its rows. Values are never
//! altered, so a worksheet reads back exactly as written. The files are created anew: never
//! written through a symbolic link, never over the topology they are made from.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{InitArgs, InitFormat};
use super::setup::{Env, read_workspace};
use crate::analysis::restore::{self, Server};
use crate::input::identity::Identity;
use crate::lint::error::Fatal;
use crate::model::valid::{Invalid, Valid, What};
use crate::model::worksheet::{
    CertificateRow, Column, DatabaseRow, FileStoreRow, Kind, PoolPairRow, ServerRow, SettingsRow,
    SqlInstanceRow,
};
use crate::model::{PoolId, SqlId};
use crate::model::{Topology, Workspace, placeholder};
use crate::report::escape::terminal;
use crate::report::powershell::Command;

/// One worksheet to write: its kind and its data rows (cells in the kind's column order).
#[derive(Debug, PartialEq, Eq)]
pub struct Template {
    pub kind: Kind,
    pub rows: Vec<Vec<String>>,
}

impl Template {
    /// The file name (`sql-instances.csv`).
    #[must_use]
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.kind.name())
    }

    /// The CSV text: the header row, then the rows (quoted where needed, CRLF line ends as
    /// Excel writes them).
    #[must_use]
    pub fn csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let header: Vec<&str> = self.kind.columns().iter().map(|c| c.header).collect();
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&header);
        for row in &self.rows {
            let _ = writer.write_record(row);
        }
        let bytes = writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// The templates for a topology, and the topology values left out of their cells.
#[derive(Debug)]
pub struct Templates {
    pub sheets: Vec<Template>,
    /// Each value that failed [`cell`], once, in the order met.
    pub withheld: Vec<Invalid>,
}

/// Characters a cell must not start with: a spreadsheet reads what follows as a formula.
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r', '\n'];

/// The one way a value from the topology becomes a cell: it passes its check as a `what`
/// (a placeholder only has to hold no control character) and does not start like a formula.
///
/// # Errors
/// The value, and why it cannot be written.
pub fn cell(what: What, text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    let invalid = |why: String| Invalid {
        what,
        value: text.to_string(),
        why,
    };
    if !placeholder::contains(text) {
        Valid::new(what, text)?;
    } else if text.chars().any(crate::input::text::is_hidden) {
        return Err(invalid(
            "it holds a control character or a line break".to_string(),
        ));
    }
    match text.chars().next() {
        Some(c) if FORMULA_START.contains(&c) => Err(invalid(format!(
            "it starts with `{c}`, which a spreadsheet reads as a formula"
        ))),
        _ => Ok(text.to_string()),
    }
}

/// Fills cells from the topology, remembering what it had to leave blank.
#[derive(Default)]
struct Fill {
    withheld: Vec<Invalid>,
}

impl Fill {
    /// A cell from a topology value (see [`cell`]); blank when it fails.
    fn value(&mut self, what: What, text: &str) -> String {
        if text.trim().is_empty() {
            return String::new();
        }
        cell(what, text).unwrap_or_else(|invalid| {
            if !self.withheld.contains(&invalid) {
                self.withheld.push(invalid);
            }
            String::new()
        })
    }

    /// A pool's FQDN as a cell; blank when it has none (TP103 reports that).
    fn pool(&mut self, t: &Topology, pool: PoolId) -> String {
        match &t.pools[pool].fqdn {
            Some(f) => self.value(What::Fqdn, f.value.as_str()),
            None => String::new(),
        }
    }

    /// The SQL server of an instance as a cell.
    fn server(&mut self, t: &Topology, sql: SqlId) -> String {
        match t.sql_server(sql) {
            Some(f) => self.value(What::Fqdn, f.value.as_str()),
            None => String::new(),
        }
    }

    /// An instance name as a cell: `(default)` for the default instance.
    fn instance(&mut self, t: &Topology, sql: SqlId) -> String {
        let name = &t.sql_instances[sql].name.value;
        if name.is_empty() {
            "(default)".to_string()
        } else {
            self.value(What::Instance, name)
        }
    }
}

/// Builds a row of `kind` from (column, value) pairs; other columns are blank.
fn row(kind: Kind, cells: &[(&Column, String)]) -> Vec<String> {
    debug_assert!(cells.iter().all(|(c, _)| c.sheet == kind.name()));
    kind.columns()
        .iter()
        .map(|c| {
            cells
                .iter()
                .find(|(column, _)| column.is(c))
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// The templates for a topology, one per kind.
#[must_use]
pub fn templates(t: &Topology) -> Templates {
    let mut fill = Fill::default();
    let servers = restore::servers(t);
    let sheets = vec![
        database(t, &mut fill),
        file_store(t, &mut fill),
        settings(t, &mut fill),
        self::servers(&servers, &mut fill),
        sql_instances(t, &mut fill),
        certificates(&servers, &mut fill),
        Template {
            kind: Kind::BackupRuns,
            rows: Vec::new(),
        },
        pool_pairs(t, &mut fill),
    ];
    Templates {
        sheets,
        withheld: fill.withheld,
    }
}

fn database(t: &Topology, fill: &mut Fill) -> Template {
    let (kind, c) = (DatabaseRow::KIND, &DatabaseRow::COLUMNS);
    let mut rows = Vec::new();
    for store in restore::user_stores(t) {
        let pool = fill.pool(t, store.pool);
        let (server, instance) = match store.sql {
            Some(sql) => (fill.server(t, sql), fill.instance(t, sql)),
            None => (pool.clone(), String::new()),
        };
        // The export command, built like the plan's: the pool as a single-quoted literal.
        let notes = Valid::new(What::Fqdn, &pool).map_or_else(
            |_| String::new(),
            |fqdn| {
                let export = Command::new("Export-CsUserData").param("PoolFqdn", &fqdn);
                format!("user data of {fqdn}: {}", export.line())
            },
        );
        rows.push(row(
            kind,
            &[
                (&c.database, "rtcxds".into()),
                (&c.server, server),
                (&c.instance, instance),
                (&c.tool, "Export-CsUserData".into()),
                (&c.notes, notes),
            ],
        ));
    }
    let sql_rows: [(&str, &[&str], &str); 3] = [
        (
            "ArchivingStore",
            &["lcslog"],
            "SQL Server Management Studio",
        ),
        (
            "MonitoringStore",
            &["lcscdr", "qoemetrics"],
            "SQL Server Management Studio",
        ),
        // The tool decides how it is restored: the administrator must choose.
        ("PersistentChatStore", &["mgc"], ""),
    ];
    for (role, databases, tool) in sql_rows {
        for sql in restore::instances_with(t, role) {
            for db in databases {
                rows.push(row(
                    kind,
                    &[
                        (&c.database, (*db).to_string()),
                        (&c.server, fill.server(t, sql)),
                        (&c.instance, fill.instance(t, sql)),
                        (&c.tool, (*tool).to_string()),
                    ],
                ));
            }
        }
    }
    Template { kind, rows }
}

/// A row for each Front End pool and Standard Edition server, its backup pool left blank (not
/// paired) for the administrator to fill in from `Get-CsPoolBackupRelationship`.
fn pool_pairs(t: &Topology, fill: &mut Fill) -> Template {
    let (kind, c) = (PoolPairRow::KIND, &PoolPairRow::COLUMNS);
    let rows = restore::user_stores(t)
        .into_iter()
        .map(|store| {
            let pool = fill.pool(t, store.pool);
            // The command that reports the backup pool, built like the plan's.
            let notes = Valid::new(What::Fqdn, &pool).map_or_else(
                |_| String::new(),
                |fqdn| {
                    let ask = Command::new("Get-CsPoolBackupRelationship").param("PoolFqdn", &fqdn);
                    format!("blank when not paired; {}", ask.line())
                },
            );
            row(kind, &[(&c.pool, pool), (&c.notes, notes)])
        })
        .collect();
    Template { kind, rows }
}

fn file_store(t: &Topology, fill: &mut Fill) -> Template {
    let (kind, c) = (FileStoreRow::KIND, &FileStoreRow::COLUMNS);
    let rows = t
        .file_stores()
        .into_iter()
        .map(|f| {
            row(
                kind,
                &[
                    (&c.content, "Lync Server File Store".into()),
                    (&c.server, fill.pool(t, f.pool)),
                    (&c.tool, "Robocopy".into()),
                    (
                        &c.share,
                        fill.value(
                            What::Path,
                            &format!("\\\\{}\\{}", t.pool_name(f.pool), f.share.value),
                        ),
                    ),
                    (&c.excluded, "Meeting.Active".into()),
                ],
            )
        })
        .collect();
    Template { kind, rows }
}

fn settings(t: &Topology, fill: &mut Fill) -> Template {
    let (kind, c) = (SettingsRow::KIND, &SettingsRow::COLUMNS);
    let mut rows = Vec::new();
    if let Some(cms) = t.central_management_store() {
        for (db, tool) in [
            ("xds", "Export-CsConfiguration"),
            ("lis", "Export-CsLisConfiguration"),
        ] {
            rows.push(row(
                kind,
                &[
                    (&c.database, db.to_string()),
                    (&c.server, fill.server(t, cms)),
                    (&c.tool, tool.to_string()),
                ],
            ));
        }
    }
    for pool in restore::response_group_pools(t) {
        rows.push(row(
            kind,
            &[
                (&c.database, "rgsconfig".into()),
                (&c.server, fill.pool(t, pool)),
                (&c.tool, "Export-CsRgsConfiguration".into()),
            ],
        ));
    }
    Template { kind, rows }
}

/// What the Notes cell says of a SQL server or instance that holds no store of the topology.
const NO_STORE: &str =
    "no store in the topology: a mirror or a witness? Record the pair on the principal's row";

fn servers(servers: &[Server], fill: &mut Fill) -> Template {
    let (kind, c) = (ServerRow::KIND, &ServerRow::COLUMNS);
    let rows = servers
        .iter()
        .map(|s: &Server| {
            let notes = if s.roles.is_empty() { NO_STORE } else { "" };
            row(
                kind,
                &[
                    (&c.server, fill.value(What::Fqdn, s.fqdn.value.as_str())),
                    (&c.role, s.role_labels()),
                    (&c.notes, notes.to_string()),
                ],
            )
        })
        .collect();
    Template { kind, rows }
}

/// A row for every SQL instance of the topology, mirrors and witnesses included.
fn sql_instances(t: &Topology, fill: &mut Fill) -> Template {
    let (kind, c) = (SqlInstanceRow::KIND, &SqlInstanceRow::COLUMNS);
    let rows = restore::instances(t)
        .into_iter()
        .map(|sql| {
            let stores = t.stores_on(sql);
            let notes = if stores.is_empty() {
                NO_STORE.to_string()
            } else {
                stores.join(", ")
            };
            row(
                kind,
                &[
                    (&c.server, fill.server(t, sql)),
                    (&c.instance, fill.instance(t, sql)),
                    (&c.notes, notes),
                ],
            )
        })
        .collect();
    Template { kind, rows }
}

/// A row for each server that needs certificates; two for an Edge Server, one for each
/// interface, named as the Certificate Wizard names them (RS303 looks for both).
fn certificates(servers: &[Server], fill: &mut Fill) -> Template {
    let (kind, c) = (CertificateRow::KIND, &CertificateRow::COLUMNS);
    let mut rows = Vec::new();
    for s in servers.iter().filter(|s| s.needs_certificates()) {
        let names: &[&str] = if s.is_edge() {
            &["Edge internal", "Edge external"]
        } else {
            &[""]
        };
        for name in names {
            rows.push(row(
                kind,
                &[
                    (&c.server, fill.value(What::Fqdn, s.fqdn.value.as_str())),
                    (&c.certificate, (*name).to_string()),
                    (&c.notes, s.role_labels()),
                ],
            ));
        }
    }
    Template { kind, rows }
}

/// What `worksheet init` did: its report, and its exit code (1 when values were left blank).
#[derive(Debug)]
pub struct Outcome {
    pub report: String,
    pub code: u8,
}

/// Runs the command.
///
/// # Errors
/// The topology cannot be read or is not one; a worksheet exists and `--force` was not given;
/// a worksheet's path is a symbolic link, not a file, or the topology itself; the directory
/// cannot be written.
pub fn run(args: &InitArgs, env: &Env) -> Result<Outcome, Fatal> {
    let ws = read_workspace(std::slice::from_ref(&args.topology), false, env)?;
    let topology = only_topology(&ws, &args.topology)?;
    let out = env.cwd.join(&args.out);
    let Templates { sheets, withheld } = templates(topology);
    let source = Identity::of(&env.cwd.join(&args.topology));
    let shown = |p: &Path| terminal(&crate::input::source::display_path(p, &env.cwd)).into_owned();
    // What to write: each file's name, bytes, and what the report says of it.
    let files: Vec<(String, Vec<u8>, String)> = match args.format {
        InitFormat::Csv => sheets
            .iter()
            .map(|t| {
                let rows = t.rows.len();
                (
                    t.file_name(),
                    t.csv().into_bytes(),
                    format!("{rows} row{}", if rows == 1 { "" } else { "s" }),
                )
            })
            .collect(),
        InitFormat::Xlsx => {
            let kinds: Vec<(Kind, &[Vec<String>])> =
                sheets.iter().map(|t| (t.kind, t.rows.as_slice())).collect();
            let bytes = super::workbook::workbook(&kinds).map_err(|e| Fatal::Io {
                message: format!("cannot write the workbook: {e}"),
            })?;
            let rows: usize = sheets.iter().map(|t| t.rows.len()).sum();
            vec![(
                super::workbook::FILE_NAME.to_string(),
                bytes,
                format!(
                    "{} sheets, {rows} row{}",
                    sheets.len(),
                    if rows == 1 { "" } else { "s" }
                ),
            )]
        }
    };
    let mut existing = Vec::new();
    for (name, _, _) in &files {
        let path = out.join(name);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            return Err(Fatal::Usage {
                message: format!("`{}` is a symbolic link", shown(&path)),
                help: Some(
                    "worksheet init never writes through a link: remove it, or choose another --out directory"
                        .to_string(),
                ),
            });
        }
        if !meta.is_file() {
            return Err(Fatal::Usage {
                message: format!("`{}` exists and is not a file", shown(&path)),
                help: Some("choose another --out directory".to_string()),
            });
        }
        if source.is_some() && Identity::of(&path) == source {
            return Err(Fatal::Usage {
                message: format!(
                    "`{}` is the topology this command reads",
                    shown(&path)
                ),
                help: Some(
                    "keep the topology under another name than the worksheets', or choose another --out directory"
                        .to_string(),
                ),
            });
        }
        existing.push(shown(&path));
    }
    if !args.force && !existing.is_empty() {
        return Err(Fatal::Usage {
            message: format!("{} already exists", existing.join(", ")),
            help: Some("pass --force to overwrite, or choose another --out directory".to_string()),
        });
    }
    // The worksheets in the other form beside the new ones would be read too, each row twice.
    let other: Vec<String> = match args.format {
        InitFormat::Csv => vec![super::workbook::FILE_NAME.to_string()],
        InitFormat::Xlsx => sheets.iter().map(Template::file_name).collect(),
    }
    .into_iter()
    .map(|name| out.join(name))
    .filter(|path| std::fs::symlink_metadata(path).is_ok())
    .map(|path| shown(&path))
    .collect();
    if !other.is_empty() {
        return Err(Fatal::Usage {
            message: format!(
                "{} already {} the worksheets in the other form: `check` would read both, each row twice",
                other.join(", "),
                if other.len() == 1 { "holds" } else { "hold" }
            ),
            help: Some(
                "choose another --out directory, or move the existing worksheets away first"
                    .to_string(),
            ),
        });
    }
    std::fs::create_dir_all(&out).map_err(|e| Fatal::Io {
        message: format!("cannot create `{}`: {e}", shown(&out)),
    })?;
    let mut report = String::new();
    for (name, bytes, what) in &files {
        let path = out.join(name);
        write_new(&path, bytes).map_err(|e| Fatal::Io {
            message: format!("cannot write `{}`: {e}", shown(&path)),
        })?;
        report.push_str(&format!("wrote {} ({what})\n", shown(&path)));
    }
    if !withheld.is_empty() {
        report.push_str(&format!(
            "left blank: {} from the topology that cannot be what {} (`topolint check` reports {}):\n",
            if withheld.len() == 1 { "a value" } else { "values" },
            if withheld.len() == 1 { "it names" } else { "they name" },
            if withheld.len() == 1 { "it" } else { "each" },
        ));
        for invalid in &withheld {
            let finding = if placeholder::contains(&invalid.value) {
                "IN006 unresolved-placeholder"
            } else {
                "IN009 invalid-value"
            };
            report.push_str(&format!(
                "  {} ({finding})\n",
                terminal(&invalid.to_string())
            ));
        }
    }
    let topology_dir = parent(&env.cwd.join(&args.topology));
    let shown_out = shown(&out);
    if same_dir(&topology_dir, &out) {
        report.push_str(&format!(
            "Fill in the blank cells, then run `topolint check {shown_out}`: until then it lists what is missing.\n"
        ));
    } else {
        report.push_str(&format!(
            "Copy the topology into {shown_out} (worksheets join the topology in their own folder), fill in the blank cells, then run `topolint check {shown_out}`.\n"
        ));
    }
    Ok(Outcome {
        report,
        code: u8::from(!withheld.is_empty()),
    })
}

/// Writes a new file at `path`: an existing regular file is removed first, and the file is
/// then created exclusively, so that a link put in its place meanwhile is not followed.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        std::fs::remove_file(path)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

fn only_topology<'a>(ws: &'a Workspace, given: &Path) -> Result<&'a Topology, Fatal> {
    if let Some(t) = ws.topologies.first() {
        return Ok(t);
    }
    let reason = ws.problems.first().map_or_else(
        || "it is not a topology document".to_string(),
        |p| p.message.clone(),
    );
    Err(Fatal::Usage {
        message: format!("cannot read `{}` as a topology: {reason}", given.display()),
        help: Some(
            "give the file exported with `Get-CsTopology -AsXml`, or a Topology Builder .tbxml file; `topolint check` on it shows every problem".to_string(),
        ),
    })
}

fn parent(path: &Path) -> PathBuf {
    path.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{EXAMPLE, topology};

    fn example_templates() -> Vec<Template> {
        let t = templates(&topology(EXAMPLE[0].1));
        assert!(t.withheld.is_empty(), "{:?}", t.withheld);
        t.sheets
    }

    fn column<'a>(template: &'a Template, header: &str) -> Vec<&'a str> {
        let i = template
            .kind
            .columns()
            .iter()
            .position(|c| c.header == header)
            .expect("column");
        template.rows.iter().map(|r| r[i].as_str()).collect()
    }

    #[test]
    fn the_example_gets_a_row_for_everything_the_rules_look_for() {
        let t = example_templates();
        // Every kind but the backup listing, which Get-ChildItem writes.
        assert_eq!(
            t.len(),
            Kind::ALL
                .iter()
                .filter(|k| **k != Kind::BackupListing)
                .count()
        );
        assert_eq!(
            column(&t[0], "Database"),
            vec!["rtcxds", "lcslog", "lcscdr", "qoemetrics"]
        );
        assert_eq!(
            column(&t[1], "File share to be backed up"),
            vec![r"\\fs01.contoso.com\LyncShare"]
        );
        assert_eq!(column(&t[2], "Database"), vec!["xds", "lis", "rgsconfig"]);
        assert_eq!(
            column(&t[3], "Server FQDN"),
            vec![
                "edge01.contoso.com",
                "edge02.contoso.com",
                "fe01.contoso.com",
                "fe02.contoso.com",
                "fe03.contoso.com",
                "fs01.contoso.com",
                "sql01.contoso.com",
                "sql02.contoso.com",
                "sql03.contoso.com",
                "sql04.contoso.com",
            ]
        );
        // The mirror and the witness hold no store: they are SQL servers to rebuild all the same.
        assert_eq!(column(&t[3], "Role")[8..], ["SQL Server", "SQL Server"]);
        assert_eq!(column(&t[3], "Notes")[8], NO_STORE);
        assert_eq!(
            column(&t[4], "Instance name"),
            vec!["rtc", "monitoring", "rtc", "witness"]
        );
        assert_eq!(
            column(&t[4], "SQL server FQDN")[2..],
            ["sql03.contoso.com", "sql04.contoso.com"]
        );
        assert_eq!(column(&t[4], "Notes")[3], NO_STORE);
        assert_eq!(
            column(&t[5], "Certificate"),
            [
                "Edge internal",
                "Edge external",
                "Edge internal",
                "Edge external",
                "",
                "",
                ""
            ]
        );
        assert!(t[6].rows.is_empty());
        // One row per Front End pool, its backup pool blank: not paired until recorded.
        assert_eq!(t[7].kind, Kind::PoolPairs);
        assert_eq!(column(&t[7], "Pool FQDN"), ["pool01.contoso.com"]);
        assert_eq!(column(&t[7], "Backup pool FQDN"), [""]);
        assert_eq!(
            column(&t[7], "Notes"),
            ["blank when not paired; Get-CsPoolBackupRelationship -PoolFqdn 'pool01.contoso.com'"]
        );
    }

    #[test]
    fn the_csv_has_the_header_and_quotes_where_needed() {
        let t = example_templates();
        let text = t[3].csv();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("Server FQDN,Role,Replacement server,Computer account retained,Notes")
        );
        assert_eq!(lines.next(), Some("edge01.contoso.com,Edge,,,"));
        assert!(
            text.contains("fe01.contoso.com,\"Front End, Mediation, Central Management\",,,"),
            "{text}"
        );
        let notes = column(&t[0], "Notes");
        assert_eq!(
            notes[0],
            "user data of pool01.contoso.com: Export-CsUserData -PoolFqdn 'pool01.contoso.com'"
        );
    }

    #[test]
    fn values_that_fail_their_check_are_left_blank_and_listed() {
        let xml = EXAMPLE[0]
            .1
            .replacen(
                "Fqdn=\"fe02.contoso.com\"",
                "Fqdn=\"=cmd|' /C calc'!A0\"",
                1,
            )
            .replacen("ShareName=\"LyncShare\"", "ShareName=\"Lync|Share\"", 1);
        let t = templates(&topology(&xml));
        let messages: Vec<String> = t.withheld.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "`\\\\fs01.contoso.com\\Lync|Share` is not a Windows path: its share name holds `|`, which Windows forbids in names",
                "`=cmd|' /c calc'!a0` is not an FQDN: it holds `=`, which no host name can hold",
            ]
        );
        for sheet in &t.sheets {
            let text = sheet.csv();
            assert!(
                !text.contains("calc") && !text.contains("Lync|Share"),
                "{text}"
            );
        }
    }

    #[test]
    fn no_cell_starts_like_a_formula() {
        for hostile in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", " -1"] {
            // Even a value that would pass its check as a relative path.
            assert!(cell(What::Path, hostile).is_err(), "{hostile:?}");
        }
        // Surrounding spaces, tabs and line breaks are not part of a value.
        assert_eq!(cell(What::Path, "\tx\r\n").as_deref(), Ok("x"));
        // A placeholder is written for IN006 to report, unless it would be a formula.
        assert_eq!(cell(What::Fqdn, "$SkypeFQDN").as_deref(), Ok("$SkypeFQDN"));
        assert!(cell(What::Fqdn, "=HYPERLINK($Url)").is_err());
        assert!(cell(What::Fqdn, "$Pool\n=1").is_err());
        assert_eq!(cell(What::Path, "\\\\b\\s").as_deref(), Ok("\\\\b\\s"));
    }
}
