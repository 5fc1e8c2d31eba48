use crate::input::source::FileId;
use crate::input::span::Span;
use crate::input::table::Cell;
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::date::Date;
use crate::model::placeholder;
use crate::model::valid::What;
use crate::model::worksheet::{
    BackupRunRow, CertificateRow, Column, DatabaseRow, FileStoreRow, ServerRow, SettingsRow,
    SqlInstanceRow, Typed,
};

declare_rule! {
    /// ## What it checks
    /// Reports a value that cannot be what it names, in the topology or in the worksheets
    /// beside it:
    ///
    /// - an FQDN (a pool, machine or AlwaysOn node in the topology; every server column of the
    ///   worksheets) that is not a host name: labels of letters, digits, hyphens and underscores
    ///   (RFC 1123, with the underscore Windows computer names may carry), 1 to 63 characters,
    ///   not starting or ending with a hyphen, separated by single dots, 253 characters at most;
    /// - a SQL Server instance name (the topology's instances; `Instance name`, `SQL instance`,
    ///   and the instance part of `Mirror` and `Witness`) that SQL Server Setup would refuse:
    ///   more than 16 characters, a first character that is not a letter, a character other
    ///   than letters, digits, `$` and `_`, or a final `_`. `(default)`, `default` and
    ///   `MSSQLSERVER` name the default instance;
    /// - a path (backup destinations, locations and shares, `File share to be backed up`) with a
    ///   character Windows forbids in names (`< > : " | ? *`, a colon being allowed after a drive
    ///   letter only), or a `\\host\share` whose host or share name is not valid; a file name
    ///   (`Configuration file name`, a `Backup set name` ending in `.zip`) or a topology share
    ///   name that holds one of those or a `\` or `/`;
    /// - any of these holding a line break, a control character, a line separator or a
    ///   bidirectional control;
    /// - a date after `--as-of` where only the past makes sense: `Last backup` (database,
    ///   file-store and settings worksheets) and the `Date` of a backup run. When `--as-of` is
    ///   not given it is today's date in UTC, and one more day is allowed, since a time zone
    ///   east of UTC may already have reached it.
    ///
    /// One finding per distinct value, at its first occurrence, with the others as related
    /// places. Values holding a template placeholder (`$Name`, `{{name}}`) are left to IN006.
    ///
    /// Decisions: T-SQL reserved words are not refused as instance names, nor Windows device
    /// names (`CON`, `NUL`) as file names: they are inert wherever topolint writes them, and a
    /// restore stumbles on them visibly. Non-ASCII letters are accepted in paths and instance
    /// names, not in host names. Worksheets that join no deployment (IN008) are not checked:
    /// nothing is built from them.
    ///
    /// ## Why it breaks a restore
    /// `topolint plan` fills every command of a runbook from these values, the runbook is
    /// pasted into PowerShell in the middle of a disaster, and `worksheet init` writes them into
    /// cells that Excel opens. A value that cannot be a host name, an instance name or a path is
    /// a typo at best (the restore fails on it) and an attack at worst: `"; Remove-Item ...; "`
    /// in a worksheet cell must never become a command. topolint writes no command, worksheet
    /// cell or CI annotation from such a value; the plan prints the step without its command and
    /// names this finding. A last backup dated in the future was never taken as recorded: the
    /// worksheet does not describe the backups that exist.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup destination,Last backup
    /// rtcxds,pool01.contoso.com,,Daily 22:00,Export-CsUserData,"\\backup01\lync\""; Remove-Item C:\ -Recurse; """,2026-11-20
    /// ```
    /// The backup destination holds `"`, which no Windows path can hold.
    ///
    /// ## How to fix
    /// Write the real value: the FQDN as DNS knows it, the instance name as SQL Server
    /// Configuration Manager shows it, the share path as Windows writes it, the date the backup
    /// finished. In the topology, correct the name in Topology Builder, publish, and export
    /// again. If a cell was changed by someone else, find out who and why before you restore
    /// from anything it names.
    ///
    /// ## Source
    /// DNS, FQDNs and file store paths must be the same at restore time as at backup time
    /// (*Backup and restoration process overview*, Hh202192), so they must be on record as they
    /// are. SQL Server's rules for instance names: *Installation Wizard help*, Instance
    /// Configuration (SQL Server documentation). Windows' rules for names: *Naming Files, Paths,
    /// and Namespaces* (Win32 documentation). Host names: RFC 1123, section 2.1.
    pub static RULE = {
        code: "IN009",
        name: "invalid-value",
        severity: Error,
        scope: Topology,
        summary: "a value that cannot be what it names (an FQDN, SQL instance name, share or file path with characters those cannot have, a date after `--as-of` where only the past makes sense)",
        help: "write the real value; topolint writes no command, worksheet cell or CI annotation from this one",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(topology) = cx.topology() else {
        return;
    };
    let as_of = cx.options.as_of;
    let mut found = Found {
        drafts: Unique::new(RULE.meta.severity),
        as_of,
        // Without `--as-of`, today is the UTC date: a time zone east of UTC may be a day ahead.
        latest: if cx.options.as_of_is_today {
            Date::from_days(as_of.days() + 1)
        } else {
            as_of
        },
    };
    out.checked(&cx.file(topology).display);
    let file = topology.file;
    for pool in &topology.pools {
        if let Some(f) = &pool.fqdn {
            found.value(file, f.span, What::Fqdn, f.value.as_str(), "pool");
        }
        for m in pool.machines.iter().filter(|m| !m.inherited) {
            if let Some(f) = &m.fqdn {
                found.value(file, f.span, What::Fqdn, f.value.as_str(), "machine");
            }
        }
    }
    for sql in &topology.sql_instances {
        found.value(
            file,
            sql.name.span,
            What::Instance,
            &sql.name.value,
            "SQL instance",
        );
        if let Some(f) = &sql.always_on_primary {
            found.value(
                file,
                f.span,
                What::Fqdn,
                f.value.as_str(),
                "AlwaysOn primary node",
            );
        }
    }
    for service in &topology.services {
        if let Some(share) = &service.share_name {
            found.value(
                file,
                share.span,
                What::Share,
                &share.value,
                "file store share",
            );
        }
    }
    if let Some(deployment) = cx.deployment {
        for &index in &deployment.worksheets {
            if let Some(sheet) = cx.workspace.worksheets.get(index) {
                out.checked(&cx.workspace.files.get(sheet.file).display);
            }
        }
    }
    worksheets(cx, &mut found);
    found.drafts.emit(out);
}

/// The findings of one deployment, one per distinct value.
struct Found {
    drafts: Unique,
    as_of: Date,
    /// The latest date a backup can have been taken.
    latest: Date,
}

impl Found {
    /// Checks one value; `column` says where it stands, in words.
    fn value(&mut self, file: FileId, span: Span, what: What, text: &str, column: &str) {
        let text = text.trim();
        if placeholder::contains(text) {
            return;
        }
        let Err(why) = what.check(text) else {
            return;
        };
        let draft = Draft::new(
            text,
            format!("{column} `{}` is not {}: {why}", shown(text), what.noun()),
        )
        .at(file, span, format!("not {}", what.noun()))
        .help(format!(
            "{}; topolint writes no command, worksheet cell or CI annotation from this value",
            what.help()
        ));
        self.drafts.push(draft, "the same value again");
    }

    /// Checks a worksheet cell of `column`, unless it is blank.
    fn cell(&mut self, file: FileId, cell: &Cell, what: What, column: &Column) {
        if !cell.is_blank() {
            let column = format!("{} ({} worksheet)", column.header, column.sheet);
            self.value(file, cell.span, what, &cell.text, &column);
        }
    }

    /// Reports a date after the latest possible in a column where only the past makes sense.
    fn past(&mut self, file: FileId, date: &Typed<Date>, entity: String, column: &str) {
        let as_of = self.as_of;
        let Some(value) = date.value.filter(|d| *d > self.latest) else {
            return;
        };
        let draft = Draft::new(
            entity,
            format!(
                "{column} `{value}` is after {as_of} (`--as-of`): a backup cannot have been taken in the future"
            ),
        )
        .at(file, date.span(), "after --as-of")
        .help("write the date the backup finished; if the check measures against the wrong day, give the right one with --as-of");
        self.drafts.push(draft, "the same date again");
    }

    /// A `Last backup` cell of the row about `subject`.
    fn last_backup(&mut self, file: FileId, date: &Typed<Date>, subject: &str) {
        let column = DatabaseRow::COLUMNS.last_backup.header;
        self.past(file, date, format!("{subject}/last-backup"), column);
    }
}

/// Every checked cell of the deployment's worksheets.
fn worksheets(cx: &Context<'_>, found: &mut Found) {
    let sheets = cx.sheets();
    for r in &sheets.database {
        let (f, c) = (r.at.file, &DatabaseRow::COLUMNS);
        found.cell(f, &r.server.cell, What::Fqdn, &c.server);
        found.cell(f, &r.instance.cell, What::Instance, &c.instance);
        found.cell(f, &r.destination, What::Path, &c.destination);
        if r.set_name.text.to_lowercase().ends_with(".zip") {
            found.cell(f, &r.set_name, What::FileName, &c.set_name);
        }
        found.last_backup(f, &r.last_backup, &r.subject());
    }
    for r in &sheets.file_store {
        let (f, c) = (r.at.file, &FileStoreRow::COLUMNS);
        found.cell(f, &r.server.cell, What::Fqdn, &c.server);
        found.cell(f, &r.share, What::Path, &c.share);
        found.cell(f, &r.destination, What::Path, &c.destination);
        found.last_backup(f, &r.last_backup, &r.subject());
    }
    for r in &sheets.settings {
        let (f, c) = (r.at.file, &SettingsRow::COLUMNS);
        found.cell(f, &r.server.cell, What::Fqdn, &c.server);
        found.cell(f, &r.file_name, What::FileName, &c.file_name);
        found.cell(f, &r.location, What::Path, &c.location);
        found.last_backup(f, &r.last_backup, &r.subject());
    }
    for r in &sheets.servers {
        found.cell(
            r.at.file,
            &r.server.cell,
            What::Fqdn,
            &ServerRow::COLUMNS.server,
        );
    }
    for r in &sheets.sql_instances {
        let (f, c) = (r.at.file, &SqlInstanceRow::COLUMNS);
        found.cell(f, &r.server.cell, What::Fqdn, &c.server);
        found.cell(f, &r.instance.cell, What::Instance, &c.instance);
        found.cell(f, &r.mirror.cell, What::SqlInstance, &c.mirror);
        found.cell(f, &r.witness.cell, What::SqlInstance, &c.witness);
    }
    for r in &sheets.certificates {
        let (f, c) = (r.at.file, &CertificateRow::COLUMNS);
        found.cell(f, &r.server.cell, What::Fqdn, &c.server);
        found.cell(f, &r.location, What::Path, &c.location);
    }
    for r in &sheets.backup_runs {
        let f = r.at.file;
        found.cell(f, &r.share, What::Path, &BackupRunRow::COLUMNS.share);
        found.past(f, &r.date, r.subject(), "Backup run date");
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{
        EXAMPLE, check, check_with, cluster, example_with, options, published,
    };
    use super::RULE;

    #[test]
    fn quiet_for_the_example() {
        let checked = example_with(&RULE, &[]);
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }

    #[test]
    fn hostile_worksheet_cells_are_reported_where_they_are() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "database.csv",
                    "\\\\backup01.contoso.com\\lync\\2026-11-20,2026-11-20",
                    "\"\\\\backup01.contoso.com\\lync\\\"\"; Remove-Item C:\\ -Recurse; \"\"\",2026-11-20",
                ),
                (
                    "sql-instances.csv",
                    "sql02.contoso.com,monitoring",
                    "sql02.contoso.com,mon;calc",
                ),
                (
                    "servers.csv",
                    "fe01.contoso.com,",
                    "\"fe01.contoso.com\n::error::x\",",
                ),
            ],
        );
        let mut entities = checked.entities();
        entities.sort_unstable();
        assert_eq!(
            entities,
            [
                "\\\\backup01.contoso.com\\lync\\\"; Remove-Item C:\\ -Recurse; \"",
                "fe01.contoso.com\n::error::x",
                "mon;calc",
            ]
        );
        let messages: Vec<&str> = checked
            .findings
            .iter()
            .map(|f| f.message.as_str())
            .collect();
        assert!(
            messages.iter().any(|m| m.starts_with("Backup destination (database worksheet) `")
                && m.ends_with("is not a Windows path: it holds `\"`, which Windows forbids in file and folder names")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.ends_with("it holds a line break")),
            "{messages:?}"
        );
    }

    #[test]
    fn topology_names_are_checked_and_placeholders_left_to_in006() {
        let xml = published(
            &[
                cluster(
                    1,
                    "pool01.contoso.com",
                    &["fe01.contoso.com", "fe 02.contoso.com"],
                ),
                cluster(2, "$PoolFqdn", &["fe03.contoso.com"]),
                cluster(3, "pool;calc.contoso.com", &["fe04.contoso.com"]),
            ]
            .join("\n"),
            "",
            "",
        );
        let checked = check(&RULE, &xml);
        assert_eq!(
            checked.entities(),
            ["fe 02.contoso.com", "pool;calc.contoso.com"]
        );
        assert_eq!(
            checked.labelled(),
            ["fe 02.contoso.com", "pool;calc.contoso.com"]
        );
    }

    #[test]
    fn dates_after_as_of_where_only_the_past_makes_sense() {
        let edits = [
            ("database.csv", "2026-11-20,\n", "2026-11-22,\n"),
            ("backup-runs.csv", "2026-11-20,", "2027-01-01,"),
        ];
        let checked = example_with(&RULE, &edits);
        let mut entities = checked.entities();
        entities.sort_unstable();
        assert_eq!(entities.len(), 2, "{entities:?}");
        assert!(
            entities[0].starts_with("backup-run 2027-01-01"),
            "{entities:?}"
        );
        assert!(entities[1].ends_with("/last-backup"), "{entities:?}");
        // Measured against today (no --as-of), one day ahead is a time zone east of UTC.
        let mut today = options();
        today.as_of_is_today = true;
        let files: Vec<(String, String)> = EXAMPLE
            .iter()
            .map(|(n, t)| {
                let mut t = (*t).to_string();
                for (file, from, to) in &edits[..1] {
                    if file == n {
                        t = t.replacen(from, to, 1);
                    }
                }
                ((*n).to_string(), t)
            })
            .collect();
        let bytes: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_bytes()))
            .collect();
        assert!(check_with(&RULE, &bytes, &today).findings.is_empty());
    }
}
