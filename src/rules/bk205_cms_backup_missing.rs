use crate::analysis::restore;
use crate::lint::prelude::*;
use crate::model::Host;
use crate::model::values::Db;
use crate::model::worksheet::Kind;

declare_rule! {
    /// ## What it checks
    /// When the topology has a Central Management store (a `CentralMgmtStore` service installed
    /// on a SQL instance), the `settings` worksheet needs two rows for it: one naming `xds` (the
    /// topology, policies and configuration, exported with `Export-CsConfiguration`) and one
    /// naming `lis` (the E9-1-1 location information, exported with
    /// `Export-CsLisConfiguration`). A row counts when its `Server name (FQDN)` is the SQL server
    /// of the store (a single-label name matches the FQDN whose first label it is). Each missing
    /// database is one finding, at the `CentralMgmtStore` service in the topology, with the
    /// settings worksheet's header shown as the place for the row; an xds or lis row naming
    /// another server is shown beside it.
    ///
    /// A topology without a Central Management store is TP105's concern. The schedule, tool and
    /// location of the rows are checked by BK211, BK215 and BK203.
    ///
    /// ## Why it breaks a restore
    /// Every restore begins with the Central Management store: the topology, the policies and the
    /// configuration of every server come from it, and a rebuilt server is set up from it. When
    /// the server holding the store is lost, the store is recreated empty and filled again only
    /// from the files of `Export-CsConfiguration` and `Export-CsLisConfiguration`
    /// (`Import-CsConfiguration`, `Import-CsLisConfiguration`). Without them the whole
    /// deployment has to be designed and published again by hand.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),Backup schedule,Backup tool,Configuration file name,Backup location
    /// xds,sql01.contoso.com,Daily,Export-CsConfiguration,CsConfiguration.zip,\\backup01.contoso.com\lync\2026-11-20
    /// ```
    /// The store is on `sql01.contoso.com\rtc`: the xds row is there, the lis row is missing.
    ///
    /// ## How to fix
    /// Export both with every regular backup and after each change to the topology, policies or
    /// E9-1-1 settings: `Export-CsConfiguration -FileName \\backup01\lync\<date>\CsConfiguration.zip`
    /// and `Export-CsLisConfiguration -FileName \\backup01\lync\<date>\CsLisConfiguration.zip`.
    /// Add an xds and a lis row naming the store's SQL server to the settings worksheet
    /// (`Get-CsConfigurationStoreLocation` shows which server that is).
    ///
    /// ## Source
    /// Back up the Central Management store (xds) with `Export-CsConfiguration`, regularly and after
    /// configuration changes, and the Location Information data (lis) with
    /// `Export-CsLisConfiguration` (*Backup and restoration requirements: data*, Hh202194; *Backing up
    /// core data and settings*, Hh202170, steps 4 to 7).
    pub static RULE = {
        code: "BK205",
        name: "cms-backup-missing",
        severity: Error,
        scope: Deployment,
        summary: "no Xds or no Lis settings row for the Central Management store",
        help: "export the Central Management store with `Export-CsConfiguration` and `Export-CsLisConfiguration`, and add xds and lis rows naming its SQL server to the settings worksheet",
        check: check,
    }
}

/// The two databases, what they hold and the cmdlet that exports each.
const NEEDED: &[(Db, &str, &str, &str)] = &[
    (
        Db::Xds,
        "topology, policies and configuration",
        "Export-CsConfiguration",
        "CsConfiguration.zip",
    ),
    (
        Db::Lis,
        "E9-1-1 location information",
        "Export-CsLisConfiguration",
        "CsLisConfiguration.zip",
    ),
];

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let Some(sql) = t.central_management_store() else {
        return;
    };
    let Some(server) = t.sql_server(sql) else {
        return;
    };
    let sheets = cx.sheets();
    let store = t
        .services
        .iter()
        .find(|s| s.role.value == "CentralMgmtStore" && s.installed_on == Some(Host::Sql(sql)));
    let at = store.map_or(t.sql_instances[sql].tag, |s| s.role.span);
    let instance = t.sql_display(sql);
    for &(db, holds, cmdlet, file) in NEEDED {
        out.checked(format!("{db}@{}", server.value));
        if sheets
            .settings
            .iter()
            .any(|row| restore::settings_row_covers(row, db, &server.value))
        {
            continue;
        }
        let mut draft = missing_row(
            Draft::new(
                format!("{db}@{}", server.value),
                format!(
                    "the Central Management store on {instance} has no {db} backup row ({holds})"
                ),
            )
            .at(
                t.file,
                at,
                format!("Central Management store on {instance}"),
            )
            .help(format!(
                "export it with `{cmdlet} -FileName <backup share>\\{file}` and add a row for {db} naming {} to the settings worksheet",
                server.value
            )),
            sheets,
            Kind::Settings,
            format!("no {db} row for {} here", server.value),
        );
        for row in sheets
            .settings
            .iter()
            .filter(|r| r.databases().contains(&db))
        {
            if let Some(other) = &row.server.value {
                draft = draft.also(
                    row.at.file,
                    row.server.span(),
                    format!("this {db} row names {other}, not the store's SQL server"),
                );
            }
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;

    const LIS: &str = "lis,sql01.contoso.com,";
    const XDS: &str = "xds,sql01.contoso.com,";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_missing_lis_row_is_reported_at_the_store() {
        let checked = example_with(&RULE, &[("settings.csv", LIS, "rtcdyn,sql01.contoso.com,")]);
        assert_eq!(checked.labelled(), ["CentralMgmtStore"]);
        assert_eq!(checked.entities(), ["lis@sql01.contoso.com"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, crate::lint::draft::Severity::Error);
        assert_eq!(
            f.message,
            "the Central Management store on sql01.contoso.com\\rtc has no lis backup row (E9-1-1 location information)"
        );
        assert!(f.help.contains("Export-CsLisConfiguration"), "{}", f.help);
        assert_eq!(
            f.secondary[0].message,
            "no lis row for sql01.contoso.com here"
        );
        assert_eq!(
            checked.ws.files.get(f.secondary[0].file).display,
            "settings.csv"
        );
    }

    #[test]
    fn an_xds_row_for_another_server_is_a_near_miss() {
        let checked = example_with(&RULE, &[("settings.csv", XDS, "xds,pool01.contoso.com,")]);
        assert_eq!(checked.entities(), ["xds@sql01.contoso.com"]);
        let f = &checked.findings[0];
        assert!(
            f.help.contains("Export-CsConfiguration -FileName"),
            "{}",
            f.help
        );
        assert_eq!(
            f.secondary[1].message,
            "this xds row names pool01.contoso.com, not the store's SQL server"
        );
    }

    #[test]
    fn both_missing_make_two_findings() {
        let checked = example_with(
            &RULE,
            &[
                ("settings.csv", XDS, "rgsconfig,pool01.contoso.com,"),
                ("settings.csv", LIS, "rgsconfig,pool01.contoso.com,"),
            ],
        );
        assert_eq!(
            checked.entities(),
            ["lis@sql01.contoso.com", "xds@sql01.contoso.com"]
        );
    }

    #[test]
    fn a_short_server_name_and_a_combined_row_count() {
        let checked = example_with(
            &RULE,
            &[
                ("settings.csv", XDS, "Xds and Lis,SQL01,"),
                ("settings.csv", LIS, "rgsconfig,pool01.contoso.com,"),
            ],
        );
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }

    #[test]
    fn no_store_no_finding() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "topology.xml",
                    "\n      <ServiceId SiteId=\"1\" RoleName=\"CentralMgmtStore\"",
                    "\n      <ServiceId SiteId=\"1\" RoleName=\"OtherStore\"",
                ),
                ("settings.csv", XDS, "rgsconfig,pool01.contoso.com,"),
            ],
        );
        assert!(checked.findings.is_empty());
    }
}
