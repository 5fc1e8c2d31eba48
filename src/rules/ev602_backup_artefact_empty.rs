use crate::analysis::evidence::{Artefact, Outcome};
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports an artefact of the latest backup run (see EV601 for which run, which rows and
    /// where each artefact is looked for) that is there but holds nothing: every file that
    /// stands for it has zero bytes, or the file store copy's folder holds no file at all (its
    /// files' sizes are not judged: a file store holds empty files of its own).
    ///
    /// Decisions: when several files stand for one artefact (a full and a differential SQL
    /// backup of one database), one with bytes in it is enough. Only a share read through
    /// `--backup-share` or `--read-backups` can show a folder with no file in it; a listing shows
    /// only files, so there an empty file store copy is reported as missing (EV601).
    ///
    /// ## Why it breaks a restore
    /// A zero-byte file is what a backup leaves when it failed after creating its output: a
    /// full disk, a lost connection, a cmdlet stopped by an error. `Import-CsConfiguration`,
    /// `Import-CsUserData` and SQL Server's restore refuse it, and an empty file store copy
    /// restores no meeting content, no Address Book files and no device updates.
    ///
    /// ## Example
    /// A listing row `\\backup01.contoso.com\lync\2026-11-20\CsConfiguration.zip,0,...` for the
    /// settings row that names `CsConfiguration.zip`.
    ///
    /// ## How to fix
    /// Run the backup again and read its output or log for the error (free space on the share
    /// first); check that the new file has bytes in it, then write the listing again.
    ///
    /// ## Source
    /// *Backing up core data and settings* (Hh202170) and *Backing up file stores* (Hh202167)
    /// say what the backup holds; *Performing and monitoring backups* (Dn720912) asks that the
    /// backups be checked.
    pub static RULE = {
        code: "EV602",
        name: "backup-artefact-empty",
        severity: Error,
        scope: Evidence,
        summary: "an artefact of the latest backup run has zero bytes, or the file store copy holds no file",
        help: "run the backup again, read its log for the error (free space on the share first) and check that the new file has bytes in it",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(evidence) = cx.evidence() else {
        return;
    };
    for c in &evidence.checks {
        out.checked(&c.entity);
        let draft = match (&c.what, &c.outcome) {
            (
                Artefact::FileStore,
                Outcome::Missing {
                    folder_missing: false,
                },
            ) => Draft::new(
                &c.entity,
                format!("the file store copy `{}` holds no file", c.root),
            )
            .at(c.file, c.location, "copied here"),
            (Artefact::FileStore, _) => continue,
            (_, Outcome::Present { found, .. }) if found.iter().all(|f| f.size == 0) => {
                let names: Vec<String> = found.iter().map(|f| format!("`{}`", f.path)).collect();
                let mut draft = Draft::new(
                    &c.entity,
                    format!(
                        "{} of the latest backup run {} zero bytes",
                        and_list(&names),
                        if found.len() == 1 { "has" } else { "have" }
                    ),
                )
                .at(c.file, c.location, "written here");
                for f in found {
                    if let Some((file, span)) = f.listing_row() {
                        draft = draft.also(file, span, "zero bytes");
                    }
                }
                draft
            }
            _ => continue,
        };
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::example_listed;

    #[test]
    fn a_zero_byte_artefact_is_reported_and_one_file_with_bytes_is_enough() {
        let checked = example_listed(&RULE, &[]);
        assert!(checked.findings.is_empty());
        let checked = example_listed(
            &RULE,
            &[(
                "backup-listing.csv",
                r#"LcsLog_20261120.bak","81234567""#,
                r#"LcsLog_20261120.bak","0""#,
            )],
        );
        assert_eq!(checked.entities(), ["lcslog@sql02.contoso.com\\monitoring"]);
        assert_eq!(checked.lines(), [3]);
        // A second, non-empty backup of the same database beside the empty one.
        let checked = example_listed(
            &RULE,
            &[
                (
                    "backup-listing.csv",
                    r#"LcsLog_20261120.bak","81234567""#,
                    r#"LcsLog_20261120.bak","0""#,
                ),
                (
                    "backup-listing.csv",
                    r#""\\backup01.contoso.com\lync\2026-11-20\LcsCdr"#,
                    "\"\\\\backup01.contoso.com\\lync\\2026-11-20\\LcsLog_diff.bak\",\"5\",\"2026-11-20T23:30:00Z\"\r\n\"\\\\backup01.contoso.com\\lync\\2026-11-20\\LcsCdr",
                ),
            ],
        );
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }
}
