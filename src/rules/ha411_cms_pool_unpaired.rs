use crate::analysis::pairs::PoolPairs;
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::worksheet::Kind;

declare_rule! {
    /// ## What it checks
    /// When the `pool-pairs` worksheet pairs Front End pools, reports the pool that runs the
    /// Central Management Server (its `CentralMgmt` service) if the worksheet records no backup
    /// pool for it: its row's `Backup pool FQDN` is blank, or it has no row. A deployment whose
    /// worksheet pairs no pool at all is not reported: the rule is about a pairing plan that
    /// leaves out the one pool that matters most.
    ///
    /// ## Why it breaks a restore
    /// Pairing the pool that hosts the Central Management store sets up a standby copy of the
    /// store in the backup pool, and failing over a pool starts with failing the store over to
    /// it. Without a backup pool, the store has nowhere to fail over to: when that pool fails,
    /// no pool can be failed over either (the failover needs a working store), and the whole
    /// deployment waits for the store to be restored from backups.
    ///
    /// ## Example
    /// ```text
    /// Pool FQDN,Backup pool FQDN
    /// pool01.contoso.com,
    /// pool02.contoso.com,pool03.contoso.com
    /// pool03.contoso.com,pool02.contoso.com
    /// ```
    /// `pool01.contoso.com` holds the Central Management store and has no backup pool.
    ///
    /// ## How to fix
    /// Pair the pool with a Front End pool in another site (Topology Builder: the pool's
    /// properties, Resiliency, Associated backup pool), publish the topology, run the
    /// Deployment Wizard on the Front End Servers of both pools so that the Central Management
    /// store's standby is installed, and record the pairing both ways.
    ///
    /// ## Source
    /// When the pool hosting the Central Management store is paired, a backup store is set up
    /// in the backup pool; in a failover the store is failed over before the pool (*Central
    /// Management store failover in Lync Server 2013*, JJ205376; *Failing over a pool in Lync
    /// Server 2013*, JJ204678, steps 4 and 5).
    pub static RULE = {
        code: "HA411",
        name: "cms-pool-unpaired",
        severity: Warning,
        scope: Deployment,
        summary: "the pool that hosts the Central Management store has no backup pool while other pools are paired",
        help: "pair the pool that hosts the Central Management store with a Front End pool in another site, and record the pairing both ways",
        check: check,
    }
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    if sheets.pool_pairs.is_empty() {
        return;
    }
    let pools = PoolPairs::new(t, sheets);
    let Some(cms) = pools.cms_pool() else {
        return;
    };
    if pools.pairs().is_empty() {
        return;
    }
    let name = t.pool_name(cms);
    out.checked(&name);
    if pools.backup_of(cms).is_some() {
        return;
    }
    let draft = Draft::new(
        name.clone(),
        format!(
            "{} hosts the Central Management store and has no backup pool, while other pools are paired: the store cannot be failed over",
            shown(&name)
        ),
    );
    let draft = match pools.row_of(cms) {
        Some(row) => draft.at(row.at.file, row.backup.span(), "no backup pool"),
        None => {
            let pool = &t.pools[cms];
            let span = pool.fqdn.as_ref().map_or(pool.tag, |f| f.span);
            let draft = draft.at(t.file, span, "hosts the Central Management store");
            missing_row(draft, sheets, Kind::PoolPairs, "no row for this pool")
        }
    };
    out.emit(draft);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::draft::Severity;
    use crate::rules::test_util::paired_with;

    #[test]
    fn a_paired_cms_pool_is_quiet() {
        let checked = paired_with(&RULE, &[]);
        assert!(checked.findings.is_empty());
        assert_eq!(checked.checked, ["pool01.contoso.com"]);
    }

    #[test]
    fn no_pairing_at_all_is_quiet() {
        let checked = paired_with(
            &RULE,
            &[
                (
                    "pool-pairs.csv",
                    "pool01.contoso.com,pool02.contoso.com",
                    "pool01.contoso.com,",
                ),
                (
                    "pool-pairs.csv",
                    "pool02.contoso.com,pool01.contoso.com",
                    "pool02.contoso.com,",
                ),
            ],
        );
        assert!(checked.findings.is_empty());
        assert!(checked.checked.is_empty());
    }

    #[test]
    fn the_cms_pool_left_blank_while_another_is_paired_is_reported_at_its_cell() {
        let checked = paired_with(
            &RULE,
            &[(
                "pool-pairs.csv",
                "pool01.contoso.com,pool02.contoso.com",
                "pool01.contoso.com,",
            )],
        );
        assert_eq!(checked.entities(), ["pool01.contoso.com"]);
        assert_eq!(checked.lines(), [2]);
        assert_eq!(checked.findings[0].severity, Severity::Warning);
        assert_eq!(
            checked.findings[0].message,
            "pool01.contoso.com hosts the Central Management store and has no backup pool, while other pools are paired: the store cannot be failed over"
        );
    }

    #[test]
    fn the_cms_pool_without_a_row_is_reported_at_the_header() {
        let checked = paired_with(
            &RULE,
            &[(
                "pool-pairs.csv",
                "pool01.contoso.com,pool02.contoso.com,Dublin paired with Amsterdam\n",
                "",
            )],
        );
        assert_eq!(checked.findings.len(), 1);
        let f = &checked.findings[0];
        assert_eq!(f.secondary.len(), 1, "the pool-pairs header");
        assert_eq!(checked.labelled(), ["pool01.contoso.com"]);
    }
}
