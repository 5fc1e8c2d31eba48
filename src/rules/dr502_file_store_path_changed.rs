use crate::analysis::drift::Change;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Compares the topology with the one exported with the last backup (`--backup-topology`)
    /// and reports a file store whose `\\host\share` is not what it was at backup time: the
    /// share renamed, or moved to another file server. File stores are matched by the pools
    /// that use them, never by their place in the document; host names compare
    /// case-insensitively, and so do share names. A file store of the backup-time topology that
    /// no pool uses any more is reported at its backup-time element.
    ///
    /// ## Why it breaks a restore
    /// The file store backup is a copy of the share's folders, and it must go back to the exact
    /// path it was copied from, so that the services that use the files find them. A share
    /// renamed or moved since the backup leaves the copy without its place: the restore puts
    /// the files where the topology no longer looks, or the path has to be rebuilt by hand.
    ///
    /// ## Example
    /// At backup time pool01's file store was `\\fs01.contoso.com\LyncShare`; today the topology
    /// says `\\fs01.contoso.com\LyncShare2`.
    ///
    /// ## How to fix
    /// Back up the file store at its new path (Robocopy, or the file backup tool of the
    /// worksheet) and export the topology beside that backup with `Get-CsTopology -AsXml`.
    /// Until then, a restore from the old backup goes to the old path.
    ///
    /// ## Source
    /// File store paths must be the same at restoration as at backup time (*Backup and restoration
    /// process overview*, Hh202192), and a restored file store needs exactly the backed-up path and
    /// name (*Restoring a Standard Edition server*, Hh202190).
    pub static RULE = {
        code: "DR502",
        name: "file-store-path-changed",
        severity: Error,
        scope: Drift,
        summary: "a file store's `\\\\host\\share` differs from the backup-time topology",
        help: "back up the file store at its new path and export the topology beside that backup (`Get-CsTopology -AsXml`)",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(drift) = cx.drift() else {
        return;
    };
    let current: Vec<String> = drift
        .now
        .file_stores()
        .into_iter()
        .map(|f| f.unc.to_lowercase())
        .collect();
    for store in drift.then.file_stores() {
        out.checked(store.unc);
    }
    let mut drafts = Unique::new(RULE.meta.severity);
    for entry in &drift.diff.file_stores {
        let Some(then) = entry.before.as_deref() else {
            continue;
        };
        let old = entry.old.unwrap_or(drift.then.root);
        let draft = match (entry.change, entry.after.as_deref(), entry.new) {
            (Change::Changed, Some(now), Some(span)) => Draft::new(
                then,
                format!(
                    "the file store of {} was `{then}` at backup time and is `{now}` now",
                    users(&entry.name)
                ),
            )
            .at(drift.now.file, span, format!("now `{now}`"))
            .also(drift.then.file, old, format!("`{then}` at backup time")),
            (Change::Removed, ..) if !current.contains(&then.to_lowercase()) => Draft::new(
                then,
                format!(
                    "file store `{then}` of the backup-time topology is not in the current topology: its backup has no place to go back to"
                ),
            )
            .at(
                drift.then.file,
                old,
                "no file store of the current topology is at this path",
            ),
            _ => continue,
        };
        drafts.push(draft, "also here");
    }
    drafts.emit(out);
}

/// `pool01.contoso.com` from `FileStore of pool01.contoso.com`.
fn users(name: &str) -> String {
    name.strip_prefix("FileStore of ")
        .map_or_else(|| name.to_string(), |pools| format!("`{pools}`"))
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
        let now = example().replace("ShareName=\"LyncShare\"", "ShareName=\"LYNCSHARE\"");
        assert!(check_drift(&RULE, example(), &now).findings.is_empty());
    }

    #[test]
    fn a_renamed_share_points_at_the_share_now_and_then() {
        let now = example().replace("ShareName=\"LyncShare\"", "ShareName=\"LyncShare2\"");
        let checked = check_drift(&RULE, example(), &now);
        assert_eq!(checked.entities(), ["\\\\fs01.contoso.com\\LyncShare"]);
        assert_eq!(checked.labelled(), ["LyncShare2"]);
        let f = &checked.findings[0];
        assert_eq!(
            f.message,
            "the file store of `pool01.contoso.com` was `\\\\fs01.contoso.com\\LyncShare` at backup time and is `\\\\fs01.contoso.com\\LyncShare2` now"
        );
        let then = checked.ws.files.get(f.secondary[0].file);
        assert_eq!(then.display, "backup-topology.xml");
        assert_eq!(then.slice(f.secondary[0].span), "LyncShare");
    }

    #[test]
    fn a_file_store_on_another_server_is_reported() {
        let now = example().replace(
            "<InstalledOn>\n        <ClusterId SiteId=\"1\" Number=\"4\" />",
            "<InstalledOn>\n        <ClusterId SiteId=\"1\" Number=\"3\" />",
        );
        assert_ne!(now, example());
        let checked = check_drift(&RULE, example(), &now);
        assert_eq!(checked.entities(), ["\\\\fs01.contoso.com\\LyncShare"]);
        assert!(
            checked.findings[0]
                .message
                .contains("\\\\sql02.contoso.com\\LyncShare")
        );
    }
}
