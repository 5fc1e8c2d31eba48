use crate::analysis::pairs::PoolPairs;
use crate::input::text::shown;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports two pools paired in the `pool-pairs` worksheet that the topology places in the
    /// same central site. Each pair is reported once, at the first row that records it.
    ///
    /// ## Why it breaks a restore
    /// Pairing is Lync Server's disaster recovery: when one pool is lost, its users are failed
    /// over to the other. A disaster that takes a site (power, flood, the network into the data
    /// center) takes both pools of a pair in that site, and there is nothing to fail over to:
    /// every user waits for a restore from backups.
    ///
    /// ## Example
    /// ```text
    /// Pool FQDN,Backup pool FQDN
    /// pool01.contoso.com,pool03.contoso.com
    /// pool03.contoso.com,pool01.contoso.com
    /// ```
    /// Both pools are in the site `Dublin`.
    ///
    /// ## How to fix
    /// Pair the pool with a Front End pool in another central site, far enough away that one
    /// disaster does not hit both: edit the pool's properties in Topology Builder (Resiliency:
    /// Associated backup pool), publish the topology, run the Deployment Wizard on the Front
    /// End Servers of both pools, and record the new pairing. If only one site exists, the
    /// backups are the disaster recovery: keep them off site.
    ///
    /// ## Source
    /// The data centers of paired pools are best separated enough to avoid a single disaster
    /// hitting both at the same time (*Supported pool pairing options and best practices for
    /// Lync Server 2013*, JJ204697).
    pub static RULE = {
        code: "HA410",
        name: "pool-pair-same-site",
        severity: Warning,
        scope: Deployment,
        summary: "paired pools in the same central site: one site disaster takes both",
        help: "pair the pool with a Front End pool in another central site",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    if cx.sheets().pool_pairs.is_empty() {
        return;
    }
    let pools = PoolPairs::new(t, cx.sheets());
    for (x, y, row) in pools.each_pair_once() {
        let (a, b) = (t.pool_name(x), t.pool_name(y));
        let entity = format!("{a}+{b}");
        out.checked(&entity);
        let (Some(sa), Some(sb)) = (t.pools[x].site, t.pools[y].site) else {
            continue;
        };
        if sa != sb {
            continue;
        }
        let site = t.sites.get(sa.index()).map_or_else(String::new, |s| {
            s.name
                .as_ref()
                .map_or_else(|| format!("site {}", s.id), |n| n.value.clone())
        });
        let mut draft = Draft::new(
            entity,
            format!(
                "{} and {}, paired with each other, are both in the site `{}`: a disaster that takes the site takes both pools",
                shown(&a),
                shown(&b),
                shown(&site)
            ),
        )
        .at(row.at.file, row.backup.span(), "backup pool in the same site");
        if let Some(s) = t.sites.get(sa.index()) {
            draft = draft.also(t.file, s.tag, "the site of both pools");
        }
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::draft::Severity;
    use crate::rules::test_util::{POOL03, paired_with};

    #[test]
    fn pools_in_two_sites_are_quiet() {
        let checked = paired_with(&RULE, &[]);
        assert!(checked.findings.is_empty());
        assert_eq!(checked.checked, ["pool01.contoso.com+pool02.contoso.com"]);
    }

    #[test]
    fn pools_in_one_site_are_reported_once() {
        let mut edits = POOL03.to_vec();
        edits.push((
            "pool-pairs.csv",
            "pool01.contoso.com,pool02.contoso.com",
            "pool01.contoso.com,pool03.contoso.com",
        ));
        edits.push((
            "pool-pairs.csv",
            "pool02.contoso.com,pool01.contoso.com,",
            "pool02.contoso.com,,\npool03.contoso.com,pool01.contoso.com,",
        ));
        let checked = paired_with(&RULE, &edits);
        assert_eq!(
            checked.entities(),
            ["pool01.contoso.com+pool03.contoso.com"]
        );
        assert_eq!(checked.labelled(), ["pool03.contoso.com"]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.message,
            "pool01.contoso.com and pool03.contoso.com, paired with each other, are both in the site `Dublin`: a disaster that takes the site takes both pools"
        );
    }
}
