use crate::input::span::Span;
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::HostRef;

declare_rule! {
    /// ## What it checks
    /// Reports a pool or machine FQDN declared twice in one topology, compared case-insensitively
    /// and ignoring a trailing dot: two clusters with one name, one machine in two pools, or a
    /// machine named like a different pool. A single-machine cluster whose machine carries the
    /// cluster's own name (a Standard Edition server, a SQL or file server) is one declaration,
    /// not two.
    ///
    /// ## Why it breaks a restore
    /// Every restore procedure starts by rebuilding a server with the *same FQDN* as the one that
    /// failed. When a name stands for two things, the topology cannot say which roles, databases
    /// and shares belong on the rebuilt machine, and `Publish-CsTopology` rejects the document.
    ///
    /// ## Example
    /// ```xml
    /// <Cluster Fqdn="pool01.contoso.com"> ... <Machine Fqdn="fe01.contoso.com" />
    /// <Cluster Fqdn="pool02.contoso.com"> ... <Machine Fqdn="FE01.contoso.com" />
    /// ```
    ///
    /// ## How to fix
    /// In Topology Builder, remove the server from one of the pools (or rename it) and publish
    /// the topology again; then export it with `Get-CsTopology -AsXml`.
    ///
    /// ## Source
    /// A clean server with the same FQDN as the failed one (*Preparing to restore Lync Server 2013*,
    /// Hh202179), and computer FQDNs identical at restore time (*Backup and restoration process
    /// overview*, Hh202192).
    pub static RULE = {
        code: "TP101",
        name: "duplicate-fqdn",
        severity: Error,
        scope: Topology,
        summary: "a machine or pool FQDN declared twice (case-insensitive)",
        help: "give every pool and machine its own FQDN in Topology Builder, publish, and export the topology again",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(topology) = cx.topology() else {
        return;
    };
    for (fqdn, refs) in &topology.hosts {
        if fqdn.is_placeholder() {
            continue;
        }
        out.checked(fqdn.as_str());
        let mut declarations: Vec<(Span, String)> = refs
            .iter()
            .filter_map(|r| match *r {
                HostRef::Pool(p) => {
                    let span = topology.pools[p].fqdn.as_ref()?.span;
                    Some((span, format!("pool `{}`", topology.pool_name(p))))
                }
                HostRef::Machine(p, m) => {
                    let pool = &topology.pools[p];
                    let own_name = pool.machines.len() == 1
                        && pool.fqdn.as_ref().map(|f| &f.value) == Some(fqdn);
                    if own_name {
                        return None;
                    }
                    let span = pool.machines[m].fqdn.as_ref()?.span;
                    Some((span, format!("machine of pool `{}`", topology.pool_name(p))))
                }
            })
            .collect();
        if declarations.len() < 2 {
            continue;
        }
        declarations.sort_by_key(|(span, _)| *span);
        let (first_span, first_what) = &declarations[0];
        let (dup_span, dup_what) = &declarations[1];
        let mut draft = Draft::new(
            fqdn.as_str(),
            format!(
                "`{}` is declared {} times",
                shown(fqdn.as_str()),
                declarations.len()
            ),
        )
        .at(
            topology.file,
            *dup_span,
            format!("declared again here, as a {dup_what}"),
        )
        .also(
            topology.file,
            *first_span,
            format!("first declared here, as a {first_what}"),
        );
        for (span, what) in declarations.iter().skip(2) {
            draft = draft.also(topology.file, *span, format!("and here, as a {what}"));
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, cluster, published};
    use super::RULE;

    #[test]
    fn fires_for_a_machine_in_two_pools_case_insensitively() {
        let xml = published(
            &[
                cluster(
                    1,
                    "pool01.contoso.com",
                    &["fe01.contoso.com", "fe02.contoso.com"],
                ),
                cluster(
                    2,
                    "pool02.contoso.com",
                    &["FE01.contoso.com.", "fe03.contoso.com"],
                ),
            ]
            .join("\n"),
            "",
            "",
        );
        let checked = check(&RULE, &xml);
        assert_eq!(checked.entities(), ["fe01.contoso.com"]);
        assert_eq!(checked.labelled(), ["FE01.contoso.com."]);
        assert_eq!(checked.findings[0].secondary.len(), 1);
    }

    #[test]
    fn fires_for_two_pools_with_one_name() {
        let xml = published(
            &[
                cluster(1, "pool01.contoso.com", &["fe01.contoso.com"]),
                cluster(2, "POOL01.contoso.com", &["fe02.contoso.com"]),
            ]
            .join("\n"),
            "",
            "",
        );
        assert_eq!(check(&RULE, &xml).entities(), ["pool01.contoso.com"]);
    }

    #[test]
    fn quiet_for_single_machine_clusters_named_like_their_machine() {
        let xml = published(
            &[
                cluster(1, "se01.contoso.com", &["se01.contoso.com"]),
                cluster(2, "sql01.contoso.com", &["SQL01.contoso.com"]),
            ]
            .join("\n"),
            "",
            "",
        );
        assert!(check(&RULE, &xml).findings.is_empty());
    }

    #[test]
    fn fires_when_a_pool_member_bears_the_pool_name() {
        let xml = published(
            &cluster(
                1,
                "pool01.contoso.com",
                &["pool01.contoso.com", "fe02.contoso.com"],
            ),
            "",
            "",
        );
        assert_eq!(check(&RULE, &xml).findings.len(), 1);
    }
}
