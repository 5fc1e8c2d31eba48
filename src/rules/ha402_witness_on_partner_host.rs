use std::collections::BTreeSet;

use crate::analysis::restore::{self, Witnessed};
use crate::input::text::shown;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a mirroring witness that runs on the same server as one of the two partners it
    /// watches: a row of the `sql-instances` worksheet with a `Mirror` (the row's own instance
    /// is the principal) whose `Witness` names an instance on the principal's server or on the
    /// mirror's server. The finding points at the `Witness` cell and is about the principal,
    /// `fqdn\instance`.
    ///
    /// Servers are compared as FQDNs, case-insensitively; a single-label name (`sql01`) matches
    /// the FQDN that starts with that label, in either cell. A different instance name on the
    /// same server is still the same server. Mirroring and witness are read only from the
    /// worksheet: no public topology export shows how Topology Builder writes them.
    ///
    /// A mirror on the principal's own server is HA403's concern; rows without a witness are
    /// HA401's. Unreadable cells are left to IN005.
    ///
    /// ## Why it breaks a restore
    /// Automatic failover needs two of the three (principal, mirror, witness) to agree that the
    /// third is gone. A witness that shares a host with a partner goes down with it: when that
    /// server fails, the surviving partner is left alone and cannot fail over automatically,
    /// exactly when it is needed. If the principal's host carries the witness, its loss takes
    /// the Back End down until someone runs `Invoke-CsDatabaseFailover` by hand.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror,Mirroring port,Witness,Witness port
    /// sql01.contoso.com,rtc,2012,Enterprise,sql03.contoso.com\rtc,5022,sql03.contoso.com\witness,7022
    /// ```
    ///
    /// ## How to fix
    /// Put the witness on a third server, in the same domain, that hosts neither partner. In
    /// Topology Builder, edit the pool's properties, remove mirroring and add it again with the
    /// new witness SQL store (a witness is set up and removed only together with the mirror),
    /// publish the topology, restart the pool's Front End Servers, and record the new witness
    /// in the worksheet.
    ///
    /// ## Source
    /// A witness is what makes Back End failover automatic (*Back End Server high availability in
    /// Lync Server 2013*, JJ205248): a witness that fails together with a partner leaves the pair
    /// without automatic failover.
    pub static RULE = {
        code: "HA402",
        name: "witness-on-partner-host",
        severity: Error,
        scope: Deployment,
        summary: "the witness on the primary's or mirror's host",
        help: "move the witness to a SQL instance on a third server that hosts neither partner: in Topology Builder remove and re-add mirroring with the new witness, publish, restart the pool's Front End Servers, and record it in the Witness column",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let mut seen = BTreeSet::new();
    for (principal, pair) in restore::witnessed(cx.sheets()) {
        let Witnessed {
            row,
            mirror,
            witness,
        } = pair;
        out.checked(principal.to_string());
        let on_principal = witness.server.same_host(&principal.server);
        let on_mirror = witness.server.same_host(&mirror.server);
        let partner = match (on_principal, on_mirror) {
            (true, true) => "the principal's and the mirror's",
            (true, false) => "the principal's",
            (false, true) => "the mirror's",
            (false, false) => continue,
        };
        let entity = principal.to_string();
        if !seen.insert(entity.clone()) {
            continue;
        }
        let host = if on_principal {
            &principal.server
        } else {
            &mirror.server
        };
        out.emit(
            Draft::new(
                entity.clone(),
                format!(
                    "the witness of {} ({}) is on {} server {}: a failure of that server also takes the witness and leaves no automatic failover",
                    shown(&entity),
                    shown(&witness.to_string()),
                    partner,
                    shown(host.as_str()),
                ),
            )
            .at(
                row.at.file,
                row.witness.span(),
                format!("witness on {partner} server"),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;
    use crate::lint::draft::Severity;

    const WITNESS: &str = "sql04.contoso.com\\witness,7022";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_witness_on_the_mirror_host_is_reported_at_the_witness_cell() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                WITNESS,
                "SQL03.contoso.com\\witness,7022",
            )],
        );
        assert_eq!(checked.labelled(), ["SQL03.contoso.com\\witness"]);
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert!(
            f.message
                .contains("is on the mirror's server sql03.contoso.com"),
            "{}",
            f.message
        );
    }

    #[test]
    fn a_witness_on_the_principal_host_by_single_label_is_reported() {
        let checked = example_with(
            &RULE,
            &[("sql-instances.csv", WITNESS, "sql01\\witness,7022")],
        );
        assert_eq!(checked.labelled(), ["sql01\\witness"]);
        assert!(
            checked.findings[0]
                .message
                .contains("the principal's server sql01.contoso.com"),
            "{}",
            checked.findings[0].message
        );
    }

    #[test]
    fn a_witness_on_a_third_server_in_another_instance_is_quiet() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                WITNESS,
                "sql02.contoso.com\\monitoring,7022",
            )],
        );
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn a_host_that_only_starts_like_a_partner_is_quiet() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                WITNESS,
                "sql01.fabrikam.com\\witness,7022",
            )],
        );
        assert!(checked.findings.is_empty());
    }
}
