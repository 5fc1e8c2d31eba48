use crate::analysis::restore::{self, RowsByHost};
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::SqlId;
use crate::model::Topology;
use crate::model::values::Db;
use crate::model::worksheet::Kind;

declare_rule! {
    /// ## What it checks
    /// Reports a database of an Archiving or Monitoring store that has no row in the `database`
    /// worksheet: every SQL instance holding an `ArchivingStore` needs an `lcslog` row, and every
    /// SQL instance holding a `MonitoringStore` needs an `lcscdr` row and a `qoemetrics` row. A row
    /// counts when its `Database` cell names the database, its `Server name (FQDN)` is the
    /// instance's SQL server (a single-label name matches the FQDN whose first label it is), and
    /// its `SQL instance` is blank or the same instance. One row may name several databases
    /// (`LcsCdr, QoEMetrics`).
    ///
    /// Each missing database is one finding, at the SQL instance in the topology, with the
    /// database worksheet's header shown as the place for the row; a row for the same server but
    /// another instance is shown beside it. Archiving kept in Exchange is not a SQL store of the
    /// topology and is not checked. The schedule, tool and destination of the rows are checked by
    /// BK211, BK215 and BK203.
    ///
    /// ## Why it breaks a restore
    /// Lync Server does not need these databases to run, so a rebuilt SQL server comes back with
    /// them empty: the archived instant messages and meeting content, the call detail records
    /// and the call quality history are gone unless a SQL Server backup of them exists.
    /// Archiving in particular is often kept for legal or regulatory reasons, where losing it is
    /// worse than an outage.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup destination
    /// lcscdr,sql02.contoso.com,monitoring,Daily,SQL Server Management Studio,\\backup01.contoso.com\lync\2026-11-20
    /// ```
    /// `sql02.contoso.com\monitoring` holds the Monitoring store: lcscdr has a row, qoemetrics
    /// has none.
    ///
    /// ## How to fix
    /// Back up the databases with SQL Server's own backup (a maintenance plan, SQL Server
    /// Management Studio or `Backup-SqlDatabase`) on the schedule your SQL backup policy sets,
    /// and add a row for each database naming the SQL server and instance to the database
    /// worksheet.
    ///
    /// ## Source
    /// Where Archiving is deployed with a SQL store, back up LcsLog; where Monitoring is deployed,
    /// back up LcsCDR and QoEMetrics; both with SQL Server tools (*Backing up Archiving and
    /// Monitoring databases*, Hh202188; *Backup and restoration requirements: data*, Hh202194).
    pub static RULE = {
        code: "BK207",
        name: "archiving-monitoring-backup-missing",
        severity: Error,
        scope: Deployment,
        summary: "an Archiving store without LcsLog, or a Monitoring store without LcsCdr and QoEMetrics rows",
        help: "back up the database with SQL Server backup and add a row naming it, its SQL server and instance to the database worksheet",
        check: check,
    }
}

/// A database and what it holds, in words.
type Holds = (Db, &'static str);

/// Each store role, its name in words, and its databases.
const STORES: &[(&str, &str, &[Holds])] = &[
    (
        "ArchivingStore",
        "Archiving",
        &[(Db::Lcslog, "IM and meeting content")],
    ),
    (
        "MonitoringStore",
        "Monitoring",
        &[
            (Db::Lcscdr, "call detail records"),
            (Db::Qoemetrics, "call quality metrics"),
        ],
    ),
];

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let rows = RowsByHost::new(
        sheets.database.iter().filter(|row| {
            row.databases()
                .iter()
                .any(|d| matches!(d, Db::Lcslog | Db::Lcscdr | Db::Qoemetrics))
        }),
        |row| row.server.value.as_ref(),
    );
    for &(role, store_name, dbs) in STORES {
        for sql in restore::instances_with(t, role) {
            let Some(server) = t.sql_server(sql) else {
                continue;
            };
            let candidates = rows.rows_for(&server.value);
            let instance = t.sql_display(sql);
            for &(db, holds) in dbs {
                out.checked(format!("{db}@{}", instance.to_lowercase()));
                if candidates
                    .iter()
                    .any(|row| restore::database_row_covers(t, row, db, Some(sql), None))
                {
                    continue;
                }
                let mut draft = missing_row(
                    Draft::new(
                        format!("{db}@{}", instance.to_lowercase()),
                        format!(
                            "the {store_name} store on {instance} has no {db} backup row ({holds})"
                        ),
                    )
                    .at(
                        t.file,
                        t.sql_instances[sql].tag,
                        format!("{store_name} store on {instance}"),
                    )
                    .help(help(t, sql, db)),
                    sheets,
                    Kind::Database,
                    format!("no {db} row for {instance} here"),
                );
                // Near misses: rows for the database on the instance's server, naming another
                // instance.
                for row in &candidates {
                    if row.databases().contains(&db) && !row.instance.is_blank() {
                        draft = draft.also(
                            row.at.file,
                            row.instance.span(),
                            format!(
                                "this {db} row names instance `{}`",
                                shown(&row.instance.cell.text)
                            ),
                        );
                    }
                }
                out.emit(draft);
            }
        }
    }
}

/// The advice for one database: how to back it up and the row to add.
fn help(t: &Topology, sql: SqlId, db: Db) -> String {
    let server = t
        .sql_server(sql)
        .map_or_else(|| "?".to_string(), |f| f.value.to_string());
    let name = &t.sql_instances[sql].name.value;
    let instance = if name.is_empty() {
        "(default)".to_string()
    } else {
        name.to_lowercase()
    };
    format!(
        "back up {db} with SQL Server backup (SQL Server Management Studio or `Backup-SqlDatabase`) and add a row for {db} naming {server}, instance {instance}, to the database worksheet"
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;

    const LCSLOG: &str = "lcslog,sql02.contoso.com,monitoring,";
    const QOE: &str = "qoemetrics,sql02.contoso.com,monitoring,";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_missing_lcslog_row_is_reported_at_the_instance() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                LCSLOG,
                "rtcdyn,sql02.contoso.com,monitoring,",
            )],
        );
        assert_eq!(checked.labelled(), ["<SqlInstanceId Name=\"monitoring\">"]);
        assert_eq!(checked.entities(), ["lcslog@sql02.contoso.com\\monitoring"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, crate::lint::draft::Severity::Error);
        assert_eq!(
            f.message,
            "the Archiving store on sql02.contoso.com\\monitoring has no lcslog backup row (IM and meeting content)"
        );
        assert_eq!(
            f.secondary[0].message,
            "no lcslog row for sql02.contoso.com\\monitoring here"
        );
        assert!(f.help.contains("instance monitoring"), "{}", f.help);
    }

    #[test]
    fn each_monitoring_database_needs_a_row() {
        let checked = example_with(
            &RULE,
            &[("database.csv", QOE, "rtcab,sql02.contoso.com,monitoring,")],
        );
        assert_eq!(
            checked.entities(),
            ["qoemetrics@sql02.contoso.com\\monitoring"]
        );
        assert!(
            checked.findings[0]
                .message
                .starts_with("the Monitoring store")
        );
    }

    #[test]
    fn another_instance_is_a_near_miss() {
        let checked = example_with(
            &RULE,
            &[("database.csv", LCSLOG, "lcslog,sql02.contoso.com,archive,")],
        );
        assert_eq!(checked.entities(), ["lcslog@sql02.contoso.com\\monitoring"]);
        assert_eq!(
            checked.findings[0].secondary[1].message,
            "this lcslog row names instance `archive`"
        );
    }

    #[test]
    fn a_combined_row_a_blank_instance_and_a_short_name_count() {
        let checked = example_with(
            &RULE,
            &[
                ("database.csv", LCSLOG, "LcsLog and QoEMetrics,SQL02,,"),
                ("database.csv", QOE, "rtcab,sql02.contoso.com,monitoring,"),
            ],
        );
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }

    #[test]
    fn a_row_for_another_server_does_not_count() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                LCSLOG,
                "lcslog,sql01.contoso.com,monitoring,",
            )],
        );
        assert_eq!(checked.entities(), ["lcslog@sql02.contoso.com\\monitoring"]);
        assert_eq!(checked.findings[0].secondary.len(), 1);
    }
}
