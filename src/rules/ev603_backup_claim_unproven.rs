use crate::analysis::evidence::{Artefact, Outcome};
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Compares each `Last backup` date of the latest run's `settings` and `database` rows
    /// (see EV601 for which run and where each artefact is looked for) with the time the
    /// artefact's file was last written, and reports a claim later than the newest such file:
    /// the worksheet says a backup was taken that the share does not show.
    ///
    /// Decisions: `Last backup` is a date where the backup was taken; a file's time is compared
    /// as the latest date it can have had there. A `LastWriteTimeUtc` (and a time read from a
    /// share) is UTC, so the date 14 hours later is taken (no time zone is further ahead); a time
    /// written with its offset (`2026-11-20T22:14:05+01:00`) or a `LastWriteTime` column is
    /// already local. File store rows are left out: Robocopy and the other copy tools keep each
    /// file's own time, which says when a file last changed, not when it was copied. A file
    /// whose time could not be read is left out.
    ///
    /// ## Why it breaks a restore
    /// The worksheet is what the person restoring trusts at 3 a.m. A `Last backup` that is later
    /// than the files means the date was written by hand or by a script that did not check, and
    /// that the restore will bring back an older state than the worksheet promises: contacts,
    /// conferences and configuration changes since the file's date are lost.
    ///
    /// ## Example
    /// The settings row says `Last backup` `2026-11-20`; the newest `CsConfiguration.zip` of the
    /// run was written on `2026-11-13 21:30:04 UTC`.
    ///
    /// ## How to fix
    /// Find out why the backup did not run on the date claimed (the scheduled task's history),
    /// run it, and have the script that runs it record the date, so that the worksheet only
    /// says what happened.
    ///
    /// ## Source
    /// *Performing and monitoring backups* (Dn720912) asks that backups be monitored;
    /// *Best practices for backup and restoration* (Hh202184) asks for regular, recorded backups.
    pub static RULE = {
        code: "EV603",
        name: "backup-claim-unproven",
        severity: Warning,
        scope: Evidence,
        summary: "a worksheet's `Last backup` is later than the newest artefact's time",
        help: "find out why the backup did not run on the date claimed, run it, and record the date the script saw it succeed",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(evidence) = cx.evidence() else {
        return;
    };
    for c in &evidence.checks {
        if c.what == Artefact::FileStore {
            continue;
        }
        let (Some((claimed, at)), Outcome::Present { found, .. }) = (c.claimed, &c.outcome) else {
            continue;
        };
        out.checked(&c.entity);
        let Some(newest) = found
            .iter()
            .filter_map(|f| f.time.map(|t| (t, f)))
            .max_by_key(|(t, _)| t.ordinal())
        else {
            continue;
        };
        let (time, file) = newest;
        if claimed <= time.latest_local_date() {
            continue;
        }
        let mut draft = Draft::new(
            &c.entity,
            format!(
                "`Last backup` says {claimed}, but the newest file of it in the latest run, `{}`, was written {time}",
                file.path
            ),
        )
        .at(c.file, at, "claimed here");
        if let Some((f, span)) = file.listing_row() {
            draft = draft.also(f, span, "written then");
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::example_listed;

    #[test]
    fn a_claim_later_than_the_file_is_reported_and_time_zones_are_allowed_for() {
        assert!(example_listed(&RULE, &[]).findings.is_empty());
        let checked = example_listed(
            &RULE,
            &[(
                "backup-listing.csv",
                "2026-11-20T21:45:02.0000000Z",
                "2026-11-18T21:45:02.0000000Z",
            )],
        );
        assert_eq!(checked.entities(), ["rgsconfig@pool01.contoso.com"]);
        assert!(
            checked.findings[0]
                .message
                .contains("was written 2026-11-18 21:45:02 UTC")
        );
        // 10:00 UTC on the 19th is already the 20th at UTC+14: a claim of the 20th is possible
        // from then on.
        let at = |time: &str| {
            example_listed(
                &RULE,
                &[("backup-listing.csv", "2026-11-20T21:45:02.0000000Z", time)],
            )
            .findings
            .len()
        };
        assert_eq!(at("2026-11-19T10:00:00.0000000Z"), 0);
        assert_eq!(at("2026-11-19T09:59:59.0000000Z"), 1);
        // Written with its offset: the local date as written.
        assert_eq!(at("2026-11-19T23:30:00.0000000-05:00"), 1);
        assert_eq!(at("2026-11-20T00:30:00.0000000+01:00"), 0);
    }

    #[test]
    fn file_store_copies_keep_their_files_own_times() {
        // The listing's file store file was last changed on the 12th; the row claims the 20th.
        let checked = example_listed(&RULE, &[]);
        assert!(checked.checked.iter().all(|e| !e.contains("lyncshare")));
        assert!(checked.findings.is_empty());
    }
}
