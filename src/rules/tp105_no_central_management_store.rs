use crate::lint::prelude::*;
use crate::model::Form;

declare_rule! {
    /// ## What it checks
    /// Reports a published topology (`Get-CsTopology -AsXml`) that holds no Central Management
    /// store: no service with role `CentralMgmtStore`. Topology Builder files of a topology that
    /// was never published are not reported: the store is chosen when it is first published.
    ///
    /// ## Why it breaks a restore
    /// Every deployment has exactly one Central Management store, and restoring it needs its SQL
    /// server FQDN and instance name. An export without it is incomplete (a partial or edited
    /// document), and the server hosting the store cannot be identified from it.
    ///
    /// ## Example
    /// ```xml
    /// <Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">
    ///   ... no <ServiceId RoleName="CentralMgmtStore" .../> anywhere
    /// ```
    ///
    /// ## How to fix
    /// Export the complete published topology again with `Get-CsTopology -AsXml`, and check where
    /// the store lives with `Get-CsConfigurationStoreLocation`.
    ///
    /// ## Source
    /// The restore of the Central Management store needs the store's SQL server FQDN and instance
    /// name (*Restoring the server hosting the Central Management store*, Hh202172), and the store is
    /// exported with `Export-CsConfiguration` (*Backing up core data and settings*, Hh202170).
    pub static RULE = {
        code: "TP105",
        name: "no-central-management-store",
        severity: Warning,
        scope: Topology,
        summary: "a published topology with no Central Management store",
        help: "export the complete published topology with `Get-CsTopology -AsXml`; `Get-CsConfigurationStoreLocation` shows where the store is",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(topology) = cx.topology() else {
        return;
    };
    if topology.form != Form::Published {
        return;
    }
    out.checked("CentralMgmtStore");
    if topology
        .services
        .iter()
        .any(|s| s.role.value == "CentralMgmtStore")
    {
        return;
    }
    out.emit(
        Draft::new(
            "CentralMgmtStore",
            "the topology has no Central Management store (no `CentralMgmtStore` service)",
        )
        .at(
            topology.file,
            topology.root,
            "published topology without a Central Management store",
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, cluster, published, service, sql};
    use super::RULE;

    #[test]
    fn fires_for_a_published_topology_without_the_store() {
        let xml = published(
            &cluster(1, "pool01.contoso.com", &["fe01.contoso.com"]),
            "",
            "",
        );
        let checked = check(&RULE, &xml);
        assert_eq!(checked.lines(), [1]);
    }

    #[test]
    fn quiet_with_the_store_or_in_an_unpublished_builder_file() {
        let xml = published(
            &cluster(2, "sql01.contoso.com", &["sql01.contoso.com"]),
            &sql(2, "rtc"),
            &service("CentralMgmtStore", 1, 2, Some("rtc"), &[], ""),
        );
        assert!(check(&RULE, &xml).findings.is_empty());
        let tbxml = "<TopologyBuilder xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008\"/>";
        assert!(check(&RULE, tbxml).findings.is_empty());
    }
}
