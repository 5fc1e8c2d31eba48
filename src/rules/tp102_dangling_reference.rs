use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports a reference that points at nothing. In a published topology: a `ClusterId`
    /// (in `InstalledOn`, in a `SqlInstanceId`, or a cluster's own site), an `InstalledOn`
    /// `SqlInstanceId`, or a `Dependency` `ServiceId` with no matching cluster, SQL instance,
    /// service or site. In a Topology Builder file: an `InstalledOn` or `ServiceUniqueId` GUID
    /// that matches no `UniqueId`.
    ///
    /// ## Why it breaks a restore
    /// The restore procedures are driven by the topology: which SQL instance to recreate, which
    /// share to copy back, which pool a Front End belongs to. A reference to nothing means a
    /// store or service whose home is unknown, and a document Topology Builder will not load or
    /// `Publish-CsTopology` will not accept, usually the mark of a hand edit.
    ///
    /// ## Example
    /// ```xml
    /// <InstalledOn>
    ///   <ClusterId SiteId="1" Number="7" />   <!-- there is no cluster 1:7 -->
    /// </InstalledOn>
    /// ```
    ///
    /// ## How to fix
    /// Do not edit topology XML by hand. Open the topology in Topology Builder (*Download
    /// Topology from existing deployment*), correct it there, publish, and export it again.
    ///
    /// ## Source
    /// The restore procedure is chosen from the topology (*Preparing to restore Lync Server 2013*,
    /// Hh202179, "What to Restore").
    pub static RULE = {
        code: "TP102",
        name: "dangling-reference",
        severity: Error,
        scope: Topology,
        summary: "a ClusterId/ServiceId/SqlInstanceId/UniqueId reference to nothing",
        help: "correct the topology in Topology Builder, publish it, and export it again; do not edit the XML by hand",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(topology) = cx.topology() else {
        return;
    };
    if out.records_checked() {
        for r in &topology.references {
            let (target, context) = topology.reference_words(r);
            out.checked(format!("{target} (from {context})"));
        }
    }
    for d in &topology.dangling {
        out.emit(
            Draft::new(
                format!("{} (from {})", d.target, d.context),
                format!("{} refers to {}, which is not defined", d.context, d.target),
            )
            .at(
                topology.file,
                d.span,
                format!("{} does not exist", d.target),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, cluster, published, service, sql};
    use super::RULE;

    #[test]
    fn fires_for_an_unknown_cluster_and_service() {
        let xml = published(
            &cluster(1, "pool01.contoso.com", &["fe01.contoso.com"]),
            "",
            &service("UserServices", 1, 7, None, &[("UserStore", 1)], ""),
        );
        let checked = check(&RULE, &xml);
        assert_eq!(checked.findings.len(), 2, "{:?}", checked.entities());
        assert!(
            checked
                .entities()
                .contains(&"cluster 1:7 (from InstalledOn of service 1-UserServices-1)")
        );
        assert!(
            checked
                .entities()
                .contains(&"service 1-UserStore-1 (from a dependency of service 1-UserServices-1)")
        );
    }

    #[test]
    fn fires_for_an_unknown_sql_instance() {
        let xml = published(
            &cluster(2, "sql01.contoso.com", &["sql01.contoso.com"]),
            &sql(2, "rtc"),
            &service("UserStore", 1, 2, Some("other"), &[], ""),
        );
        assert_eq!(check(&RULE, &xml).findings.len(), 1);
    }

    #[test]
    fn quiet_when_everything_resolves() {
        let xml = published(
            &[
                cluster(1, "pool01.contoso.com", &["fe01.contoso.com"]),
                cluster(2, "sql01.contoso.com", &["sql01.contoso.com"]),
            ]
            .join("\n"),
            &sql(2, ""),
            &[
                service("UserServices", 1, 1, None, &[("UserStore", 1)], ""),
                service("UserStore", 1, 2, Some(""), &[], ""),
            ]
            .join("\n"),
        );
        let checked = check(&RULE, &xml);
        assert!(checked.findings.is_empty());
        // Resolved references are checked under the names a dangling one would have.
        assert_eq!(
            checked.checked,
            [
                "SQL instance (default) on cluster 1:2 (from InstalledOn of service 1-UserStore-1)",
                "cluster 1:1 (from InstalledOn of service 1-UserServices-1)",
                "cluster 1:2 (from the SQL instance `` in InstalledOn)",
                "cluster 1:2 (from the server of SQL instance ``)",
                "service 1-UserStore-1 (from a dependency of service 1-UserServices-1)",
                "site 1 (from the ClusterId of pool01.contoso.com)",
                "site 1 (from the ClusterId of sql01.contoso.com)",
            ]
        );
    }

    #[test]
    fn fires_for_an_unknown_guid_in_topology_builder_form() {
        let xml = r#"<TopologyBuilder xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008"><NewTopology>
<PartialTopology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008"><CentralSites><CentralSite SiteId="1"><Clusters>
<Cluster UniqueId="aaaa" Fqdn="pool01.contoso.com"><Machines><Machine Fqdn="fe01.contoso.com"/></Machines></Cluster></Clusters></CentralSite></CentralSites>
<Services><Service UniqueId="s1" RoleName="UserServices" InstalledOn="AAAA"><DependsOn><Dependency ServiceUniqueId="nope"/></DependsOn></Service></Services>
</PartialTopology></NewTopology></TopologyBuilder>"#;
        let checked = check(&RULE, xml);
        assert_eq!(
            checked.labelled(),
            ["nope"],
            "GUIDs compare case-insensitively"
        );
    }
}
