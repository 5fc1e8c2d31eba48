use crate::lint::prelude::*;
use crate::model::worksheet::{
    CertificateRow, Column, DatabaseRow, FileStoreRow, PoolPairRow, ServerRow, SettingsRow,
    SqlInstanceRow,
};

declare_rule! {
    /// ## What it checks
    /// Reports a blank cell in a required column of a worksheet row: the server, the backup
    /// tool, the destination or location, the configuration file name, the role, the SQL Server
    /// version and edition, the certificate and its expiry date, the date of a backup run. The
    /// label sits on the empty cell.
    ///
    /// Some blanks mean "not recorded" and are reported by the rule that knows what is missing,
    /// so each blank cell is reported once:
    ///
    /// | column | reported by |
    /// |---|---|
    /// | `Backup schedule` | BK211 |
    /// | `Replacement server` | RS301 |
    /// | `Instance name` | RS302 |
    /// | `Private key exportable`, `Backup location` and `Re-enroll from internal CA` of a certificate | RS303 |
    /// | `Computer account retained` | RS306 |
    ///
    /// A blank `Backup pool FQDN` in the `pool-pairs` worksheet says the pool is not paired,
    /// which is allowed: it is not reported (HA411 reports the pool holding the Central
    /// Management store when it is the one left unpaired).
    ///
    /// Optional columns (`SQL instance`, `Backup set name`, `Last backup`, `Notes`...) may be
    /// left blank. A row whose every cell is blank is skipped.
    ///
    /// ## Why it breaks a restore
    /// The worksheets are what the person restoring reads when the servers are gone. A blank
    /// destination means nobody can say where the backup is; a blank server name means nobody
    /// can say which server the database came from. Microsoft's restore preparation asks for
    /// the worksheets from the last backup to be complete before restoration starts.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),Backup schedule,Database backup tool,Backup destination
    /// rtcxds,sql01.contoso.com,Daily,Export-CsUserData,
    /// ```
    /// The `Backup destination` of the rtcxds row is blank.
    ///
    /// ## How to fix
    /// Fill in the cell. `topolint worksheet init` writes every row the rules need with the
    /// known cells filled in from the topology; the blanks it leaves are exactly what only the
    /// administrator knows.
    ///
    /// ## Source
    /// The backup worksheets must be completed, verified and kept in a secure location (*Backup and
    /// restoration worksheets*, Hh202169; *Establishing a backup and restoration plan*, Hh202183).
    pub static RULE = {
        code: "BK215",
        name: "worksheet-field-blank",
        severity: Error,
        scope: Deployment,
        summary: "a required cell left blank",
        help: "fill in the cell: the worksheets are what a restore is carried out from",
        check: check,
    }
}

/// Blank cells another rule reports, with what it means there, and blank cells that mean
/// something allowed.
const OWNED: &[&Column] = &[
    &DatabaseRow::COLUMNS.schedule,
    &FileStoreRow::COLUMNS.schedule,
    &SettingsRow::COLUMNS.schedule,
    &ServerRow::COLUMNS.replacement,
    &ServerRow::COLUMNS.account,
    &SqlInstanceRow::COLUMNS.instance,
    &CertificateRow::COLUMNS.exportable,
    &CertificateRow::COLUMNS.location,
    &CertificateRow::COLUMNS.reenroll,
    // Blank means not paired.
    &PoolPairRow::COLUMNS.backup,
];

/// Whether a blank cell of `column` is not this rule's to report.
fn owned(column: &Column) -> bool {
    OWNED.iter().any(|o| o.is(column))
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(deployment) = cx.deployment else {
        return;
    };
    for &index in &deployment.worksheets {
        let Some(sheet) = cx.workspace.worksheets.get(index) else {
            continue;
        };
        for cell in &sheet.required {
            if !owned(cell.column) {
                out.checked(format!(
                    "{}/{}",
                    cell.row_key,
                    cell.column.header.to_lowercase()
                ));
            }
        }
        for blank in &sheet.blanks {
            if owned(blank.column) {
                continue;
            }
            let about = if blank.row_key.is_empty() {
                String::new()
            } else {
                format!(" of `{}`", crate::input::text::shown(&blank.row_key))
            };
            out.emit(
                Draft::new(
                    format!("{}/{}", blank.row_key, blank.column.header.to_lowercase()),
                    format!(
                        "`{}`{about} is blank in the {} worksheet",
                        blank.column.header,
                        sheet.kind.name()
                    ),
                )
                .at(sheet.file, blank.span, "blank")
                .also(sheet.file, blank.header, "this column")
                .help(format!("write {}", blank.column.what)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check_bytes, example_with};
    use super::RULE;

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn every_required_cell_is_checked_by_row_and_column_except_those_of_other_rules() {
        let checked = example_with(&RULE, &[]).checked;
        assert!(checked.contains(&"rtcxds@sql01.contoso.com/backup destination".to_string()));
        assert!(checked.contains(&"edge01.contoso.com@edge external/expires".to_string()));
        // `Backup schedule` is BK211's, `Notes` is optional.
        assert!(!checked.iter().any(|c| c.ends_with("/backup schedule")));
        assert!(!checked.iter().any(|c| c.ends_with("/notes")));
    }

    #[test]
    fn a_blank_destination_is_underlined_in_place() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "LcsCdr-full,2027-05-31,\\\\backup01.contoso.com\\lync\\2026-11-20,",
                "LcsCdr-full,2027-05-31,,",
            )],
        );
        assert_eq!(checked.labelled(), [""]);
        assert_eq!(checked.lines(), [4]);
        assert_eq!(
            checked.findings[0].message,
            "`Backup destination` of `lcscdr@sql02.contoso.com` is blank in the database worksheet"
        );
        assert_eq!(
            checked.entities(),
            ["lcscdr@sql02.contoso.com/backup destination"]
        );
    }

    #[test]
    fn blanks_owned_by_other_rules_and_optional_columns_are_left_alone() {
        let checked = example_with(
            &RULE,
            &[
                (
                    "servers.csv",
                    "fe01.contoso.com,Front End,ready,yes,",
                    "fe01.contoso.com,Front End,,,",
                ),
                (
                    "database.csv",
                    "rtcxds,sql01.contoso.com,rtc,Daily 22:00",
                    "rtcxds,sql01.contoso.com,,",
                ),
            ],
        );
        assert!(checked.findings.is_empty(), "{:?}", checked.entities());
    }

    #[test]
    fn the_help_says_what_to_write_in_the_column() {
        let checked = example_with(
            &RULE,
            &[(
                "servers.csv",
                "fe01.contoso.com,Front End,ready,yes,",
                "fe01.contoso.com,,ready,yes,",
            )],
        );
        assert_eq!(
            checked.findings[0].help,
            "write what the server runs (Front End, Edge, SQL Back End, file server...)"
        );
        // Every column of every kind says what goes in it.
        for kind in crate::model::worksheet::Kind::ALL {
            for column in kind.columns() {
                assert!(
                    column.what.len() > 10 && !column.what.ends_with('.'),
                    "{}/{}: {:?}",
                    kind.name(),
                    column.header,
                    column.what
                );
            }
        }
    }

    #[test]
    fn a_fresh_template_row_lists_each_blank() {
        let topology = super::super::test_util::published("", "", "");
        let checked = check_bytes(
            &RULE,
            &[
                ("topology.xml", topology.as_bytes()),
                (
                    "sql-instances.csv",
                    b"SQL server FQDN,Instance name,SQL Server version,Edition\nsql01.contoso.com,rtc,,\n",
                ),
            ],
        );
        assert_eq!(
            checked.entities(),
            [
                "sql01.contoso.com@rtc/sql server version",
                "sql01.contoso.com@rtc/edition"
            ]
        );
    }
}
