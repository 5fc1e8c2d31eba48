use std::collections::{BTreeMap, BTreeSet};

use super::prelude::*;
use crate::finding::shown;
use crate::model::Fqdn;
use crate::model::restore::{self, RowsByHost};
use crate::model::worksheet::Kind;
use crate::span::Span;

declare_rule! {
    /// ## What it checks
    /// Every SQL instance of the topology that holds at least one store (user, application,
    /// Central Management, Archiving, Monitoring, Persistent Chat) needs a row in the
    /// sql-instances worksheet with the same server and the same instance name:
    ///
    /// - the server matches as an FQDN, without regard to case or a trailing dot, and a
    ///   single-label name such as `SQL01` matches the server whose FQDN starts with it;
    /// - the instance name matches without regard to case; `(default)`, `default` and
    ///   `MSSQLSERVER` in the worksheet stand for the default instance, which the topology
    ///   writes as an empty name.
    ///
    /// When no row names the instance, the rule looks at the server's other rows: a row whose
    /// `Instance name` is blank is reported as not recorded (this rule owns the blank cell, not
    /// BK215); otherwise a row naming an instance the topology does not declare on that server
    /// is reported as recorded under another name. Rows for the server's other instances of the
    /// topology are not mistakes, and a server with only such rows (or none) is reported at the
    /// instance in the topology. A cell that could not be read is IN005's, and a server whose
    /// only candidate row has one is skipped.
    ///
    /// ## Why it breaks a restore
    /// Restoring a Back End or a store server means installing SQL Server again and keeping the
    /// instance names it had before the failure: the published topology, and every Front End
    /// that reads it, connect to `server\instance`. A replacement installed under another name
    /// (or the default instance where a named one stood) is not found, and the restored
    /// databases are unreachable until the topology is changed and republished.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition
    /// sql01.contoso.com,lync,SQL Server 2012 SP4,Enterprise
    /// ```
    /// The topology installs the stores on `<SqlInstanceId Name="rtc">` of `sql01.contoso.com`.
    ///
    /// ## How to fix
    /// Record each instance as SQL Server knows it (`SELECT @@SERVICENAME`, or the services in
    /// *SQL Server Configuration Manager*) and compare it with the topology
    /// (`Get-CsService -BackEndServer`, or the SQL Server store in Topology Builder). If they
    /// differ, correct whichever is wrong before a restore is needed.
    ///
    /// ## Source
    /// Install SQL Server keeping the instance names the same as before the failure, with the same
    /// procedure, permissions and logins (*Restoring an Enterprise Edition Back End Server*,
    /// Hh202163, step 3; the same step in the other restore procedures, such as *Restoring the
    /// server hosting the Central Management store*, Hh202172).
    pub static RULE = {
        code: "RS302",
        name: "sql-instance-unrecorded",
        severity: Error,
        scope: Deployment,
        summary: "a SQL instance of the topology not recorded with the same server FQDN and instance name",
        help: "record the SQL instance with its server FQDN and instance name (`(default)` for the default instance), so that a replacement is installed with the same name",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let by_host = RowsByHost::new(&sheets.sql_instances, |r| r.server.value.as_ref());
    // Every instance name the topology declares on each server.
    let mut declared: BTreeMap<&Fqdn, BTreeSet<String>> = BTreeMap::new();
    for (i, sql) in t.sql_instances.iter().enumerate() {
        if let Some(server) = t.sql_server(i) {
            declared
                .entry(&server.value)
                .or_default()
                .insert(sql.name.value.to_lowercase());
        }
    }
    let header = sheets.header(Kind::SqlInstances);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for i in restore::instances_in_use(t) {
        let Some(server) = t.sql_server(i) else {
            continue;
        };
        let entity = t.sql_display(i);
        if !seen.insert(entity.clone()) {
            continue;
        }
        out.checked(&entity);
        let sql = &t.sql_instances[i];
        let name = sql.name.value.to_lowercase();
        let in_topology = if sql.name.span.is_empty() {
            sql.tag
        } else {
            sql.name.span
        };
        let rows = by_host.rows_for(&server.value);
        if rows
            .iter()
            .any(|r| r.instance.value.as_ref() == Some(&name))
        {
            continue;
        }
        if let Some(row) = rows
            .iter()
            .find(|r| r.instance.is_blank() && r.instance.span().is_empty())
        {
            out.emit(
                Draft::new(
                    &entity,
                    format!("the instance name of SQL instance {entity} is not recorded"),
                )
                .at(row.at.file, row.instance.span(), "not recorded")
                .also(t.file, in_topology, "the instance in the topology")
                .help(format!(
                    "write `{}` in `Instance name`: a replacement SQL Server must be installed with the same instance name",
                    written(&sql.name.value)
                )),
            );
            continue;
        }
        let others = declared.get(&server.value);
        let misnamed = rows.iter().find(|r| {
            r.instance
                .value
                .as_ref()
                .is_some_and(|n| others.is_none_or(|names| !names.contains(n)))
        });
        if let Some(row) = misnamed {
            out.emit(
                Draft::new(
                    &entity,
                    format!(
                        "the instance on {} is recorded as `{}`, the topology says `{}`",
                        server.value,
                        shown(&row.instance.cell.text),
                        written(&sql.name.value)
                    ),
                )
                .at(row.at.file, row.instance.span(), "not the topology's instance name")
                .also(t.file, in_topology, "the instance the topology publishes")
                .help(format!(
                    "record the instance as SQL Server names it; if it really is `{}`, the topology and the SQL server disagree: correct the store in Topology Builder and publish, or reinstall SQL Server as `{}`",
                    shown(&row.instance.cell.text),
                    written(&sql.name.value)
                )),
            );
            continue;
        }
        if rows
            .iter()
            .any(|r| r.instance.value.is_none() && !r.instance.span().is_empty())
        {
            // An unreadable or absent `Instance name` cell: IN005 reports it.
            continue;
        }
        out.emit(missing(
            t.file,
            in_topology,
            &entity,
            &t.stores_on(i),
            header,
        ));
    }
}

/// The finding for an instance with no row.
fn missing(
    file: crate::source::FileId,
    span: Span,
    entity: &str,
    stores: &[&str],
    header: Option<(crate::source::FileId, Span)>,
) -> Draft {
    let holding = stores.join(", ");
    match header {
        Some((sheet, at)) => Draft::new(
            entity,
            format!(
                "SQL instance {entity} (holding {holding}) has no row in the sql-instances worksheet"
            ),
        )
        .at(file, span, "SQL instance to reinstall")
        .also(sheet, at, format!("no row for {entity} here")),
        None => Draft::new(
            entity,
            format!(
                "SQL instance {entity} (holding {holding}) is not recorded: there is no sql-instances worksheet"
            ),
        )
        .at(file, span, "SQL instance to reinstall"),
    }
}

/// An instance name as a worksheet would write it.
fn written(name: &str) -> std::borrow::Cow<'_, str> {
    if name.is_empty() {
        "(default)".into()
    } else {
        shown(name)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_bytes, example_with};
    use super::RULE;
    use crate::finding::Severity;

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
        // sql03 (mirror) and sql04 (witness) hold no store in the topology.
        assert_eq!(
            checked.entities(),
            ["sql01.contoso.com\\rtc", "sql02.contoso.com\\monitoring"]
        );
        assert!(
            checked.findings[0]
                .message
                .contains("there is no sql-instances worksheet")
        );
        assert!(checked.findings[0].secondary.is_empty());
    }
}
