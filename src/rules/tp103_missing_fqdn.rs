use crate::lint::prelude::*;
use crate::model::ids;

declare_rule! {
    /// ## What it checks
    /// Reports a cluster (pool) with no `Fqdn`, or a machine with no `Fqdn` in a pool of two or
    /// more machines. A lone machine without `Fqdn` in a single-machine cluster is normal in
    /// Topology Builder files: it takes the cluster's name, and is not reported.
    ///
    /// ## Why it breaks a restore
    /// A server is rebuilt under the FQDN it had; with no FQDN on record there is nothing to
    /// rebuild it as, and nothing for the backup worksheets to refer to.
    ///
    /// ## Example
    /// ```xml
    /// <Cluster Fqdn="pool01.contoso.com">
    ///   <Machine Fqdn="fe01.contoso.com" />
    ///   <Machine />                          <!-- which server is this? -->
    /// </Cluster>
    /// ```
    ///
    /// ## How to fix
    /// In Topology Builder, open the pool's properties and give every computer its FQDN, then
    /// publish and export the topology again.
    ///
    /// ## Source
    /// Each restore starts from a server with the failed one's FQDN (*Preparing to restore Lync Server
    /// 2013*, Hh202179), and servers are referred to by FQDN (*Database installation using Lync Server
    /// Management Shell*, Gg398832).
    pub static RULE = {
        code: "TP103",
        name: "missing-fqdn",
        severity: Error,
        scope: Topology,
        summary: "a pool or multi-machine pool member without an FQDN",
        help: "give the pool and each of its computers an FQDN in Topology Builder, publish, and export the topology again",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(topology) = cx.topology() else {
        return;
    };
    for (p, pool) in ids::enumerate(&topology.pools) {
        let name = topology.pool_name(p);
        out.checked(&name);
        if pool.fqdn.is_none() {
            out.emit(Draft::new(&name, format!("{name} has no FQDN")).at(
                topology.file,
                pool.tag,
                "this cluster has no `Fqdn` attribute",
            ));
        }
        if pool.machines.len() < 2 {
            continue;
        }
        for (m, machine) in pool.machines.iter().enumerate() {
            let ordinal = m + 1;
            if out.records_checked() {
                out.checked(format!("{name} machine {ordinal}"));
            }
            if machine.fqdn.is_none() {
                out.emit(
                    Draft::new(
                        format!("{name} machine {ordinal}"),
                        format!("machine {ordinal} of pool `{name}` has no FQDN"),
                    )
                    .at(
                        topology.file,
                        machine.tag,
                        "this machine has no `Fqdn` attribute",
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, cluster, published};
    use super::RULE;

    #[test]
    fn fires_for_a_pool_member_without_fqdn() {
        let xml = published(
            &cluster(1, "pool01.contoso.com", &["fe01.contoso.com", ""]),
            "",
            "",
        )
        .replace(" Fqdn=\"\"", "");
        let checked = check(&RULE, &xml);
        assert_eq!(checked.entities(), ["pool01.contoso.com machine 2"]);
        assert!(checked.labelled()[0].starts_with("<Machine"));
    }

    #[test]
    fn fires_for_a_cluster_without_fqdn() {
        let xml =
            published(&cluster(1, "", &["fe01.contoso.com"]), "", "").replace(" Fqdn=\"\">", ">");
        assert_eq!(check(&RULE, &xml).entities(), ["cluster 1:1"]);
    }

    #[test]
    fn quiet_for_a_lone_machine_that_inherits_the_cluster_name() {
        let xml =
            published(&cluster(1, "sql01.contoso.com", &[""]), "", "").replace(" Fqdn=\"\"", "");
        assert!(check(&RULE, &xml).findings.is_empty());
    }
}
