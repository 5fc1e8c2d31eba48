use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::HostRef;

declare_rule! {
    /// ## What it checks
    /// Reports a pool, machine or AlwaysOn primary node named with a single label (a NetBIOS
    /// name such as `WAC01`) instead of a fully qualified domain name. One finding per name, at
    /// its first use.
    ///
    /// ## Why it breaks a restore
    /// Lync and Skype for Business servers, and the SQL servers behind them, are found and
    /// trusted by FQDN: certificates, DNS records and the restore procedures all name them that
    /// way. Microsoft asks for FQDNs when referring to SQL servers, and Topology Builder rejects
    /// NetBIOS names for most roles (`NetBIOSNameNotAllowed`). A short name resolves through DNS
    /// suffix search, which may point elsewhere on the day of a restore.
    ///
    /// ## Example
    /// ```xml
    /// <Cluster RequiresReplication="false" RequiresSetup="false" Fqdn="S4BLab92-WAC1">
    /// ```
    ///
    /// ## How to fix
    /// In Topology Builder, redefine the server with its FQDN (`wac01.contoso.com`), publish,
    /// and export the topology again.
    ///
    /// ## Source
    /// Always use FQDNs for SQL Server-based servers (*Database installation using Lync Server
    /// Management Shell*, Gg398832).
    pub static RULE = {
        code: "TP104",
        name: "single-label-host",
        severity: Warning,
        scope: Topology,
        summary: "a host name without a domain (Topology Builder's NetBIOSNameNotAllowed)",
        help: "define the server by its fully qualified domain name in Topology Builder, publish, and export again",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(topology) = cx.topology() else {
        return;
    };
    let file = cx.file(topology);
    for (fqdn, refs) in &topology.hosts {
        if fqdn.is_placeholder() {
            continue;
        }
        out.checked(fqdn.as_str());
        if !fqdn.is_single_label() {
            continue;
        }
        let first = refs
            .iter()
            .filter_map(|r| match *r {
                HostRef::Pool(p) => topology.pools[p].fqdn.as_ref(),
                HostRef::Machine(p, m) => topology.pools[p].machines[m].fqdn.as_ref(),
            })
            .map(|f| f.span)
            .min();
        if let Some(span) = first {
            let written = file.slice(span);
            out.emit(
                Draft::new(
                    fqdn.as_str(),
                    format!(
                        "`{}` is a single-label (NetBIOS) name, not an FQDN",
                        shown(written)
                    ),
                )
                .at(topology.file, span, "no domain in this name"),
            );
        }
    }
    for sql in &topology.sql_instances {
        if let Some(primary) = &sql.always_on_primary {
            let already = topology.hosts.contains_key(&primary.value);
            if primary.value.is_placeholder() || already {
                continue;
            }
            out.checked(primary.value.as_str());
            if primary.value.is_single_label() {
                out.emit(
                    Draft::new(
                        primary.value.as_str(),
                        format!("AlwaysOn primary node `{}` is a single-label (NetBIOS) name, not an FQDN", shown(file.slice(primary.span))),
                    )
                    .at(topology.file, primary.span, "no domain in this name"),
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
    fn fires_once_for_a_netbios_cluster_and_its_machine() {
        let xml = published(&cluster(4, "S4BLab-WAC1", &["S4BLab-WAC1"]), "", "");
        let checked = check(&RULE, &xml);
        assert_eq!(checked.entities(), ["s4blab-wac1"]);
        assert!(checked.findings[0].message.contains("`S4BLab-WAC1`"));
    }

    #[test]
    fn quiet_for_fqdns_and_placeholders() {
        let xml = published(
            &[
                cluster(1, "wac01.contoso.com", &["wac01.contoso.com"]),
                cluster(2, "$WacHost", &["$WacHost"]),
            ]
            .join("\n"),
            "",
            "",
        );
        assert!(check(&RULE, &xml).findings.is_empty());
    }
}
