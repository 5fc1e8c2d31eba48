use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a `file-store` worksheet row that does not record excluding the files named
    /// `Meeting.Active` from the copy: neither its `Excluded files` cell nor its `Notes` cell
    /// mentions `Meeting.Active` (case-insensitively, anywhere in the cell, so
    /// `robocopy /MIR /XF Meeting.Active` in the notes counts). The finding is at the
    /// `Excluded files` cell, or at the whole row when the worksheet has no such column.
    ///
    /// Decision: the rule reads what the worksheet records, not the backup job itself; a row
    /// that names the exclusion in either cell is taken at its word.
    ///
    /// ## Why it breaks a restore
    /// A `Meeting.Active` file is held open and locked while its meeting runs. A copy that
    /// tries to include it fails on it or retries (Robocopy's default is a million retries of
    /// 30 seconds each), so the file store backup stalls or stops with an error, and the
    /// meeting content and other files after it are not backed up. The file is useless to a
    /// restore anyway: it marks a meeting in progress.
    ///
    /// ## Example
    /// ```text
    /// Content,Server name (FQDN),Backup schedule,File system backup tool,File share to be backed up,Excluded files,Backup destination
    /// Lync Server File Store,fs01.contoso.com,Daily,Robocopy,\\fs01.contoso.com\LyncShare,,\\backup01.contoso.com\lync\filestore
    /// ```
    ///
    /// ## How to fix
    /// Exclude the files from the copy (`robocopy \\fs01.contoso.com\LyncShare
    /// $Backup\filestore /MIR /XF Meeting.Active`, or the exclusion list of the backup
    /// product) and write `Meeting.Active` in `Excluded files`.
    ///
    /// ## Source
    /// Files named Meeting.Active are not to be backed up, since they are in use and locked during a
    /// meeting (*Backup and restoration worksheets*, Hh202169; *Backup and restoration
    /// requirements: tools and permissions*, Hh202171).
    pub static RULE = {
        code: "BK210",
        name: "meeting-active-not-excluded",
        severity: Warning,
        scope: Deployment,
        summary: "a file-store row that does not exclude `Meeting.Active`",
        help: "exclude files named Meeting.Active from the copy (`robocopy ... /XF Meeting.Active`) and write `Meeting.Active` in `Excluded files`",
        check: check,
    }
}

const MEETING_ACTIVE: &str = "meeting.active";

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let mut drafts = Unique::new(RULE.meta.severity);
    for row in &cx.sheets().file_store {
        let share = row.subject();
        out.checked(&share);
        let mentions = |text: &str| text.to_lowercase().contains(MEETING_ACTIVE);
        if mentions(&row.excluded.text) || mentions(&row.notes.text) {
            continue;
        }
        drafts.push(
            Draft::new(
                &share,
                format!("the file store backup of {share} does not exclude the locked `Meeting.Active` files"),
            )
            .at(row.at.file, row.excluded.span, "Meeting.Active not excluded"),
            "another row for this share does not exclude it either",
        );
    }
    drafts.emit(out);
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;

    const ROW: &str = "\\\\fs01.contoso.com\\LyncShare,Meeting.Active,";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_row_without_the_exclusion_is_reported_at_the_excluded_files_cell() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "file-store.csv",
                    ROW,
                    "\\\\fs01.contoso.com\\LyncShare,*.tmp,",
                ),
                (
                    "file-store.csv",
                    "robocopy /MIR /XF Meeting.Active",
                    "robocopy /MIR",
                ),
            ],
        );
        assert_eq!(checked.labelled(), ["*.tmp"]);
        assert_eq!(checked.entities(), ["\\\\fs01.contoso.com\\lyncshare"]);
        assert!(checked.findings[0].message.contains("`Meeting.Active`"));
    }

    #[test]
    fn notes_naming_the_exclusion_are_enough() {
        let checked = example_with(
            &RULE,
            &[("file-store.csv", ROW, "\\\\fs01.contoso.com\\LyncShare,,")],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn the_exclusion_matches_case_insensitively_inside_a_list() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "file-store.csv",
                    ROW,
                    "\\\\fs01.contoso.com\\LyncShare,\"*.tmp; MEETING.ACTIVE\",",
                ),
                (
                    "file-store.csv",
                    "robocopy /MIR /XF Meeting.Active",
                    "robocopy /MIR",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn a_share_that_is_no_unc_path_is_named_as_written() {
        let checked = example_with(
            &RULE,
            &[
                ("file-store.csv", ROW, "D:\\LyncShare,,"),
                (
                    "file-store.csv",
                    "robocopy /MIR /XF Meeting.Active",
                    "robocopy /MIR",
                ),
            ],
        );
        assert_eq!(checked.entities(), ["d:\\lyncshare"]);
        assert_eq!(checked.labelled(), [""]);
    }
}
