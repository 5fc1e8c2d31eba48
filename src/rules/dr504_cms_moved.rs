use crate::analysis::drift::Change;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Compares the topology with the one exported with the last backup (`--backup-topology`)
    /// and reports a Central Management store that is not on the SQL server and instance it was
    /// on at backup time (moved with `Move-CsManagementServer`, or its instance re-created under
    /// another name), or that the current topology no longer shows at all.
    ///
    /// ## Why it breaks a restore
    /// The configuration backup (`Export-CsConfiguration`) and the Location Information
    /// service backup are taken from the Central Management store, and restoring the server that
    /// hosts it needs that server's FQDN and SQL instance name. A store moved since the last
    /// export leaves the backup describing a store that is no longer there, and the restore
    /// procedure would rebuild the wrong server.
    ///
    /// ## Example
    /// At backup time the store was on `sql01.contoso.com\rtc`; today the topology puts it on
    /// `sql02.contoso.com\monitoring`.
    ///
    /// ## How to fix
    /// Export the configuration again (`Export-CsConfiguration`, `Export-CsLisConfiguration`)
    /// and the topology beside it (`Get-CsTopology -AsXml`), and check the store's location
    /// with `Get-CsConfigurationStoreLocation`.
    ///
    /// ## Source
    /// The restore of the Central Management store needs its SQL server FQDN and instance name
    /// (*Restoring the server hosting the Central Management store*, Hh202172); the configuration is
    /// exported after every change (*Backing up core data and settings*, Hh202170); names must be
    /// the same at restoration as at backup time (*Backup and restoration process overview*,
    /// Hh202192).
    pub static RULE = {
        code: "DR504",
        name: "cms-moved",
        severity: Error,
        scope: Drift,
        summary: "the Central Management store is not where it was when the configuration was exported",
        help: "export the configuration again (`Export-CsConfiguration`, `Export-CsLisConfiguration`) with the topology beside it (`Get-CsTopology -AsXml`)",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(drift) = cx.drift() else {
        return;
    };
    if let Some(sql) = drift.then.central_management_store() {
        out.checked(drift.then.sql_display(sql));
    }
    let Some(entry) = &drift.diff.central_management_store else {
        return;
    };
    let Some(then) = entry.before.as_deref() else {
        // The backup-time topology had no store: nothing was exported from one it shows.
        return;
    };
    let old = entry.old.unwrap_or(drift.then.root);
    let draft = match (entry.change, entry.after.as_deref()) {
        (Change::Changed, Some(now)) => Draft::new(
            then,
            format!(
                "the Central Management store was on `{then}` when the configuration was exported and is on `{now}` now"
            ),
        )
        .at(
            drift.now.file,
            entry.new.unwrap_or(drift.now.root),
            format!("the Central Management store is on `{now}` now"),
        ),
        _ => Draft::new(
            then,
            format!(
                "the Central Management store was on `{then}` at backup time, and the current topology has none"
            ),
        )
        .at(
            drift.now.file,
            drift.now.root,
            "no Central Management store in this topology",
        ),
    };
    out.emit(draft.also(drift.then.file, old, format!("on `{then}` at backup time")));
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_drift};
    use super::RULE;

    fn example() -> &'static str {
        EXAMPLE[0].1
    }

    /// The example with the Central Management store on sql02\monitoring.
    fn moved() -> String {
        let cms = "<ServiceId SiteId=\"1\" RoleName=\"CentralMgmtStore\" Instance=\"1\" />\n      <DependsOn />\n      <InstalledOn>\n        <SqlInstanceId Name=\"rtc\">\n          <ClusterId SiteId=\"1\" Number=\"2\" />";
        assert!(example().contains(cms));
        example().replacen(
            cms,
            &cms.replace("Name=\"rtc\"", "Name=\"monitoring\"")
                .replace("Number=\"2\"", "Number=\"3\""),
            1,
        )
    }

    #[test]
    fn quiet_against_an_identical_backup() {
        assert!(check_drift(&RULE, example(), example()).findings.is_empty());
    }

    #[test]
    fn a_moved_store_points_at_both_instances() {
        let checked = check_drift(&RULE, example(), &moved());
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        assert_eq!(checked.labelled(), ["<SqlInstanceId Name=\"monitoring\">"]);
        let f = &checked.findings[0];
        let then = checked.ws.files.get(f.secondary[0].file);
        assert_eq!(then.display, "backup-topology.xml");
        assert_eq!(
            then.slice(f.secondary[0].span),
            "<SqlInstanceId Name=\"rtc\">"
        );
    }

    #[test]
    fn a_store_gone_from_the_topology_is_reported_and_one_added_is_not() {
        let gone = example().replace("RoleName=\"CentralMgmtStore\"", "RoleName=\"OtherStore\"");
        let checked = check_drift(&RULE, example(), &gone);
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        assert!(check_drift(&RULE, &gone, example()).findings.is_empty());
    }
}
