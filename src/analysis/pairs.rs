//! Paired Front End pools: what the `pool-pairs` worksheet records, resolved against the
//! topology, and the high-availability method of each pool's Back End.
//!
//! No public topology export shows how Topology Builder writes a pool's backup pool, so the
//! worksheet is the record, one row per direction as `Get-CsPoolBackupRelationship` reports it.
//! A blank `Backup pool FQDN` means the pool is not paired. Where a topology does carry
//! something that looks like a backup pool (an attribute of a Front End pool's `Cluster` that the
//! model does not interpret and whose name holds `backup`), [`topology_backups`] finds it, for
//! `inspect` to list and HA408 to compare with the worksheet.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::restore::{self, find_host};
use crate::input::span::Span;
use crate::model::Fqdn;
use crate::model::ids;
use crate::model::topology::{Host, HostRef, Topology};
use crate::model::values::SqlRef;
use crate::model::worksheet::{PoolPairRow, Sheets};
use crate::model::{PoolId, ServiceId, SqlId};

/// Whether a pool can be paired: an Enterprise Edition Front End pool or a Standard Edition
/// server (the pools running the Front End role).
#[must_use]
pub fn is_front_end(t: &Topology, pool: PoolId) -> bool {
    t.pool_runs(pool, "UserServices")
}

/// What a worksheet cell names in the topology.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    /// A Front End pool or Standard Edition server.
    FrontEnd(PoolId),
    /// A pool of another kind (Edge, Director, a SQL server...).
    OtherPool(PoolId),
    /// A machine of a pool, not the pool.
    Machine(PoolId),
    Nothing,
}

/// What `fqdn` names; a single-label name names what the one FQDN starting with it names.
#[must_use]
pub fn named(t: &Topology, fqdn: &Fqdn) -> Named {
    let mut out = Named::Nothing;
    for (_, host) in find_host(t, fqdn) {
        match host {
            HostRef::Pool(p) if is_front_end(t, p) => return Named::FrontEnd(p),
            HostRef::Pool(p) => out = Named::OtherPool(p),
            HostRef::Machine(p, _) if out == Named::Nothing => out = Named::Machine(p),
            HostRef::Machine(..) => {}
        }
    }
    out
}

/// The Front End pool a cell names, if it names one (and holds no placeholder).
#[must_use]
pub fn front_end(t: &Topology, fqdn: Option<&Fqdn>) -> Option<PoolId> {
    match named(t, fqdn.filter(|f| !f.is_placeholder())?) {
        Named::FrontEnd(p) => Some(p),
        _ => None,
    }
}

/// A row of the `pool-pairs` worksheet whose two cells name two different Front End pools.
#[derive(Clone, Copy, Debug)]
pub struct Pair<'a> {
    pub row: &'a PoolPairRow,
    pub pool: PoolId,
    pub backup: PoolId,
}

/// The high-availability method of a pool's Back End.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HaMethod {
    /// SQL Server mirroring, as the `sql-instances` worksheet records it.
    Mirroring,
    /// An AlwaysOn Availability Group, as the topology declares it.
    AlwaysOn,
    /// Neither: one Back End Server, or a Standard Edition server's own database.
    None,
}

impl HaMethod {
    /// The method in words, after "with".
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            Self::Mirroring => "SQL mirroring",
            Self::AlwaysOn => "an AlwaysOn Availability Group",
            Self::None => "no high availability",
        }
    }
}

/// The pairings of a deployment, worked out once.
pub struct PoolPairs<'a> {
    t: &'a Topology,
    pairs: Vec<Pair<'a>>,
    /// Each pool's first row, paired or not.
    rows: BTreeMap<PoolId, &'a PoolPairRow>,
    /// Each pool's first pairing.
    backups: BTreeMap<PoolId, PoolId>,
    /// The SQL instance of each Front End pool's user store.
    backends: BTreeMap<PoolId, SqlId>,
    /// Instances the `sql-instances` worksheet records as a principal or a mirror.
    mirrored: BTreeSet<SqlRef>,
    /// Instances the `sql-instances` worksheet records.
    recorded: BTreeSet<SqlRef>,
}

impl<'a> PoolPairs<'a> {
    #[must_use]
    pub fn new(t: &'a Topology, sheets: &'a Sheets) -> Self {
        let mut rows = BTreeMap::new();
        let mut pairs = Vec::new();
        let mut backups = BTreeMap::new();
        for row in &sheets.pool_pairs {
            let Some(pool) = front_end(t, row.pool.value.as_ref()) else {
                continue;
            };
            rows.entry(pool).or_insert(row);
            let Some(backup) = front_end(t, row.backup.value.as_ref()) else {
                continue;
            };
            if backup != pool {
                pairs.push(Pair { row, pool, backup });
                backups.entry(pool).or_insert(backup);
            }
        }
        let backends = restore::user_stores(t)
            .into_iter()
            .filter_map(|u| Some((u.pool, u.sql?)))
            .collect();
        let mut mirrored = BTreeSet::new();
        for (_, principal, mirror) in sheets.mirrored() {
            mirrored.insert(principal);
            mirrored.insert(mirror.clone());
        }
        let recorded = sheets.first_row_per_instance().into_keys().collect();
        Self {
            t,
            pairs,
            rows,
            backups,
            backends,
            mirrored,
            recorded,
        }
    }

    /// Every row naming two different Front End pools, in worksheet order.
    #[must_use]
    pub fn pairs(&self) -> &[Pair<'a>] {
        &self.pairs
    }

    /// Each pair of pools once, whichever way round it is recorded: the first row naming it,
    /// in worksheet order, with the two pools in index order.
    #[must_use]
    pub fn each_pair_once(&self) -> Vec<(PoolId, PoolId, &'a PoolPairRow)> {
        let mut seen = BTreeSet::new();
        self.pairs
            .iter()
            .filter_map(|p| {
                let key = (p.pool.min(p.backup), p.pool.max(p.backup));
                seen.insert(key).then_some((key.0, key.1, p.row))
            })
            .collect()
    }

    /// The backup pool of `pool`: the pool its first pairing row names.
    #[must_use]
    pub fn backup_of(&self, pool: PoolId) -> Option<PoolId> {
        self.backups.get(&pool).copied()
    }

    /// The first row of `pool`, paired or not.
    #[must_use]
    pub fn row_of(&self, pool: PoolId) -> Option<&'a PoolPairRow> {
        self.rows.get(&pool).copied()
    }

    /// The SQL instance of a pool's user store (its Back End).
    #[must_use]
    pub fn backend(&self, pool: PoolId) -> Option<SqlId> {
        self.backends.get(&pool).copied()
    }

    /// How a pool's Back End is made highly available, when the inputs say: AlwaysOn from the
    /// topology; mirroring when the `sql-instances` worksheet records the instance as a
    /// principal or a mirror; none when it records the instance without, and for a Standard
    /// Edition server. `None` when the Back End is not recorded (RS302 reports that). SQL Server
    /// failover clustering leaves no mark in a topology: a clustered Back End reads as none.
    #[must_use]
    pub fn ha_method(&self, pool: PoolId) -> Option<HaMethod> {
        if self.t.is_standard_edition(pool) {
            return Some(HaMethod::None);
        }
        let sql = self.backend(pool)?;
        if self.t.sql_instances[sql].always_on_primary.is_some() {
            return Some(HaMethod::AlwaysOn);
        }
        let r = restore::sql_ref(self.t, sql)?;
        if self.mirrored.contains(&r) {
            Some(HaMethod::Mirroring)
        } else {
            self.recorded.contains(&r).then_some(HaMethod::None)
        }
    }

    /// The Front End pool running the active Central Management Server (`CentralMgmt`, not
    /// marked `IsActive="false"` as a standby is).
    #[must_use]
    pub fn cms_pool(&self) -> Option<PoolId> {
        self.t.pool_ids().find(|&p| {
            is_front_end(self.t, p)
                && self
                    .t
                    .services_on_pool(p)
                    .any(|s| s.role.value == "CentralMgmt" && s.cms_active != Some(false))
        })
    }
}

/// The Edge pools whose next hop is `pool`: an `EdgeServer` service that depends on a
/// `Registrar` service installed on it.
#[must_use]
pub fn edges_using(t: &Topology, pool: PoolId) -> Vec<PoolId> {
    let registrars: BTreeSet<ServiceId> = ids::enumerate(&t.services)
        .filter(|(_, s)| s.installed_on == Some(Host::Pool(pool)) && s.role.value == "Registrar")
        .map(|(i, _)| i)
        .collect();
    let mut out = BTreeSet::new();
    for s in &t.services {
        if let Some(Host::Pool(edge)) = s.installed_on
            && s.role.value == "EdgeServer"
            && s.depends_on.iter().any(|d| registrars.contains(d))
        {
            out.insert(edge);
        }
    }
    out.into_iter().collect()
}

/// A backup pool a topology itself seems to record for a Front End pool.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub pool: PoolId,
    /// The attribute's name (`BackupPoolFqdn`).
    pub attribute: String,
    /// Its value, as an FQDN.
    pub backup: Fqdn,
    /// The Front End pool the value names, if it names one.
    pub front_end: Option<PoolId>,
    /// The value's span in the topology.
    pub span: Span,
}

/// Every attribute of a Front End pool's `Cluster` that the model does not interpret and whose
/// name holds `backup` (in any case), with a value: how Topology Builder writes a pool's backup
/// pool is not known, and this is what such a record would look like.
#[must_use]
pub fn topology_backups(t: &Topology) -> Vec<Recorded> {
    let mut out = Vec::new();
    for (p, attr) in &t.cluster_attributes {
        let Some((name, value)) = attr.value.split_once('=') else {
            continue;
        };
        if !name.to_ascii_lowercase().contains("backup")
            || value.trim().is_empty()
            || !is_front_end(t, *p)
        {
            continue;
        }
        let backup = Fqdn::new(value);
        out.push(Recorded {
            pool: *p,
            attribute: name.to_string(),
            front_end: front_end(t, Some(&backup)),
            backup,
            span: attr.span,
        });
    }
    out
}
