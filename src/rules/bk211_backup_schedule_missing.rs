use std::collections::BTreeSet;

use crate::input::source::FileId;
use crate::input::span::Span;
use crate::input::text::shown;
use crate::lint::draft::Severity;
use crate::lint::prelude::*;
use crate::model::values::{Db, Schedule};
use crate::model::worksheet::{Column, DatabaseRow, FileStoreRow, Kind, SettingsRow, Typed};

declare_rule! {
    /// ## What it checks
    /// Every row of the `database`, `file-store` and `settings` worksheets must say how often
    /// its backup runs: a blank `Backup schedule` cell is an error, reported at that cell.
    ///
    /// For the two stores that a restore cannot do without, the row's frequency is checked too:
    /// a row naming `rtcxds` (user data) or `xds` (the Central Management store) whose schedule
    /// is `weekly`, `monthly` or `every N hours` with N above 24 is a warning, and so is a
    /// schedule the reader does not understand. The words understood are `hourly`,
    /// `every N hours`, `daily`, `nightly`, `weekly` and `monthly`, case-insensitively, with
    /// anything after them ignored (`Daily 22:00`).
    ///
    /// Decisions: the schedule of other databases (LcsLog, LcsCdr, QoEMetrics, mgc...) and of
    /// file stores is left to the business and only has to be recorded. A worksheet without a
    /// `Backup schedule` column at all is IN005's finding, not one finding per row here. BK215
    /// leaves blank schedules to this rule.
    ///
    /// ## Why it breaks a restore
    /// A restore brings back the data of the last backup and nothing after it. A row with no
    /// schedule is a backup nobody has planned; user data or configuration backed up once a
    /// week loses up to a week of contacts, conferences and topology changes.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup destination
    /// rtcxds,sql01.contoso.com,rtc,Weekly,Export-CsUserData,\\backup01.contoso.com\lync
    /// lcslog,sql02.contoso.com,monitoring,,SQL Server Management Studio,\\backup01.contoso.com\lync
    /// ```
    /// The first row is a warning (user data backed up less often than daily), the second an
    /// error (no schedule).
    ///
    /// ## How to fix
    /// Schedule the backup (a Windows scheduled task running `Export-CsUserData` and
    /// `Export-CsConfiguration`, a SQL Server Agent job, a Robocopy task) at least once a day
    /// for user data and the Central Management store, at a time of low usage, and write its
    /// frequency in `Backup schedule` (`Daily 22:00`, `every 6 hours`).
    ///
    /// ## Source
    /// Take full backups regularly, generally every 24 hours, at a time of low usage (*Best practices
    /// for backup and restoration*, Hh202184; *Performing and monitoring backups*, Dn720912).
    pub static RULE = {
        code: "BK211",
        name: "backup-schedule-missing",
        severity: Error,
        scope: Deployment,
        summary: "a row without a schedule; rtcxds or xds backed up less often than daily is a warning",
        help: "write how often the backup runs in `Backup schedule` (`Daily 22:00`, `every 6 hours`), and back up rtcxds and xds at least once a day",
        check: check,
    }
}

/// The `Backup schedule` columns.
const SCHEDULES: [&Column; 3] = [
    &DatabaseRow::COLUMNS.schedule,
    &FileStoreRow::COLUMNS.schedule,
    &SettingsRow::COLUMNS.schedule,
];

/// The schedule words the worksheet reader understands, for messages.
const ACCEPTED: &str = "`hourly`, `every N hours`, `daily`, `nightly`, `weekly` or `monthly`";

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let sheets = cx.sheets();
    // Blank schedule cells of worksheets that have the column (short rows included).
    let mut blank: BTreeSet<(FileId, Span)> = BTreeSet::new();
    if let Some(deployment) = cx.deployment {
        for sheet in deployment
            .worksheets
            .iter()
            .filter_map(|&i| cx.workspace.worksheets.get(i))
        {
            for b in &sheet.blanks {
                if SCHEDULES.iter().any(|c| c.is(b.column)) {
                    blank.insert((sheet.file, b.row));
                }
            }
        }
    }
    let mut drafts = Unique::new(RULE.meta.severity);
    let mut row = |kind: Kind,
                   file: FileId,
                   record: Span,
                   schedule: &Typed<Schedule>,
                   subject: String,
                   critical: Option<Db>| {
        if schedule.is_blank() {
            if blank.contains(&(file, record)) {
                out.checked(&subject);
                drafts.push(
                    Draft::new(
                        &subject,
                        format!("{} row {subject} has no backup schedule", kind.name()),
                    )
                    .at(file, schedule.span(), "no backup schedule"),
                    "another row for it has no backup schedule either",
                );
            }
            return;
        }
        out.checked(&subject);
        let (Some(db), Some(value)) = (critical, &schedule.value) else {
            return;
        };
        let written = shown(&schedule.cell.text);
        match value {
            Schedule::Hours(n) if *n <= 24 => {}
            Schedule::Hours(_) | Schedule::Weekly | Schedule::Monthly => drafts.push(
                Draft::new(
                    &subject,
                    format!(
                        "{subject} is backed up `{written}`, less often than daily, so a restore can lose more than a day of {}",
                        what_is_lost(db)
                    ),
                )
                .at(file, schedule.span(), "less often than daily")
                .severity(Severity::Warning)
                .help(format!(
                    "schedule the {} at least once a day, at a time of low usage, and record it in `Backup schedule`",
                    how_backed_up(db)
                )),
                "another row for it is scheduled here",
            ),
            Schedule::Other(_) => drafts.push(
                Draft::new(
                    &subject,
                    format!(
                        "backup schedule `{written}` of {subject} is not understood: write {ACCEPTED}"
                    ),
                )
                .at(file, schedule.span(), "not a recognised schedule")
                .severity(Severity::Warning)
                .help(format!(
                    "write the frequency as {ACCEPTED}; words after it are allowed (`Daily 22:00`)"
                )),
                "another row for it is scheduled here",
            ),
        }
    };
    for r in &sheets.database {
        row(
            Kind::Database,
            r.at.file,
            r.at.span,
            &r.schedule,
            r.subject(),
            critical(r.databases()),
        );
    }
    for r in &sheets.file_store {
        row(
            Kind::FileStore,
            r.at.file,
            r.at.span,
            &r.schedule,
            r.subject(),
            None,
        );
    }
    for r in &sheets.settings {
        row(
            Kind::Settings,
            r.at.file,
            r.at.span,
            &r.schedule,
            r.subject(),
            critical(r.databases()),
        );
    }
    drafts.emit(out);
}

/// The database of a row whose frequency is checked: rtcxds or xds.
fn critical(databases: &[Db]) -> Option<Db> {
    databases
        .iter()
        .copied()
        .find(|d| matches!(d, Db::Rtcxds | Db::Xds))
}

fn what_is_lost(db: Db) -> &'static str {
    if db == Db::Xds {
        "topology, policy and configuration changes"
    } else {
        "user data (contacts, conferences, permissions)"
    }
}

fn how_backed_up(db: Db) -> &'static str {
    if db == Db::Xds {
        "Export-CsConfiguration task"
    } else {
        "Export-CsUserData task"
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;
    use crate::lint::draft::Severity;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_blank_schedule_is_an_error_at_the_blank_cell() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "lcslog,sql02.contoso.com,monitoring,Daily 23:00,",
                "lcslog,sql02.contoso.com,monitoring,,",
            )],
        );
        assert_eq!(checked.labelled(), [""]);
        assert_eq!(checked.lines(), [3]);
        assert_eq!(checked.entities(), ["lcslog@sql02.contoso.com\\monitoring"]);
        assert_eq!(
            checked.findings[0].message,
            "database row lcslog@sql02.contoso.com\\monitoring has no backup schedule"
        );
        assert_eq!(checked.findings[0].severity, Severity::Error);
    }

    #[test]
    fn blank_schedules_of_file_store_and_settings_rows_are_errors() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "file-store.csv",
                    "fs01.contoso.com,Daily 22:30,",
                    "fs01.contoso.com,,",
                ),
                (
                    "settings.csv",
                    "rgsconfig,pool01.contoso.com,Daily 21:45,",
                    "rgsconfig,pool01.contoso.com,,",
                ),
            ],
        );
        let mut entities = checked.entities();
        entities.sort_unstable();
        assert_eq!(
            entities,
            [
                "\\\\fs01.contoso.com\\lyncshare",
                "rgsconfig@pool01.contoso.com"
            ]
        );
        assert!(
            checked
                .findings
                .iter()
                .all(|f| f.severity == Severity::Error)
        );
    }

    #[test]
    fn weekly_user_data_is_a_warning() {
        let checked = example_with(&RULE, &[("database.csv", "Daily 22:00", "Weekly (Sunday)")]);
        assert_eq!(checked.labelled(), ["Weekly (Sunday)"]);
        assert_eq!(checked.entities(), ["rtcxds@sql01.contoso.com\\rtc"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.message.contains("less often than daily"), "{}", f.message);
        assert!(f.help.contains("Export-CsUserData"), "{}", f.help);
    }

    #[test]
    fn every_36_hours_for_xds_is_a_warning_and_every_24_is_not() {
        let checked = example_with(
            &RULE,
            &[(
                "settings.csv",
                "xds,sql01.contoso.com,Daily 21:30",
                "xds,sql01.contoso.com,every 36 hours",
            )],
        );
        assert_eq!(checked.entities(), ["xds@sql01.contoso.com"]);
        assert!(checked.findings[0].help.contains("Export-CsConfiguration"));
        let quiet = example_with(
            &RULE,
            &[(
                "settings.csv",
                "xds,sql01.contoso.com,Daily 21:30",
                "xds,sql01.contoso.com,every 24 hours",
            )],
        );
        assert!(quiet.findings.is_empty());
    }

    #[test]
    fn an_unrecognised_schedule_for_xds_lists_the_accepted_words() {
        let checked = example_with(
            &RULE,
            &[(
                "settings.csv",
                "xds,sql01.contoso.com,Daily 21:30",
                "xds,sql01.contoso.com,after each change",
            )],
        );
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.message.contains("`after each change`"), "{}", f.message);
        assert!(f.message.contains("`every N hours`"), "{}", f.message);
    }

    #[test]
    fn other_databases_may_be_backed_up_weekly_or_in_words() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "database.csv",
                    "lcslog,sql02.contoso.com,monitoring,Daily 23:00",
                    "lcslog,sql02.contoso.com,monitoring,Weekly",
                ),
                (
                    "settings.csv",
                    "lis,sql01.contoso.com,Daily 21:30",
                    "lis,sql01.contoso.com,after each change",
                ),
                ("file-store.csv", "Daily 22:30", "Monthly"),
            ],
        );
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }

    #[test]
    fn two_rows_about_one_database_give_one_finding() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "lcslog,sql02.contoso.com,monitoring,Daily 23:00,SQL Server Management Studio,LcsLog-full",
                "lcslog,sql02.contoso.com,monitoring,,SQL Server Management Studio,LcsLog-full\n\
                 lcslog,sql02.contoso.com,monitoring,,SQL Server Management Studio,LcsLog-copy",
            )],
        );
        assert_eq!(checked.findings.len(), 1);
        assert_eq!(checked.findings[0].secondary.len(), 1);
    }
}
