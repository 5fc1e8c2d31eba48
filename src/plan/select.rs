//! Picking the restore scenarios for what failed, as the "What to Restore" table of *Preparing
//! to restore Lync Server 2013* (Hh202179) assigns them.
//!
//! A server is taken apart into what it holds: a Standard Edition server is restored whole
//! (with the Central Management store procedure when it holds that store); each SQL instance
//! goes by its stores and its mirroring as the `sql-instances` worksheet records it (the
//! Central Management store first, then a Back End: mirrored primary, mirrored mirror, or not
//! mirrored or both lost; then stand-alone Monitoring/Archiving and Persistent Chat databases);
//! file shares are file stores; Front End, Director, Edge, Mediation and Persistent Chat
//! servers of Enterprise pools are member servers.

use std::collections::BTreeSet;

use crate::model::topology::{FileStore, PoolRole};
use crate::model::values::SqlRef;
use crate::model::{Fqdn, HostRef, restore};

use super::target::Target;
use super::{Cx, Mirroring, Scenario};

/// The scenarios for a set of failures.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Pools that failed as a whole, in the order named.
    pub pools: Vec<usize>,
    /// One pick per thing to restore, in restore order.
    pub picks: Vec<Pick>,
}

/// One procedure to follow, for one thing that failed.
#[derive(Clone, Debug)]
pub struct Pick {
    pub scenario: Scenario,
    pub subject: String,
    pub why: String,
    pub what: What,
}

/// What a procedure restores, with the facts its steps need.
#[derive(Clone, Debug)]
pub enum What {
    /// A Standard Edition server; `cms` is its instance holding the Central Management store.
    Standard {
        pool: usize,
        fqdn: Fqdn,
        cms: Option<usize>,
    },
    /// An Enterprise Back End instance holding the Central Management store.
    Cms {
        sql: usize,
        mirroring: Option<Mirroring>,
        mirror_lost: bool,
    },
    /// A Back End instance, not mirrored (`None`) or lost with its mirror.
    BackEnd {
        sql: usize,
        mirroring: Option<Mirroring>,
    },
    /// A mirroring principal whose mirror survives.
    Primary {
        sql: usize,
        mirroring: Mirroring,
    },
    /// A mirror whose principal survives.
    Mirror {
        principal: Option<usize>,
        mirroring: Mirroring,
    },
    Member {
        fqdn: Fqdn,
        pool: usize,
    },
    FileStore {
        store: FileStore,
        server_lost: bool,
    },
    MonitoringArchiving {
        sql: usize,
        server_lost: bool,
    },
    PersistentChat {
        sql: usize,
        server_lost: bool,
    },
    Witness {
        witness: SqlRef,
        mirroring: Mirroring,
    },
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

/// The `-DatabaseType` values of the stores on an instance, in a fixed order.
#[must_use]
pub fn database_types(cx: &Cx<'_>, sql: usize) -> Vec<&'static str> {
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
pub fn backend_pools(cx: &Cx<'_>, sql: usize) -> Vec<usize> {
    restore::user_stores(cx.t)
        .into_iter()
        .filter(|u| u.sql == Some(sql))
        .map(|u| u.pool)
        .collect()
}

/// The pools a machine belongs to (its cluster; a name may be declared twice, TP101).
fn pools_of(cx: &Cx<'_>, fqdn: &Fqdn) -> Vec<usize> {
    let mut out: Vec<usize> =
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

/// Picks the procedures for the targets.
#[must_use]
pub fn select(cx: &Cx<'_>, targets: &[Target]) -> Selection {
    let t = cx.t;
    let mut machines: BTreeSet<Fqdn> = BTreeSet::new();
    let mut lost: BTreeSet<SqlRef> = BTreeSet::new();
    let mut pools: Vec<usize> = Vec::new();
    let mut file_stores: Vec<(usize, bool)> = Vec::new();
    let mut databases: Vec<(&'static str, usize)> = Vec::new();
    for target in targets {
        match target {
            Target::Machine(f) => {
                machines.insert(f.clone());
            }
            Target::Pool(p) => {
                if !pools.contains(p) {
                    pools.push(*p);
                }
                machines.extend(cx.machines(*p));
                // A Front End pool's Back End fails with it (*Restoring a Lync Server pool*).
                for u in restore::user_stores(t) {
                    if u.pool == *p
                        && let Some(r) = u.sql.and_then(|s| cx.sql_ref(s))
                    {
                        lost.insert(r);
                    }
                }
            }
            Target::Sql(r) => {
                lost.insert(r.clone());
            }
            Target::Store { role, sql } => match *role {
                "ArchivingStore" | "MonitoringStore" | "PersistentChatStore" => {
                    databases.push((role, *sql));
                }
                _ => {
                    lost.extend(cx.sql_ref(*sql));
                }
            },
            Target::FileStore(i) => file_stores.push((*i, false)),
        }
    }

    let stores = t.file_stores();
    let mut picks: Vec<Pick> = Vec::new();
    let mut handled: BTreeSet<SqlRef> = BTreeSet::new();
    let mut standard_pools: Vec<usize> = Vec::new();
    for fqdn in &machines {
        for p in pools_of(cx, fqdn) {
            let instances: Vec<usize> = (0..t.sql_instances.len())
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
                    file_stores.push((i, true));
                }
            }
            lost.extend(instances.iter().filter_map(|&i| cx.sql_ref(i)));
        }
        for row in &cx.sheets.sql_instances {
            if let Some(r) = row.sql_ref()
                && &r.server == fqdn
            {
                lost.insert(r);
            }
        }
    }

    let mirrorings = cx.mirrorings();
    for r in &lost {
        if handled.contains(r) {
            continue;
        }
        picks.extend(instance_picks(cx, r, &lost, &mirrorings));
    }
    for (role, sql) in databases {
        if cx.sql_ref(sql).is_some_and(|r| lost.contains(&r)) {
            continue;
        }
        let pick = if role == "PersistentChatStore" {
            persistent_chat(cx, sql, false)
        } else {
            monitoring_archiving(cx, sql, false)
        };
        picks.push(pick);
    }
    for (i, server_lost) in &file_stores {
        let Some(store) = stores.get(*i) else {
            continue;
        };
        // A Standard Edition server's own share is restored with the server.
        if standard_pools.contains(&store.pool) {
            continue;
        }
        let lost_too = *server_lost || file_stores.iter().any(|(j, l)| j == i && *l);
        picks.push(file_store(cx, store.clone(), lost_too));
    }

    picks.sort_by(|a, b| (a.scenario, &a.subject).cmp(&(b.scenario, &b.subject)));
    // The same thing reached twice (a machine and its pool, a share and its server): keep the
    // first, which is the one with the most lost.
    let mut seen: BTreeSet<(Scenario, String)> = BTreeSet::new();
    picks.retain(|p| seen.insert((p.scenario, p.subject.clone())));
    Selection { pools, picks }
}

/// The picks for one lost SQL instance.
fn instance_picks(
    cx: &Cx<'_>,
    r: &SqlRef,
    lost: &BTreeSet<SqlRef>,
    mirrorings: &[Mirroring],
) -> Vec<Pick> {
    let sql = cx.instance(r);
    let stores = sql.map(|i| cx.t.stores_on(i)).unwrap_or_default();
    let as_principal = mirrorings.iter().find(|m| &m.principal == r);
    let as_mirror = mirrorings.iter().find(|m| &m.mirror == r);
    let as_witness = mirrorings.iter().find(|m| m.witness.as_ref() == Some(r));
    let mut out = Vec::new();
    if let Some(i) = sql {
        if has(&stores, "CentralMgmtStore") {
            let mirror_lost = as_principal.is_some_and(|m| lost.contains(&m.mirror));
            out.push(cms(cx, i, as_principal.cloned(), mirror_lost));
            return out;
        }
        if has(&stores, "UserStore") || has(&stores, "ApplicationStore") {
            out.push(match as_principal {
                Some(m) if !lost.contains(&m.mirror) => primary(cx, i, m.clone()),
                Some(m) => back_end(cx, i, Some(m.clone())),
                None => back_end(cx, i, None),
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
        if has(&stores, "ArchivingStore") || has(&stores, "MonitoringStore") {
            out.push(monitoring_archiving(cx, i, true));
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

fn pools_text(cx: &Cx<'_>, sql: usize) -> String {
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

fn types_text(cx: &Cx<'_>, sql: usize) -> String {
    database_types(cx, sql).join(", ")
}

fn standard(cx: &Cx<'_>, pool: usize, fqdn: &Fqdn, cms: Option<usize>) -> Pick {
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

fn member(cx: &Cx<'_>, pool: usize, fqdn: &Fqdn, roles: &[PoolRole]) -> Pick {
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

fn cms(cx: &Cx<'_>, sql: usize, mirroring: Option<Mirroring>, mirror_lost: bool) -> Pick {
    let shown = cx.t.sql_display(sql);
    let mirror_text = match &mirroring {
        Some(m) if mirror_lost => format!("; its mirror {} was lost too", m.mirror),
        Some(m) => format!(
            "; its mirror {} still works, but Microsoft restores the host of the Central Management store with this procedure even then, from a backup of the working mirror, because the topology can only be published from a working primary",
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

fn back_end(cx: &Cx<'_>, sql: usize, mirroring: Option<Mirroring>) -> Pick {
    let shown = cx.t.sql_display(sql);
    let how = match &mirroring {
        Some(m) => format!("is mirrored to {}, and both were lost", m.mirror),
        None => "is not mirrored".to_string(),
    };
    Pick {
        scenario: Scenario::BackEnd,
        subject: shown.clone(),
        why: format!(
            "{shown} is the Back End of {} (database types {}) and {how}; it does not hold the Central Management store",
            pools_text(cx, sql),
            types_text(cx, sql)
        ),
        what: What::BackEnd { sql, mirroring },
    }
}

fn primary(cx: &Cx<'_>, sql: usize, mirroring: Mirroring) -> Pick {
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

fn file_store(cx: &Cx<'_>, store: FileStore, server_lost: bool) -> Pick {
    let host = cx.t.pool_name(store.pool);
    let how = if server_lost {
        format!("its server {host} was lost")
    } else {
        "the share's content was lost".to_string()
    };
    Pick {
        scenario: Scenario::FileStore,
        subject: store.unc.clone(),
        why: format!("{} is a file store of the topology; {how}", store.unc),
        what: What::FileStore { store, server_lost },
    }
}

fn monitoring_archiving(cx: &Cx<'_>, sql: usize, server_lost: bool) -> Pick {
    let shown = cx.t.sql_display(sql);
    let stores = cx.t.stores_on(sql);
    let kinds: Vec<&str> = [
        ("ArchivingStore", "Archiving"),
        ("MonitoringStore", "Monitoring"),
    ]
    .iter()
    .filter(|(r, _)| stores.contains(r))
    .map(|(_, k)| *k)
    .collect();
    let how = if server_lost {
        "its server was lost"
    } else {
        "its databases were lost"
    };
    Pick {
        scenario: Scenario::MonitoringArchiving,
        subject: shown.clone(),
        why: format!(
            "{shown} holds stand-alone {} databases (no Back End on it); {how}. Their data is not needed to bring Lync Server back",
            kinds.join(" and ")
        ),
        what: What::MonitoringArchiving { sql, server_lost },
    }
}

fn persistent_chat(cx: &Cx<'_>, sql: usize, server_lost: bool) -> Pick {
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
    use crate::error::Fatal;
    use crate::plan::Scenario::{self, *};
    use crate::plan::test_support::{MIXED, plan};
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
