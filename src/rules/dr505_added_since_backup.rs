use crate::analysis::drift::Change;
use crate::lint::prelude::*;
use crate::model::Fqdn;

declare_rule! {
    /// ## What it checks
    /// Compares the topology with the one exported with the last backup (`--backup-topology`)
    /// and reports what was added after it: a pool whose FQDN the backup-time topology does
    /// not have, a SQL instance whose stores are all new, and a file store at a path the
    /// backup-time topology does not have. A pool renamed (the same cluster under another FQDN)
    /// is DR501's, and an instance that took over stores from another is DR503's: neither is
    /// reported here.
    ///
    /// ## Why it breaks a restore
    /// The last backup was taken before these existed, so it holds none of their data or
    /// settings: the user data of a new pool, the databases of a new instance, the files of a
    /// new share. A failure now cannot be restored for them from the backups on hand.
    ///
    /// ## Example
    /// The topology has a Director pool `dir01.contoso.com` that the topology exported with the
    /// last backup does not list.
    ///
    /// ## How to fix
    /// Run a full backup now (configuration, user data, SQL databases, file stores) and export
    /// the topology beside it with `Get-CsTopology -AsXml`; add the new objects to the backup
    /// worksheets.
    ///
    /// ## Source
    /// Regular full backups (*Backup and restoration requirements: data*, Hh202194), and the backup
    /// files each restore reads must exist (*Restoring the server hosting the Central Management
    /// store*, Hh202172; *Restoring a Standard Edition server*, Hh202190).
    pub static RULE = {
        code: "DR505",
        name: "added-since-backup",
        severity: Warning,
        scope: Drift,
        summary: "a pool, SQL instance or file store that the last backup cannot contain (added after it)",
        help: "run a full backup now and export the topology beside it (`Get-CsTopology -AsXml`)",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(drift) = cx.drift() else {
        return;
    };
    let diff = &drift.diff;
    for p in drift.now.pool_ids() {
        out.checked(drift.now.pool_name(p));
    }
    for sql in crate::analysis::restore::instances_in_use(drift.now) {
        out.checked(drift.now.sql_display(sql));
    }
    for store in drift.now.file_stores() {
        out.checked(store.unc);
    }
    let mut drafts = Unique::new(RULE.meta.severity);
    let mut push = |entity: &str, what: &str, span: Option<crate::input::span::Span>| {
        let draft = Draft::new(
            entity,
            format!("{what} `{entity}` was added after the last backup, which holds none of its data or settings"),
        )
        .at(
            drift.now.file,
            span.unwrap_or(drift.now.root),
            "not in the backup-time topology",
        )
        .also(
            drift.then.file,
            drift.then.root,
            format!("the backup-time topology, without `{entity}`"),
        );
        drafts.push(draft, "also here");
    };
    for entry in &diff.pools {
        // A name the backup-time topology had as a machine is not new.
        if entry.change == Change::Added && drift.then.lookup(&Fqdn::new(&entry.name)).is_empty() {
            push(&entry.name, "pool", entry.new);
        }
    }
    for entry in &diff.sql_instances {
        let holds_stores = entry.after.as_deref().is_some_and(|s| !s.is_empty());
        // Stores that moved in from another instance are in the last backup (DR503).
        let moved_in = diff
            .stores
            .iter()
            .chain(&diff.central_management_store)
            .any(|s| s.change == Change::Changed && s.after.as_deref() == Some(&entry.name));
        if entry.change == Change::Added && holds_stores && !moved_in {
            push(&entry.name, "SQL instance", entry.new);
        }
    }
    let backed_up: Vec<String> = drift
        .then
        .file_stores()
        .into_iter()
        .map(|f| f.unc.to_lowercase())
        .collect();
    for entry in &diff.file_stores {
        if let (Change::Added, Some(unc)) = (entry.change, entry.after.as_deref()) {
            if !backed_up.contains(&unc.to_lowercase()) {
                push(unc, "file store", entry.new);
            }
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

    fn with_director() -> String {
        example().replacen(
            "  </Clusters>",
            "    <Cluster Fqdn=\"dir01.contoso.com\">\n      <ClusterId SiteId=\"1\" Number=\"9\" />\n      <Machine OrdinalInCluster=\"1\" Fqdn=\"dir01.contoso.com\" />\n    </Cluster>\n  </Clusters>",
            1,
        )
    }

    #[test]
    fn quiet_against_an_identical_backup() {
        assert!(check_drift(&RULE, example(), example()).findings.is_empty());
    }

    #[test]
    fn an_added_pool_is_reported_and_a_removed_one_is_not() {
        let checked = check_drift(&RULE, example(), &with_director());
        assert_eq!(checked.entities(), ["dir01.contoso.com"]);
        assert_eq!(checked.labelled(), ["dir01.contoso.com"]);
        assert!(
            check_drift(&RULE, &with_director(), example())
                .findings
                .is_empty()
        );
    }

    #[test]
    fn a_recreated_instance_or_a_renamed_share_is_not_new() {
        let instance = example().replace("Name=\"monitoring\"", "Name=\"mon2\"");
        assert!(check_drift(&RULE, example(), &instance).findings.is_empty());
        let share = example().replace("ShareName=\"LyncShare\"", "ShareName=\"LyncShare2\"");
        assert!(check_drift(&RULE, example(), &share).findings.is_empty());
    }

    #[test]
    fn an_instance_with_new_stores_is_new() {
        let with = example().replacen(
            "  </SqlInstances>",
            "    <SqlInstance>\n      <SqlInstanceId Name=\"pchat\">\n        <ClusterId SiteId=\"1\" Number=\"3\" />\n      </SqlInstanceId>\n    </SqlInstance>\n  </SqlInstances>",
            1,
        ).replacen(
            "  </Services>",
            "    <Service RoleVersion=\"1\" ServiceVersion=\"6\">\n      <ServiceId SiteId=\"1\" RoleName=\"PersistentChatStore\" Instance=\"1\" />\n      <DependsOn />\n      <InstalledOn>\n        <SqlInstanceId Name=\"pchat\">\n          <ClusterId SiteId=\"1\" Number=\"3\" />\n        </SqlInstanceId>\n      </InstalledOn>\n    </Service>\n  </Services>",
            1,
        );
        let checked = check_drift(&RULE, example(), &with);
        assert_eq!(checked.entities(), ["sql02.contoso.com\\pchat"]);
    }
}
