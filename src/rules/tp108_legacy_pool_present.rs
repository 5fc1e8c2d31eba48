use crate::lint::prelude::*;
use crate::model::Product;
use crate::model::ids;

declare_rule! {
    /// ## What it checks
    /// Reports each pool running Lync Server 2010 services (`ServiceVersion` 5 or lower) in the
    /// topology, as during a migration to Lync Server 2013 or Skype for Business Server.
    ///
    /// ## Why it breaks a restore
    /// The backup and restore procedures topolint checks against are those of Lync Server 2013
    /// and later. Microsoft is explicit that they cannot be used for an earlier version: a
    /// Lync Server 2010 pool is backed up and restored with the 2010 procedures and tools, so its
    /// coverage must be planned separately.
    ///
    /// ## Example
    /// ```xml
    /// <Service RoleVersion="1" ServiceVersion="5"> ... <ClusterId SiteId="1" Number="4" />
    /// ```
    ///
    /// ## How to fix
    /// Nothing to fix in the topology. Keep the Lync Server 2010 backup plan (its own worksheets
    /// and tools) until the pool is migrated and decommissioned.
    ///
    /// ## Source
    /// Coexisting earlier versions need their own version's backup and restore procedures (*Backup and
    /// restoration requirements: data*, Hh202194).
    pub static RULE = {
        code: "TP108",
        name: "legacy-pool-present",
        severity: Note,
        scope: Topology,
        summary: "Lync Server 2010 services present: their restore follows 2010 procedures",
        help: "back up and restore this pool with the Lync Server 2010 procedures until it is migrated",
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
        let legacy = topology
            .services_on_pool(p)
            .filter_map(|s| s.version.as_ref())
            .find(|v| v.value <= 5);
        let Some(version) = legacy else { continue };
        let product = Product::from_service_version(version.value);
        let product = if product == Product::Unknown {
            "an earlier version"
        } else {
            product.display_name()
        };
        out.emit(
            Draft::new(&name, format!("pool `{name}` runs {product} services; restore it with that version's procedures"))
                .at(topology.file, pool.fqdn.as_ref().map_or(pool.tag, |f| f.span), "legacy pool")
                .also(topology.file, version.span, format!("ServiceVersion {}", version.value)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{check, cluster, published, service, service_v};
    use super::RULE;

    #[test]
    fn fires_once_per_legacy_pool() {
        let xml = published(
            &[
                cluster(1, "pool01.contoso.com", &["fe01.contoso.com"]),
                cluster(2, "lync2010.contoso.com", &["old01.contoso.com"]),
            ]
            .join("\n"),
            "",
            &[
                service("UserServices", 1, 1, None, &[], ""),
                service_v("UserServices", 2, 2, None, &[], "", 5),
                service_v("Registrar", 2, 2, None, &[], "", 5),
            ]
            .join("\n"),
        );
        let checked = check(&RULE, &xml);
        assert_eq!(checked.entities(), ["lync2010.contoso.com"]);
        assert!(checked.findings[0].message.contains("Lync Server 2010"));
    }

    #[test]
    fn quiet_for_lync_2013_only() {
        let xml = published(
            &cluster(1, "pool01.contoso.com", &["fe01.contoso.com"]),
            "",
            &service("UserServices", 1, 1, None, &[], ""),
        );
        assert!(check(&RULE, &xml).findings.is_empty());
    }
}
