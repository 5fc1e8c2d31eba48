use std::collections::BTreeMap;

use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::worksheet::BackupRunRow;

declare_rule! {
    /// ## What it checks
    /// Reports a row of the `backup-runs` worksheet whose `Backup share` is the same folder as
    /// an earlier row's. Two shares are the same when they are equal after trimming, lower-casing
    /// and removing trailing backslashes, so `\\backup01\lync\2026-11-20\` and
    /// `\\BACKUP01\lync\2026-11-20` match. Host names are compared as written: a short name and
    /// the FQDN of the same server are not recognised as one host.
    ///
    /// A folder used by several runs is reported once, at its second use, with the first use
    /// (and any later ones) shown beside it. Blank shares are left to BK215; whether the share is
    /// a `\\host\share` path at all is BK203's concern.
    ///
    /// ## Why it breaks a restore
    /// Microsoft's backup procedure starts every run by creating a new shared folder and
    /// pointing `$Backup` at it. A run written into the folder of an earlier one overwrites the
    /// exported configuration, the user data zip and the copied file store of that run: the
    /// older backup set the worksheet still lists no longer exists, and a failed or partial run
    /// leaves a mixture of two backups that cannot be restored as either.
    ///
    /// ## Example
    /// ```text
    /// Date,Backup share
    /// 2026-11-19,\\backup01.contoso.com\lync\2026-11-19
    /// 2026-11-20,\\backup01.contoso.com\lync\2026-11-19
    /// ```
    /// The run of 2026-11-20 reused the folder of 2026-11-19.
    ///
    /// ## How to fix
    /// Before each run, create a new folder on the backup server (for example one named after
    /// the date), set `$Backup` to it, and record that path in the run's row. If the worksheet
    /// row is a copy-and-paste slip, correct it to the folder the run really wrote.
    ///
    /// ## Source
    /// Each backup run uses a new shared folder, and `$Backup` is changed to reference it (*Backup
    /// and restoration process overview*, Hh202192; *Backing up core data and settings*, Hh202170,
    /// step 2).
    pub static RULE = {
        code: "BK202",
        name: "backup-share-reused",
        severity: Warning,
        scope: Deployment,
        summary: "two backup runs used the same shared folder",
        help: "create a new shared folder for every backup run, point `$Backup` at it, and record it in the run's row",
        check: check,
    }
}

/// A `Backup share` cell normalised for comparison: trimmed, lower-case, without trailing
/// backslashes.
fn normalise(share: &str) -> String {
    share.trim().trim_end_matches('\\').to_lowercase()
}

/// How a run is named in a message: its date as written, or "an undated run".
fn run_name(row: &BackupRunRow) -> String {
    if row.date.is_blank() {
        "an undated run".to_string()
    } else {
        format!("the run of {}", shown(&row.date.cell.text))
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let sheets = cx.sheets();
    // Every use of each share, in worksheet order.
    let mut uses: BTreeMap<String, Vec<&BackupRunRow>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for row in &sheets.backup_runs {
        if row.share.is_blank() {
            continue;
        }
        let key = normalise(&row.share.text);
        if key.is_empty() {
            continue;
        }
        let entry = uses.entry(key.clone()).or_default();
        if entry.is_empty() {
            order.push(key);
        }
        entry.push(row);
    }
    for key in order {
        out.checked(key.as_str());
        let Some(rows) = uses.get(&key) else {
            continue;
        };
        let [first, second, rest @ ..] = rows.as_slice() else {
            continue;
        };
        let message = if rest.is_empty() {
            format!(
                "{} reused the shared folder `{}` of {}",
                run_name(second),
                shown(&second.share.text),
                run_name(first)
            )
        } else {
            format!(
                "{} backup runs used the same shared folder `{}`",
                rows.len(),
                shown(&second.share.text)
            )
        };
        let mut draft = Draft::new(key.as_str(), message)
            .at(
                second.at.file,
                second.share.span,
                "this run reused an earlier run's folder",
            )
            .also(first.at.file, first.share.span, "first used here");
        for row in rest {
            draft = draft.also(row.at.file, row.share.span, "used again here");
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_reused_folder_is_reported_at_the_second_run() {
        let checked = example_with(
            &RULE,
            &[(
                "backup-runs.csv",
                "2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-20",
                "2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-19",
            )],
        );
        assert_eq!(
            checked.labelled(),
            ["\\\\backup01.contoso.com\\lync\\2026-11-19"]
        );
        assert_eq!(checked.lines(), [4]);
        assert_eq!(
            checked.entities(),
            ["\\\\backup01.contoso.com\\lync\\2026-11-19"]
        );
        let f = &checked.findings[0];
        assert_eq!(f.severity, crate::lint::draft::Severity::Warning);
        assert!(
            f.message.contains("the run of 2026-11-20 reused")
                && f.message.contains("of the run of 2026-11-19"),
            "{}",
            f.message
        );
        assert_eq!(f.secondary.len(), 1);
        assert_eq!(f.secondary[0].message, "first used here");
    }

    #[test]
    fn case_and_trailing_backslashes_do_not_hide_a_reuse() {
        let checked = example_with(
            &RULE,
            &[(
                "backup-runs.csv",
                "2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-20",
                "2026-11-20,\\\\BACKUP01.contoso.com\\Lync\\2026-11-19\\\\ ",
            )],
        );
        assert_eq!(
            checked.entities(),
            ["\\\\backup01.contoso.com\\lync\\2026-11-19"]
        );
    }

    #[test]
    fn three_uses_make_one_finding() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "backup-runs.csv",
                    "2026-11-19,\\\\backup01.contoso.com\\lync\\2026-11-19",
                    "2026-11-19,\\\\backup01.contoso.com\\lync\\2026-11-18",
                ),
                (
                    "backup-runs.csv",
                    "2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-20",
                    "2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-18",
                ),
            ],
        );
        assert_eq!(checked.lines(), [3]);
        let f = &checked.findings[0];
        assert!(f.message.starts_with("3 backup runs used"), "{}", f.message);
        assert_eq!(f.secondary.len(), 2);
    }

    #[test]
    fn a_subfolder_of_an_earlier_share_is_not_a_reuse() {
        let checked = example_with(
            &RULE,
            &[(
                "backup-runs.csv",
                "2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-20",
                "2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-19\\second",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn blank_shares_are_left_to_bk215() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "backup-runs.csv",
                    "2026-11-19,\\\\backup01.contoso.com\\lync\\2026-11-19",
                    "2026-11-19,",
                ),
                (
                    "backup-runs.csv",
                    "2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-20",
                    "2026-11-20,",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }
}
