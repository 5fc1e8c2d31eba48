use std::collections::BTreeSet;

use crate::analysis::sql_support;
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::Product;

declare_rule! {
    /// ## What it checks
    /// Reports SQL mirroring recorded for a product that does not support it: when the
    /// deployment's product is Skype for Business Server 2019 (the newest `ServiceVersion` of
    /// the topology's services is 8, or `[options] product = "sfb2019"`), every row of the
    /// `sql-instances` worksheet with a `Mirror` is reported at its `Mirror` cell. The finding
    /// is about the principal, `fqdn\instance`, and shows the `ServiceVersion` that names the
    /// product as a related location when the product comes from the topology.
    ///
    /// Which products support mirroring comes from topolint's SQL support matrix (the same one
    /// RS305 uses), not from a rule of its own. Mirroring is read only from the worksheet: no
    /// public topology export shows how Topology Builder writes it. A product topolint cannot
    /// tell is not checked.
    ///
    /// ## Why it breaks a restore
    /// Skype for Business Server 2019 dropped SQL mirroring as a Back End high-availability
    /// option. A Back End that relies on it has no supported way to fail over, and the
    /// procedures for restoring a mirrored Back End (reinstalling the mirror with
    /// `Install-CsMirrorDatabase`) do not apply to this product: the restore plan rests on a
    /// mechanism that cannot be rebuilt.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror,Mirroring port,Witness,Witness port
    /// sql01.contoso.com,rtc,2019,Enterprise,sql03.contoso.com\rtc,5022,sql04.contoso.com\witness,7022
    /// ```
    /// in a deployment whose topology has `ServiceVersion="8"` services.
    ///
    /// ## How to fix
    /// Protect the Back End with what Skype for Business Server 2019 supports: an AlwaysOn
    /// Availability Group, an AlwaysOn Failover Cluster Instance or SQL failover clustering. In
    /// Topology Builder, define the new SQL store (for an Availability Group, its listener FQDN)
    /// for the pool, publish the topology, then clear the `Mirror` and `Witness` cells of the
    /// worksheet.
    ///
    /// ## Source
    /// SQL mirroring is available in Skype for Business Server 2015 but not supported in Skype for
    /// Business Server 2019 (*Back End Server high availability in Skype for Business Server*, in the
    /// Skype for Business Server documentation; the page has no TechNet ID).
    pub static RULE = {
        code: "HA407",
        name: "mirroring-unsupported",
        severity: Error,
        scope: Deployment,
        summary: "SQL mirroring in a Skype for Business Server 2019 topology",
        help: "replace mirroring with an AlwaysOn Availability Group, an AlwaysOn Failover Cluster Instance or SQL failover clustering in Topology Builder, publish, and clear the Mirror and Witness cells",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let product = cx.product();
    let Some(support) = sql_support::support(product) else {
        return;
    };
    if support.mirroring {
        for (_, principal, _) in cx.sheets().mirrored() {
            out.checked(principal.to_string());
        }
        return;
    }
    // Where the topology names the product, when the product is the topology's.
    let named = cx.topology().and_then(|t| {
        let version = t
            .services
            .iter()
            .filter_map(|s| s.version.as_ref())
            .find(|v| Product::from_service_version(v.value) == product)?;
        Some((t.file, version.span, version.value))
    });
    let mut seen = BTreeSet::new();
    for (row, principal, mirror) in cx.sheets().mirrored() {
        let entity = principal.to_string();
        out.checked(&entity);
        if !seen.insert(entity.clone()) {
            continue;
        }
        let mut draft = Draft::new(
            entity.clone(),
            format!(
                "{} is mirrored to {}, but {} does not support SQL mirroring",
                shown(&entity),
                shown(&mirror.to_string()),
                product.display_name()
            ),
        )
        .at(
            row.at.file,
            row.mirror.span(),
            format!("mirroring is not supported in {}", product.display_name()),
        );
        if let Some((file, span, version)) = named {
            draft = draft.also(
                file,
                span,
                format!("ServiceVersion {version}: {}", product.display_name()),
            );
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{EXAMPLE, check_with, example_with, options};
    use super::RULE;
    use crate::lint::draft::Severity;
    use crate::model::Product;

    const VERSION: &str = "ServiceVersion=\"6\"";
    const SFB2019: &str = "ServiceVersion=\"8\"";

    #[test]
    fn the_example_is_quiet() {
        assert!(example_with(&RULE, &[]).findings.is_empty());
    }

    #[test]
    fn a_mirror_in_a_2019_topology_is_reported_at_the_mirror_cell() {
        let checked = example_with(&RULE, &[("topology.xml", VERSION, SFB2019)]);
        assert_eq!(checked.labelled(), ["sql03.contoso.com\\rtc"]);
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.message,
            "sql01.contoso.com\\rtc is mirrored to sql03.contoso.com\\rtc, but Skype for Business Server 2019 does not support SQL mirroring"
        );
        assert!(f.help.contains("AlwaysOn Availability Group"), "{}", f.help);
        let related = &f.secondary[0];
        let file = checked.ws.files.get(related.file);
        assert_eq!(file.display, "topology.xml");
        assert_eq!(file.slice(related.span), "8");
    }

    #[test]
    fn the_configured_product_counts_too() {
        let mut options = options();
        options.product = Some(Product::Sfb2019);
        let files: Vec<(&str, &[u8])> = EXAMPLE.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
        let checked = check_with(&RULE, &files, &options);
        assert_eq!(checked.entities(), ["sql01.contoso.com\\rtc"]);
        // The topology says Lync Server 2013: no ServiceVersion to show.
        assert!(checked.findings[0].secondary.is_empty());
    }

    #[test]
    fn skype_for_business_2015_supports_mirroring() {
        let checked = example_with(&RULE, &[("topology.xml", VERSION, "ServiceVersion=\"7\"")]);
        assert!(checked.findings.is_empty());
    }

    #[test]
    fn a_2019_deployment_without_mirrors_is_quiet() {
        let checked = example_with(
            &RULE,
            &[
                ("topology.xml", VERSION, SFB2019),
                (
                    "sql-instances.csv",
                    "sql03.contoso.com\\rtc,5022,sql04.contoso.com\\witness,7022",
                    ",,,",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
    }
}
