use std::collections::BTreeMap;

use crate::analysis::pairs::{self, Named, PoolPairs, topology_backups};
use crate::input::text::shown;
use crate::lint::prelude::*;
use crate::model::worksheet::{Kind, PoolPairRow, Typed};
use crate::model::{Fqdn, PoolId, Topology};

declare_rule! {
    /// ## What it checks
    /// Reports a row of the `pool-pairs` worksheet that cannot be a pairing of Front End
    /// pools:
    ///
    /// - a `Pool FQDN` or `Backup pool FQDN` that names no Front End pool of the topology (an
    ///   unknown name, a server of a pool rather than the pool, or an Edge, Director or SQL
    ///   pool);
    /// - a pool paired with itself;
    /// - a pool with two different backup pools;
    /// - an Enterprise Edition pool paired with a Standard Edition server;
    /// - a pairing recorded in one direction only: `pool01`'s row names `pool02`, but
    ///   `pool02`'s row names another pool, is blank, or is missing;
    /// - a backup pool the topology itself seems to record that the worksheet does not: an
    ///   attribute of a Front End pool's `Cluster` that topolint does not interpret and whose
    ///   name holds `backup` (no public export shows how Topology Builder writes a pairing, so
    ///   this is what one would look like), naming a pool other than the one the worksheet
    ///   records for that pool, or none.
    ///
    /// A blank `Backup pool FQDN` means the pool is not paired, which is allowed. Names
    /// compare as FQDNs, without regard to case or a trailing dot; a single-label name matches
    /// the one FQDN of the topology that starts with it. Cells that cannot be read are left to
    /// IN005 and IN009, names holding a template placeholder to IN006, a blank `Pool FQDN` to
    /// BK215.
    ///
    /// ## Why it breaks a restore
    /// A pool's users can be failed over only to the backup pool assigned to it
    /// (`Invoke-CsPoolFailOver` needs one), and Topology Builder pairs two pools with each
    /// other: `Get-CsPoolBackupRelationship` reports the pairing from both. A worksheet that
    /// records something else sends the person restoring to a pool that cannot take the users,
    /// and `topolint plan` would fail over to it.
    ///
    /// ## Example
    /// ```text
    /// Pool FQDN,Backup pool FQDN,Notes
    /// pool01.contoso.com,pool02.contoso.com,
    /// pool02.contoso.com,,
    /// ```
    /// `pool01.contoso.com` names `pool02.contoso.com` as its backup pool, but
    /// `pool02.contoso.com` records none.
    ///
    /// ## How to fix
    /// Run `Get-CsPoolBackupRelationship -PoolFqdn` for each Front End pool and record what it
    /// reports, one row per pool. If the pairing itself is wrong, edit the pool's properties in
    /// Topology Builder (Resiliency: Associated backup pool), publish the topology and run the
    /// Deployment Wizard on the Front End Servers of both pools.
    ///
    /// ## Source
    /// Pool failover needs a backup pool assigned to the failed pool (`Invoke-CsPoolFailOver`
    /// cmdlet reference; *Failing over a pool in Lync Server 2013*, JJ204678). Enterprise
    /// Edition pools pair only with Enterprise Edition pools and Standard Edition with Standard
    /// Edition, which Topology Builder does not enforce (*Supported pool pairing options and
    /// best practices*, JJ204697).
    pub static RULE = {
        code: "HA408",
        name: "pool-pair-invalid",
        severity: Error,
        scope: Deployment,
        summary: "a pool-pairs row naming a pool that is not a Front End pool of the topology, a pool paired with itself, a pool with two backup pools, or a pairing recorded in one direction only",
        help: "record what Get-CsPoolBackupRelationship -PoolFqdn reports for each Front End pool, one row per pool",
        check: check,
    }
}

/// Why a cell does not name a Front End pool, or `None` when it does.
fn not_front_end(t: &Topology, named: Named) -> Option<String> {
    match named {
        Named::FrontEnd(_) => None,
        Named::OtherPool(p) => {
            let roles: Vec<String> = t
                .pool_roles(p)
                .iter()
                .map(|r| r.label().to_string())
                .collect();
            Some(if roles.is_empty() {
                "a pool that runs no Front End role".to_string()
            } else {
                format!("a pool running {}, not a Front End pool", and_list(&roles))
            })
        }
        Named::Machine(p) => Some(format!(
            "a server of {}, not a pool",
            shown(&t.pool_name(p))
        )),
        Named::Nothing => Some("not a pool of the topology".to_string()),
    }
}

/// A cell's FQDN, when it can be judged: read, and holding no template placeholder (IN006's).
fn readable(cell: &Typed<Fqdn>) -> Option<&Fqdn> {
    cell.value.as_ref().filter(|f| !f.is_placeholder())
}

fn check(cx: &Context<'_>, out: &mut Emitter<'_>) {
    let Some(t) = cx.topology() else {
        return;
    };
    let sheets = cx.sheets();
    // Each pool's first row naming a Front End pool as its backup.
    let mut first: BTreeMap<PoolId, (&PoolPairRow, PoolId)> = BTreeMap::new();
    for row in &sheets.pool_pairs {
        let Some(pool_fqdn) = readable(&row.pool) else {
            continue;
        };
        let entity = pool_fqdn.to_string();
        out.checked(&entity);
        let pool = match pairs::named(t, pool_fqdn) {
            Named::FrontEnd(p) => p,
            other => {
                let why = not_front_end(t, other).unwrap_or_default();
                out.emit(
                    Draft::new(
                        entity.clone(),
                        format!("`{}` in the pool-pairs worksheet is {why}", shown(&entity)),
                    )
                    .at(row.at.file, row.pool.span(), "not a Front End pool"),
                );
                continue;
            }
        };
        let Some(backup_fqdn) = readable(&row.backup) else {
            continue;
        };
        // From here on the pools are named as the topology names them.
        let entity = t.pool_name(pool);
        let backup = match pairs::named(t, backup_fqdn) {
            Named::FrontEnd(b) => b,
            other => {
                let pair = format!("{entity}->{backup_fqdn}");
                out.checked(&pair);
                let why = not_front_end(t, other).unwrap_or_default();
                out.emit(
                    Draft::new(
                        pair,
                        format!(
                            "the backup pool `{}` of {} is {why}",
                            shown(backup_fqdn.as_str()),
                            shown(&entity)
                        ),
                    )
                    .at(row.at.file, row.backup.span(), "not a Front End pool"),
                );
                continue;
            }
        };
        let pair = format!("{entity}->{}", t.pool_name(backup));
        out.checked(&pair);
        if backup == pool {
            out.emit(
                Draft::new(
                    pair,
                    format!("{} is recorded as its own backup pool", shown(&entity)),
                )
                .at(row.at.file, row.backup.span(), "the pool itself"),
            );
            continue;
        }
        match first.get(&pool) {
            Some(&(earlier, b)) if b != backup => {
                out.emit(
                    Draft::new(
                        pair,
                        format!(
                            "{} has two backup pools in the pool-pairs worksheet, {} and {}: a pool has one",
                            shown(&t.pool_name(pool)),
                            shown(&t.pool_name(b)),
                            shown(&t.pool_name(backup))
                        ),
                    )
                    .at(row.at.file, row.backup.span(), "second backup pool")
                    .also(earlier.at.file, earlier.backup.span(), "first backup pool"),
                );
                continue;
            }
            Some(_) => continue,
            None => {
                first.insert(pool, (row, backup));
            }
        }
        if t.is_standard_edition(pool) != t.is_standard_edition(backup) {
            let edition = |p: PoolId| {
                if t.is_standard_edition(p) {
                    "a Standard Edition server"
                } else {
                    "an Enterprise Edition pool"
                }
            };
            out.emit(
                Draft::new(
                    pair,
                    format!(
                        "{} ({}) is paired with {} ({}): Standard Edition servers pair only with Standard Edition servers, Enterprise Edition pools only with Enterprise Edition pools",
                        shown(&t.pool_name(pool)),
                        edition(pool),
                        shown(&t.pool_name(backup)),
                        edition(backup),
                    ),
                )
                .at(row.at.file, row.backup.span(), edition(backup)),
            );
        }
    }
    // A pairing holds both ways: the backup pool's first row names the pool.
    let pools = PoolPairs::new(t, sheets);
    for (&pool, &(row, backup)) in &first {
        if pools.backup_of(backup) == Some(pool) {
            continue;
        }
        let (p, b) = (t.pool_name(pool), t.pool_name(backup));
        let back = pools.row_of(backup);
        let what = match (back, pools.backup_of(backup)) {
            (None, _) => format!("{} has no row in the pool-pairs worksheet", shown(&b)),
            (Some(_), None) => format!("the row of {} names no backup pool", shown(&b)),
            (Some(_), Some(other)) => format!(
                "the row of {} names {}",
                shown(&b),
                shown(&t.pool_name(other))
            ),
        };
        let draft = Draft::new(
            format!("{p}->{b}"),
            format!(
                "{} names {} as its backup pool, but {what}: pools are paired with each other",
                shown(&p),
                shown(&b)
            ),
        )
        .at(row.at.file, row.backup.span(), "recorded in one direction only")
        .help(format!(
            "record the pairing from both pools, as Get-CsPoolBackupRelationship -PoolFqdn reports it for each: {} with the backup pool {}",
            shown(&b),
            shown(&p)
        ));
        let draft = match back {
            Some(r) => draft.also(r.at.file, r.backup.span(), "the other direction"),
            None => missing_row(draft, sheets, Kind::PoolPairs, "no row for the backup pool"),
        };
        out.emit(draft);
    }
    // What the topology itself seems to record.
    for rec in topology_backups(t) {
        let p = t.pool_name(rec.pool);
        let entity = format!("{p}->{}", rec.backup);
        out.checked(&entity);
        let recorded = pools.backup_of(rec.pool);
        if recorded.is_some() && recorded == rec.front_end {
            continue;
        }
        let sheet = match recorded {
            Some(b) => format!("the pool-pairs worksheet names {}", shown(&t.pool_name(b))),
            None => "the pool-pairs worksheet records no backup pool for it".to_string(),
        };
        let draft = Draft::new(
            entity,
            format!(
                "the topology records `{}` as the backup pool of {} (`{}`), but {sheet}",
                shown(rec.backup.as_str()),
                shown(&p),
                shown(&rec.attribute)
            ),
        )
        .help(
            "run Get-CsPoolBackupRelationship -PoolFqdn for the pool and record what it reports in the pool-pairs worksheet: the plan fails a pool over only to the backup pool the worksheet records",
        );
        let draft = match pools.row_of(rec.pool) {
            Some(row) => draft
                .at(
                    row.at.file,
                    row.backup.span(),
                    "the worksheet's backup pool",
                )
                .also(t.file, rec.span, "backup pool in the topology"),
            None => missing_row(
                draft.at(t.file, rec.span, "backup pool in the topology"),
                sheets,
                Kind::PoolPairs,
                "no row for this pool",
            ),
        };
        out.emit(draft);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::lint::draft::Severity;
    use crate::rules::test_util::{POOL03, paired_with};

    const BACK: (&str, &str, &str) = (
        "pool-pairs.csv",
        "pool02.contoso.com,pool01.contoso.com,",
        "pool02.contoso.com,,",
    );

    #[test]
    fn pools_paired_both_ways_are_quiet() {
        let checked = paired_with(&RULE, &[]);
        assert!(checked.findings.is_empty(), "{:?}", checked.findings);
        assert_eq!(
            checked.checked,
            [
                "pool01.contoso.com",
                "pool01.contoso.com->pool02.contoso.com",
                "pool02.contoso.com",
                "pool02.contoso.com->pool01.contoso.com"
            ]
        );
    }

    #[test]
    fn a_pairing_recorded_one_way_is_reported_at_its_backup_cell() {
        let checked = paired_with(&RULE, &[BACK]);
        assert_eq!(
            checked.entities(),
            ["pool01.contoso.com->pool02.contoso.com"]
        );
        assert_eq!(checked.labelled(), ["pool02.contoso.com"]);
        assert_eq!(checked.lines(), [2]);
        let f = &checked.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.message,
            "pool01.contoso.com names pool02.contoso.com as its backup pool, but the row of pool02.contoso.com names no backup pool: pools are paired with each other"
        );
        assert_eq!(f.secondary.len(), 1, "the other direction's cell");
    }

    #[test]
    fn a_missing_row_for_the_backup_pool_is_reported() {
        let checked = paired_with(
            &RULE,
            &[(
                "pool-pairs.csv",
                "pool02.contoso.com,pool01.contoso.com,\n",
                "",
            )],
        );
        assert_eq!(checked.findings.len(), 1);
        assert!(
            checked.findings[0]
                .message
                .contains("pool02.contoso.com has no row in the pool-pairs worksheet"),
            "{}",
            checked.findings[0].message
        );
    }

    #[test]
    fn names_that_are_not_front_end_pools_are_reported() {
        let checked = paired_with(
            &RULE,
            &[
                (
                    "pool-pairs.csv",
                    "pool01.contoso.com,pool02.contoso.com",
                    "edgepool.contoso.com,pool02.contoso.com",
                ),
                (
                    "pool-pairs.csv",
                    "pool02.contoso.com,pool01.contoso.com",
                    "pool02.contoso.com,FE01",
                ),
            ],
        );
        assert_eq!(
            checked.messages(),
            [
                "`edgepool.contoso.com` in the pool-pairs worksheet is a pool running Edge, not a Front End pool",
                "the backup pool `fe01` of pool02.contoso.com is a server of pool01.contoso.com, not a pool",
            ]
        );
    }

    #[test]
    fn a_pool_paired_with_itself_or_with_two_pools_is_reported() {
        let checked = paired_with(
            &RULE,
            &[(
                "pool-pairs.csv",
                "pool02.contoso.com,pool01.contoso.com,",
                "pool02.contoso.com,pool01.contoso.com,\npool02.contoso.com,POOL02.contoso.com.,\npool01.contoso.com,fs01.contoso.com,\npool02,pool03.contoso.com,\npool01,pool01,",
            )],
        );
        assert_eq!(
            checked.messages(),
            [
                "pool02.contoso.com is recorded as its own backup pool",
                "the backup pool `fs01.contoso.com` of pool01.contoso.com is a pool running file store, not a Front End pool",
                "the backup pool `pool03.contoso.com` of pool02.contoso.com is not a pool of the topology",
                "pool01.contoso.com is recorded as its own backup pool",
            ]
        );
    }

    #[test]
    fn a_second_backup_pool_and_a_standard_edition_partner_are_reported() {
        let mut edits = POOL03.to_vec();
        edits.push((
            "pool-pairs.csv",
            "pool02.contoso.com,pool01.contoso.com,",
            "pool02.contoso.com,pool01.contoso.com,\npool01.contoso.com,pool03.contoso.com,\npool03.contoso.com,pool02.contoso.com,",
        ));
        let checked = paired_with(&RULE, &edits);
        assert_eq!(
            checked.messages(),
            [
                "pool01.contoso.com has two backup pools in the pool-pairs worksheet, pool02.contoso.com and pool03.contoso.com: a pool has one",
                "pool03.contoso.com (a Standard Edition server) is paired with pool02.contoso.com (an Enterprise Edition pool): Standard Edition servers pair only with Standard Edition servers, Enterprise Edition pools only with Enterprise Edition pools",
                "pool03.contoso.com names pool02.contoso.com as its backup pool, but the row of pool02.contoso.com names pool01.contoso.com: pools are paired with each other",
            ]
        );
        assert_eq!(
            checked.findings[0].secondary.len(),
            1,
            "the first backup pool"
        );
    }

    /// pool01's cluster carrying an attribute that looks like a backup pool.
    const IN_TOPOLOGY: (&str, &str, &str) = (
        "topology.xml",
        "Fqdn=\"pool01.contoso.com\">",
        "Fqdn=\"pool01.contoso.com\" BackupPoolFqdn=\"POOL02.contoso.com\">",
    );

    #[test]
    fn a_backup_pool_in_the_topology_that_the_worksheet_agrees_with_is_quiet() {
        let checked = paired_with(&RULE, &[IN_TOPOLOGY]);
        assert!(checked.findings.is_empty(), "{:?}", checked.findings);
        assert!(
            checked
                .checked
                .contains(&"pool01.contoso.com->pool02.contoso.com".to_string())
        );
    }

    #[test]
    fn a_backup_pool_in_the_topology_that_the_worksheet_lacks_is_reported() {
        let checked = paired_with(
            &RULE,
            &[
                IN_TOPOLOGY,
                (
                    "pool-pairs.csv",
                    "pool01.contoso.com,pool02.contoso.com,Dublin paired with Amsterdam",
                    "pool01.contoso.com,,",
                ),
                (
                    "pool-pairs.csv",
                    "pool02.contoso.com,pool01.contoso.com,",
                    "pool02.contoso.com,,",
                ),
            ],
        );
        assert_eq!(
            checked.entities(),
            ["pool01.contoso.com->pool02.contoso.com"]
        );
        let f = &checked.findings[0];
        assert_eq!(
            f.message,
            "the topology records `pool02.contoso.com` as the backup pool of pool01.contoso.com (`BackupPoolFqdn`), but the pool-pairs worksheet records no backup pool for it"
        );
        assert_eq!(checked.lines(), [2], "at the worksheet's cell");
        assert_eq!(f.secondary.len(), 1, "and the topology's attribute");
    }
}
