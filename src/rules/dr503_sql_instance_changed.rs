use std::collections::BTreeMap;

use crate::analysis::drift::{Change, Entry};
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Compares the topology with the one exported with the last backup (`--backup-topology`)
    /// and reports SQL stores (user, application, Archiving, Monitoring, Persistent Chat
    /// stores) that are no longer on the SQL server and instance they were on at backup time:
    /// an instance re-created under another name, or a store moved to another server. Stores are
    /// matched by role and by the pools that use them; server FQDNs and instance names compare
    /// case-insensitively. One finding is given per backup-time instance. The Central
    /// Management store has its own rule, DR504.
    ///
    /// ## Why it breaks a restore
    /// A SQL backup is restored into an instance of the same name on a server of the same
    /// FQDN, and the restore procedures install SQL Server keeping the instance names. When the
    /// topology now places the store elsewhere, the last backup holds it under the old server
    /// and instance: restoring it there leaves the pool pointing at an empty store, and
    /// restoring it to the new instance is a manual, unpractised step.
    ///
    /// ## Example
    /// At backup time the Monitoring and Archiving stores were on `sql02.contoso.com\monitoring`;
    /// today the topology puts them on `sql02.contoso.com\mon2`.
    ///
    /// ## How to fix
    /// Back up the databases on the new instance, record the instance in the `sql-instances`
    /// worksheet, and export the topology beside the new backup with `Get-CsTopology -AsXml`.
    ///
    /// ## Source
    /// Names must be the same at restoration as at backup time (*Backup and restoration process
    /// overview*, Hh202192), and the Back End restore procedures keep the SQL instance names the
    /// same as before the failure (*Restoring an Enterprise Edition Back End Server*, Hh202163,
    /// step 3).
    pub static RULE = {
        code: "DR503",
        name: "sql-instance-changed",
        severity: Error,
        scope: Drift,
        summary: "a store's SQL server FQDN or instance name differs from the backup-time topology",
        help: "back up the databases on their new instance and export the topology beside that backup (`Get-CsTopology -AsXml`)",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(drift) = cx.drift() else {
        return;
    };
    // Moved stores, by their backup-time instance, then by where they are now.
    let mut moves: BTreeMap<&str, BTreeMap<&str, Vec<&Entry>>> = BTreeMap::new();
    for entry in &drift.diff.stores {
        if let (Change::Changed, Some(then), Some(now)) = (
            entry.change,
            entry.before.as_deref(),
            entry.after.as_deref(),
        ) {
            moves
                .entry(then)
                .or_default()
                .entry(now)
                .or_default()
                .push(entry);
        }
    }
    for sql in crate::analysis::restore::instances_in_use(drift.then) {
        out.checked(drift.then.sql_display(sql));
    }
    let mut drafts = Unique::new(RULE.meta.severity);
    for (then, by_now) in &moves {
        for (now, entries) in by_now {
            let roles: Vec<String> = entries.iter().map(|e| format!("`{}`", e.name)).collect();
            let Some(first) = entries.first() else {
                continue;
            };
            let draft = Draft::new(
                *then,
                format!(
                    "{} {} on `{then}` at backup time and {} on `{now}` now",
                    and_list(&roles),
                    if entries.len() == 1 { "was" } else { "were" },
                    if entries.len() == 1 { "is" } else { "are" },
                ),
            )
            .at(
                drift.now.file,
                first.new.unwrap_or(drift.now.root),
                format!("now `{now}`"),
            )
            .also(
                drift.then.file,
                first.old.unwrap_or(drift.then.root),
                format!("`{then}` at backup time"),
            );
            drafts.push(draft, "and also here now");
        }
    }
    drafts.emit(out);
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_drift};
    use super::RULE;

    fn example() -> &'static str {
        EXAMPLE[0].1
    }

    #[test]
    fn quiet_against_an_identical_backup_or_another_case() {
        assert!(check_drift(&RULE, example(), example()).findings.is_empty());
        let now = example().replace("Name=\"monitoring\"", "Name=\"MONITORING\"");
        assert!(check_drift(&RULE, example(), &now).findings.is_empty());
    }

    #[test]
    fn a_recreated_instance_is_one_finding_for_its_stores() {
        let now = example().replace("Name=\"monitoring\"", "Name=\"mon2\"");
        let checked = check_drift(&RULE, example(), &now);
        assert_eq!(checked.entities(), ["sql02.contoso.com\\monitoring"]);
        assert_eq!(
            checked.findings[0].message,
            "`ArchivingStore of pool01.contoso.com` and `MonitoringStore of pool01.contoso.com` were on `sql02.contoso.com\\monitoring` at backup time and are on `sql02.contoso.com\\mon2` now"
        );
        assert_eq!(checked.labelled(), ["<SqlInstanceId Name=\"mon2\">"]);
    }

    #[test]
    fn the_central_management_store_is_left_to_dr504() {
        let now = example().replace("Name=\"rtc\"", "Name=\"rtc2\"");
        let checked = check_drift(&RULE, example(), &now);
        assert_eq!(checked.findings.len(), 1);
        let message = &checked.findings[0].message;
        assert!(message.contains("UserStore") && message.contains("ApplicationStore"));
        assert!(!message.contains("CentralMgmtStore"), "{message}");
    }
}
