use crate::analysis::evidence::{Artefact, Outcome};
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Looks in the latest backup run itself for the files the worksheets say it wrote, and
    /// reports each one that is not there:
    ///
    /// | worksheet row | what must be in the run |
    /// |---|---|
    /// | `settings` | a file named as its `Configuration file name`, under its `Backup location` |
    /// | `database` | for each database the row names, a file under its `Backup destination` whose name holds the database's name (`rtcxds.bak`, `LcsCdr_20261120.bak`), or the archive of the cmdlet that exports it: for `Export-CsUserData` a name holding `UserData`, for `Export-CsPersistentChatData` one holding `PersistentChat` or `ChatData` |
    /// | `file-store` | its `Backup destination` folder, with files in it |
    ///
    /// The run is read from a `backup-listing` worksheet beside the other worksheets (what
    /// `Get-ChildItem` found on the share, for a pipeline that cannot reach it), from a local
    /// copy or mount of the share named with `--backup-share UNC=DIR` (or `[options]
    /// backup-shares`), or, on Windows with `--read-backups`, from the share itself. The finding
    /// is at the row's location cell and names the folder looked in.
    ///
    /// The latest run is the newest `Date` of the `backup-runs` worksheet (every row of that
    /// date). A row whose location is that run's folder, or a folder inside it, is looked for
    /// there; a row whose location holds the run's folder (the share a script writes dated
    /// folders into) is looked for in the run's folder; a row inside an older run's folder is
    /// not part of the latest run and is left alone. Without a `backup-runs` row, the newest
    /// folder directly under the row's location whose name holds a date (`2026-11-20`,
    /// `SfBBackup-20261120`, `11-20-2026_213000`) is the run; without one, the location itself.
    /// A file store copy is always looked for in the row's own `Backup destination`.
    ///
    /// Decisions: names are compared as Windows compares them, without regard to case. A
    /// database name counts only where no letter is glued to it, the longest name first
    /// (`mgc` is not found in `mgccomp.bak`). A listing covers the shares its `FullName`s are on,
    /// whole (take it from the share's root, as the README's one-liner does); a mapping covers
    /// its folder. A location nothing covers is not judged: `inspect` lists it. A listing
    /// cannot show an empty folder, so there a file store copy without files is reported here
    /// rather than as empty (EV602). A walk of a share stops at 200,000 entries or 32 folders
    /// deep; a row whose folder was not walked to the end is not reported missing.
    ///
    /// ## Why it breaks a restore
    /// Every restore procedure starts from these files: `Import-CsConfiguration` needs the
    /// configuration archive, `Import-CsUserData` the user data archive, SQL Server the database
    /// backups, and the file store is copied back from its copy. A worksheet that says a backup
    /// was taken proves nothing if the scheduled task failed, wrote elsewhere, or was cleaned
    /// up by a retention job: the gap shows the night the files are needed.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),Backup schedule,Backup tool,Configuration file name,Backup location,Last backup
    /// xds,sql01.contoso.com,Daily 21:30,Export-CsConfiguration,CsConfiguration.zip,\\backup01.contoso.com\lync\2026-11-20,2026-11-20
    /// ```
    /// The listing of the share holds no `CsConfiguration.zip` under
    /// `\\backup01.contoso.com\lync\2026-11-20`.
    ///
    /// ## How to fix
    /// Look at the history of the scheduled task or SQL Server Agent job that writes the file,
    /// run the backup now, and check that it writes where the worksheet says; if it writes
    /// elsewhere on purpose, correct the worksheet. Write the listing again after the run.
    ///
    /// ## Source
    /// *Backing up core data and settings* (Hh202170) exports the configuration, the Location
    /// Information service and Response Group settings and the user data to files;
    /// *Backing up Archiving and Monitoring databases* (Hh202188) and *Backing up file stores*
    /// (Hh202167) say what else the backup holds; *Setting up a backup location* (Hh202158) asks
    /// that the backups be accessible for the restore.
    pub static RULE = {
        code: "EV601",
        name: "backup-artefact-missing",
        severity: Error,
        scope: Evidence,
        summary: "an artefact the latest backup run's worksheet rows name is not in the run",
        help: "run the backup again and check where it writes; correct the worksheet if the files are kept elsewhere on purpose",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(evidence) = cx.evidence() else {
        return;
    };
    for c in &evidence.checks {
        out.checked(&c.entity);
        let Outcome::Missing { folder_missing } = c.outcome else {
            continue;
        };
        let (what, label) = match &c.what {
            Artefact::Setting { name, .. } => (format!("`{name}`"), "the file named here"),
            Artefact::Database { db, cmdlet } => (
                match cmdlet {
                    Some(cmdlet) => format!(
                        "no backup of {} (a file whose name holds `{}`, or the archive {cmdlet} writes)",
                        db.name(),
                        db.name()
                    ),
                    None => format!(
                        "no backup of {} (a file whose name holds `{}`)",
                        db.name(),
                        db.name()
                    ),
                },
                "the backup written here",
            ),
            Artefact::FileStore if !folder_missing => continue,
            Artefact::FileStore => ("the file store copy".to_string(), "the copy made here"),
        };
        let message = match (&c.what, folder_missing) {
            (Artefact::FileStore, _) => format!(
                "the file store copy `{}` is not in the latest backup run: no file is under it",
                c.root
            ),
            (Artefact::Setting { .. }, true) => format!(
                "{what} is not in the latest backup run: `{}` is not there",
                c.root
            ),
            (Artefact::Setting { .. }, false) => format!(
                "{what} is not in the latest backup run: there is no such file under `{}`",
                c.root
            ),
            (Artefact::Database { .. }, true) => format!(
                "the latest backup run has {what}: `{}` is not there",
                c.root
            ),
            (Artefact::Database { .. }, false) => {
                format!("the latest backup run has {what} under `{}`", c.root)
            }
        };
        out.emit(Draft::new(&c.entity, message).at(c.file, c.location, label));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{check_bytes, example_listed, example_with};

    const RUN: &str = r"\\backup01.contoso.com\lync\2026-11-20\";

    #[test]
    fn a_complete_run_passes_and_every_artefact_is_checked() {
        let checked = example_listed(&RULE, &[]);
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
        assert_eq!(
            checked.checked,
            [
                "\\\\fs01.contoso.com\\lyncshare",
                "lcscdr@sql02.contoso.com\\monitoring",
                "lcslog@sql02.contoso.com\\monitoring",
                "lis@sql01.contoso.com",
                "qoemetrics@sql02.contoso.com\\monitoring",
                "rgsconfig@pool01.contoso.com",
                "rtcxds@sql01.contoso.com\\rtc",
                "xds@sql01.contoso.com",
            ]
        );
    }

    #[test]
    fn each_missing_artefact_is_reported_at_its_row() {
        let checked = example_listed(
            &RULE,
            &[
                (
                    "backup-listing.csv",
                    &format!("{RUN}RgsConfiguration.zip"),
                    &format!("{RUN}RgsConfiguration.old"),
                ),
                (
                    "backup-listing.csv",
                    &format!("{RUN}UserData-pool01.zip"),
                    &format!("{RUN}Users.zip"),
                ),
                (
                    "backup-listing.csv",
                    &format!("{RUN}filestore\\"),
                    &format!("{RUN}elsewhere\\"),
                ),
            ],
        );
        // In file order: database.csv, file-store.csv, settings.csv.
        assert_eq!(
            checked.entities(),
            [
                "rtcxds@sql01.contoso.com\\rtc",
                "\\\\fs01.contoso.com\\lyncshare",
                "rgsconfig@pool01.contoso.com",
            ]
        );
        assert!(checked.findings[0].message.contains(
            "no backup of rtcxds (a file whose name holds `rtcxds`, or the archive Export-CsUserData writes)"
        ));
    }

    #[test]
    fn a_share_no_evidence_covers_is_not_judged() {
        // The settings are written to another share, which the listing does not cover.
        let checked = example_listed(
            &RULE,
            &[(
                "settings.csv",
                r"CsConfiguration.zip,\\backup01.contoso.com\lync\2026-11-20",
                r"CsConfiguration.zip,\\backup02.contoso.com\config",
            )],
        );
        assert!(checked.findings.is_empty());
        assert!(
            !checked
                .checked
                .contains(&"xds@sql01.contoso.com".to_string())
        );
        // Without a listing the rule has nothing to read, and checks nothing.
        let checked = example_with(&RULE, &[]);
        assert!(checked.findings.is_empty() && checked.checked.is_empty());
        // A listing alone, beside no worksheet naming anything: nothing to check either.
        let checked = check_bytes(
            &RULE,
            &[(
                "backup-listing.csv",
                crate::rules::test_util::LISTING.as_bytes(),
            )],
        );
        assert!(checked.findings.is_empty());
    }
}
