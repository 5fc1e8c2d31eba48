use std::collections::BTreeSet;

use crate::input::text::shown;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a mirrored SQL instance recorded without a witness: a row of the `sql-instances`
    /// worksheet whose `Mirror` cell names an instance (the row's own instance is the
    /// principal) and whose `Witness` cell is blank. The finding points at the blank `Witness`
    /// cell (at the whole row when the worksheet has no `Witness` column) and is about the
    /// principal, `fqdn\instance`.
    ///
    /// Mirroring and witness are read only from the worksheet: no public topology export shows
    /// how Topology Builder writes them, so the `sql-instances` worksheet is their record. A
    /// pair is recorded once, on the principal's row; the mirror's own row leaves `Mirror`
    /// blank.
    ///
    /// Decisions: a `Witness` cell that cannot be read is IN005's concern, not a missing
    /// witness; rows whose server or instance name cannot be read are skipped (IN005 and RS302
    /// report them); a principal recorded twice is reported once.
    ///
    /// ## Why it breaks a restore
    /// With a witness, the mirror takes over by itself when the principal's Back End Server
    /// fails. Without one, nothing happens until an administrator notices and runs
    /// `Invoke-CsDatabaseFailover`: meanwhile the pool's users keep their sessions for a while
    /// and then fall into resiliency mode, and the failover procedure has to be run by hand
    /// under pressure.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror,Mirroring port,Witness,Witness port
    /// sql01.contoso.com,rtc,2012,Enterprise,sql03.contoso.com\rtc,5022,,
    /// ```
    ///
    /// ## How to fix
    /// In Topology Builder, edit the properties of the pool, select *Use SQL mirroring witness
    /// to enable automatic failover*, define the witness SQL store on a third server (default
    /// port 7022), publish the topology and restart the pool's Front End Servers; then record
    /// the witness in the `Witness` and `Witness port` cells. A witness is deployed together
    /// with the mirror: there is no command that adds only a witness. If you keep mirroring
    /// without a witness on purpose, write down the manual `Invoke-CsDatabaseFailover` procedure
    /// and waive the finding with an exemption.
    ///
    /// ## Source
    /// A witness makes Back End failover automatic; without it an administrator must fail over by
    /// hand (*Back End Server high availability in Lync Server 2013*, JJ205248; *Failing over a
    /// mirrored database in Lync Server 2013*, JJ204991).
    pub static RULE = {
        code: "HA401",
        name: "mirror-without-witness",
        severity: Warning,
        scope: Deployment,
        summary: "a mirrored store without a witness: failover is manual",
        help: "add a mirroring witness on a third server in Topology Builder (pool properties: Use SQL mirroring witness to enable automatic failover), publish, and record it in the Witness column; until then, fail over by hand with Invoke-CsDatabaseFailover",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let mut seen = BTreeSet::new();
    for (row, principal, mirror) in cx.sheets().mirrored() {
        if principal.server.is_placeholder() {
            continue;
        }
        let entity = principal.to_string();
        out.checked(&entity);
        if !row.witness.is_blank() {
            continue;
        }
        if !seen.insert(entity.clone()) {
            continue;
        }
        out.emit(
            Draft::new(
                entity.clone(),
                format!(
                    "{} is mirrored to {} without a witness: failover to the mirror is manual",
                    shown(&entity),
                    shown(&mirror.to_string())
                ),
            )
            .at(row.at.file, row.witness.span(), "no witness recorded"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;
    use crate::lint::draft::Severity;

    const PRINCIPAL: &str = "sql01.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,sql03.contoso.com\\rtc,5022,sql04.contoso.com\\witness,7022,";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_blank_witness_is_reported_at_its_cell() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                PRINCIPAL,
                "sql01.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,sql03.contoso.com\\rtc,5022,,,",
            )],
        );
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        assert_eq!(checked.labelled(), [""]);
        assert_eq!(checked.lines(), [2]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert!(
            f.message
                .contains("mirrored to sql03.contoso.com\\rtc without a witness"),
            "{}",
            f.message
        );
        assert!(f.help.contains("Invoke-CsDatabaseFailover"), "{}", f.help);
    }

    #[test]
    fn without_a_witness_column_the_row_is_labelled() {
        let text = "SQL server FQDN,Instance name,SQL Server version,Edition,Mirror\n\
                    sql01.contoso.com,rtc,2012,Enterprise,sql03.contoso.com\\rtc\n";
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                include_str!("../../testdata/example/sql-instances.csv"),
                text,
            )],
        );
        assert_eq!(
            checked.labelled(),
            ["sql01.contoso.com,rtc,2012,Enterprise,sql03.contoso.com\\rtc"]
        );
    }

    #[test]
    fn an_unmirrored_instance_needs_no_witness() {
        // The mirror's and the witness's own rows have blank Witness cells.
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                PRINCIPAL,
                "sql01.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,,,,,",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn an_unreadable_witness_is_left_to_in005() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql04.contoso.com\\witness,7022",
                "sql04 contoso\\witness,7022",
            )],
        );
        assert!(checked.findings.is_empty());
    }
}
