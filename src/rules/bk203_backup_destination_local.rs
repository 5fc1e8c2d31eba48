use std::collections::BTreeSet;

use crate::input::source::FileId;
use crate::input::table::Cell;
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::placeholder;
use crate::model::values::Unc;
use crate::model::worksheet::{
    BackupRunRow, CertificateRow, Column, DatabaseRow, FileStoreRow, SettingsRow,
};

declare_rule! {
    /// ## What it checks
    /// Reports a backup location that is not a shared folder on another computer: every
    /// non-blank `Backup destination` (database and file-store worksheets), `Backup location`
    /// (settings and certificates worksheets) and `Backup share` (backup-runs worksheet) that
    /// is not a `\\host\share[\path]` path. The message says what the cell looks like: a local
    /// drive path (`D:\Backup`, `C:`), a path without a host (`\Backup`, `/backup`), a server
    /// without a share (`\\backup01`), a URL, a relative path, or text that is no path at all
    /// (`tape`).
    ///
    /// Blank cells are BK215's (or, for certificates, RS303's), and a cell holding a template
    /// placeholder such as `$Backup` is IN006's. Where a `\\host\share` path points is BK201's
    /// concern.
    ///
    /// ## Why it breaks a restore
    /// A restore starts on new servers after the old ones are gone. A backup written to a local
    /// disk of a Lync server, or of whichever server ran the command, disappears with that
    /// server, and a path such as `D:\Backup` does not even say which machine held it. The
    /// backup procedures assume a shared folder that every server can reach, both when backing
    /// up and when restoring.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),Backup schedule,Database backup tool,Backup destination
    /// rtcxds,sql01.contoso.com,Daily,Export-CsUserData,D:\Backup\2026-11-20
    /// ```
    ///
    /// ## How to fix
    /// Create a shared folder on a stand-alone server outside every pool (preferably at another
    /// site), give the accounts that run the backups and restores access to it, write the
    /// backups there (`Export-CsUserData ... -FileName \\backup01\lync\<date>\UserData.zip`),
    /// and record the `\\host\share\folder` path in the worksheet.
    ///
    /// ## Source
    /// The backup location is a shared folder on a stand-alone computer that is not part of any
    /// pool (*Backup and restoration process overview*, Hh202192); it must be secure and reachable
    /// for both backup and restoration, and a remote location is recommended (*Setting up a backup
    /// location*, Hh202158; *Best practices for backup and restoration*, Hh202184).
    pub static RULE = {
        code: "BK203",
        name: "backup-destination-local",
        severity: Error,
        scope: Deployment,
        summary: "a backup destination is a local path, not a `\\\\host\\share`",
        help: "write the backup to a shared folder on a stand-alone server outside every pool, and record its `\\\\host\\share\\folder` path",
        check: check,
    }
}

/// What a location that is not a UNC path looks like, in words.
fn looks_like(text: &str) -> &'static str {
    let t = text.trim();
    let drive = matches!(t.as_bytes(), [letter, b':', ..] if letter.is_ascii_alphabetic());
    if drive {
        "a local drive path"
    } else if t.contains("://") {
        "a URL"
    } else if t.starts_with("//") {
        "a path written with forward slashes"
    } else if t.starts_with("\\\\") {
        "a server name without a share"
    } else if t.starts_with('\\') || t.starts_with('/') {
        "a path without a host, on whichever drive is current"
    } else if t.contains(['\\', '/']) {
        "a relative path"
    } else {
        "not a path"
    }
}

/// What a database row is about, in this rule's entities: `db@server[\instance]`,
/// keeping the `@` when a cell is blank (unlike [`DatabaseRow::subject`]).
fn database_subject(row: &DatabaseRow) -> String {
    let mut subject = format!("{}@{}", row.database_names(), row.server.host_name());
    if let Some(instance) = row.instance.value.as_ref().filter(|i| !i.is_empty()) {
        subject.push('\\');
        subject.push_str(instance);
    }
    subject
}

/// What a settings row is about, in this rule's entities: `db@server`, keeping the
/// `@` when a cell is blank (unlike [`SettingsRow::subject`]).
fn settings_subject(row: &SettingsRow) -> String {
    format!("{}@{}", row.database_names(), row.server.host_name())
}

/// A location cell to check: where it is, what the column is called, what the row is about.
struct Location<'a> {
    file: FileId,
    cell: &'a Cell,
    column: &'static Column,
    /// The entity: what the row is about.
    subject: String,
    /// The row in words, for the message.
    about: String,
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let sheets = cx.sheets();
    let mut locations: Vec<Location<'_>> = Vec::new();
    for r in &sheets.database {
        locations.push(Location {
            file: r.at.file,
            cell: &r.destination,
            column: &DatabaseRow::COLUMNS.destination,
            subject: database_subject(r),
            about: format!("`{}`", shown(&database_subject(r))),
        });
    }
    for r in &sheets.file_store {
        let subject = Unc::parse(&r.share.text)
            .map_or_else(|| r.share.text.trim().to_lowercase(), |u| u.root());
        locations.push(Location {
            file: r.at.file,
            cell: &r.destination,
            column: &FileStoreRow::COLUMNS.destination,
            about: format!("the file store `{}`", shown(&subject)),
            subject,
        });
    }
    for r in &sheets.settings {
        locations.push(Location {
            file: r.at.file,
            cell: &r.location,
            column: &SettingsRow::COLUMNS.location,
            subject: settings_subject(r),
            about: format!("`{}`", shown(&settings_subject(r))),
        });
    }
    for r in &sheets.certificates {
        let subject = r.subject();
        locations.push(Location {
            file: r.at.file,
            cell: &r.location,
            column: &CertificateRow::COLUMNS.location,
            about: format!("the certificate `{}`", shown(&subject)),
            subject,
        });
    }
    for r in &sheets.backup_runs {
        let about = if r.date.is_blank() {
            "an undated backup run".to_string()
        } else {
            format!("the backup run of {}", shown(r.date.cell.text.trim()))
        };
        locations.push(Location {
            file: r.at.file,
            cell: &r.share,
            column: &BackupRunRow::COLUMNS.share,
            subject: r.subject(),
            about,
        });
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for loc in locations {
        let text = &loc.cell.text;
        if loc.cell.is_blank() || placeholder::contains(text) {
            continue;
        }
        out.checked(&loc.subject);
        if Unc::parse(text).is_some() {
            continue;
        }
        // Two rows about the same thing (a worksheet listing one database twice) still get
        // distinct fingerprints.
        let mut entity = loc.subject.clone();
        let mut n = 1;
        while !seen.insert(entity.clone()) {
            n += 1;
            entity = format!("{}#{n}", loc.subject);
        }
        let what = looks_like(text);
        let message = if what == "not a path" {
            format!(
                "{} `{}` of {} is not a `\\\\host\\share` path",
                loc.column.header,
                shown(text),
                loc.about
            )
        } else {
            format!(
                "{} `{}` of {} is {what}, not a `\\\\host\\share` path",
                loc.column.header,
                shown(text),
                loc.about
            )
        };
        out.emit(Draft::new(entity, message).at(
            loc.file,
            loc.cell.span,
            "not a shared folder on another server",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::{RULE, looks_like};

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_local_drive_destination_is_reported_with_the_row_subject() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "UserData-pool01,2027-05-31,\\\\backup01.contoso.com\\lync\\2026-11-20",
                "UserData-pool01,2027-05-31,D:\\Backup\\2026-11-20",
            )],
        );
        assert_eq!(checked.labelled(), ["D:\\Backup\\2026-11-20"]);
        assert_eq!(checked.entities(), ["rtcxds@sql01.contoso.com\\rtc"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, crate::lint::draft::Severity::Error);
        assert!(
            f.message
                .starts_with("Backup destination `D:\\Backup\\2026-11-20` of `rtcxds@sql01.contoso.com\\rtc` is a local drive path"),
            "{}",
            f.message
        );
    }

    #[test]
    fn every_location_column_is_checked() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "file-store.csv",
                    "\\\\backup01.contoso.com\\lync\\2026-11-20\\filestore",
                    "E:\\filestore",
                ),
                (
                    "settings.csv",
                    "CsLisConfiguration.zip,\\\\backup01.contoso.com\\lync\\2026-11-20",
                    "CsLisConfiguration.zip,C:",
                ),
                (
                    "certificates.csv",
                    "\\\\backup01.contoso.com\\certs\\fe02.pfx",
                    "https://vault.contoso.com/certs/fe02",
                ),
                (
                    "backup-runs.csv",
                    "\\\\backup01.contoso.com\\lync\\2026-11-19",
                    "\\\\backup01.contoso.com",
                ),
            ],
        );
        // Findings come sorted by file: backup-runs, certificates, file-store, settings.
        assert_eq!(
            checked.entities(),
            [
                "backup-run 2026-11-19",
                "fe02.contoso.com/default (server and web services)",
                "\\\\fs01.contoso.com\\lyncshare",
                "lis@sql01.contoso.com",
            ]
        );
        let messages: Vec<&str> = checked
            .findings
            .iter()
            .map(|f| f.message.as_str())
            .collect();
        assert!(
            messages[0]
                .contains("of the backup run of 2026-11-19 is a server name without a share"),
            "{}",
            messages[0]
        );
        assert!(messages[1].contains("is a URL"), "{}", messages[1]);
        assert!(
            messages[2].contains(
                "of the file store `\\\\fs01.contoso.com\\lyncshare` is a local drive path"
            ),
            "{}",
            messages[2]
        );
        assert!(
            messages[3].contains("is a local drive path"),
            "{}",
            messages[3]
        );
    }

    #[test]
    fn unc_paths_blanks_and_placeholders_are_quiet() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "settings.csv",
                    "CsLisConfiguration.zip,\\\\backup01.contoso.com\\lync\\2026-11-20",
                    "CsLisConfiguration.zip,\\\\NAS07\\d$\\lync",
                ),
                (
                    "database.csv",
                    "LcsLog-full,2027-05-31,\\\\backup01.contoso.com\\lync\\2026-11-20",
                    "LcsLog-full,2027-05-31,",
                ),
                (
                    "database.csv",
                    "LcsCdr-full,2027-05-31,\\\\backup01.contoso.com\\lync\\2026-11-20",
                    "LcsCdr-full,2027-05-31,$Backup",
                ),
            ],
        );
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }

    #[test]
    fn a_row_listed_twice_gets_two_entities() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "backup-runs.csv",
                    "2026-11-19,\\\\backup01.contoso.com\\lync\\2026-11-19",
                    "2026-11-20,F:\\lync",
                ),
                (
                    "backup-runs.csv",
                    "2026-11-20,\\\\backup01.contoso.com\\lync\\2026-11-20",
                    "2026-11-20,G:\\lync",
                ),
            ],
        );
        assert_eq!(
            checked.entities(),
            ["backup-run 2026-11-20", "backup-run 2026-11-20#2"]
        );
    }

    #[test]
    fn shapes_are_named() {
        assert_eq!(looks_like("C:"), "a local drive path");
        assert_eq!(
            looks_like("\\Backup"),
            "a path without a host, on whichever drive is current"
        );
        assert_eq!(looks_like("backup\\lync"), "a relative path");
        assert_eq!(looks_like("Tape library"), "not a path");
        assert_eq!(
            looks_like("\\\\backup01\\"),
            "a server name without a share"
        );
    }
}
