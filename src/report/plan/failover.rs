//! Which failed pools are failed over to their backup pool before they are restored: a Front
//! End pool whose every Front End Server failed, that the `pool-pairs` worksheet pairs with a
//! pool that did not fail (*Failing over a pool*, JJ204678). An unpaired pool gets no failover:
//! `Invoke-CsPoolFailOver` needs a backup pool.

use std::collections::BTreeSet;

use super::model::Cx;
use crate::analysis::pairs::PoolPairs;
use crate::model::{Fqdn, PoolId};

/// A failed Front End pool failed over to its backup pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failover {
    pub pool: PoolId,
    pub backup: PoolId,
    /// The failed pool held the Central Management store: it is failed over to the backup pool
    /// first, and stays there (*Central Management store failover*, JJ205376), so the failed
    /// pool's Back End is restored as a Back End, not with the Central Management store
    /// procedure.
    pub cms: bool,
}

/// The failovers for the pools that are down, in their order; `lost` holds every server that
/// failed.
#[must_use]
pub fn failovers(cx: &Cx<'_>, down: &[PoolId], lost: &BTreeSet<Fqdn>) -> Vec<Failover> {
    let pairs = PoolPairs::new(cx.t, cx.sheets);
    let cms = pairs.cms_pool();
    down.iter()
        .filter_map(|&pool| {
            let backup = pairs.backup_of(pool)?;
            let machines = cx.machines(backup);
            if machines.is_empty() || machines.iter().all(|m| lost.contains(m)) {
                return None;
            }
            Some(Failover {
                pool,
                backup,
                cms: cms == Some(pool),
            })
        })
        .collect()
}
