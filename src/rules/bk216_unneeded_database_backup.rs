use crate::lint::prelude::*;
use crate::model::values::Db;
use crate::model::worksheet::one_database_subject;

declare_rule! {
    /// ## What it checks
    /// Notes a `database` worksheet row that lists, for backup, a database holding nothing a
    /// restore needs: `rtcdyn`, `rtcab`, `rtcab1`, `rgsdyn`, `cpsdyn` or `mgccomp`. Each such
    /// database named in a row's `Database` cell is one note, at that cell; a row that also
    /// names databases that do need a backup (`rtcxds, rtcdyn`) is noted for the unneeded ones
    /// only.
    ///
    /// Decision: the note does not ask to delete the row; backing these databases up does no
    /// harm. It says that their backups are not what a restore relies on, so their absence is
    /// never a coverage gap (BK204 to BK208 never ask for them).
    ///
    /// ## Why it breaks a restore
    /// It does not break one: it shows a plan that may be counting on the wrong backups.
    /// `rtcdyn`, `rgsdyn` and `cpsdyn` hold transient state (presence, active calls and
    /// queues, Call Park orbits) that is stale by the time of a restore; `rtcab` and `rtcab1`
    /// are the Address Book, rebuilt from Active Directory; `mgccomp` is the Persistent Chat
    /// compliance database, whose content is collected again. A backup plan that lists them
    /// as critical may miss the ones that are.
    ///
    /// ## Example
    /// ```text
    /// Database,Server name (FQDN),SQL instance,Backup schedule,Database backup tool,Backup destination
    /// rtcab,sql01.contoso.com,rtc,Daily 22:00,SQL Server Management Studio,\\backup01.contoso.com\lync
    /// ```
    ///
    /// ## How to fix
    /// Nothing is required. Keep the row if the backup is cheap, or remove it from the job and
    /// the worksheet; make sure the databases that matter (rtcxds through `Export-CsUserData`,
    /// the Central Management store through `Export-CsConfiguration`, LcsLog, LcsCdr,
    /// QoEMetrics, mgc) have their own rows.
    ///
    /// ## Source
    /// rtcdyn, rtcab (and rtcab1), rgsdyn, cpsdyn and mgccomp need no backup (*Backup and
    /// restoration worksheets*, Hh202169; *Backup and restoration requirements: data*, Hh202194).
    pub static RULE = {
        code: "BK216",
        name: "unneeded-database-backup",
        severity: Note,
        scope: Deployment,
        summary: "rtcdyn, rtcab, rgsdyn, cpsdyn or mgccomp listed for backup",
        help: "no backup is needed for this database; keep or drop the row, and make sure rtcxds, the Central Management store and the Archiving, Monitoring and Persistent Chat databases have rows of their own",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let mut drafts = Unique::new(RULE.meta.severity);
    for row in &cx.sheets().database {
        for &db in row.databases() {
            let entity = one_database_subject(db, &row.server, Some(&row.instance));
            out.checked(&entity);
            if !db.needs_no_backup() {
                continue;
            }
            drafts.push(
                Draft::new(
                    &entity,
                    format!(
                        "{entity} is listed for backup, but {db} {}: it needs no backup",
                        why(db)
                    ),
                )
                .at(
                    row.at.file,
                    row.database.span(),
                    format!("{db} needs no backup"),
                ),
                "listed again here",
            );
        }
    }
    drafts.emit(out);
}

/// Why a database needs no backup.
fn why(db: Db) -> &'static str {
    match db {
        Db::Rtcab | Db::Rtcab1 => "is the Address Book, rebuilt from Active Directory",
        Db::Mgccomp => {
            "is the Persistent Chat compliance database, whose content is collected again"
        }
        Db::Rgsdyn => "holds transient Response Group state (calls and queues in progress)",
        Db::Cpsdyn => "holds transient Call Park state",
        _ => "holds transient state (presence and active conferences)",
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
    fn a_row_for_the_address_book_is_noted_at_the_database_cell() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "lcscdr,sql02.contoso.com,monitoring,",
                "RTCAB,sql01.contoso.com,rtc,",
            )],
        );
        assert_eq!(checked.labelled(), ["RTCAB"]);
        assert_eq!(checked.entities(), ["rtcab@sql01.contoso.com\\rtc"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Note);
        assert!(
            f.message.contains("rebuilt from Active Directory"),
            "{}",
            f.message
        );
    }

    #[test]
    fn each_unneeded_database_of_a_row_is_noted_once() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "rtcxds,sql01.contoso.com,rtc,",
                "\"rtcxds, rtcdyn, rgsdyn, cpsdyn\",sql01.contoso.com,rtc,",
            )],
        );
        assert_eq!(
            checked.entities(),
            [
                "cpsdyn@sql01.contoso.com\\rtc",
                "rgsdyn@sql01.contoso.com\\rtc",
                "rtcdyn@sql01.contoso.com\\rtc"
            ]
        );
    }

    #[test]
    fn mgc_is_not_mgccomp() {
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "lcscdr,sql02.contoso.com,monitoring,",
                "Persistent Chat (mgc),sql02.contoso.com,monitoring,",
            )],
        );
        assert!(checked.findings.is_empty());
        let checked = example_with(
            &RULE,
            &[(
                "database.csv",
                "lcscdr,sql02.contoso.com,monitoring,",
                "MgcComp,sql02.contoso.com,monitoring,",
            )],
        );
        assert_eq!(
            checked.entities(),
            ["mgccomp@sql02.contoso.com\\monitoring"]
        );
    }
}
