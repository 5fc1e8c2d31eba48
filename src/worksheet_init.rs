//! `topolint worksheet init TOPOLOGY --out DIR`: the seven worksheets, pre-filled from a
//! topology with every row the readiness rules look for, and blank cells for what only the
//! administrator knows.

use std::path::{Path, PathBuf};

use crate::app::{Env, read_workspace};
use crate::cli::InitArgs;
use crate::error::Fatal;
use crate::model::restore::{self, Server};
use crate::model::worksheet::Kind;
use crate::model::{Topology, Workspace};

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

/// Builds a row from (column header, value) pairs; other columns are blank.
fn row(kind: Kind, cells: &[(&str, String)]) -> Vec<String> {
    kind.columns()
        .iter()
        .map(|c| {
            cells
                .iter()
                .find(|(h, _)| *h == c.header)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect()
}

/// The seven templates for a topology.
#[must_use]
pub fn templates(t: &Topology) -> Vec<Template> {
    vec![
        database(t),
        file_store(t),
        settings(t),
        servers(t),
        sql_instances(t),
        certificates(t),
        Template {
            kind: Kind::BackupRuns,
            rows: Vec::new(),
        },
    ]
}

fn instance_cell(t: &Topology, sql: usize) -> String {
    let name = &t.sql_instances[sql].name.value;
    if name.is_empty() {
        "(default)".to_string()
    } else {
        name.clone()
    }
}

fn server_of(t: &Topology, sql: usize) -> String {
    t.sql_server(sql)
        .map(|f| f.value.to_string())
        .unwrap_or_default()
}

fn database(t: &Topology) -> Template {
    let kind = Kind::Database;
    let mut rows = Vec::new();
    for store in restore::user_stores(t) {
        let pool = t.pool_name(store.pool);
        let (server, instance) = match store.sql {
            Some(sql) => (server_of(t, sql), instance_cell(t, sql)),
            None => (pool.clone(), String::new()),
        };
        rows.push(row(
            kind,
            &[
                ("Database", "rtcxds".into()),
                ("Server name (FQDN)", server),
                ("SQL instance", instance),
                ("Database backup tool", "Export-CsUserData".into()),
                (
                    "Notes",
                    format!("user data of {pool}: Export-CsUserData -PoolFqdn {pool}"),
                ),
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
                        ("Database", (*db).to_string()),
                        ("Server name (FQDN)", server_of(t, sql)),
                        ("SQL instance", instance_cell(t, sql)),
                        ("Database backup tool", (*tool).to_string()),
                    ],
                ));
            }
        }
    }
    Template { kind, rows }
}

fn file_store(t: &Topology) -> Template {
    let kind = Kind::FileStore;
    let rows = t
        .file_stores()
        .into_iter()
        .map(|f| {
            row(
                kind,
                &[
                    ("Content", "Lync Server File Store".into()),
                    ("Server name (FQDN)", t.pool_name(f.pool)),
                    ("File system backup tool", "Robocopy".into()),
                    (
                        "File share to be backed up",
                        format!("\\\\{}\\{}", t.pool_name(f.pool), f.share.value),
                    ),
                    ("Excluded files", "Meeting.Active".into()),
                ],
            )
        })
        .collect();
    Template { kind, rows }
}

fn settings(t: &Topology) -> Template {
    let kind = Kind::Settings;
    let mut rows = Vec::new();
    if let Some(cms) = t.central_management_store() {
        for (db, tool) in [
            ("xds", "Export-CsConfiguration"),
            ("lis", "Export-CsLisConfiguration"),
        ] {
            rows.push(row(
                kind,
                &[
                    ("Database", db.to_string()),
                    ("Server name (FQDN)", server_of(t, cms)),
                    ("Backup tool", tool.to_string()),
                ],
            ));
        }
    }
    for pool in restore::response_group_pools(t) {
        rows.push(row(
            kind,
            &[
                ("Database", "rgsconfig".into()),
                ("Server name (FQDN)", t.pool_name(pool)),
                ("Backup tool", "Export-CsRgsConfiguration".into()),
            ],
        ));
    }
    Template { kind, rows }
}

/// What the Notes cell says of a SQL server or instance that holds no store of the topology.
const NO_STORE: &str =
    "no store in the topology: a mirror or a witness? Record the pair on the principal's row";

fn servers(t: &Topology) -> Template {
    let kind = Kind::Servers;
    let rows = restore::servers(t)
        .iter()
        .map(|s: &Server| {
            let notes = if s.roles.is_empty() { NO_STORE } else { "" };
            row(
                kind,
                &[
                    ("Server FQDN", s.fqdn.value.to_string()),
                    ("Role", s.role_labels()),
                    ("Notes", notes.to_string()),
                ],
            )
        })
        .collect();
    Template { kind, rows }
}

/// A row for every SQL instance of the topology, mirrors and witnesses included.
fn sql_instances(t: &Topology) -> Template {
    let kind = Kind::SqlInstances;
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
                    ("SQL server FQDN", server_of(t, sql)),
                    ("Instance name", instance_cell(t, sql)),
                    ("Notes", notes),
                ],
            )
        })
        .collect();
    Template { kind, rows }
}

/// A row for each server that needs certificates; two for an Edge Server, one for each
/// interface, named as the Certificate Wizard names them (RS303 looks for both).
fn certificates(t: &Topology) -> Template {
    let kind = Kind::Certificates;
    let mut rows = Vec::new();
    for s in restore::servers(t)
        .iter()
        .filter(|s| s.needs_certificates())
    {
        let names: &[&str] = if s.is_edge() {
            &["Edge internal", "Edge external"]
        } else {
            &[""]
        };
        for name in names {
            rows.push(row(
                kind,
                &[
                    ("Server FQDN", s.fqdn.value.to_string()),
                    ("Certificate", (*name).to_string()),
                    ("Notes", s.role_labels()),
                ],
            ));
        }
    }
    Template { kind, rows }
}

/// Runs the command; returns what to tell the user.
///
/// # Errors
/// The topology cannot be read or is not one; a worksheet exists and `--force` was not given;
/// the directory cannot be written.
pub fn run(args: &InitArgs, env: &Env) -> Result<String, Fatal> {
    let ws = read_workspace(std::slice::from_ref(&args.topology), false, env)?;
    let topology = only_topology(&ws, &args.topology)?;
    let out = env.cwd.join(&args.out);
    let templates = templates(topology);
    if !args.force {
        let existing: Vec<String> = templates
            .iter()
            .map(|t| out.join(t.file_name()))
            .filter(|p| p.exists())
            .map(|p| crate::source::display_path(&p, &env.cwd))
            .collect();
        if !existing.is_empty() {
            return Err(Fatal::Usage {
                message: format!("{} already exists", existing.join(", ")),
                help: Some(
                    "pass --force to overwrite, or choose another --out directory".to_string(),
                ),
            });
        }
    }
    std::fs::create_dir_all(&out).map_err(|e| Fatal::Io {
        message: format!("cannot create `{}`: {e}", args.out.display()),
    })?;
    let mut report = String::new();
    for template in &templates {
        let path = out.join(template.file_name());
        std::fs::write(&path, template.csv()).map_err(|e| Fatal::Io {
            message: format!("cannot write `{}`: {e}", path.display()),
        })?;
        report.push_str(&format!(
            "wrote {} ({} row{})\n",
            crate::source::display_path(&path, &env.cwd),
            template.rows.len(),
            if template.rows.len() == 1 { "" } else { "s" }
        ));
    }
    let topology_dir = parent(&env.cwd.join(&args.topology));
    let shown_out = crate::source::display_path(&out, &env.cwd);
    if same_dir(&topology_dir, &out) {
        report.push_str(&format!(
            "Fill in the blank cells, then run `topolint check {shown_out}`: until then it lists what is missing.\n"
        ));
    } else {
        report.push_str(&format!(
            "Copy the topology into {shown_out} (worksheets join the topology in their own folder), fill in the blank cells, then run `topolint check {shown_out}`.\n"
        ));
    }
    Ok(report)
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
        templates(&topology(EXAMPLE[0].1))
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
        assert_eq!(t.len(), 7);
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
    }
}
