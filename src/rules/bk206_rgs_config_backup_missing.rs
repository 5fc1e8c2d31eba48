use crate::analysis::restore::{self, RowsByHost};
use crate::lint::prelude::*;
use crate::model::PoolId;
use crate::model::values::Db;
use crate::model::worksheet::Kind;
use crate::model::{Fqdn, Host, Topology};

declare_rule! {
    /// ## What it checks
    /// Reports a pool running the Application server (`ApplicationServer` service: a Front End
    /// pool or Standard Edition server, where the Response Group application runs) that has no
    /// `rgsconfig` row in the `settings` worksheet. A row counts when its `Database` cell names
    /// `rgsconfig` and its `Server name (FQDN)` is the pool's FQDN, the name the export is run
    /// against (a single-label name matches the FQDN whose first label it is). A row naming the
    /// pool's SQL server or one of its Front End Servers does not count, and is shown beside the
    /// finding as a near miss.
    ///
    /// The finding points at the pool's FQDN in the topology, with the settings worksheet's
    /// header shown as the place for the row. The schedule, tool and location of the row are
    /// checked by BK211, BK215 and BK203.
    ///
    /// ## Why it breaks a restore
    /// The agent groups, queues and workflows of Response Group live in the pool's application
    /// store. When the Back End or Standard Edition server is rebuilt, that store is recreated
    /// empty, and the only way back is `Import-CsRgsConfiguration` from a file written by
    /// `Export-CsRgsConfiguration` for that pool. Without it every hunt group and IVR has to be
    /// rebuilt by hand while the numbers that reach them go unanswered.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),Backup schedule,Backup tool,Configuration file name,Backup location
    /// xds,sql01.contoso.com,Daily,Export-CsConfiguration,CsConfiguration.zip,\\backup01.contoso.com\lync\2026-11-20
    /// ```
    /// `pool01.contoso.com` runs the Application server, and no row names `rgsconfig` for it.
    ///
    /// ## How to fix
    /// On the regular schedule and after every change to agent groups, queues or workflows, run
    /// `Export-CsRgsConfiguration -Source "service:ApplicationServer:pool01.contoso.com" -FileName \\backup01\lync\<date>\RgsConfig-pool01.zip`
    /// for each pool, and add an rgsconfig row naming the pool to the settings worksheet.
    ///
    /// ## Source
    /// On every pool that runs the Response Group application, back up its configuration with
    /// `Export-CsRgsConfiguration` (*Backing up core data and settings*, Hh202170, step 10; *Backup
    /// and restoration requirements: data*, Hh202194).
    pub static RULE = {
        code: "BK206",
        name: "rgs-config-backup-missing",
        severity: Error,
        scope: Deployment,
        summary: "a pool running the Application server has no RgsConfig settings row",
        help: "export the pool's Response Group configuration with `Export-CsRgsConfiguration` and add an rgsconfig row naming the pool to the settings worksheet",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let rows = RowsByHost::new(
        sheets
            .settings
            .iter()
            .filter(|row| row.databases().contains(&Db::Rgsconfig)),
        |row| row.server.value.as_ref(),
    );
    for p in restore::response_group_pools(t) {
        let Some(fqdn) = t.pools[p].fqdn.as_ref() else {
            continue;
        };
        let pool = &fqdn.value;
        out.checked(format!("rgsconfig@{pool}"));
        let covered = rows
            .rows_for(pool)
            .into_iter()
            .any(|row| restore::settings_row_covers(row, Db::Rgsconfig, pool));
        if covered {
            continue;
        }
        let mut draft = missing_row(
            Draft::new(
                format!("rgsconfig@{pool}"),
                format!("Response Group configuration of {pool} (rgsconfig) has no backup row"),
            )
            .at(t.file, fqdn.span, "pool running the Application server")
            .help(format!(
                "export it with `Export-CsRgsConfiguration -Source \"service:ApplicationServer:{pool}\" -FileName <backup share>\\RgsConfig.zip` and add an rgsconfig row naming {pool} to the settings worksheet"
            )),
            sheets,
            Kind::Settings,
            format!("no rgsconfig row for {pool} here"),
        );
        for (host, what) in near_hosts(t, p) {
            for row in rows.rows_for(host) {
                draft = draft.also(
                    row.at.file,
                    row.server.span(),
                    format!("this rgsconfig row names {host}, {what}: name the pool"),
                );
            }
        }
        out.emit(draft);
    }
}

/// Hosts an rgsconfig row for pool `p` may name by mistake: the pool's machines and the SQL
/// server of its application store.
fn near_hosts(t: &Topology, p: PoolId) -> Vec<(&Fqdn, &'static str)> {
    let pool = t.pools[p].fqdn.as_ref().map(|f| &f.value);
    let mut out: Vec<(&Fqdn, &'static str)> = t.pools[p]
        .machines
        .iter()
        .filter_map(|m| m.fqdn.as_ref().map(|f| &f.value))
        .filter(|f| Some(*f) != pool)
        .map(|f| (f, "a server of the pool"))
        .collect();
    let stores = t
        .services_on_pool(p)
        .filter(|s| s.role.value == "ApplicationServer")
        .flat_map(|s| s.depends_on.iter())
        .filter_map(|&d| t.services.get(d.index()))
        .filter(|d| d.role.value == "ApplicationStore");
    for store in stores {
        if let Some(Host::Sql(sql)) = store.installed_on {
            if let Some(server) = t.sql_server(sql).map(|f| &f.value) {
                if Some(server) != pool && !out.iter().any(|(h, _)| *h == server) {
                    out.push((server, "the SQL server of its application store"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;

    const RGS: &str = "rgsconfig,pool01.contoso.com,";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_pool_without_an_rgsconfig_row_is_reported_at_its_fqdn() {
        let checked = example_with(
            &RULE,
            &[("settings.csv", RGS, "rgsdyn,pool01.contoso.com,")],
        );
        assert_eq!(checked.labelled(), ["pool01.contoso.com"]);
        assert_eq!(checked.entities(), ["rgsconfig@pool01.contoso.com"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, crate::lint::draft::Severity::Error);
        assert_eq!(
            f.message,
            "Response Group configuration of pool01.contoso.com (rgsconfig) has no backup row"
        );
        assert!(
            f.help
                .contains("service:ApplicationServer:pool01.contoso.com"),
            "{}",
            f.help
        );
        assert_eq!(
            f.secondary[0].message,
            "no rgsconfig row for pool01.contoso.com here"
        );
        assert_eq!(
            checked.ws.files.get(f.secondary[0].file).display,
            "settings.csv"
        );
    }

    #[test]
    fn a_row_naming_the_sql_server_does_not_count() {
        let checked = example_with(
            &RULE,
            &[("settings.csv", RGS, "rgsconfig,sql01.contoso.com,")],
        );
        assert_eq!(checked.entities(), ["rgsconfig@pool01.contoso.com"]);
        assert_eq!(
            checked.findings[0].secondary[1].message,
            "this rgsconfig row names sql01.contoso.com, the SQL server of its application store: name the pool"
        );
    }

    #[test]
    fn a_row_naming_a_front_end_server_does_not_count() {
        let checked = example_with(&RULE, &[("settings.csv", RGS, "rgsconfig,fe03,")]);
        assert_eq!(
            checked.findings[0].secondary[1].message,
            "this rgsconfig row names fe03.contoso.com, a server of the pool: name the pool"
        );
    }

    #[test]
    fn no_settings_worksheet_is_said() {
        let checked = example_with(
            &RULE,
            &[(
                "settings.csv",
                "Database,Server name (FQDN),Backup schedule,Backup tool,Configuration file name,Backup location,Last backup,Notes",
                "Nothing to see",
            )],
        );
        let f = &checked.findings[0];
        assert!(
            f.message
                .ends_with(": the deployment has no settings worksheet"),
            "{}",
            f.message
        );
        assert!(f.secondary.is_empty());
    }

    #[test]
    fn a_short_pool_name_counts() {
        let checked = example_with(&RULE, &[("settings.csv", RGS, "RgsConfig (pool),POOL01,")]);
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }

    #[test]
    fn a_pool_without_the_application_server_needs_no_row() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "topology.xml",
                    "RoleName=\"ApplicationServer\" Instance=\"1\" />\n      <DependsOn>",
                    "RoleName=\"SomethingElse\" Instance=\"1\" />\n      <DependsOn>",
                ),
                ("settings.csv", RGS, "rgsdyn,pool01.contoso.com,"),
            ],
        );
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }
}
