use std::collections::BTreeSet;

use crate::analysis::restore::{self, RowsByHost, Witnessed};
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::Fqdn;
use crate::model::values::Replacement;
use crate::model::worksheet::ServerRow;

declare_rule! {
    /// ## What it checks
    /// Reports a mirrored pair whose witness shares a fate with one of the two partners, as far
    /// as the worksheets can show it: a row of the `sql-instances` worksheet with a `Mirror`
    /// (the row's own instance is the principal) and a `Witness`, where the witness's server
    /// and the principal's or the mirror's server both have a row in the servers worksheet
    /// whose `Replacement server` is `none`. Neither can be rebuilt, so once both are lost the
    /// Back End stays down.
    ///
    /// The finding is at the `Witness` cell, with each `none` beside it, and is about the
    /// principal, `fqdn\instance`. Servers match their servers-worksheet rows as FQDNs,
    /// without regard to case or a trailing dot, a single-label name matching the FQDN that
    /// starts with it, either way round.
    ///
    /// Decisions: the plainest shared fate, a witness on a partner's own server, is HA402's
    /// error and is not repeated here; a server with no row or a blank `Replacement server` is
    /// RS301's (it reports each `none` too, as an error: this rule adds what the pair loses).
    /// Cells that cannot be read are left to IN005, names holding a template placeholder to
    /// IN006, and a principal recorded twice is reported once.
    ///
    /// ## Why it breaks a restore
    /// With a witness, the Back End keeps running as long as two of the three (principal,
    /// mirror, witness) are up. When one partner and the witness are both lost, the Back End
    /// becomes unavailable, even if the surviving partner is the principal and still running,
    /// and users are switched to resiliency mode. If neither lost server has a replacement
    /// that can take its FQDN, the pool waits for hardware to be found before either can be
    /// restored.
    ///
    /// ## Example
    /// ```text
    /// Server FQDN,Role,Replacement server,Computer account retained
    /// sql03.contoso.com,SQL Back End (mirror),none,yes
    /// sql04.contoso.com,SQL mirroring witness,none,yes
    /// ```
    /// With `sql01.contoso.com\rtc` mirrored to `sql03.contoso.com\rtc` and witnessed by
    /// `sql04.contoso.com\witness`, losing the mirror and the witness leaves nothing to rebuild
    /// either with.
    ///
    /// ## How to fix
    /// Arrange a replacement for the witness or the partner (a spare server or a virtual machine
    /// template that can take its FQDN) and record `ready` or `planned`. A witness is cheap to
    /// host: a virtual machine on infrastructure that the partners do not depend on is enough.
    /// To move the witness instead, edit the pool's properties in Topology Builder, remove
    /// mirroring and add it again with the new witness SQL store, publish the topology, restart
    /// the pool's Front End Servers and record the new witness.
    ///
    /// ## Source
    /// If both Back End Servers fail, or one of them and the witness, the Back End Server
    /// becomes unavailable, even when the principal is still working (*Back End Server high
    /// availability in Lync Server 2013*, JJ205248). A failed mirror is restored on a clean
    /// server with the same FQDN (*Restoring a mirrored Enterprise Edition Back End Server -
    /// mirror*, JJ945626).
    pub static RULE = {
        code: "HA413",
        name: "witness-shares-partner-fate",
        severity: Warning,
        scope: Deployment,
        summary: "a witness and one mirroring partner that cannot be rebuilt, both with replacement `none`: losing them together stops the Back End",
        help: "arrange a replacement that can take the FQDN of the witness or of the partner and record `ready` or `planned`, or move the witness to a server that can be rebuilt",
        check: check,
    }
}

/// The `Replacement server` cell of the first row saying `none` for a host, if any.
fn no_replacement<'r>(by_host: &RowsByHost<'r, ServerRow>, host: &Fqdn) -> Option<&'r ServerRow> {
    by_host
        .rows_naming(host)
        .into_iter()
        .find(|r| r.replacement.value == Some(Replacement::None))
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let sheets = cx.sheets();
    let by_host = RowsByHost::new(&sheets.servers, |r| r.server.value.as_ref());
    let mut seen = BTreeSet::new();
    for (principal, pair) in restore::witnessed(sheets) {
        let Witnessed {
            row,
            mirror,
            witness,
        } = pair;
        let entity = principal.to_string();
        out.checked(&entity);
        if witness.server.same_host(&principal.server) || witness.server.same_host(&mirror.server) {
            continue;
        }
        let Some(witness_row) = no_replacement(&by_host, &witness.server) else {
            continue;
        };
        let partners: Vec<(&str, &Fqdn, &ServerRow)> =
            [("principal", &principal.server), ("mirror", &mirror.server)]
                .into_iter()
                .filter_map(|(role, host)| no_replacement(&by_host, host).map(|r| (role, host, r)))
                .collect();
        if partners.is_empty() || !seen.insert(entity.clone()) {
            continue;
        }
        let lost: Vec<String> = partners
            .iter()
            .map(|(role, host, _)| format!("its {role} {}", shown(host.as_str())))
            .collect();
        let mut draft = Draft::new(
            entity.clone(),
            format!(
                "{} loses its Back End if {} and its witness {} fail together, and the servers worksheet records no replacement for either (`none`)",
                shown(&entity),
                lost.join(" or "),
                shown(witness.server.as_str()),
            ),
        )
        .at(row.at.file, row.witness.span(), "witness with no replacement");
        let mut also: Vec<(&ServerRow, String)> =
            vec![(witness_row, "witness: no replacement".to_string())];
        also.extend(
            partners
                .iter()
                .map(|(role, _, r)| (*r, format!("{role}: no replacement"))),
        );
        for (r, label) in also {
            draft = draft.also(r.at.file, r.replacement.span(), label);
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;
    use crate::lint::draft::Severity;

    const WITNESS: (&str, &str, &str) = (
        "servers.csv",
        "sql04.contoso.com,SQL mirroring witness,planned",
        "sql04.contoso.com,SQL mirroring witness,none",
    );
    const MIRROR: (&str, &str, &str) = (
        "servers.csv",
        "sql03.contoso.com,SQL Back End (mirror),ready",
        "sql03.contoso.com,SQL Back End (mirror),none",
    );

    #[test]
    fn the_example_is_quiet() {
        let checked = example_with(&RULE, &[]);
        assert!(checked.findings.is_empty());
        assert_eq!(checked.checked, ["sql01.contoso.com\\rtc"]);
    }

    #[test]
    fn a_witness_and_a_mirror_without_replacement_are_reported_at_the_witness() {
        let checked = example_with(&RULE, &[WITNESS, MIRROR]);
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        assert_eq!(checked.labelled(), ["sql04.contoso.com\\witness"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.message,
            "sql01.contoso.com\\rtc loses its Back End if its mirror sql03.contoso.com and its witness sql04.contoso.com fail together, and the servers worksheet records no replacement for either (`none`)"
        );
        let labels: Vec<(&str, &str)> = f
            .secondary
            .iter()
            .map(|l| {
                (
                    checked.ws.files.get(l.file).slice(l.span),
                    l.message.as_str(),
                )
            })
            .collect();
        assert_eq!(
            labels,
            [
                ("none", "witness: no replacement"),
                ("none", "mirror: no replacement")
            ]
        );
    }

    #[test]
    fn the_principal_counts_as_a_partner_too() {
        let checked = example_with(
            &RULE,
            &[
                WITNESS,
                (
                    "servers.csv",
                    "sql01.contoso.com,SQL Back End (principal),ready",
                    "SQL01,SQL Back End (principal),none",
                ),
            ],
        );
        assert!(
            checked.findings[0]
                .message
                .contains("if its principal sql01.contoso.com and its witness"),
            "{}",
            checked.findings[0].message
        );
    }

    #[test]
    fn one_side_with_a_replacement_is_quiet() {
        assert!(example_with(&RULE, &[WITNESS]).findings.is_empty());
        assert!(example_with(&RULE, &[MIRROR]).findings.is_empty());
    }

    #[test]
    fn a_witness_on_a_partner_host_is_left_to_ha402() {
        let checked = example_with(
            &RULE,
            &[
                MIRROR,
                (
                    "sql-instances.csv",
                    "sql04.contoso.com\\witness,7022",
                    "sql03.contoso.com\\witness,7022",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }
}
