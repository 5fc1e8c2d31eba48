use crate::input::source::FileId;
use crate::lint::prelude::*;
use crate::model::date::Date;
use crate::model::values::Schedule;
use crate::model::worksheet::Typed;

declare_rule! {
    /// ## What it checks
    /// Reports a backup older than its schedule allows: every `Last backup` date of the
    /// `database`, `file-store` and `settings` worksheets is measured against the row's own
    /// `Backup schedule`, plus a grace of `max-backup-age-days` days (none by default, set in
    /// `topolint.toml`), before the `--as-of` date (today by default). The finding is at the
    /// date cell and gives the date, its age in days, the `--as-of` date and the allowance.
    ///
    /// | `Backup schedule` | allowed age | with the default grace (0) |
    /// |---|---|---|
    /// | `hourly`, `every N hours` under 24 | the grace alone | 0 days: a backup dated the `--as-of` day |
    /// | `daily`, `nightly`, `every 24 hours` | 1 day plus the grace | 1 day: last night's backup |
    /// | `every N hours` from 24 up | N/24 days rounded up, plus the grace | `every 48 hours`: 2 days |
    /// | `weekly` | 7 days plus the grace | 7 days |
    /// | `monthly` | 31 days plus the grace | 31 days |
    /// | blank, or text not recognised | measured as `daily`, Microsoft's recommendation, and the message says so (BK211 reports the schedule itself) | 1 day |
    ///
    /// Dates are days, not times: one day of grace (`max-backup-age-days = 1`) tolerates one
    /// missed run of a daily backup, and keeps an hourly backup checked just after midnight,
    /// whose last run is dated the day before, from being reported.
    ///
    /// The `backup-runs` worksheet is checked as a whole: when it has dated rows and the newest
    /// of them is too old, one finding is reported at that row's `Date` cell (the backups have
    /// stopped running). A run has no schedule of its own: it is measured against the most
    /// frequent schedule the other worksheets record (`daily` when they record none). Older
    /// runs are history and are not reported one by one.
    ///
    /// Decisions: a date after `--as-of` is not stale; IN009 reports it (a backup cannot have
    /// been taken in the future). Blank and unreadable dates are left alone (`Last backup` is
    /// optional, and IN005 reports a date it cannot read).
    ///
    /// ## Why it breaks a restore
    /// A restore brings back the state of the last backup. If the backups stopped running, the
    /// restore silently loses everything since: users' contacts and conferences, topology and
    /// policy changes, meeting content. A stale date in the worksheet is the first sign that a
    /// scheduled task or SQL Server Agent job has failed. Measuring each row against its own
    /// schedule keeps a weekly file store copy from being reported every day, and an hourly
    /// export from going unnoticed for a week.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup destination,Last backup
    /// rtcxds,sql01.contoso.com,rtc,Daily 22:00,Export-CsUserData,\\backup01.contoso.com\lync,2026-11-02
    /// ```
    /// Checked with `--as-of 2026-11-21`, the user data backup is 19 days old where its daily
    /// schedule allows 1.
    ///
    /// ## How to fix
    /// Find out why the backup has not run (the scheduled task's history, the SQL Server Agent
    /// job history, the backup share's free space), run it now (`Export-CsUserData`,
    /// `Export-CsConfiguration`, the SQL backup, Robocopy) and record the new date. If the
    /// schedule recorded is wrong, correct the `Backup schedule` cell; if the policy allows
    /// more slack, raise `max-backup-age-days` in `topolint.toml`.
    ///
    /// ## Source
    /// *Best practices for backup and restoration* (Hh202184): full backups regularly,
    /// generally every 24 hours; *Performing and monitoring backups* (Dn720912), which also
    /// asks that backups be monitored.
    pub static RULE = {
        code: "BK212",
        name: "backup-stale",
        severity: Error,
        scope: Deployment,
        summary: "`Last backup` older than its `Backup schedule` allows (plus `max-backup-age-days` of grace) before `--as-of`",
        help: "find out why the backup has not run, run it and record the new date; correct the `Backup schedule` if it is wrong, or raise `max-backup-age-days` in topolint.toml if the policy allows more slack",
        check: check,
    }
}

/// Days between two runs of a schedule, in whole days (0 for more often than daily); `None`
/// when the schedule is blank or not recognised.
fn interval_days(schedule: Option<&Schedule>) -> Option<i64> {
    match schedule? {
        Schedule::Hours(hours) if *hours < 24 => Some(0),
        Schedule::Hours(hours) => Some(i64::from(hours.div_ceil(24))),
        Schedule::Weekly => Some(7),
        Schedule::Monthly => Some(31),
        Schedule::Other(_) => None,
    }
}

/// How old a backup may be under a schedule: its interval plus the grace, and in words.
fn allowance(schedule: Option<&Schedule>, written: &str, grace: i64) -> (i64, String) {
    let config = "`max-backup-age-days` in topolint.toml";
    let (interval, prefix) = match interval_days(schedule) {
        Some(interval) => (interval, format!("a `{written}` schedule")),
        None if written.is_empty() => (
            1,
            "with no schedule recorded it is measured as daily:".to_string(),
        ),
        None => (
            1,
            format!("with a schedule not recognised (`{written}`) it is measured as daily:"),
        ),
    };
    let known = interval_days(schedule).is_some();
    let allows = if known {
        "allows"
    } else {
        "a daily one allows"
    };
    let words = match (interval, grace) {
        (0, 0) => {
            format!("{prefix} wants a backup on the `--as-of` date itself ({config} adds no grace)")
        }
        (0, _) => format!("{prefix} allows {} of grace ({config})", days(grace)),
        (_, 0) => format!(
            "{prefix} {allows} {} ({config} adds no grace)",
            days(interval)
        ),
        (_, _) => format!(
            "{prefix} {allows} {} plus {} of grace ({config}), {} in all",
            days(interval),
            days(grace),
            days(interval + grace)
        ),
    };
    (interval + grace, words)
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let sheets = cx.sheets();
    let as_of = cx.options.as_of;
    let grace = i64::from(cx.options.max_backup_age_days);
    let mut drafts = Unique::new(RULE.meta.severity);
    let mut row = |file: FileId,
                   last: &Typed<Date>,
                   schedule: &Typed<Schedule>,
                   subject: String| {
        let Some(date) = last.value else {
            return;
        };
        out.checked(&subject);
        let written = crate::input::text::shown(schedule.cell.text.trim()).into_owned();
        let (allowed, why) = allowance(schedule.value.as_ref(), &written, grace);
        let age = as_of.days() - date.days();
        if age <= allowed {
            return;
        }
        drafts.push(
            Draft::new(
                &subject,
                format!(
                    "the last backup of {subject} was on {date}, {} before {as_of} (`--as-of`); {why}",
                    days(age),
                ),
            )
            .at(file, last.span(), format!("{} old", days(age))),
            "another row for it is as old or older",
        );
    };
    for r in &sheets.database {
        row(r.at.file, &r.last_backup, &r.schedule, r.subject());
    }
    for r in &sheets.file_store {
        row(r.at.file, &r.last_backup, &r.schedule, r.subject());
    }
    for r in &sheets.settings {
        row(r.at.file, &r.last_backup, &r.schedule, r.subject());
    }
    drafts.emit(out);

    // The newest backup run: the first row holding the latest date.
    let mut newest: Option<(Date, FileId, crate::input::span::Span)> = None;
    for r in &sheets.backup_runs {
        if let Some(date) = r.date.value {
            if newest.is_none_or(|(d, _, _)| date > d) {
                newest = Some((date, r.at.file, r.date.span()));
            }
        }
    }
    let Some((date, file, span)) = newest else {
        return;
    };
    out.checked("backup-runs");
    // Runs happen at least as often as the most frequent backup the worksheets record.
    let schedules = sheets
        .database
        .iter()
        .map(|r| &r.schedule)
        .chain(sheets.file_store.iter().map(|r| &r.schedule))
        .chain(sheets.settings.iter().map(|r| &r.schedule));
    let most_frequent = schedules
        .filter_map(|s| {
            let interval = interval_days(s.value.as_ref())?;
            Some((interval, s))
        })
        .min_by_key(|(interval, _)| *interval)
        .map(|(_, s)| s);
    let (allowed, why) = match most_frequent {
        Some(s) => {
            let written = crate::input::text::shown(s.cell.text.trim()).into_owned();
            let (allowed, why) = allowance(s.value.as_ref(), &written, grace);
            (
                allowed,
                format!("{why} (the most frequent schedule the worksheets record)"),
            )
        }
        None => allowance(None, "", grace),
    };
    let age = as_of.days() - date.days();
    if age > allowed {
        out.emit(
            Draft::new(
                "backup-runs",
                format!(
                    "the newest backup run was on {date}, {} before {as_of} (`--as-of`); {why}",
                    days(age),
                ),
            )
            .at(file, span, format!("newest run, {} old", days(age)))
            .help("find out why the backup runs stopped, run one to a new folder of the backup share, and add it to the backup-runs worksheet"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{Checked, EXAMPLE, check_with, example_with, options};
    use super::RULE;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn an_old_last_backup_is_reported_at_its_date_with_its_schedule() {
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
            "a `Daily 22:00` schedule allows 1 day (`max-backup-age-days` in topolint.toml adds no grace)",
        ] {
            assert!(m.contains(part), "{part}: {m}");
        }
    }

    #[test]
    fn one_missed_night_of_a_daily_backup_is_reported() {
        let edit = |date: &'static str| {
            example_with(&RULE, &[("file-store.csv", "\\filestore,2026-11-20", date)])
        };
        assert_eq!(
            edit("\\filestore,2026-11-19").entities(),
            ["\\\\fs01.contoso.com\\lyncshare"],
            "2 days"
        );
    }

    /// The file-store row with its schedule and last backup replaced, checked with `grace`.
    fn file_store(schedule: &str, last: &str, grace: u32) -> Checked {
        let row = format!(
            "Lync Server File Store,fs01.contoso.com,{schedule},Robocopy,\\\\fs01.contoso.com\\LyncShare,Meeting.Active,\\\\backup01.contoso.com\\lync\\2026-11-20\\filestore,{last},"
        );
        let text = format!(
            "Content,Server name (FQDN),Backup schedule,File system backup tool,File share to be backed up,Excluded files,Backup destination,Last backup,Notes\n{row}\n"
        );
        let files: Vec<(&str, &[u8])> = EXAMPLE
            .iter()
            .filter(|(n, _)| *n == "topology.xml")
            .map(|(n, t)| (*n, t.as_bytes()))
            .chain(std::iter::once(("file-store.csv", text.as_bytes())))
            .collect();
        let mut opts = options();
        opts.max_backup_age_days = grace;
        check_with(&RULE, &files, &opts)
    }

    #[test]
    fn each_schedule_has_its_own_allowance() {
        // (schedule, last backup, grace, stale?) as of 2026-11-21.
        let cases = [
            ("Weekly (Sunday)", "2026-11-14", 0, false),
            ("Weekly (Sunday)", "2026-11-13", 0, true),
            ("Weekly (Sunday)", "2026-11-13", 1, false),
            ("Weekly (Sunday)", "2026-11-12", 1, true),
            ("Monthly", "2026-10-21", 0, false),
            ("Monthly", "2026-10-20", 0, true),
            ("Daily", "2026-11-20", 0, false),
            ("Daily", "2026-11-19", 0, true),
            ("Daily", "2026-11-19", 1, false),
            ("Hourly", "2026-11-21", 0, false),
            ("Hourly", "2026-11-20", 0, true),
            ("Hourly", "2026-11-20", 1, false),
            ("every 6 hours", "2026-11-20", 0, true),
            ("every 48 hours", "2026-11-19", 0, false),
            ("every 48 hours", "2026-11-18", 0, true),
            ("when we remember", "2026-11-20", 0, false),
            ("when we remember", "2026-11-19", 0, true),
            ("", "2026-11-19", 0, true),
        ];
        for (schedule, last, grace, stale) in cases {
            let checked = file_store(schedule, last, grace);
            assert_eq!(
                checked.findings.len(),
                usize::from(stale),
                "{schedule} last backed up {last}, grace {grace}: {:?}",
                checked
                    .findings
                    .iter()
                    .map(|f| &f.message)
                    .collect::<Vec<_>>()
            );
        }
        let message = |schedule: &str, last: &str, grace: u32| {
            file_store(schedule, last, grace).findings[0]
                .message
                .clone()
        };
        let weekly = message("Weekly (Sunday)", "2026-11-12", 1);
        assert!(
            weekly.contains("a `Weekly (Sunday)` schedule allows 7 days plus 1 day of grace (`max-backup-age-days` in topolint.toml), 8 days in all"),
            "{weekly}"
        );
        let unknown = message("when we remember", "2026-11-19", 0);
        assert!(
            unknown.contains("with a schedule not recognised (`when we remember`) it is measured as daily: a daily one allows 1 day"),
            "{unknown}"
        );
        let hourly = message("Hourly", "2026-11-20", 0);
        assert!(
            hourly.contains("a `Hourly` schedule wants a backup on the `--as-of` date itself"),
            "{hourly}"
        );
        let hourly = message("Hourly", "2026-11-19", 1);
        assert!(
            hourly.contains("a `Hourly` schedule allows 1 day of grace"),
            "{hourly}"
        );
    }

    #[test]
    fn the_grace_comes_from_the_options() {
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
        opts.max_backup_age_days = 6;
        assert!(check_with(&RULE, &files, &opts).findings.is_empty());
        opts.max_backup_age_days = 5;
        assert_eq!(check_with(&RULE, &files, &opts).findings.len(), 1);
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
    fn backup_runs_are_judged_by_the_newest_run_and_the_most_frequent_schedule() {
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
        let m = &checked.findings[0].message;
        assert!(m.contains("2 days"), "{m}");
        assert!(
            m.contains("(the most frequent schedule the worksheets record)"),
            "{m}"
        );
        // With a weekly schedule recorded for every row, a run five days old is on time.
        let weekly: Vec<(&str, String)> = EXAMPLE
            .iter()
            .map(|(n, t)| {
                let t = if matches!(*n, "database.csv" | "file-store.csv" | "settings.csv") {
                    t.lines()
                        .enumerate()
                        .map(|(i, l)| {
                            if i == 0 {
                                l.to_string()
                            } else {
                                l.replace("Daily", "Weekly")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                } else if *n == "backup-runs.csv" {
                    "Date,Backup share\n2026-11-16,\\\\backup01.contoso.com\\lync\\2026-11-16\n"
                        .to_string()
                } else {
                    (*t).to_string()
                };
                (*n, t)
            })
            .collect();
        let files: Vec<(&str, &[u8])> = weekly.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        let checked = check_with(&RULE, &files, &options());
        assert!(
            !checked.entities().contains(&"backup-runs"),
            "{:?}",
            checked
                .findings
                .iter()
                .map(|f| &f.message)
                .collect::<Vec<_>>()
        );
    }
}
