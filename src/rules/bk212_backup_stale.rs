use super::prelude::*;
use crate::date::Date;
use crate::model::worksheet::Typed;
use crate::source::FileId;

declare_rule! {
    /// ## What it checks
    /// Reports a backup older than the allowed age: every `Last backup` date of the
    /// `database`, `file-store` and `settings` worksheets that lies more than
    /// `max-backup-age-days` days (1 by default, set in `topolint.toml`) before the `--as-of`
    /// date (today by default). The finding is at the date cell and gives the date, its age in
    /// days, the `--as-of` date and the limit.
    ///
    /// The `backup-runs` worksheet is checked as a whole: when it has dated rows and the newest
    /// of them is too old, one finding is reported at that row's `Date` cell (the backups have
    /// stopped running). Older runs are history and are not reported one by one.
    ///
    /// Decisions: a date after `--as-of` is not stale; IN009 reports it (a backup cannot have
    /// been taken in the future). Blank and unreadable dates are left alone (`Last backup` is
    /// optional, and IN005 reports a date it cannot read).
    ///
    /// ## Why it breaks a restore
    /// A restore brings back the state of the last backup. If the backups stopped running, the
    /// restore silently loses everything since: users' contacts and conferences, topology and
    /// policy changes, meeting content. A stale date in the worksheet is the first sign that a
    /// scheduled task or SQL Server Agent job has failed.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup destination,Last backup
    /// rtcxds,sql01.contoso.com,rtc,Daily 22:00,Export-CsUserData,\\backup01.contoso.com\lync,2026-11-02
    /// ```
    /// Checked with `--as-of 2026-11-21`, the user data backup is 19 days old.
    ///
    /// ## How to fix
    /// Find out why the backup has not run (the scheduled task's history, the SQL Server Agent
    /// job history, the backup share's free space), run it now (`Export-CsUserData`,
    /// `Export-CsConfiguration`, the SQL backup, Robocopy) and record the new date. If the
    /// policy allows older backups, raise `max-backup-age-days` in `topolint.toml`.
    ///
    /// ## Source
    /// R25: full backups regularly, generally every 24 hours (*Best practices for backup and
    /// restoration*, Hh202184; *Performing and monitoring backups*, Dn720912, which also asks
    /// that backups be monitored).
    pub static RULE = {
        code: "BK212",
        name: "backup-stale",
        severity: Error,
        scope: Deployment,
        summary: "`Last backup` older than `max-backup-age-days` before `--as-of`",
        sources: ["R25"],
        help: "find out why the backup has not run, run it and record the new date; raise `max-backup-age-days` in topolint.toml if the policy allows older backups",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let sheets = cx.sheets();
    let as_of = cx.options.as_of;
    let limit = i64::from(cx.options.max_backup_age_days);
    let too_old = |date: Date| {
        let age = as_of.days() - date.days();
        (age > limit).then_some(age)
    };
    let mut drafts = Unique::new(RULE.meta.severity);
    let mut row = |file: FileId, last: &Typed<Date>, subject: String| {
        let Some(date) = last.value else {
            return;
        };
        out.checked(&subject);
        let Some(age) = too_old(date) else {
            return;
        };
        drafts.push(
            Draft::new(
                &subject,
                format!(
                    "the last backup of {subject} was on {date}, {} before {as_of} (`--as-of`); the limit is {} (`max-backup-age-days` in topolint.toml)",
                    days(age),
                    days(limit)
                ),
            )
            .at(file, last.span(), format!("{} old", days(age))),
            "another row for it is as old or older",
        );
    };
    for r in &sheets.database {
        row(r.at.file, &r.last_backup, r.subject());
    }
    for r in &sheets.file_store {
        row(r.at.file, &r.last_backup, r.subject());
    }
    for r in &sheets.settings {
        row(r.at.file, &r.last_backup, r.subject());
    }
    drafts.emit(out);

    // The newest backup run: the first row holding the latest date.
    let mut newest: Option<(Date, FileId, crate::span::Span)> = None;
    for r in &sheets.backup_runs {
        if let Some(date) = r.date.value {
            if newest.is_none_or(|(d, _, _)| date > d) {
                newest = Some((date, r.at.file, r.date.span()));
            }
        }
    }
    if let Some((date, file, span)) = newest {
        out.checked("backup-runs");
        if let Some(age) = too_old(date) {
            out.emit(
                Draft::new(
                    "backup-runs",
                    format!(
                        "the newest backup run was on {date}, {} before {as_of} (`--as-of`); the limit is {} (`max-backup-age-days` in topolint.toml)",
                        days(age),
                        days(limit)
                    ),
                )
                .at(file, span, format!("newest run, {} old", days(age)))
                .help("find out why the backup runs stopped, run one to a new folder of the backup share, and add it to the backup-runs worksheet"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_with, example_with, options};
    use super::RULE;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn an_old_last_backup_is_reported_at_its_date() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "2026-11-20,Export-CsUserData",
                "2026-11-02,Export-CsUserData",
            )],
        );
        assert_eq!(checked.labelled(), ["2026-11-02"]);
        assert_eq!(checked.entities(), ["rtcxds@sql01.contoso.com\\rtc"]);
        let m = &checked.findings[0].message;
        for part in [
            "2026-11-02",
            "19 days",
            "2026-11-21",
            "the limit is 1 day",
            "max-backup-age-days",
        ] {
            assert!(m.contains(part), "{part}: {m}");
        }
    }

    #[test]
    fn two_days_old_is_stale_and_one_day_is_not() {
        let stale = example_with(
            &RULE,
            &[(
                "file-store.csv",
                "\\filestore,2026-11-20",
                "\\filestore,2026-11-19",
            )],
        );
        assert_eq!(stale.entities(), ["\\\\fs01.contoso.com\\lyncshare"]);
        // The example's dates are one day before as-of: within the default limit of one day.
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn the_limit_comes_from_the_options() {
        let files: Vec<(&str, &[u8])> = EXAMPLE
            .iter()
            .map(|(n, t)| {
                let t: &[u8] = if *n == "settings.csv" {
                    b"Database,Server name (FQDN),Backup schedule,Backup tool,Configuration file name,Backup location,Last backup\n\
                      lis,sql01.contoso.com,Daily,Export-CsLisConfiguration,CsLisConfiguration.zip,\\\\backup01.contoso.com\\lync,2026-11-14\n"
                } else {
                    t.as_bytes()
                };
                (*n, t)
            })
            .collect();
        let mut opts = options();
        assert_eq!(
            check_with(&RULE, &files, &opts).entities(),
            ["lis@sql01.contoso.com"]
        );
        opts.max_backup_age_days = 7;
        assert!(check_with(&RULE, &files, &opts).findings.is_empty());
    }

    #[test]
    fn dates_after_as_of_are_not_reported() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "2026-11-20,Export-CsUserData",
                "2027-01-01,Export-CsUserData",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn backup_runs_are_judged_by_the_newest_run() {
        let checked = example_with(
            &RULE,
            &[(
                "backup-runs.csv",
                "2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-20,",
                "2026-11-15,\\\\backup01.contoso.com\\lync\\2026-11-15,",
            )],
        );
        assert_eq!(checked.labelled(), ["2026-11-19"]);
        assert_eq!(checked.entities(), ["backup-runs"]);
        assert!(
            checked.findings[0].message.contains("2 days"),
            "{}",
            checked.findings[0].message
        );
    }
}
