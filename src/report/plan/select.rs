//! Picking the restore scenarios for what failed, as the "What to Restore" table of *Preparing
//! to restore Lync Server 2013* (Hh202179) assigns them, and their order.
//!
//! A server is taken apart into what it holds: a Standard Edition server is restored whole
//! (with the Central Management store procedure when it holds that store); each SQL instance
//! goes by its stores and its mirroring as the `sql-instances` worksheet records it (the
//! Central Management store first, then a Back End: mirrored primary, mirrored mirror, or not
//! mirrored or both lost; then stand-alone Monitoring/Archiving and Persistent Chat databases);
//! file shares are file stores; Front End, Director, Edge, Mediation and Persistent Chat
//! servers of Enterprise pools are member servers.
//!
//! A pool named as a whole loses its Back End with it, mirror included: *Restoring a Lync
//! Server pool* (Hh202176) restores the Back End with *Restoring an Enterprise Edition Back End
//! Server* (Hh202163), the page for a Back End whose primary and mirror both failed. When every
//! Front End Server of a pool is lost, the pool is started again after they are rebuilt
//! ([`Scenario::PoolStart`]), and what needs the pool (user data, Response Group) waits for it.
//!
//! A Front End pool that is down and that the `pool-pairs` worksheet pairs with a pool that still
//! runs is failed over to it first ([`Scenario::PoolFailover`], see [`super::failover`]) and
//! failed back last ([`Scenario::PoolFailback`]). When the failover takes the Central Management
//! store with it, the store stays on the backup pool, and the failed pool's Back End is restored
//! as a Back End.
//!
//! Order: a paired pool's failover, the pools, then the Central Management store, Standard
//! Edition servers and Back Ends, file stores, member servers, the start of each pool that was
//! down, Edge Servers (their configuration is exported on a running Front End Server), then the
//! Monitoring, Archiving and Persistent Chat data and witnesses, and last the failback.

use std::collections::BTreeSet;

use crate::analysis::restore;
use crate::model::topology::{FileStore, PoolRole};
use crate::model::values::SqlRef;
use crate::model::{Fqdn, HostRef};
use crate::model::{PoolId, SqlId};

use super::failover::{self, Failover};
use super::model::{Cx, Mirroring, Scenario};
use super::target::Target;

/// The scenarios for a set of failures.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// One pick per section, in restore order.
    pub picks: Vec<Pick>,
    /// Every server that failed: a machine named, or one of a pool named.
    pub lost: BTreeSet<Fqdn>,
}

impl Selection {
    /// Whether every Front End Server of an Enterprise pool failed: it is started again as a
    /// whole once they are rebuilt.
    #[must_use]
    pub fn pool_down(&self, pool: PoolId) -> bool {
        self.picks
            .iter()
            .any(|p| matches!(p.what, What::PoolStart { pool: q, .. } if q == pool))
    }

    /// The section number (from 1) of a pick's subject, for cross-references.
    #[must_use]
    pub fn section_of(&self, scenario: Scenario, subject: &str) -> Option<usize> {
        self.picks
            .iter()
            .position(|p| p.scenario == scenario && p.subject == subject)
            .map(|i| i + 1)
    }
}

/// One procedure to follow, for one thing that failed.
#[derive(Clone, Debug)]
pub struct Pick {
    pub scenario: Scenario,
    pub subject: String,
    pub why: String,
    pub what: What,
}

/// How the Back End of a pool that was down comes back in this plan: what the pool's start
/// must import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Restored {
    pub sql: SqlId,
    /// [`Scenario::CentralManagement`] or [`Scenario::BackEnd`]: restored from backups.
    pub scenario: Scenario,
    /// From a backup the plan takes first from the working mirror.
    pub fresh: bool,
}

/// What a procedure restores, with the facts its steps need.
#[derive(Clone, Debug)]
pub enum What {
    /// A pool that failed as a whole: the order of its sections.
    Pool {
        pool: PoolId,
    },
    /// A Front End pool whose every Front End Server failed, started once they are rebuilt;
    /// `backend` when its Back End is restored from backups in this plan.
    PoolStart {
        pool: PoolId,
        backend: Option<Restored>,
    },
    /// A Standard Edition server; `cms` is its instance holding the Central Management store.
    Standard {
        pool: PoolId,
        fqdn: Fqdn,
        cms: Option<SqlId>,
    },
    /// An Enterprise Back End instance holding the Central Management store.
    Cms {
        sql: SqlId,
        mirroring: Option<Mirroring>,
        mirror_lost: bool,
    },
    /// A Back End instance, not mirrored (`None`) or lost with its mirror.
    BackEnd {
        sql: SqlId,
        mirroring: Option<Mirroring>,
    },
    /// A mirroring principal whose mirror survives.
    Primary {
        sql: SqlId,
        mirroring: Mirroring,
    },
    /// A mirror whose principal survives.
    Mirror {
        principal: Option<SqlId>,
        mirroring: Mirroring,
    },
    Member {
        fqdn: Fqdn,
        pool: PoolId,
    },
    FileStore {
        store: FileStore,
        server_lost: bool,
    },
    /// Monitoring and Archiving databases: `stores` are the store roles whose databases are
    /// restored (`ArchivingStore`: LcsLog; `MonitoringStore`: LcsCDR and QoEMetrics).
    MonitoringArchiving {
        sql: SqlId,
        server_lost: bool,
        stores: Vec<&'static str>,
    },
    PersistentChat {
        sql: SqlId,
        server_lost: bool,
    },
    Witness {
        witness: SqlRef,
        mirroring: Mirroring,
    },
    /// A paired pool's users failed over to its backup pool, first in the plan.
    PoolFailover(Failover),
    /// The same users failed back, last in the plan.
    PoolFailback(Failover),
}

/// Roles whose servers are restored as member servers (*Restoring an Enterprise Edition member
/// server*, Hh202191).
pub(crate) const MEMBER_ROLES: &[PoolRole] = &[
    PoolRole::FrontEnd,
    PoolRole::Director,
    PoolRole::Edge,
    PoolRole::Mediation,
    PoolRole::PersistentChat,
];

/// The Monitoring and Archiving store roles.
const MONITORING_ARCHIVING: [&str; 2] = ["ArchivingStore", "MonitoringStore"];

/// The `-DatabaseType` values of the stores on an instance, in a fixed order.
#[must_use]
pub fn database_types(cx: &Cx<'_>, sql: SqlId) -> Vec<&'static str> {
    let stores = cx.t.stores_on(sql);
    [
        ("CentralMgmtStore", "CentralMgmt"),
        ("UserStore", "User"),
        ("ApplicationStore", "Application"),
        ("ArchivingStore", "Archiving"),
        ("MonitoringStore", "Monitoring"),
        ("PersistentChatStore", "PersistentChat"),
        ("PersistentChatComplianceStore", "PersistentChatCompliance"),
    ]
    .iter()
    .filter(|(role, _)| stores.contains(role))
    .map(|(_, t)| *t)
    .collect()
}

/// The pools whose user store is on an instance (more than one is TP107's problem).
#[must_use]
pub fn backend_pools(cx: &Cx<'_>, sql: SqlId) -> Vec<PoolId> {
    restore::user_stores(cx.t)
        .into_iter()
        .filter(|u| u.sql == Some(sql))
        .map(|u| u.pool)
        .collect()
}

/// The instance holding a pool's user store.
#[must_use]
pub fn backend_of(cx: &Cx<'_>, pool: PoolId) -> Option<SqlId> {
    restore::user_stores(cx.t)
        .into_iter()
        .find(|u| u.pool == pool)
        .and_then(|u| u.sql)
}

/// The pools a machine belongs to (its cluster; a name may be declared twice, TP101).
fn pools_of(cx: &Cx<'_>, fqdn: &Fqdn) -> Vec<PoolId> {
    let mut out: Vec<PoolId> =
        cx.t.lookup(fqdn)
            .iter()
            .map(|r| match r {
                HostRef::Pool(p) | HostRef::Machine(p, _) => *p,
            })
            .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn has(stores: &[&str], role: &str) -> bool {
    stores.contains(&role)
}

/// Whether a server is an Edge Server.
fn is_edge(cx: &Cx<'_>, fqdn: &Fqdn) -> bool {
    cx.facts
        .servers()
        .iter()
        .any(|s| &s.fqdn.value == fqdn && s.is_edge())
}

/// Where a pick goes in the plan (see the module's documentation).
fn rank(cx: &Cx<'_>, pick: &Pick) -> u8 {
    match (&pick.scenario, &pick.what) {
        (Scenario::PoolFailover, _) => 0,
        (Scenario::Pool, _) => 1,
        (Scenario::CentralManagement, _) => 2,
        (Scenario::StandardEdition, _) => 3,
        (Scenario::BackEnd, _) => 4,
        (Scenario::MirroredPrimary, _) => 5,
        (Scenario::MirroredMirror, _) => 6,
        (Scenario::FileStore, _) => 7,
        (Scenario::MemberServer, What::Member { fqdn, .. }) if is_edge(cx, fqdn) => 10,
        (Scenario::MemberServer, _) => 8,
        (Scenario::PoolStart, _) => 9,
        (Scenario::MonitoringArchiving, _) => 11,
        (Scenario::PersistentChat, _) => 12,
        (Scenario::Witness, _) => 13,
        (Scenario::PoolFailback, _) => 14,
    }
}

/// What the targets lose, before it is turned into procedures.
struct Losses {
    machines: BTreeSet<Fqdn>,
    instances: BTreeSet<SqlRef>,
    /// Mirrors lost only because their pool was named as a whole.
    implied: BTreeSet<SqlRef>,
    pools: Vec<PoolId>,
    file_stores: Vec<(usize, bool)>,
    databases: Vec<(&'static str, SqlId)>,
    /// The instance of the Central Management store, when a failover moves the store to the
    /// backup pool: it is restored as a Back End.
    cms_moved: Option<SqlId>,
    /// The instance of the active Central Management store (found once: a paired deployment
    /// also defines a standby).
    cms: Option<SqlId>,
}

fn losses(cx: &Cx<'_>, targets: &[Target], mirrorings: &[Mirroring]) -> Losses {
    let mut l = Losses {
        machines: BTreeSet::new(),
        instances: BTreeSet::new(),
        implied: BTreeSet::new(),
        pools: Vec::new(),
        file_stores: Vec::new(),
        databases: Vec::new(),
        cms_moved: None,
        cms: cx.t.central_management_store(),
    };
    for target in targets {
        match target {
            Target::Machine(f) => {
                l.machines.insert(f.clone());
            }
            Target::Pool(p) => {
                if !l.pools.contains(p) {
                    l.pools.push(*p);
                }
                l.machines.extend(cx.machines(*p));
                // A Front End pool's Back End fails with it, its mirror too (Hh202176 restores
                // it with Hh202163, the page for a Back End whose partners both failed).
                if let Some(r) = backend_of(cx, *p).and_then(|s| cx.sql_ref(s)) {
                    if let Some(m) = mirrorings.iter().find(|m| m.principal == r) {
                        l.implied.insert(m.mirror.clone());
                    }
                    l.instances.insert(r);
                }
            }
            Target::Sql(r) => {
                l.instances.insert(r.clone());
            }
            Target::Store { role, sql } => match *role {
                "ArchivingStore" | "MonitoringStore" | "PersistentChatStore" => {
                    l.databases.push((role, *sql));
                }
                _ => {
                    l.instances.extend(cx.sql_ref(*sql));
                }
            },
            Target::FileStore(i) => l.file_stores.push((*i, false)),
        }
    }
    l
}

/// Picks the procedures for the targets, in restore order.
#[must_use]
pub fn select(cx: &Cx<'_>, targets: &[Target]) -> Selection {
    let t = cx.t;
    let mirrorings = cx.mirrorings();
    let mut l = losses(cx, targets, &mirrorings);

    let stores = t.file_stores();
    let mut picks: Vec<Pick> = Vec::new();
    let mut handled: BTreeSet<SqlRef> = BTreeSet::new();
    let mut standard_pools: Vec<PoolId> = Vec::new();
    for fqdn in &l.machines {
        for p in pools_of(cx, fqdn) {
            let instances: Vec<SqlId> = t
                .sql_ids()
                .filter(|&i| t.sql_instances[i].pool == Some(p))
                .collect();
            if t.is_standard_edition(p) {
                let cms = instances
                    .iter()
                    .copied()
                    .find(|&i| has(&t.stores_on(i), "CentralMgmtStore"));
                handled.extend(instances.iter().filter_map(|&i| cx.sql_ref(i)));
                standard_pools.push(p);
                picks.push(standard(cx, p, fqdn, cms));
                continue;
            }
            let roles = t.pool_roles(p);
            if roles.iter().any(|r| MEMBER_ROLES.contains(r)) {
                picks.push(member(cx, p, fqdn, &roles));
            }
            for (i, s) in stores.iter().enumerate() {
                if s.pool == p {
                    l.file_stores.push((i, true));
                }
            }
            l.instances
                .extend(instances.iter().filter_map(|&i| cx.sql_ref(i)));
        }
        for row in &cx.sheets.sql_instances {
            if let Some(r) = row.sql_ref()
                && &r.server == fqdn
            {
                l.instances.insert(r);
            }
        }
    }
    // Every Enterprise Front End pool whose Front End Servers all failed, and the paired ones
    // among them, failed over first.
    let down: Vec<PoolId> = t
        .pool_ids()
        .filter(|&p| {
            let fes = cx.machines(p);
            t.is_enterprise_front_end(p)
                && !fes.is_empty()
                && fes.iter().all(|m| l.machines.contains(m))
        })
        .collect();
    let failovers = failover::failovers(cx, &down, &l.machines);
    l.cms_moved = failovers
        .iter()
        .filter(|f| f.cms)
        .find_map(|f| backend_of(cx, f.pool))
        .filter(|&sql| t.central_management_store() == Some(sql));
    for f in &failovers {
        picks.extend(failover_picks(cx, *f));
    }
    // A mirror named on its own is not implied by its pool.
    l.implied.retain(|m| !l.instances.contains(m));
    l.instances.extend(l.implied.iter().cloned());

    for r in &l.instances {
        if handled.contains(r) {
            continue;
        }
        picks.extend(instance_picks(cx, r, &l, &mirrorings));
    }
    let mut by_instance: Vec<(SqlId, Vec<&'static str>)> = Vec::new();
    for &(role, sql) in &l.databases {
        if cx.sql_ref(sql).is_some_and(|r| l.instances.contains(&r)) {
            continue;
        }
        if role == "PersistentChatStore" {
            picks.push(persistent_chat(cx, sql, false));
            continue;
        }
        match by_instance.iter_mut().find(|(i, _)| *i == sql) {
            Some((_, roles)) if !roles.contains(&role) => roles.push(role),
            Some(_) => {}
            None => by_instance.push((sql, vec![role])),
        }
    }
    for (sql, roles) in by_instance {
        picks.push(monitoring_archiving(cx, sql, false, roles));
    }
    for (i, server_lost) in &l.file_stores {
        let Some(store) = stores.get(*i) else {
            continue;
        };
        // A Standard Edition server's own share is restored with the server.
        if standard_pools.contains(&store.pool) {
            continue;
        }
        let lost_too = *server_lost || l.file_stores.iter().any(|(j, s)| j == i && *s);
        picks.push(file_store(cx, store.clone(), lost_too));
    }

    // Pools: those named, and every Enterprise Front End pool whose Front End Servers all
    // failed; the latter are started again once rebuilt.
    let mut pools = l.pools.clone();
    pools.extend(down.iter().copied().filter(|p| !l.pools.contains(p)));
    for &pool in &pools {
        picks.push(pool_pick(cx, pool, l.pools.contains(&pool)));
    }
    for &pool in &down {
        let backend = backend_of(cx, pool).and_then(|sql| {
            picks.iter().find_map(|p| match &p.what {
                What::Cms {
                    sql: s,
                    mirroring,
                    mirror_lost,
                } if *s == sql => Some(Restored {
                    sql,
                    scenario: Scenario::CentralManagement,
                    fresh: mirroring.is_some() && !mirror_lost,
                }),
                What::BackEnd { sql: s, .. } if *s == sql => Some(Restored {
                    sql,
                    scenario: Scenario::BackEnd,
                    fresh: false,
                }),
                _ => None,
            })
        });
        picks.push(pool_start(cx, pool, backend));
    }

    picks.sort_by(|a, b| (rank(cx, a), &a.subject).cmp(&(rank(cx, b), &b.subject)));
    // The same thing reached twice (a machine and its pool, a share and its server): keep the
    // first, which is the one with the most lost.
    let mut seen: BTreeSet<(Scenario, String)> = BTreeSet::new();
    picks.retain(|p| seen.insert((p.scenario, p.subject.clone())));
    let mut lost = l.machines;
    lost.extend(l.instances.iter().map(|r| r.server.clone()));
    Selection { picks, lost }
}

/// The picks for one lost SQL instance.
fn instance_picks(cx: &Cx<'_>, r: &SqlRef, l: &Losses, mirrorings: &[Mirroring]) -> Vec<Pick> {
    let sql = cx.instance(r);
    let stores = sql.map(|i| cx.t.stores_on(i)).unwrap_or_default();
    let as_principal = mirrorings.iter().find(|m| &m.principal == r);
    let as_mirror = mirrorings.iter().find(|m| &m.mirror == r);
    let as_witness = mirrorings.iter().find(|m| m.witness.as_ref() == Some(r));
    let lost = &l.instances;
    let mut out = Vec::new();
    if let Some(i) = sql {
        // Only the active store: a standby on a paired pool's Back End is restored with it.
        if l.cms == Some(i) && l.cms_moved != Some(i) {
            let mirror_lost = as_principal.is_some_and(|m| lost.contains(&m.mirror));
            out.push(cms(cx, i, as_principal.cloned(), mirror_lost, l));
            return out;
        }
        if has(&stores, "UserStore") || has(&stores, "ApplicationStore") {
            out.push(match as_principal {
                Some(m) if !lost.contains(&m.mirror) => primary(cx, i, m.clone()),
                Some(m) => back_end(cx, i, Some(m.clone()), l),
                None => back_end(cx, i, None, l),
            });
            return out;
        }
    }
    if let Some(m) = as_mirror {
        if !lost.contains(&m.principal) {
            out.push(mirror(cx, m.clone()));
        }
        return out;
    }
    if let Some(i) = sql {
        let roles: Vec<&'static str> = MONITORING_ARCHIVING
            .into_iter()
            .filter(|r| has(&stores, r))
            .collect();
        if !roles.is_empty() {
            out.push(monitoring_archiving(cx, i, true, roles));
        }
        if has(&stores, "PersistentChatStore") {
            out.push(persistent_chat(cx, i, true));
        }
    }
    if out.is_empty()
        && let Some(m) = as_witness
    {
        out.push(Pick {
            scenario: Scenario::Witness,
            subject: r.to_string(),
            why: format!(
                "{r} is the mirroring witness of {} and {}, and holds no store of its own; no procedure of Preparing to restore covers it: while it is down, failover to the mirror is manual",
                m.principal, m.mirror
            ),
            what: What::Witness {
                witness: r.clone(),
                mirroring: m.clone(),
            },
        });
    }
    out
}

/// The two picks of a failover: the failover first in the plan, the failback last.
fn failover_picks(cx: &Cx<'_>, f: Failover) -> [Pick; 2] {
    let t = cx.t;
    let (name, to) = (t.pool_name(f.pool), t.pool_name(f.backup));
    let cms = if f.cms {
        format!(
            "; it held the Central Management store, which is failed over to {to} first and stays there, so its Back End is restored as a Back End"
        )
    } else {
        String::new()
    };
    [
        Pick {
            scenario: Scenario::PoolFailover,
            subject: name.clone(),
            why: format!(
                "{name} is paired with {to} (pool-pairs worksheet): its users are failed over to {to} before {name} is restored, as Microsoft's disaster recovery for paired pools does{cms}"
            ),
            what: What::PoolFailover(f),
        },
        Pick {
            scenario: Scenario::PoolFailback,
            subject: name.clone(),
            why: format!(
                "the users of {name} were failed over to {to} at the start of this plan: they come back once {name} runs again"
            ),
            what: What::PoolFailback(f),
        },
    ]
}

fn pools_text(cx: &Cx<'_>, sql: SqlId) -> String {
    let names: Vec<String> = backend_pools(cx, sql)
        .into_iter()
        .map(|p| cx.t.pool_name(p))
        .collect();
    if names.is_empty() {
        "no pool".to_string()
    } else {
        names.join(" and ")
    }
}

fn types_text(cx: &Cx<'_>, sql: SqlId) -> String {
    database_types(cx, sql).join(", ")
}

/// When a mirror is rebuilt only because its pool was named: why, and how to plan otherwise.
fn implied_text(cx: &Cx<'_>, sql: SqlId, mirror: &SqlRef, l: &Losses) -> String {
    if !l.implied.contains(mirror) {
        return String::new();
    }
    let mut names: Vec<String> = backend_pools(cx, sql)
        .into_iter()
        .filter(|p| l.pools.contains(p))
        .flat_map(|p| cx.machines(p))
        .map(|m| m.to_string())
        .collect();
    names.extend(cx.t.sql_server(sql).map(|f| f.value.to_string()));
    let flags: Vec<String> = names.iter().map(|n| format!("--failed {n}")).collect();
    format!(
        "; its mirror {mirror} is rebuilt too: Restoring a Lync Server pool (Hh202176) restores the Back End with Restoring an Enterprise Edition Back End Server (Hh202163), the page for a Back End whose primary and mirror both failed. If {mirror} still works, its databases are newer than any backup: plan for the servers that failed instead ({})",
        super::code(&flags.join(" "))
    )
}

fn standard(cx: &Cx<'_>, pool: PoolId, fqdn: &Fqdn, cms: Option<SqlId>) -> Pick {
    let t = cx.t;
    let share = if t.file_stores().iter().any(|s| s.pool == pool) {
        ", and its file store"
    } else {
        ""
    };
    let (scenario, why) = match cms {
        Some(_) => (
            Scenario::CentralManagement,
            format!(
                "{fqdn} is a Standard Edition server that holds the Central Management store: it is rebuilt with the Central Management store procedure (its databases{share} with it)"
            ),
        ),
        None => (
            Scenario::StandardEdition,
            format!(
                "{fqdn} is a Standard Edition server (Front End with its own databases{share}) that does not hold the Central Management store"
            ),
        ),
    };
    Pick {
        scenario,
        subject: fqdn.to_string(),
        why,
        what: What::Standard {
            pool,
            fqdn: fqdn.clone(),
            cms,
        },
    }
}

fn member(cx: &Cx<'_>, pool: PoolId, fqdn: &Fqdn, roles: &[PoolRole]) -> Pick {
    let labels: Vec<&str> = roles
        .iter()
        .filter(|r| MEMBER_ROLES.contains(r))
        .map(|r| r.label())
        .collect();
    Pick {
        scenario: Scenario::MemberServer,
        subject: fqdn.to_string(),
        why: format!(
            "{fqdn} is a member server of {} running {}: it holds no data of its own and is rebuilt from the topology",
            cx.t.pool_name(pool),
            labels.join(", ")
        ),
        what: What::Member {
            fqdn: fqdn.clone(),
            pool,
        },
    }
}

fn pool_pick(cx: &Cx<'_>, pool: PoolId, named: bool) -> Pick {
    let name = cx.t.pool_name(pool);
    let why = if cx.t.is_enterprise_front_end(pool) {
        let backend = backend_of(cx, pool).map_or_else(
            || "none in the topology".to_string(),
            |s| cx.t.sql_display(s),
        );
        let what = if named {
            format!("{name} failed as a whole")
        } else {
            format!("every Front End Server of {name} failed")
        };
        format!(
            "{what}: Microsoft restores a Front End pool's Back End Server first ({backend}), then each Front End Server; the pool is started once they all run again"
        )
    } else {
        format!("{name} failed as a whole: each of its servers is restored as a member server")
    };
    Pick {
        scenario: Scenario::Pool,
        subject: name,
        why,
        what: What::Pool { pool },
    }
}

fn pool_start(cx: &Cx<'_>, pool: PoolId, backend: Option<Restored>) -> Pick {
    let name = cx.t.pool_name(pool);
    let data = match backend {
        Some(r) => format!(
            "; the user data and Response Group configuration of its Back End {} are imported around the start, when every Front End Server is in place",
            cx.t.sql_display(r.sql)
        ),
        None => String::new(),
    };
    Pick {
        scenario: Scenario::PoolStart,
        subject: name.clone(),
        why: format!(
            "no Front End Server of {name} ran while they were rebuilt: the pool is started as a whole, as Microsoft starts a pool that was entirely down{data}"
        ),
        what: What::PoolStart { pool, backend },
    }
}

fn cms(
    cx: &Cx<'_>,
    sql: SqlId,
    mirroring: Option<Mirroring>,
    mirror_lost: bool,
    l: &Losses,
) -> Pick {
    let shown = cx.t.sql_display(sql);
    let mirror_text = match &mirroring {
        Some(m) if mirror_lost && l.implied.contains(&m.mirror) => {
            implied_text(cx, sql, &m.mirror, l)
        }
        Some(m) if mirror_lost => format!("; its mirror {} was lost too", m.mirror),
        Some(m) => format!(
            "; its mirror {} still works. Microsoft restores the host of the Central Management store with this procedure even then, because the topology can be published only from a working primary: this plan first takes a fresh backup from the working mirror and restores both from it",
            m.mirror
        ),
        None => String::new(),
    };
    Pick {
        scenario: Scenario::CentralManagement,
        subject: shown.clone(),
        why: format!(
            "{shown} holds the Central Management store (database types {}; Back End of {}){mirror_text}",
            types_text(cx, sql),
            pools_text(cx, sql)
        ),
        what: What::Cms {
            sql,
            mirroring,
            mirror_lost,
        },
    }
}

fn back_end(cx: &Cx<'_>, sql: SqlId, mirroring: Option<Mirroring>, l: &Losses) -> Pick {
    let shown = cx.t.sql_display(sql);
    let how = match &mirroring {
        Some(m) if l.implied.contains(&m.mirror) => {
            format!("is mirrored{}", implied_text(cx, sql, &m.mirror, l))
        }
        Some(m) => format!("is mirrored to {}, and both were lost", m.mirror),
        None => "is not mirrored".to_string(),
    };
    let cms = if l.cms_moved == Some(sql) {
        "it held the Central Management store, which the pool's failover moves to its backup pool (Central Management store failover, JJ205376: it need not come back), so it is restored as a Back End"
    } else if has(&cx.t.stores_on(sql), "CentralMgmtStore") {
        "it holds the standby of the Central Management store, not the active one (the Backup Service keeps the standby in step with the active store)"
    } else {
        "it does not hold the Central Management store"
    };
    Pick {
        scenario: Scenario::BackEnd,
        subject: shown.clone(),
        why: format!(
            "{shown} is the Back End of {} (database types {}); {cms}, and it {how}",
            pools_text(cx, sql),
            types_text(cx, sql)
        ),
        what: What::BackEnd { sql, mirroring },
    }
}

fn primary(cx: &Cx<'_>, sql: SqlId, mirroring: Mirroring) -> Pick {
    let shown = cx.t.sql_display(sql);
    let witness = match &mirroring.witness {
        Some(w) => format!("; with the witness {w}, failover may already have happened by itself"),
        None => "; there is no witness, so failover is manual".to_string(),
    };
    Pick {
        scenario: Scenario::MirroredPrimary,
        subject: shown.clone(),
        why: format!(
            "{shown} is the mirroring principal of the Back End of {} (database types {}); its mirror {} still works{witness}",
            pools_text(cx, sql),
            types_text(cx, sql),
            mirroring.mirror
        ),
        what: What::Primary { sql, mirroring },
    }
}

fn mirror(cx: &Cx<'_>, mirroring: Mirroring) -> Pick {
    let principal = cx.instance(&mirroring.principal);
    let of = principal.map_or_else(String::new, |i| {
        format!(" (Back End of {})", pools_text(cx, i))
    });
    Pick {
        scenario: Scenario::MirroredMirror,
        subject: mirroring.mirror.to_string(),
        why: format!(
            "{} is the mirror of {}{of}, which still works",
            mirroring.mirror, mirroring.principal
        ),
        what: What::Mirror {
            principal,
            mirroring,
        },
    }
}

/// Whether a file store's host is a name for a share rather than a server: a DFS namespace
/// under the domain's own name, or a share path with folders in it (`dfs\lync`). No server of
/// that name is rebuilt.
#[must_use]
pub fn is_namespace(cx: &Cx<'_>, store: &FileStore) -> bool {
    let host = cx.t.pool_name(store.pool).to_lowercase();
    let suffix = format!(".{host}");
    let parent_of_a_machine = cx.t.hosts.keys().any(|h| {
        let h = h.to_string().to_lowercase();
        h.len() > suffix.len() && h.ends_with(&suffix)
    });
    parent_of_a_machine || store.share.value.contains(['\\', '/'])
}

fn file_store(cx: &Cx<'_>, store: FileStore, server_lost: bool) -> Pick {
    let host = cx.t.pool_name(store.pool);
    let namespace = is_namespace(cx, &store);
    let how = if namespace {
        format!(
            "{host} names a namespace, not a server: the folder behind it is restored on the file server that holds it"
        )
    } else if server_lost {
        format!("its server {host} was lost")
    } else {
        "the share's content was lost".to_string()
    };
    Pick {
        scenario: Scenario::FileStore,
        subject: store.unc.clone(),
        why: format!("{} is a file store of the topology; {how}", store.unc),
        what: What::FileStore {
            server_lost: server_lost && !namespace,
            store,
        },
    }
}

fn monitoring_archiving(
    cx: &Cx<'_>,
    sql: SqlId,
    server_lost: bool,
    stores: Vec<&'static str>,
) -> Pick {
    let shown = cx.t.sql_display(sql);
    let kinds: Vec<&str> = stores.iter().map(|r| r.trim_end_matches("Store")).collect();
    let how = if server_lost {
        "its server was lost".to_string()
    } else {
        let others: Vec<&str> = MONITORING_ARCHIVING
            .iter()
            .filter(|r| !stores.contains(r) && cx.t.stores_on(sql).contains(r))
            .map(|r| r.trim_end_matches("Store"))
            .collect();
        if others.is_empty() {
            "its databases were lost".to_string()
        } else {
            format!(
                "its databases were lost; the {} databases beside them are not restored",
                others.join(" and ")
            )
        }
    };
    let on_instance = cx.t.stores_on(sql);
    let holds = if ["UserStore", "ApplicationStore", "CentralMgmtStore"]
        .iter()
        .any(|r| has(&on_instance, r))
    {
        format!(
            "holds {} databases beside the Back End of {}, which is not restored",
            kinds.join(" and "),
            pools_text(cx, sql)
        )
    } else {
        format!(
            "holds stand-alone {} databases (no Back End on it)",
            kinds.join(" and ")
        )
    };
    Pick {
        scenario: Scenario::MonitoringArchiving,
        subject: shown.clone(),
        why: format!("{shown} {holds}; {how}. Their data is not needed to bring the pools back"),
        what: What::MonitoringArchiving {
            sql,
            server_lost,
            stores,
        },
    }
}

fn persistent_chat(cx: &Cx<'_>, sql: SqlId, server_lost: bool) -> Pick {
    let shown = cx.t.sql_display(sql);
    let how = if server_lost {
        "its server was lost"
    } else {
        "its database was lost"
    };
    Pick {
        scenario: Scenario::PersistentChat,
        subject: shown.clone(),
        why: format!("{shown} holds the stand-alone Persistent Chat database (mgc); {how}"),
        what: What::PersistentChat { sql, server_lost },
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::error::Fatal;
    use crate::report::plan::Scenario::{self, *};
    use crate::report::plan::test_support::{MIXED, plan};
    use crate::rules::test_util::EXAMPLE;

    fn scenarios(files: &[(&str, &str)], failed: &[&str]) -> Vec<(Scenario, String)> {
        plan(files, failed)
            .expect("plan")
            .sections
            .into_iter()
            .map(|s| (s.scenario, s.subject))
            .collect()
    }

    fn one(scenario: Scenario, subject: &str) -> Vec<(Scenario, String)> {
        vec![(scenario, subject.to_string())]
    }

    #[test]
    fn example_servers_get_their_row_of_the_table() {
        let e = EXAMPLE;
        assert_eq!(
            scenarios(e, &["sql01.contoso.com"]),
            one(CentralManagement, "sql01.contoso.com\\rtc")
        );
        assert_eq!(
            scenarios(e, &["SQL03"]),
            one(MirroredMirror, "sql03.contoso.com\\rtc")
        );
        assert_eq!(
            scenarios(e, &["sql02.contoso.com"]),
            one(MonitoringArchiving, "sql02.contoso.com\\monitoring")
        );
        assert_eq!(
            scenarios(e, &["fs01.contoso.com"]),
            one(FileStore, "\\\\fs01.contoso.com\\LyncShare")
        );
        assert_eq!(
            scenarios(e, &["edge01.contoso.com"]),
            one(MemberServer, "edge01.contoso.com")
        );
        assert_eq!(
            scenarios(e, &["sql04.contoso.com"]),
            one(Witness, "sql04.contoso.com\\witness")
        );
    }

    #[test]
    fn stores_and_instances_resolve_to_the_same_rows() {
        let e = EXAMPLE;
        assert_eq!(
            scenarios(e, &["UserStore:pool01.contoso.com"]),
            one(CentralManagement, "sql01.contoso.com\\rtc")
        );
        assert_eq!(
            scenarios(e, &["sql03.contoso.com\\RTC"]),
            one(MirroredMirror, "sql03.contoso.com\\rtc")
        );
        assert_eq!(
            scenarios(e, &["FileStore:pool01.contoso.com"]),
            one(FileStore, "\\\\fs01.contoso.com\\LyncShare")
        );
        // Only the databases: no server to rebuild.
        let p = plan(e, &["ArchivingStore:sql02.contoso.com"]).expect("plan");
        assert_eq!(p.sections[0].scenario, MonitoringArchiving);
        assert!(!p.sections[0].steps[0].text.contains("clean or new server"));
    }

    #[test]
    fn a_central_management_host_losing_its_mirror_too_rebuilds_both() {
        let p = plan(EXAMPLE, &["sql01.contoso.com", "sql03.contoso.com"]).expect("plan");
        assert_eq!(p.sections.len(), 1);
        assert_eq!(p.sections[0].scenario, CentralManagement);
        assert!(p.sections[0].why.contains("was lost too"));
        let texts: Vec<&str> = p.sections[0]
            .steps
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        assert!(
            texts
                .iter()
                .any(|t| t.contains("server named sql03.contoso.com"))
        );
    }

    #[test]
    fn a_pool_restores_its_back_end_first_then_each_front_end() {
        assert_eq!(
            scenarios(EXAMPLE, &["pool01.contoso.com"]),
            vec![
                (Pool, "pool01.contoso.com".to_string()),
                (CentralManagement, "sql01.contoso.com\\rtc".to_string()),
                (MemberServer, "fe01.contoso.com".to_string()),
                (MemberServer, "fe02.contoso.com".to_string()),
                (MemberServer, "fe03.contoso.com".to_string()),
                (PoolStart, "pool01.contoso.com".to_string()),
            ]
        );
        // Every Front End Server named one by one is the same pool down; the Back End that
        // survives is not restored, and the pool is still started as a whole.
        assert_eq!(
            scenarios(
                EXAMPLE,
                &["fe01.contoso.com", "fe02.contoso.com", "fe03.contoso.com"]
            ),
            vec![
                (Pool, "pool01.contoso.com".to_string()),
                (MemberServer, "fe01.contoso.com".to_string()),
                (MemberServer, "fe02.contoso.com".to_string()),
                (MemberServer, "fe03.contoso.com".to_string()),
                (PoolStart, "pool01.contoso.com".to_string()),
            ]
        );
        // Some of them only: member servers, no start of the pool.
        assert_eq!(
            scenarios(EXAMPLE, &["fe01.contoso.com", "fe02.contoso.com"]),
            vec![
                (MemberServer, "fe01.contoso.com".to_string()),
                (MemberServer, "fe02.contoso.com".to_string()),
            ]
        );
        assert_eq!(
            scenarios(MIXED, &["pchat.contoso.com"]),
            vec![
                (Pool, "pchat.contoso.com".to_string()),
                (MemberServer, "pc01.contoso.com".to_string()),
                (MemberServer, "pc02.contoso.com".to_string()),
            ]
        );
    }

    #[test]
    fn mirroring_decides_between_primary_mirror_and_back_end() {
        assert_eq!(
            scenarios(MIXED, &["sql21.contoso.com"]),
            one(MirroredPrimary, "sql21.contoso.com\\rtc")
        );
        assert_eq!(
            scenarios(MIXED, &["sql22.contoso.com"]),
            one(MirroredMirror, "sql22.contoso.com\\rtc")
        );
        assert_eq!(
            scenarios(MIXED, &["sql21.contoso.com", "sql22.contoso.com"]),
            one(BackEnd, "sql21.contoso.com\\rtc")
        );
        assert_eq!(
            scenarios(MIXED, &["sql01.contoso.com"]),
            one(CentralManagement, "sql01.contoso.com\\rtc")
        );
    }

    #[test]
    fn standard_edition_persistent_chat_and_archiving() {
        assert_eq!(
            scenarios(MIXED, &["se01.contoso.com"]),
            one(StandardEdition, "se01.contoso.com")
        );
        assert_eq!(
            scenarios(MIXED, &["sql31.contoso.com"]),
            one(PersistentChat, "sql31.contoso.com\\pchat")
        );
        assert_eq!(
            scenarios(MIXED, &["sql41.contoso.com"]),
            one(MonitoringArchiving, "sql41.contoso.com\\archive")
        );
        assert_eq!(
            scenarios(MIXED, &["fe21.contoso.com", "sql21.contoso.com"]),
            vec![
                (MirroredPrimary, "sql21.contoso.com\\rtc".to_string()),
                (MemberServer, "fe21.contoso.com".to_string()),
            ]
        );
    }

    #[test]
    fn unknown_targets_list_close_names() {
        let Err(Fatal::Usage { message, help }) = plan(EXAMPLE, &["sql05.contoso.com"]) else {
            panic!("expected a usage error");
        };
        assert!(message.contains("`--failed sql05.contoso.com` names nothing"));
        assert_eq!(
            help.as_deref(),
            Some("did you mean `sql01.contoso.com`, `sql02.contoso.com` or `sql03.contoso.com`?")
        );
        assert!(matches!(
            plan(EXAMPLE, &["wac01.contoso.com"]),
            Err(Fatal::Usage { .. })
        ));
        assert!(matches!(
            plan(EXAMPLE, &["Bogus:pool01.contoso.com"]),
            Err(Fatal::Usage { .. })
        ));
    }
}
