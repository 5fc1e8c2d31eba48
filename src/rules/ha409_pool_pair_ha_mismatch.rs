use crate::analysis::pairs::PoolPairs;
use crate::input::text::shown;
use crate::lint::prelude::*;

declare_rule! {
    /// ## What it checks
    /// Reports two pools paired in the `pool-pairs` worksheet whose Back Ends use different
    /// high-availability methods: SQL mirroring (a `Mirror` recorded in the `sql-instances`
    /// worksheet for the Back End instance, or the instance recorded as another's mirror), an
    /// AlwaysOn Availability Group (the topology's `AlwaysOnPrimaryNodeFqdn`), or none. A
    /// Standard Edition server's own database counts as none.
    ///
    /// Each pair is reported once, at the first row that records it. A Back End not recorded in
    /// the `sql-instances` worksheet is left to RS302. SQL Server failover clustering leaves no
    /// mark in a topology: a clustered Back End reads as having none.
    ///
    /// ## Why it breaks a restore
    /// After a failover, the backup pool carries the users of both pools. Microsoft asks for
    /// the same Back End high availability in both pools of a pair, so that the pool that
    /// takes the load is as resilient as the one that failed, and so that the Central
    /// Management store, when it is failed over, lands on a Back End whose failover procedure
    /// is the one the administrators planned for.
    ///
    /// ## Example
    /// ```text
    /// SQL server FQDN,Instance name,SQL Server version,Edition,Mirror
    /// sql01.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,sql02.contoso.com\rtc
    /// sql21.contoso.com,rtc,SQL Server 2012 SP4,Enterprise,
    /// ```
    /// With `pool01.contoso.com` (Back End `sql01.contoso.com\rtc`) paired with
    /// `pool02.contoso.com` (Back End `sql21.contoso.com\rtc`), one is mirrored and the other
    /// is not.
    ///
    /// ## How to fix
    /// Give both Back Ends the same method: add mirroring (or an AlwaysOn group) to the other
    /// pool's Back End in Topology Builder, publish, restart the pool's Front End Servers and
    /// record it; or pair the pool with one whose Back End matches.
    ///
    /// ## Source
    /// With paired pools, use the same Back End high-availability solution in both: a pool
    /// using SQL mirroring should not be paired with a pool using SQL clustering (*Back End
    /// Server high availability in Lync Server 2013*, JJ205248).
    pub static RULE = {
        code: "HA409",
        name: "pool-pair-ha-mismatch",
        severity: Error,
        scope: Deployment,
        summary: "paired pools whose Back Ends use different high-availability methods (mirroring, AlwaysOn/clustering, none)",
        help: "give both Back Ends of the pair the same high-availability method, or pair the pool with one whose Back End matches",
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
        let (Some(ma), Some(mb)) = (pools.ha_method(x), pools.ha_method(y)) else {
            continue;
        };
        out.checked(&entity);
        if ma == mb {
            continue;
        }
        out.emit(
            Draft::new(
                entity,
                format!(
                    "{} (Back End with {}) is paired with {} (Back End with {}): paired pools should use the same Back End high availability",
                    shown(&a),
                    ma.words(),
                    shown(&b),
                    mb.words()
                ),
            )
            .at(row.at.file, row.backup.span(), "different Back End high availability"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::draft::Severity;
    use crate::rules::test_util::paired_with;

    /// pool02's Back End recorded without its mirror.
    const UNMIRRORED: (&str, &str, &str) = (
        "sql-instances.csv",
        "Enterprise,sql22.contoso.com\\rtc,5022,sql23.contoso.com\\witness,7022,",
        "Enterprise,,,,,",
    );

    #[test]
    fn two_mirrored_back_ends_are_quiet() {
        let checked = paired_with(&RULE, &[]);
        assert!(checked.findings.is_empty());
        assert_eq!(checked.checked, ["pool01.contoso.com+pool02.contoso.com"]);
    }

    #[test]
    fn a_mirrored_back_end_paired_with_one_without_is_reported_once() {
        let checked = paired_with(&RULE, &[UNMIRRORED]);
        assert_eq!(
            checked.entities(),
            ["pool01.contoso.com+pool02.contoso.com"]
        );
        assert_eq!(checked.lines(), [2]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.message,
            "pool01.contoso.com (Back End with SQL mirroring) is paired with pool02.contoso.com (Back End with no high availability): paired pools should use the same Back End high availability"
        );
    }

    #[test]
    fn an_always_on_back_end_is_read_from_the_topology() {
        let checked = paired_with(
            &RULE,
            &[(
                "topology.xml",
                "    <SqlInstance>\n      <SqlInstanceId Name=\"rtc\">\n        <ClusterId SiteId=\"2\" Number=\"2\" />",
                "    <SqlInstance AlwaysOnPrimaryNodeFqdn=\"sql21.contoso.com\">\n      <SqlInstanceId Name=\"rtc\">\n        <ClusterId SiteId=\"2\" Number=\"2\" />",
            )],
        );
        assert_eq!(checked.findings.len(), 1);
        assert!(
            checked.findings[0]
                .message
                .contains("pool02.contoso.com (Back End with an AlwaysOn Availability Group)"),
            "{}",
            checked.findings[0].message
        );
    }

    #[test]
    fn a_back_end_the_worksheet_does_not_record_is_left_to_rs302() {
        let checked = paired_with(
            &RULE,
            &[(
                "sql-instances.csv",
                "sql21.contoso.com,rtc,",
                "sql29.contoso.com,rtc,",
            )],
        );
        assert!(checked.findings.is_empty());
        assert!(checked.checked.is_empty());
    }
}
