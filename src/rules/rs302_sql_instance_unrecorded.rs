use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::restore::{self, PartnerCell, RowsByHost};
use crate::input::source::FileId;
use crate::input::span::Span;
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::values::SqlRef;
use crate::model::worksheet::{Kind, SqlInstanceRow};
use crate::model::{Fqdn, Topology};

declare_rule! {
    /// ## What it checks
    /// Every SQL instance a restore would install again needs its own row in the
    /// sql-instances worksheet, with the same server and the same instance name:
    ///
    /// - every SQL instance of the topology, whether or not a store (user, application,
    ///   Central Management, Archiving, Monitoring, Persistent Chat) is installed on it: a
    ///   mirror or a witness holds none;
    /// - every instance named in a `Mirror` or `Witness` cell of the worksheet, written
    ///   `fqdn\instance` (or just the FQDN for a default instance), whether or not the topology
    ///   declares it.
    ///
    /// Names are compared this way:
    ///
    /// - the server matches as an FQDN, without regard to case or a trailing dot, and a
    ///   single-label name such as `SQL01` matches the server whose FQDN starts with it;
    /// - the instance name matches without regard to case; the default instance is the same
    ///   however it is written: an empty name or `MSSQLSERVER` (its name in SQL Server) in the
    ///   topology, `(default)`, `default` or `MSSQLSERVER` in the worksheet.
    ///
    /// When no row names the instance, the rule looks at the server's other rows: a row whose
    /// `Instance name` is blank is reported as not recorded (this rule owns the blank cell, not
    /// BK215); otherwise a row naming an instance that neither the topology nor a `Mirror` or
    /// `Witness` cell declares on that server is reported as recorded under another name. Rows
    /// for the server's other known instances are not mistakes, and a server with only such
    /// rows (or none) is reported where the instance is declared: at the instance in the
    /// topology, else at the `Mirror` or `Witness` cell that names it. A cell that could not be
    /// read is IN005's, and a server whose only candidate row has one is skipped.
    ///
    /// A mirror's or witness's own row is also where its SQL Server version and edition are
    /// recorded: HA404 compares them with the principal's, and the finding says so when the row
    /// is missing.
    ///
    /// ## Why it breaks a restore
    /// Restoring a Back End, a mirror or a store server means installing SQL Server again and
    /// keeping the instance names it had before the failure: the published topology, and every
    /// Front End that reads it, connect to `server\instance`, and a mirror is re-created on the
    /// instance the topology names. A replacement installed under another name (or the default
    /// instance where a named one stood) is not found, and the restored or mirrored databases
    /// are unreachable until the topology is changed and republished.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror,Mirroring port,Witness,Witness port
    /// sql01.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,sql03.contoso.com\rtc,5022,sql04.contoso.com\witness,7022
    /// sql03.contoso.com,lync,SQL Server 2012 SP4,Enterprise,,5022,,
    /// ```
    /// The mirror `sql03.contoso.com\rtc` is recorded as `lync`, and the witness
    /// `sql04.contoso.com\witness` has no row.
    ///
    /// ## How to fix
    /// Record each instance as SQL Server knows it (`SELECT @@SERVICENAME`, or the services in
    /// *SQL Server Configuration Manager*) with its version and edition, and compare it with
    /// the topology (`Get-CsService -BackEndServer`, or the SQL Server stores in Topology
    /// Builder). If they differ, correct whichever is wrong before a restore is needed.
    ///
    /// ## Source
    /// Install SQL Server keeping the instance names the same as before the failure, with the
    /// same procedure, permissions and logins: *Restoring an Enterprise Edition Back End
    /// Server*, Hh202163, step 3, and the same step in the other restore procedures, such as
    /// *Restoring the server hosting the Central Management store*, Hh202172; for a failed
    /// mirror, *Restoring a mirrored Enterprise Edition Back End Server - mirror*, JJ945626,
    /// step 6, before the mirror is re-created. The primary, the mirror and the witness run the
    /// same SQL Server version, and the primary and the mirror the same edition (*Deploying SQL
    /// mirroring for Back End Server high availability*, JJ204992).
    pub static RULE = {
        code: "RS302",
        name: "sql-instance-unrecorded",
        severity: Error,
        scope: Deployment,
        summary: "a SQL instance of the topology, or a mirror or witness, not recorded with the same server FQDN and instance name",
        help: "record the SQL instance with its server FQDN and instance name (`(default)` for the default instance), so that a replacement is installed with the same name",
        check: check,
    }
}

/// An instance that needs a row of its own.
struct Wanted<'a> {
    /// The instance, with its server as the topology names it.
    sql: SqlRef,
    /// What findings call it.
    entity: String,
    /// The instance name as written where it is declared, for messages.
    name: String,
    declared: Declared<'a>,
}

/// Where an instance is declared.
enum Declared<'a> {
    /// The topology's instance, with the stores installed on it.
    Topology { span: Span, stores: Vec<&'a str> },
    /// Only a `Mirror` or `Witness` cell.
    Cell(PartnerCell<'a>),
}

/// What the rows of the instance's server say about it.
enum Verdict<'r> {
    Recorded,
    Blank(&'r SqlInstanceRow),
    Misnamed(&'r SqlInstanceRow),
    /// A candidate row's `Instance name` could not be read (IN005's).
    Unread,
    Missing,
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let by_host = RowsByHost::new(&sheets.sql_instances, |r| r.server.value.as_ref());
    // The first cell naming each mirror and witness, by the instance as the topology names it.
    let mut partners: BTreeMap<SqlRef, PartnerCell<'_>> = BTreeMap::new();
    for cell in restore::partner_cells(sheets) {
        let sql = SqlRef {
            server: restore::topology_name(t, &cell.sql.server),
            instance: cell.sql.instance.clone(),
        };
        partners.entry(sql).or_insert(cell);
    }
    let wanted = wanted(t, &partners);
    // Every instance name known on each server.
    let mut known: BTreeMap<&Fqdn, BTreeSet<&str>> = BTreeMap::new();
    for w in &wanted {
        known
            .entry(&w.sql.server)
            .or_default()
            .insert(w.sql.instance.as_str());
    }
    let header = sheets.header(Kind::SqlInstances);
    for w in &wanted {
        out.checked(&w.entity);
        let rows = match &w.declared {
            Declared::Topology { .. } => by_host.rows_for(&w.sql.server),
            Declared::Cell(_) => by_host.rows_naming(&w.sql.server),
        };
        let others = known.get(&w.sql.server);
        let (file, span) = w.at(t);
        let draft = match judge(&rows, &w.sql.instance, others) {
            Verdict::Recorded | Verdict::Unread => continue,
            Verdict::Blank(row) => Draft::new(
                &w.entity,
                format!(
                    "the instance name of SQL instance {} is not recorded",
                    shown(&w.entity)
                ),
            )
            .at(row.at.file, row.instance.span(), "not recorded")
            .also(file, span, w.declared_label())
            .help(format!(
                "write `{}` in `Instance name`: a replacement SQL Server must be installed with the same instance name",
                written(&w.name)
            )),
            Verdict::Misnamed(row) => {
                let recorded = shown(&row.instance.cell.text);
                let name = written(&w.name);
                let (label, there, help) = match &w.declared {
                    Declared::Topology { .. } => (
                        "not the topology's instance name".to_string(),
                        "the instance the topology publishes".to_string(),
                        format!(
                            "record the instance as SQL Server names it; if it really is `{recorded}`, the topology and the SQL server disagree: correct the store in Topology Builder and publish, or reinstall SQL Server as `{name}`"
                        ),
                    ),
                    Declared::Cell(cell) => (
                        format!("not the name the `{}` cell gives", cell.partner.column().header),
                        format!("named here as the {}", cell.describe()),
                        format!(
                            "record the instance as SQL Server names it; if it really is `{recorded}`, correct the `{}` cell to name it",
                            cell.partner.column().header
                        ),
                    ),
                };
                Draft::new(
                    &w.entity,
                    format!(
                        "the instance on {} is recorded as `{recorded}`, {} says `{name}`",
                        shown(w.sql.server.as_str()),
                        w.source(),
                    ),
                )
                .at(row.at.file, row.instance.span(), label)
                .also(file, span, there)
                .help(help)
            }
            Verdict::Missing => w.missing(file, span, &partners, header),
        };
        out.emit(draft);
    }
}

/// Every instance that needs a row: the topology's, in document order, then those only a
/// `Mirror` or `Witness` cell names, in worksheet order; each once.
fn wanted<'a>(t: &'a Topology, partners: &BTreeMap<SqlRef, PartnerCell<'a>>) -> Vec<Wanted<'a>> {
    let mut seen: BTreeSet<SqlRef> = BTreeSet::new();
    let mut out = Vec::new();
    for i in restore::instances(t) {
        let Some(sql) = restore::sql_ref(t, i) else {
            continue;
        };
        if sql.server.is_placeholder() || !seen.insert(sql.clone()) {
            continue;
        }
        let instance = &t.sql_instances[i];
        let span = if instance.name.span.is_empty() {
            instance.tag
        } else {
            instance.name.span
        };
        out.push(Wanted {
            entity: t.sql_display(i),
            name: instance.name.value.clone(),
            sql,
            declared: Declared::Topology {
                span,
                stores: t.stores_on(i),
            },
        });
    }
    let mut cells: Vec<(&SqlRef, &PartnerCell<'a>)> = partners.iter().collect();
    cells.sort_by_key(|(_, c)| (c.row.at.file, c.cell().span().start));
    for (sql, cell) in cells {
        if !seen.insert(sql.clone()) {
            continue;
        }
        out.push(Wanted {
            entity: sql.to_string(),
            name: sql.instance.clone(),
            sql: sql.clone(),
            declared: Declared::Cell(*cell),
        });
    }
    out
}

/// What the rows of an instance's server say about the instance `name` (as
/// [`crate::model::valid::instance_key`] writes it); `known` are the names of every instance
/// known on that server.
fn judge<'r>(
    rows: &[&'r SqlInstanceRow],
    name: &str,
    known: Option<&BTreeSet<&str>>,
) -> Verdict<'r> {
    if rows
        .iter()
        .any(|r| r.instance.value.as_deref() == Some(name))
    {
        return Verdict::Recorded;
    }
    if let Some(row) = rows
        .iter()
        .find(|r| r.instance.is_blank() && r.instance.span().is_empty())
    {
        return Verdict::Blank(row);
    }
    let misnamed = rows.iter().find(|r| {
        r.instance
            .value
            .as_deref()
            .is_some_and(|n| known.is_none_or(|names| !names.contains(n)))
    });
    if let Some(row) = misnamed {
        return Verdict::Misnamed(row);
    }
    if rows
        .iter()
        .any(|r| r.instance.value.is_none() && !r.instance.span().is_empty())
    {
        return Verdict::Unread;
    }
    Verdict::Missing
}

impl Wanted<'_> {
    /// Where the instance is declared.
    fn at(&self, t: &Topology) -> (FileId, Span) {
        match &self.declared {
            Declared::Topology { span, .. } => (t.file, *span),
            Declared::Cell(cell) => (cell.row.at.file, cell.cell().span()),
        }
    }

    /// The label there.
    fn declared_label(&self) -> String {
        match &self.declared {
            Declared::Topology { .. } => "the instance in the topology".to_string(),
            Declared::Cell(cell) => format!("named here as the {}", cell.describe()),
        }
    }

    /// Who names the instance, in words.
    fn source(&self) -> String {
        match &self.declared {
            Declared::Topology { .. } => "the topology".to_string(),
            Declared::Cell(cell) => format!("the `{}` cell", cell.partner.column().header),
        }
    }

    /// The finding for an instance with no row.
    fn missing(
        &self,
        file: FileId,
        span: Span,
        partners: &BTreeMap<SqlRef, PartnerCell<'_>>,
        header: Option<(FileId, Span)>,
    ) -> Draft {
        let entity = shown(&self.entity);
        let partner = partners.get(&self.sql);
        let what = match (&self.declared, partner) {
            (Declared::Topology { stores, .. }, _) if !stores.is_empty() => {
                format!("SQL instance {entity} (holding {})", stores.join(", "))
            }
            (_, Some(cell)) => format!("SQL instance {entity} ({})", cell.describe()),
            _ => format!("SQL instance {entity} (holding no store)"),
        };
        let mut message = match header {
            Some(_) => format!("{what} has no row in the sql-instances worksheet"),
            None => format!("{what} is not recorded: there is no sql-instances worksheet"),
        };
        let mut help = format!(
            "add a row for {entity} with its instance name (`{}`), SQL Server version and edition, so that a replacement is installed with the same name",
            written(&self.name)
        );
        if let Some(cell) = partner {
            message.push_str(
                "; its SQL Server version and edition are not on record, so HA404 cannot compare them with the principal's",
            );
            let must_match = match cell.partner {
                restore::Partner::Mirror => "its version and edition must match the principal's",
                restore::Partner::Witness => "its version must match the principal's",
            };
            help = format!(
                "add a row for {entity} with its instance name (`{}`), SQL Server version and edition: a failed {} is rebuilt with the same FQDN and instance name, and {must_match}",
                written(&self.name),
                cell.partner.label()
            );
        }
        let label = match &self.declared {
            Declared::Topology { .. } => "SQL instance to reinstall".to_string(),
            Declared::Cell(cell) => format!("{} without a row of its own", cell.partner.label()),
        };
        let draft = Draft::new(&self.entity, message)
            .at(file, span, label)
            .help(help);
        match header {
            Some((sheet, at)) => draft.also(sheet, at, format!("no row for {entity} here")),
            None => draft,
        }
    }
}

/// An instance name as a worksheet would write it.
fn written(name: &str) -> std::borrow::Cow<'_, str> {
    if crate::model::valid::instance_key(name).is_empty() {
        "(default)".into()
    } else {
        shown(name)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_bytes, example_with};
    use super::RULE;
    use crate::lint::draft::Severity;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn another_instance_name_is_reported_at_the_cell() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql02.contoso.com,monitoring,",
                "sql02.contoso.com,MONITOR,",
            )],
        );
        assert_eq!(checked.labelled(), ["MONITOR"]);
        assert_eq!(checked.entities(), ["sql02.contoso.com\\monitoring"]);
        assert_eq!(checked.lines(), [5]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert!(
            f.message
                .contains("recorded as `MONITOR`, the topology says `monitoring`"),
            "{}",
            f.message
        );
        let related = &f.secondary[0];
        let topology = checked.ws.files.get(related.file);
        assert_eq!(topology.display, "topology.xml");
        assert_eq!(topology.slice(related.span), "monitoring");
    }

    #[test]
    fn the_default_instance_is_not_a_named_one() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql01.contoso.com,rtc,",
                "sql01.contoso.com,(default),",
            )],
        );
        assert_eq!(checked.labelled(), ["(default)"]);
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
    }

    #[test]
    fn a_blank_name_is_not_recorded() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql01.contoso.com,rtc,",
                "sql01.contoso.com,,",
            )],
        );
        assert_eq!(checked.labelled(), [""]);
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        assert!(checked.findings[0].message.contains("not recorded"));
        assert!(checked.findings[0].help.contains("`rtc`"));
    }

    #[test]
    fn a_missing_row_is_reported_at_the_topology_instance() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql02.contoso.com,monitoring,",
                "sql05.contoso.com,monitoring,",
            )],
        );
        assert_eq!(checked.labelled(), ["monitoring"]);
        assert_eq!(checked.entities(), ["sql02.contoso.com\\monitoring"]);
        let f = &checked.findings[0];
        assert!(
            f.message.contains("ArchivingStore, MonitoringStore"),
            "{}",
            f.message
        );
        let related = &f.secondary[0];
        assert_eq!(
            checked.ws.files.get(related.file).display,
            "sql-instances.csv"
        );
        assert_eq!(
            related.message,
            "no row for sql02.contoso.com\\monitoring here"
        );
    }

    #[test]
    fn a_row_for_another_instance_of_the_topology_is_not_a_misnaming() {
        // sql02 gets a second instance `archive` holding the Archiving store; its row is missing.
        let checked = example_with(
            &RULE,
            &[
                (
                    "topology.xml",
                    "  </SqlInstances>",
                    "    <SqlInstance>\n      <SqlInstanceId Name=\"archive\">\n        <ClusterId SiteId=\"1\" Number=\"3\" />\n      </SqlInstanceId>\n    </SqlInstance>\n  </SqlInstances>",
                ),
                (
                    "topology.xml",
                    "RoleName=\"ArchivingStore\" Instance=\"1\" />\n      <DependsOn />\n      <InstalledOn>\n        <SqlInstanceId Name=\"monitoring\">",
                    "RoleName=\"ArchivingStore\" Instance=\"1\" />\n      <DependsOn />\n      <InstalledOn>\n        <SqlInstanceId Name=\"archive\">",
                ),
            ],
        );
        assert_eq!(checked.labelled(), ["archive"]);
        assert_eq!(checked.entities(), ["sql02.contoso.com\\archive"]);
        assert!(checked.findings[0].message.contains("has no row"));
    }

    #[test]
    fn a_single_label_server_and_other_case_match() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "sql-instances.csv",
                    "sql02.contoso.com,monitoring,",
                    "SQL02,Monitoring,",
                ),
                (
                    "sql-instances.csv",
                    "sql01.contoso.com,rtc,",
                    "SQL01.contoso.com.,RTC,",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn an_unreadable_name_is_left_to_in005() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql01.contoso.com,rtc,",
                "sql01.contoso.com,rtc instance,",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn without_the_worksheet_the_message_says_so() {
        let files: Vec<(&str, &[u8])> = EXAMPLE
            .iter()
            .filter(|(name, _)| *name != "sql-instances.csv")
            .map(|(name, text)| (*name, text.as_bytes()))
            .collect();
        let checked = check_bytes(&RULE, &files);
        // sql03 (mirror) and sql04 (witness) hold no store in the topology, and without the
        // worksheet nothing says they are a mirror and a witness.
        assert_eq!(
            checked.entities(),
            [
                "sql01.contoso.com\\rtc",
                "sql02.contoso.com\\monitoring",
                "sql03.contoso.com\\rtc",
                "sql04.contoso.com\\witness"
            ]
        );
        assert!(
            checked.findings[3].message.starts_with(
                "SQL instance sql04.contoso.com\\witness (holding no store) is not recorded"
            ),
            "{}",
            checked.findings[3].message
        );
        assert!(
            checked.findings[0]
                .message
                .contains("there is no sql-instances worksheet")
        );
        assert!(checked.findings[0].secondary.is_empty());
    }

    #[test]
    fn the_mirror_and_the_witness_need_rows_for_their_versions() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql03.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,,5022,,,mirror of sql01.contoso.com\\rtc\n",
                "",
            )],
        );
        assert_eq!(checked.entities(), ["sql03.contoso.com\\rtc"]);
        assert_eq!(checked.labelled(), ["rtc"]);
        let f = &checked.findings[0];
        assert_eq!(
            f.message,
            "SQL instance sql03.contoso.com\\rtc (mirror of sql01.contoso.com\\rtc) has no row in the sql-instances worksheet; its SQL Server version and edition are not on record, so HA404 cannot compare them with the principal's"
        );
        assert!(f.help.contains("failed mirror is rebuilt"), "{}", f.help);
    }

    #[test]
    fn a_blank_witness_instance_name_is_not_recorded() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql04.contoso.com,witness,",
                "sql04.contoso.com,,",
            )],
        );
        assert_eq!(checked.entities(), ["sql04.contoso.com\\witness"]);
        assert_eq!(checked.labelled(), [""]);
        assert_eq!(checked.lines(), [4]);
    }

    #[test]
    fn a_witness_only_the_worksheet_names_is_reported_at_its_cell() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql04.contoso.com\\witness,7022",
                "sql05.contoso.com\\witness,7022",
            )],
        );
        assert_eq!(checked.entities(), ["sql05.contoso.com\\witness"]);
        assert_eq!(checked.labelled(), ["sql05.contoso.com\\witness"]);
        let f = &checked.findings[0];
        assert!(
            f.message.starts_with(
                "SQL instance sql05.contoso.com\\witness (witness of sql01.contoso.com\\rtc) has no row"
            ),
            "{}",
            f.message
        );
        assert_eq!(
            f.secondary[0].message,
            "no row for sql05.contoso.com\\witness here"
        );
        // A row under another name is a misnaming, said in the cell's words.
        let checked = example_with(
            &RULE,
            &[
                (
                    "sql-instances.csv",
                    "sql04.contoso.com\\witness,7022",
                    "sql05.contoso.com\\witness,7022",
                ),
                (
                    "sql-instances.csv",
                    "sql04.contoso.com,witness,",
                    "SQL05,witnes,SQL Server 2012 SP4,Standard,,,,,\nsql04.contoso.com,witness,",
                ),
            ],
        );
        assert_eq!(checked.labelled(), ["witnes"]);
        assert!(
            checked.findings[0]
                .message
                .contains("recorded as `witnes`, the `Witness` cell says `witness`"),
            "{}",
            checked.findings[0].message
        );
    }

    /// The example with the Monitoring instance named `topology` in the topology (its three
    /// mentions) and, when given, `worksheet` in its row.
    fn monitoring_named(
        topology: &str,
        worksheet: Option<&str>,
    ) -> super::super::test_util::Checked {
        let to = format!("SqlInstanceId Name=\"{topology}\"");
        let from = "SqlInstanceId Name=\"monitoring\"";
        let row = worksheet.map(|w| format!("sql02.contoso.com,{w},"));
        let mut edits = vec![("topology.xml", from, to.as_str()); 3];
        if let Some(row) = &row {
            edits.push(("sql-instances.csv", "sql02.contoso.com,monitoring,", row));
        }
        example_with(&RULE, &edits)
    }

    #[test]
    fn mssqlserver_is_the_default_instance_both_ways() {
        // The topology names the default instance literally; the worksheet writes `(default)`.
        let literal = monitoring_named("MSSQLSERVER", Some("(default)"));
        assert!(literal.findings.is_empty(), "{:?}", literal.entities());
        // The topology writes an empty name; the worksheet writes `MSSQLSERVER`.
        let empty = monitoring_named("", Some("MSSQLSERVER"));
        assert!(empty.findings.is_empty(), "{:?}", empty.entities());
        // And a named instance is still not the default one.
        let named = monitoring_named("MSSQLSERVER", None);
        assert_eq!(named.labelled(), ["monitoring"]);
        assert!(
            named.findings[0]
                .message
                .contains("the topology says `(default)`"),
            "{}",
            named.findings[0].message
        );
    }
}
