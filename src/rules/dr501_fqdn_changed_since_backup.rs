use crate::analysis::drift::{Change, Entry};
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Compares the topology with the one exported with the last backup (`--backup-topology`)
    /// and reports every pool or machine FQDN of the backup-time topology that the current
    /// topology no longer has: a server renamed, a pool renamed (the same cluster under another
    /// FQDN) or an object removed. Names compare case-insensitively, ignoring a trailing dot;
    /// the place of an element in the document does not matter.
    ///
    /// The finding points at the current topology (the renamed cluster, or the pool the
    /// machine belonged to) and shows the backup-time element beside it. When nothing in the
    /// current topology takes the object's place, it points at the backup-time element.
    ///
    /// ## Why it breaks a restore
    /// A restore rebuilds each failed server with the FQDN it had when the backup was taken, and
    /// the backed-up configuration, user data and Response Group settings name those servers
    /// and pools. After a rename, the last backup describes servers that no longer exist: a
    /// restore from it brings back the old names, and the pieces that point to the new ones
    /// break.
    ///
    /// ## Example
    /// At backup time pool `pool01.contoso.com` had machine `fe03.contoso.com`; today it has
    /// `fe04.contoso.com` in its place.
    ///
    /// ## How to fix
    /// Take a new full backup after the change (`Export-CsConfiguration`, `Export-CsUserData`,
    /// the SQL and file store backups) and export the topology beside it with
    /// `Get-CsTopology -AsXml`. Until then, a restore from the old backup must use a server with
    /// the old FQDN.
    ///
    /// ## Source
    /// Computer FQDNs must be the same at restoration as at backup time (*Backup and restoration
    /// process overview*, Hh202192), and each restore starts from a server with the same FQDN as the
    /// failed one (*Preparing to restore Lync Server 2013*, Hh202179).
    pub static RULE = {
        code: "DR501",
        name: "fqdn-changed-since-backup",
        severity: Error,
        scope: Drift,
        summary: "a pool or machine FQDN of the backup-time topology no longer exists (renamed or removed)",
        help: "take a new full backup after the rename and export the topology beside it (`Get-CsTopology -AsXml`); until then a restore needs a server with the old FQDN",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(drift) = cx.drift() else {
        return;
    };
    for fqdn in drift.then.hosts.keys() {
        out.checked(fqdn.as_str());
    }
    let mut drafts = Unique::new(RULE.meta.severity);
    for entry in &drift.diff.pools {
        if let Some(draft) = pool(&drift, entry) {
            drafts.push(draft, "also here");
        }
    }
    for entry in &drift.diff.machines {
        if let Some(draft) = machine(&drift, entry) {
            drafts.push(draft, "also here");
        }
    }
    drafts.emit(out);
}

/// The backup-time element, as a related location.
fn then_label(drift: &Drift<'_>, entry: &Entry, draft: Draft) -> Draft {
    draft.also(
        drift.then.file,
        entry.old.unwrap_or(drift.then.root),
        format!("`{}` at backup time", entry.name),
    )
}

fn pool(drift: &Drift<'_>, entry: &Entry) -> Option<Draft> {
    let gone = crate::model::Fqdn::new(&entry.name);
    if !drift.now.lookup(&gone).is_empty() {
        return None;
    }
    let draft = match (entry.change, &entry.after, entry.new) {
        (Change::Changed, Some(now), Some(span)) => Draft::new(
            &entry.name,
            format!(
                "pool `{}` of the backup-time topology is now named `{now}`",
                entry.name
            ),
        )
        .at(
            drift.now.file,
            span,
            format!("the same cluster was `{}` at backup time", entry.name),
        ),
        (Change::Removed, ..) => Draft::new(
            &entry.name,
            format!(
                "pool `{}` of the backup-time topology is not in the current topology (renamed or removed); nothing there takes its place, so it is shown where the backup-time topology declares it",
                entry.name
            ),
        )
        .at(
            drift.then.file,
            entry.old.unwrap_or(drift.then.root),
            "no pool of the current topology has this FQDN",
        ),
        _ => return None,
    };
    Some(match entry.change {
        Change::Changed => then_label(drift, entry, draft),
        _ => draft,
    })
}

fn machine(drift: &Drift<'_>, entry: &Entry) -> Option<Draft> {
    if entry.change != Change::Removed {
        return None;
    }
    let gone = crate::model::Fqdn::new(&entry.name);
    if !drift.now.lookup(&gone).is_empty() {
        return None;
    }
    let was_in = entry.before.as_deref().unwrap_or("?");
    let Some((pool_now, pool_span)) = entry.after.as_ref().zip(entry.new) else {
        let draft = Draft::new(
            &entry.name,
            format!(
                "machine `{}` of pool `{was_in}` at backup time is not in the current topology, and neither is its pool; it is shown where the backup-time topology declares it",
                entry.name
            ),
        )
        .at(
            drift.then.file,
            entry.old.unwrap_or(drift.then.root),
            "no pool or machine of the current topology has this FQDN",
        );
        return Some(draft);
    };
    // One machine new to the same pool is most likely the same server under a new name.
    let newcomers: Vec<&Entry> = drift
        .diff
        .machines
        .iter()
        .filter(|m| m.change == Change::Added && m.after.as_deref() == Some(pool_now.as_str()))
        .collect();
    let draft = match newcomers.as_slice() {
        [only] => Draft::new(
            &entry.name,
            format!(
                "machine `{}` of pool `{pool_now}` at backup time is no longer in the topology; the pool has `{}` instead",
                entry.name, only.name
            ),
        )
        .at(
            drift.now.file,
            only.new.unwrap_or(pool_span),
            format!("not in the backup-time topology: `{}` renamed?", entry.name),
        ),
        _ => Draft::new(
            &entry.name,
            format!(
                "machine `{}` of pool `{pool_now}` at backup time is no longer in the topology",
                entry.name
            ),
        )
        .at(
            drift.now.file,
            pool_span,
            format!("this pool no longer has `{}`", entry.name),
        ),
    };
    Some(then_label(drift, entry, draft))
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_drift};
    use super::RULE;

    fn example() -> &'static str {
        EXAMPLE[0].1
    }

    #[test]
    fn quiet_against_an_identical_backup() {
        assert!(check_drift(&RULE, example(), example()).findings.is_empty());
    }

    #[test]
    fn a_renamed_machine_points_at_its_successor_and_the_backup() {
        let now = example().replace("fe03.contoso.com", "fe04.contoso.com");
        let checked = check_drift(&RULE, example(), &now);
        assert_eq!(checked.entities(), ["fe03.contoso.com"]);
        assert_eq!(checked.labelled(), ["fe04.contoso.com"]);
        let f = &checked.findings[0];
        assert_eq!(f.secondary.len(), 1);
        let then = checked.ws.files.get(f.secondary[0].file);
        assert_eq!(then.display, "backup-topology.xml");
        assert_eq!(then.slice(f.secondary[0].span), "fe03.contoso.com");
    }

    #[test]
    fn a_removed_machine_points_at_its_pool() {
        let now = example().replace(
            "      <Machine OrdinalInCluster=\"2\" Fqdn=\"edge02.contoso.com\">\n",
            "      <Machine OrdinalInCluster=\"2\">\n",
        );
        let checked = check_drift(&RULE, example(), &now);
        assert_eq!(checked.entities(), ["edge02.contoso.com"]);
        assert_eq!(checked.labelled(), ["edgepool.contoso.com"]);
    }

    #[test]
    fn a_renamed_pool_points_at_the_cluster_under_its_new_name() {
        let now = example().replace("Fqdn=\"edgepool.contoso.com\"", "Fqdn=\"edge.contoso.com\"");
        let checked = check_drift(&RULE, example(), &now);
        assert_eq!(checked.entities(), ["edgepool.contoso.com"]);
        assert_eq!(checked.labelled(), ["edge.contoso.com"]);
        assert!(
            checked.findings[0]
                .message
                .contains("now named `edge.contoso.com`")
        );
    }

    #[test]
    fn a_removed_pool_points_at_the_backup_time_element() {
        let wac = "    <Cluster RequiresReplication=\"false\" RequiresSetup=\"false\" Fqdn=\"wac01.contoso.com\">\n      <ClusterId SiteId=\"1\" Number=\"6\" />\n      <Machine OrdinalInCluster=\"1\" Fqdn=\"wac01.contoso.com\" />\n    </Cluster>\n";
        let now = example().replace(wac, "");
        let checked = check_drift(&RULE, example(), &now);
        assert_eq!(checked.entities(), ["wac01.contoso.com"]);
        let f = &checked.findings[0];
        let file = checked
            .ws
            .files
            .get(f.primary.as_ref().expect("primary").file);
        assert_eq!(file.display, "backup-topology.xml");
        assert!(f.message.contains("renamed or removed"));
    }

    #[test]
    fn a_new_case_or_a_trailing_dot_is_not_a_rename() {
        let now = example().replace("Fqdn=\"fe02.contoso.com\"", "Fqdn=\"FE02.contoso.com.\"");
        assert!(check_drift(&RULE, example(), &now).findings.is_empty());
    }
}
