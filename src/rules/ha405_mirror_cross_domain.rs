use std::collections::BTreeSet;

use crate::input::text::shown;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a mirroring set whose servers are not all in one domain: for a row of the
    /// `sql-instances` worksheet with a `Mirror` (the row's own instance is the principal), the
    /// DNS domain of the mirror's server and of the witness's server (everything after the
    /// first label of the FQDN) is compared with the principal's. One finding per principal
    /// points at the `Mirror` cell when the mirror's domain differs, else at the `Witness`
    /// cell, shows the other differing cell and the principal's `SQL server FQDN` cell as
    /// related locations, and is about the principal, `fqdn\instance`.
    ///
    /// The DNS suffix stands in for the Active Directory domain, which neither the topology
    /// nor the worksheet records; that is why this is a warning. A single-label name (`sql03`)
    /// has no domain to compare and is left out (TP104 and BK214 report such names).
    /// Mirroring and witness are read only from the worksheet: no public topology export shows
    /// how Topology Builder writes them.
    ///
    /// ## Why it breaks a restore
    /// Topology Builder and the mirroring cmdlets (`Install-CsMirrorDatabase`,
    /// `Uninstall-CsMirrorDatabase`) set up and remove mirroring only when the principal, the
    /// mirror and the witness belong to the same domain. Across domains, re-establishing the
    /// mirror after a Back End Server is rebuilt falls outside the documented procedures and
    /// has to be done by hand with SQL Server's own tools.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror,Mirroring port,Witness,Witness port
    /// sql01.contoso.com,rtc,2012,Enterprise,sql03.fabrikam.com\rtc,5022,sql04.contoso.com\witness,7022
    /// ```
    ///
    /// ## How to fix
    /// Choose a mirror and a witness in the principal's domain: in Topology Builder, edit the
    /// pool's properties, remove mirroring and add it again with SQL stores on servers of that
    /// domain, publish the topology and restart the pool's Front End Servers. If the names
    /// differ only in DNS (a disjoint namespace) and the servers are in one AD domain, record
    /// that in the Notes and waive the finding with an exemption.
    ///
    /// ## Source
    /// Setting up and removing SQL mirroring with Topology Builder or the cmdlets is supported only
    /// when the principal, the mirror and the witness are in the same domain (*Deploying SQL
    /// mirroring for Back End Server high availability in Lync Server 2013*, JJ204992).
    pub static RULE = {
        code: "HA405",
        name: "mirror-cross-domain",
        severity: Warning,
        scope: Deployment,
        summary: "primary, mirror and witness not in the same AD domain",
        help: "put the mirror and the witness in the principal's domain: in Topology Builder remove and re-add mirroring with SQL stores of that domain, publish, and restart the pool's Front End Servers",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let mut seen = BTreeSet::new();
    for (row, principal, mirror) in cx.sheets().mirrored() {
        let Some(home) = principal.server.domain() else {
            continue;
        };
        if principal.server.is_placeholder() {
            continue;
        }
        out.checked(principal.to_string());
        // The partners in another domain: (role, instance, its domain, its cell).
        let mut away = Vec::new();
        let partners = [
            Some((mirror, "mirror", &row.mirror)),
            row.witness
                .value
                .as_ref()
                .map(|w| (w, "witness", &row.witness)),
        ];
        for (other, role, cell) in partners.into_iter().flatten() {
            if other.server.is_placeholder() {
                continue;
            }
            if let Some(domain) = other.server.domain()
                && domain != home
            {
                away.push((role, other, domain, cell));
            }
        }
        let Some(((role, other, domain, cell), rest)) = away.split_first() else {
            continue;
        };
        let entity = principal.to_string();
        if !seen.insert(entity.clone()) {
            continue;
        }
        let mut parts = vec![format!(
            "its {role} {} is in {}",
            shown(&other.to_string()),
            shown(domain)
        )];
        for (role, other, domain, _) in rest {
            parts.push(format!(
                "its {role} {} in {}",
                shown(&other.to_string()),
                shown(domain)
            ));
        }
        let mut draft = Draft::new(
            entity.clone(),
            format!(
                "{} is in {} but {}: mirroring is supported only within one domain",
                shown(&entity),
                shown(home),
                parts.join(" and ")
            ),
        )
        .at(
            row.at.file,
            cell.span(),
            format!("{role} in {}", shown(domain)),
        );
        for (role, _, domain, cell) in rest {
            draft = draft.also(
                row.at.file,
                cell.span(),
                format!("{role} in {}", shown(domain)),
            );
        }
        draft = draft.also(
            row.at.file,
            row.server.span(),
            format!("principal in {}", shown(home)),
        );
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;
    use crate::lint::draft::Severity;

    const PARTNERS: &str = "sql03.contoso.com\\rtc,5022,sql04.contoso.com\\witness";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_mirror_in_another_domain_is_reported_at_the_mirror_cell() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                PARTNERS,
                "sql03.fabrikam.com\\rtc,5022,sql04.contoso.com\\witness",
            )],
        );
        assert_eq!(checked.labelled(), ["sql03.fabrikam.com\\rtc"]);
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.message,
            "sql01.contoso.com\\rtc is in contoso.com but its mirror sql03.fabrikam.com\\rtc is in fabrikam.com: mirroring is supported only within one domain"
        );
        let file = checked.ws.files.get(f.secondary[0].file);
        let related: Vec<_> = f.secondary.iter().map(|l| file.slice(l.span)).collect();
        assert_eq!(related, ["sql01.contoso.com"]);
    }

    #[test]
    fn a_witness_in_a_child_domain_is_reported_at_the_witness_cell() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                PARTNERS,
                "sql03.contoso.com\\rtc,5022,sql04.emea.contoso.com\\witness",
            )],
        );
        assert_eq!(checked.labelled(), ["sql04.emea.contoso.com\\witness"]);
    }

    #[test]
    fn both_partners_away_make_one_finding() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                PARTNERS,
                "sql03.fabrikam.com\\rtc,5022,sql04.fabrikam.com\\witness",
            )],
        );
        assert_eq!(checked.labelled(), ["sql03.fabrikam.com\\rtc"]);
        let f = &checked.findings[0];
        assert!(
            f.message
                .contains("and its witness sql04.fabrikam.com\\witness in fabrikam.com"),
            "{}",
            f.message
        );
        assert_eq!(f.secondary.len(), 2);
    }

    #[test]
    fn single_label_hosts_and_case_differences_are_quiet() {
        let checked = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                PARTNERS,
                "sql03\\rtc,5022,SQL04.Contoso.COM.\\witness",
            )],
        );
        assert!(checked.findings.is_empty());
    }
}
