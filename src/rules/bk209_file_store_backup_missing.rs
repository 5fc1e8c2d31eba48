use std::collections::{BTreeMap, BTreeSet};

use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::placeholder;
use crate::model::values::Unc;
use crate::model::worksheet::{FileStoreRow, Kind};

declare_rule! {
    /// ## What it checks
    /// Every file store of the topology (each `FileStore` service, as Topology Builder's
    /// *File stores* node lists them) needs a `file-store` worksheet row whose
    /// `File share to be backed up` is the same `\\host\share`. The host is compared as an FQDN
    /// (case-insensitively; a single-label host such as `\\FS01\LyncShare` matches the file
    /// server whose FQDN starts with that label), the share name case-insensitively, and a
    /// deeper path (`\\fs01.contoso.com\LyncShare\1-WebServices-1`) counts as the share.
    ///
    /// The finding is at the `ShareName` attribute of the file store, with a related snippet at
    /// the header of the file-store worksheet, where the row belongs. When a row names the same
    /// share on another host, or another share on the same host, the message says so and the
    /// related snippet points at that row's cell instead: the path must be identical.
    ///
    /// Decisions: a row that backs up another file store of the topology is never offered as a
    /// near miss. The `Server name (FQDN)` cell is not used to match (the share path says where
    /// the data is); BK214 checks that it names a server of the topology. A topology file store
    /// whose host or share still holds a template placeholder is left to IN006.
    ///
    /// ## Why it breaks a restore
    /// The file store holds meeting content, Address Book files, device updates and
    /// application data that no database backup contains. A share left out of the copy cannot
    /// be restored; a share copied under another path cannot be restored in place, because the
    /// topology, and every server that uses the store, looks for the path the topology names.
    ///
    /// ## Example
    /// ```xml
    /// <Cluster Fqdn="fs01.contoso.com"> ...
    /// <FileStoreService ShareName="LyncShare" />
    /// ```
    /// ```text
    /// Content,Server name (FQDN),Backup schedule,File system backup tool,File share to be backed up,Backup destination
    /// Lync Server File Store,fs02.contoso.com,Daily,Robocopy,\\fs02.contoso.com\LyncShare,\\backup01.contoso.com\lync\filestore
    /// ```
    /// The row copies `\\fs02.contoso.com\LyncShare`; the topology's file store is on fs01.
    ///
    /// ## How to fix
    /// Find the store's path in Topology Builder (*File stores* node), copy the share with
    /// Robocopy or the backup product to `$Backup\filestore`, and add a file-store row whose
    /// `File share to be backed up` is exactly that `\\host\share`. If the row names an old
    /// path, correct it, and back up the share at the path the topology has now.
    ///
    /// ## Source
    /// Back up every file store listed in Topology Builder's File stores node (*Backing up file
    /// stores*, Hh202167; *Backup and restoration requirements: data*, Hh202194); file store paths
    /// must be the same at restore time as at backup time (*Backup and restoration process
    /// overview*, Hh202192).
    pub static RULE = {
        code: "BK209",
        name: "file-store-backup-missing",
        severity: Error,
        scope: Deployment,
        summary: "a topology file store without a file-store row for the identical `\\\\host\\share`",
        help: "copy the share to `$Backup\\filestore` with Robocopy or the backup product, and add a file-store row whose `File share to be backed up` is exactly the store's `\\\\host\\share`",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    let rows: Vec<(&FileStoreRow, Unc)> = sheets
        .file_store
        .iter()
        .filter(|r| !placeholder::contains(&r.share.text))
        .filter_map(|r| Unc::parse(&r.share.text).map(|u| (r, u)))
        .collect();
    // Rows by (host as written, share): a store is found under its FQDN, and under its first
    // label for rows that write a single-label host.
    let mut by_path: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (i, (_, unc)) in rows.iter().enumerate() {
        by_path
            .entry((unc.host.as_str(), unc.share.as_str()))
            .or_insert(i);
    }
    let stores: Vec<_> = t
        .file_stores()
        .into_iter()
        .filter_map(|store| {
            let host = t.pools.get(store.pool.index())?.fqdn.as_ref()?;
            let placeholder =
                host.value.is_placeholder() || placeholder::contains(&store.share.value);
            (!placeholder).then(|| (host.value.clone(), store.share.value.to_lowercase(), store))
        })
        .collect();
    let find = |host: &crate::model::Fqdn, share: &str| {
        by_path
            .get(&(host.as_str(), share))
            .or_else(|| by_path.get(&(host.first_label(), share)))
            .copied()
    };
    let covering: BTreeSet<usize> = stores
        .iter()
        .filter_map(|(host, share, _)| find(host, share))
        .collect();
    // Rows that back up no store, as near misses: by share, and by host (as written).
    let mut by_share: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_host: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (_, unc)) in rows.iter().enumerate() {
        if covering.contains(&i) {
            continue;
        }
        by_share.entry(unc.share.as_str()).or_insert(i);
        by_host.entry(unc.host.as_str()).or_insert(i);
    }
    let header = sheets.header(Kind::FileStore);
    let mut drafts = Unique::new(RULE.meta.severity);
    for (host, share, store) in &stores {
        let entity = store.unc.to_lowercase();
        out.checked(&entity);
        if find(host, share).is_some() {
            continue;
        }
        let named = format!("file store `{}`", shown(&store.unc));
        let same_share = by_share.get(share.as_str());
        let same_host = by_host
            .get(host.as_str())
            .or_else(|| by_host.get(host.first_label()));
        let near = same_share
            .map(|&i| (i, "the same share on another host"))
            .or_else(|| same_host.map(|&i| (i, "another share on the same host")));
        let mut draft = Draft::new(&entity, String::new()).at(
            t.file,
            store.share.span,
            "no file-store row backs up this share",
        );
        match (
            near.and_then(|(i, how)| rows.get(i).map(|r| (r, how))),
            header,
        ) {
            (Some(((row, _), how)), _) => {
                draft.message = format!(
                    "{named} has no file-store backup row: `{}` is {how}, and the path must be identical",
                    shown(&row.share.text)
                );
                draft = draft.also(
                    row.at.file,
                    row.share.span,
                    format!("{how}, not `{}`", shown(&store.unc)),
                );
            }
            (None, Some((file, span))) => {
                draft.message = format!("{named} has no file-store backup row");
                draft = draft.also(
                    file,
                    span,
                    format!("no row for `{}` here", shown(&store.unc)),
                );
            }
            (None, None) => {
                draft.message = format!(
                    "{named} has no backup row, and the deployment has no file-store worksheet"
                );
            }
        }
        drafts.push(draft, "the same file store is declared again here");
    }
    drafts.emit(out);
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_bytes, example_with};
    use super::RULE;

    const SHARE: &str = "Robocopy,\\\\fs01.contoso.com\\LyncShare,";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_single_label_host_and_another_case_match() {
        let checked = example_with(
            &RULE,
            &[(
                "file-store.csv",
                SHARE,
                "Robocopy,\\\\FS01\\lyncshare\\1-WebServices-1,",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn the_same_share_on_another_host_is_pointed_at() {
        let checked = example_with(
            &RULE,
            &[(
                "file-store.csv",
                SHARE,
                "Robocopy,\\\\fs02.contoso.com\\LyncShare,",
            )],
        );
        assert_eq!(checked.labelled(), ["LyncShare"]);
        assert_eq!(checked.entities(), ["\\\\fs01.contoso.com\\lyncshare"]);
        let f = &checked.findings[0];
        assert!(
            f.message.contains("the same share on another host"),
            "{}",
            f.message
        );
        assert!(
            f.message.contains("`\\\\fs02.contoso.com\\LyncShare`"),
            "{}",
            f.message
        );
        let related = &f.secondary[0];
        assert_eq!(checked.ws.files.get(related.file).display, "file-store.csv");
        assert_eq!(
            checked.ws.files.get(related.file).slice(related.span),
            "\\\\fs02.contoso.com\\LyncShare"
        );
    }

    #[test]
    fn another_share_on_the_same_host_is_pointed_at() {
        let checked = example_with(
            &RULE,
            &[(
                "file-store.csv",
                SHARE,
                "Robocopy,\\\\fs01.contoso.com\\LyncShare2,",
            )],
        );
        assert!(
            checked.findings[0]
                .message
                .contains("another share on the same host"),
            "{}",
            checked.findings[0].message
        );
    }

    #[test]
    fn a_missing_row_points_at_the_worksheet_header() {
        let checked = example_with(
            &RULE,
            &[("file-store.csv", SHARE, "Robocopy,D:\\LyncShare,")],
        );
        let f = &checked.findings[0];
        assert_eq!(
            f.message,
            "file store `\\\\fs01.contoso.com\\LyncShare` has no file-store backup row"
        );
        let related = &f.secondary[0];
        assert!(
            checked
                .ws
                .files
                .get(related.file)
                .slice(related.span)
                .starts_with("Content,")
        );
    }

    #[test]
    fn without_a_file_store_worksheet_the_message_says_so() {
        let files: Vec<(&str, &[u8])> = EXAMPLE
            .iter()
            .filter(|(n, _)| *n != "file-store.csv")
            .map(|(n, t)| (*n, t.as_bytes()))
            .collect();
        let checked = check_bytes(&RULE, &files);
        assert_eq!(checked.entities(), ["\\\\fs01.contoso.com\\lyncshare"]);
        assert!(
            checked.findings[0]
                .message
                .contains("no file-store worksheet")
        );
        assert!(checked.findings[0].secondary.is_empty());
    }
}
