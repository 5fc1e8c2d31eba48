use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::restore;
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::Fqdn;
use crate::model::values::SqlRef;
use crate::model::worksheet::SqlInstanceRow;

declare_rule! {
    /// ## What it checks
    /// Reports a witness server that serves several mirrored pairs: rows of the
    /// `sql-instances` worksheet with a `Mirror` (each row's own instance is a principal)
    /// whose `Witness` cells name instances on one server, for two or more different
    /// principals. Witnesses are grouped by server, not by instance: two witness instances on
    /// one machine fail together, as one witness would.
    ///
    /// One note per witness server, at the `Witness` cell of the first such row in worksheet
    /// order, with the other rows' `Witness` cells beside it; it is about the witness server's
    /// FQDN. Servers compare as FQDNs, without regard to case or a trailing dot; a single-label
    /// name (`sql04`) is read as the topology's server whose FQDN starts with it.
    ///
    /// Decisions: a principal recorded twice counts once; rows without a witness are HA401's,
    /// a witness on a partner's own server is HA402's; cells that cannot be read are left to
    /// IN005, and names holding a template placeholder to IN006.
    ///
    /// ## Why it breaks a restore
    /// Nothing breaks today: one witness for several pairs of Back End Servers is supported.
    /// It is less resilient than a witness for each pair, though. While that one server is
    /// down, for maintenance, a failure or its own restore, every pair it watches has lost
    /// automatic failover at once, and a principal that fails meanwhile needs a manual
    /// `Invoke-CsDatabaseFailover`. Losing a partner together with the witness makes that
    /// pair's Back End unavailable, so a witness shared by many pools widens what a single
    /// further failure can take down.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror,Mirroring port,Witness,Witness port
    /// sql01.contoso.com,rtc,2012,Enterprise,sql03.contoso.com\rtc,5022,sql04.contoso.com\witness,7022
    /// sql21.contoso.com,rtc,2012,Enterprise,sql22.contoso.com\rtc,5022,sql04.contoso.com\witness,7022
    /// ```
    /// The Back Ends of two pools share the witness `sql04.contoso.com`.
    ///
    /// ## How to fix
    /// Nothing needs fixing if the shared witness is a deliberate choice: keep the witness
    /// server patched and monitored, and know which pairs lose automatic failover while it is
    /// down. For more resilience, give each pair its own witness on its own server: in Topology
    /// Builder, edit the pool's properties, remove mirroring and add it again with the new
    /// witness SQL store (a witness is set up and removed only together with the mirror),
    /// publish the topology, restart the pool's Front End Servers, and record the new witness
    /// in the worksheet. Turn the note off with `HA412 = "off"` under `[rules]` if you do not
    /// want to hear it.
    ///
    /// ## Source
    /// One witness may serve several pairs of Back End Servers, but such a deployment is not
    /// quite as resilient as one with a separate witness for each pair; and when a partner and
    /// the witness both fail, the Back End becomes unavailable (*Back End Server high
    /// availability in Lync Server 2013*, JJ205248). A witness is deployed and removed together
    /// with its mirror (*Deploying SQL mirroring for Back End Server high availability*,
    /// JJ204992).
    pub static RULE = {
        code: "HA412",
        name: "shared-witness",
        severity: Note,
        scope: Deployment,
        summary: "one witness server for several mirrored pairs: supported, but less resilient than a witness for each pair",
        help: "keep the shared witness server patched and monitored, or give each mirrored pair its own witness on its own server (Topology Builder: remove and re-add mirroring with the new witness, publish, restart the pool's Front End Servers)",
        check: check,
    }
}

/// Pairs named in a finding (the message says how many more there are), and cells shown.
const MAX_NAMED: usize = 5;

/// A pair the witness serves: its principal and the row recording it.
struct Served<'r> {
    principal: SqlRef,
    row: &'r SqlInstanceRow,
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let t = cx.topology();
    // The pairs each witness server serves, in worksheet order, each principal once.
    let mut by_witness: BTreeMap<Fqdn, Vec<Served<'_>>> = BTreeMap::new();
    let mut counted: BTreeSet<(Fqdn, SqlRef)> = BTreeSet::new();
    for (principal, pair) in restore::witnessed(cx.sheets()) {
        let (row, witness) = (pair.row, pair.witness);
        let host = t.map_or_else(
            || witness.server.clone(),
            |t| restore::topology_name(t, &witness.server),
        );
        if counted.insert((host.clone(), principal.clone())) {
            by_witness
                .entry(host)
                .or_default()
                .push(Served { principal, row });
        }
    }
    for (host, served) in by_witness {
        out.checked(host.as_str());
        let [first, rest @ ..] = served.as_slice() else {
            continue;
        };
        if rest.is_empty() {
            continue;
        }
        let host_shown = shown(host.as_str());
        let name = |s: &Served<'_>| shown(&s.principal.to_string()).into_owned();
        let mut pairs: Vec<String> = served.iter().take(MAX_NAMED).map(name).collect();
        if served.len() > MAX_NAMED {
            pairs.push(format!("{} more", served.len() - MAX_NAMED));
        }
        let mut draft = Draft::new(
            host.as_str(),
            format!(
                "the witness server {host_shown} serves {} mirrored pairs ({}): while it is down none of them fails over by itself",
                served.len(),
                and_list(&pairs)
            ),
        )
        .at(
            first.row.at.file,
            first.row.witness.span(),
            format!("witness of {}", name(first)),
        );
        for s in rest.iter().take(MAX_NAMED - 1) {
            draft = draft.also(
                s.row.at.file,
                s.row.witness.span(),
                format!("also the witness of {}", name(s)),
            );
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::example_with;
    use super::RULE;
    use crate::lint::draft::Severity;

    /// A second mirrored pair after the example's own, with `witness` as its Witness cell.
    fn second_pair(witness: &str) -> (&'static str, &'static str, String) {
        (
            "sql-instances.csv",
            "sql02.contoso.com,monitoring,",
            format!(
                "sql21.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,sql22.contoso.com\\rtc,5022,{witness},7022,\nsql02.contoso.com,monitoring,"
            ),
        )
    }

    #[test]
    fn the_example_is_quiet() {
        let checked = example_with(&RULE, &[]);
        assert!(checked.findings.is_empty());
        assert_eq!(checked.checked, ["sql04.contoso.com"]);
    }

    #[test]
    fn a_witness_of_two_pairs_is_noted_at_both_cells() {
        let (file, from, to) = second_pair("sql04.contoso.com\\witness");
        let checked = example_with(&RULE, &[(file, from, &to)]);
        assert_eq!(checked.entities(), ["sql04.contoso.com"]);
        assert_eq!(checked.labelled(), ["sql04.contoso.com\\witness"]);
        assert_eq!(checked.lines(), [2]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Note);
        assert_eq!(
            f.message,
            "the witness server sql04.contoso.com serves 2 mirrored pairs (sql01.contoso.com\\rtc and sql21.contoso.com\\rtc): while it is down none of them fails over by itself"
        );
        let also = &f.secondary[0];
        assert_eq!(also.message, "also the witness of sql21.contoso.com\\rtc");
        assert_eq!(
            checked.ws.files.get(also.file).line_col(also.span.start).0,
            5
        );
    }

    #[test]
    fn two_witness_instances_on_one_server_are_one_witness() {
        // Written with a single label and another instance: still the server sql04.
        let (file, from, to) = second_pair("SQL04\\witness2");
        let checked = example_with(&RULE, &[(file, from, &to)]);
        assert_eq!(checked.entities(), ["sql04.contoso.com"]);
        assert_eq!(checked.labelled(), ["sql04.contoso.com\\witness"]);
    }

    #[test]
    fn a_witness_for_each_pair_and_a_principal_recorded_twice_are_quiet() {
        let (file, from, to) = second_pair("sql24.contoso.com\\witness");
        assert!(
            example_with(&RULE, &[(file, from, &to)])
                .findings
                .is_empty()
        );
        let twice = example_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql02.contoso.com,monitoring,",
                "sql01.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,sql03.contoso.com\\rtc,5022,sql04.contoso.com\\witness,7022,\nsql02.contoso.com,monitoring,",
            )],
        );
        assert!(twice.findings.is_empty());
    }

    #[test]
    fn many_pairs_are_counted_not_all_named() {
        let mut rows = String::new();
        for n in 10..17 {
            rows.push_str(&format!(
                "sql{n}.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,sql{n}m.contoso.com\\rtc,5022,sql04.contoso.com\\witness,7022,\n"
            ));
        }
        rows.push_str("sql02.contoso.com,monitoring,");
        let checked = example_with(
            &RULE,
            &[("sql-instances.csv", "sql02.contoso.com,monitoring,", &rows)],
        );
        let f = &checked.findings[0];
        assert!(
            f.message.starts_with("the witness server sql04.contoso.com serves 8 mirrored pairs (sql01.contoso.com\\rtc, sql10.contoso.com\\rtc, sql11.contoso.com\\rtc, sql12.contoso.com\\rtc, sql13.contoso.com\\rtc and 3 more)"),
            "{}",
            f.message
        );
        assert_eq!(f.secondary.len(), 4);
    }
}
