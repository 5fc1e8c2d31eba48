//! Failing a paired Front End pool over to its backup pool before it is restored, and back
//! once it runs again (*Failing over a pool*, JJ204678; *Failing back a pool*, JJ204945;
//! *Restoring conference contents using the Backup Service*, JJ688030).
//!
//! Order within the failover (topolint's decision, the page leaving it open): the Central
//! Management store is failed over first when the failed pool held it, then an Edge pool whose
//! next hop is the failed pool is moved to the backup pool, then the users are failed over.
//! Moving the next hop changes the topology, which needs a working Central Management store;
//! the page asks only that it happens before the pool's failover.
//!
//! `Invoke-CsManagementServerFailover` is written as the cmdlet reference gives it: the
//! DisasterRecovery parameter set needs `-Force` (the page leaves it out), and a mirrored
//! backup Back End is named with `-BackupMirrorSqlServerFqdn` and `-BackupMirrorSqlInstanceName`
//! (the page writes `-MirrorSQLServerFqdn`, which the cmdlet does not have).

use super::{Account, Commands, Writer, fqdn};
use crate::analysis::pairs::{PoolPairs, edges_using};
use crate::model::valid::{self, Valid};
use crate::model::values::Db;
use crate::model::{Fqdn, HostRef, PoolId};
use crate::report::plan::failover::Failover;
use crate::report::plan::pages::{self, Cite, at};
use crate::report::plan::prereq;
use crate::report::powershell::{Command, Literal, Part};

/// Why the read-only commands run before the store's failover take `-LocalStore`.
const LOCAL_STORE: &str = "-LocalStore reads the Front End Server's own replica of the Central Management store (cmdlet reference), so the command answers even while the store itself is down:";

impl Writer<'_, '_> {
    /// JJ204678: the failover of `pool` to `backup`; `cms` when `pool` held the Central
    /// Management store, which is failed over first.
    pub(super) fn pool_failover(&mut self, f: Failover) {
        let Failover { pool, backup, cms } = f;
        let cx = self.cx;
        let t = cx.t;
        let name = t.pool_name(pool);
        let to = t.pool_name(backup);
        let page = &pages::JJ204678;
        let pairs = PoolPairs::new(t, cx.sheets);
        let cms_pool = pairs.cms_pool().map(|p| t.pool_name(p));
        let on = self.shell_and_run(
            &[backup],
            vec![at(page, "1")],
            match &cms_pool {
                Some(p) => format!(
                    "see which pool hosts the Central Management Server (the topology puts it on {p}):"
                ),
                None => "see which pool hosts the Central Management Server:".to_string(),
            },
            Ok(vec![
                Command::new("Invoke-CsManagementServerFailover").switch("WhatIf"),
            ]),
        );
        let here = on.as_ref();
        // The page's command asks for the backup pool of the pool holding the store (where the
        // store fails over); the users fail over to the failed pool's. One query when they are
        // the same pool, both when they differ.
        let other = pairs.cms_pool().filter(|&p| p != pool);
        let also = other.map_or_else(String::new, |p| {
            format!(
                " The second command is the page's: the backup pool of {}, which holds the Central Management store, is where the store would fail over.",
                t.pool_name(p)
            )
        });
        let what = if cms {
            "the Central Management store and the users"
        } else {
            "the users"
        };
        let relationship = |p: PoolId| {
            fqdn(&t.pool_name(p)).map(|f| {
                Command::new("Get-CsPoolBackupRelationship")
                    .param("PoolFqdn", f)
                    .switch("LocalStore")
            })
        };
        self.run(
            vec![at(page, "2")],
            format!(
                "Check that the backup pool of {name} is {to}, as the pool-pairs worksheet records: {what} fail over there.{also} {LOCAL_STORE}"
            ),
            here,
            std::iter::once(pool).chain(other).map(relationship).collect(),
        );
        self.run(
            vec![at(page, "3")],
            "Check the Central Management store: ActiveMasterFqdn and ActiveFileTransferAgents name Front End Servers of the pool that hosts it (the servers running the Master Replicator and the File Transfer Agent, not the pool's own name); when they are empty, the store is unavailable and must be failed over before the pool.",
            here,
            Ok(vec![
                Command::new("Get-CsManagementStoreReplicationStatus")
                    .switch("CentralManagementStoreStatus"),
            ]),
        );
        if cms {
            self.cms_failover(&pairs, pool, backup, here);
        } else {
            let text = self.store_contingency(&pairs, pool);
            self.say(vec![at(page, "4")], text);
        }
        self.edge_next_hop(pool, backup, here);
        self.run(
            vec![at(page, "7")],
            {
                let edge = if edges_using(t, pool).is_empty() {
                    String::new()
                } else {
                    format!(", or because {name} is still an Edge pool's next hop")
                };
                format!(
                    "Fail the users of {name} over to {to}. If the cmdlet stops because the Central Management store is not fully failed over{edge}, mend what its message names and run it again:"
                )
            },
            here,
            fqdn(&name).map(|p| {
                vec![
                    Command::new("Invoke-CsPoolFailOver")
                        .param("PoolFqdn", p)
                        .switch("DisasterMode")
                        .switch("Verbose"),
                ]
            }),
        );
        self.say(
            vec![at(&pages::JJ945637, "intro")],
            format!(
                "This plan restores {name} in place, with its FQDN. If it cannot be recovered, Microsoft's alternative is the ABC failover: a new pool under a new FQDN built from the information of {name}, its users moved there and the new pool paired with {to} (Performing an ABC Front End pool failover, JJ945637)."
            ),
        );
    }

    /// JJ204678 step 4 when the failed pool did not hold the Central Management store: what to
    /// do if the store is unavailable all the same. Its failover goes to the backup pool of the
    /// pool holding it, which can be the pool that failed: then it cannot be failed over.
    fn store_contingency(&self, pairs: &PoolPairs<'_>, pool: PoolId) -> String {
        let t = self.cx.t;
        let name = t.pool_name(pool);
        let Some(cms_pool) = pairs.cms_pool() else {
            return "The topology names no pool hosting the Central Management store: the check above should show it available. If it does not, the pool cannot be failed over until the store works again.".to_string();
        };
        let held = t.pool_name(cms_pool);
        let unless = match pairs.backup_of(cms_pool) {
            Some(b) if b == pool => format!(
                "it cannot be failed over either: its standby is on the Back End of {name}, the pool that failed. Bring the store on {held} back first; the users' failover below stops while the store is unavailable"
            ),
            Some(b) => format!(
                "fail the store over to {}, the backup pool of {held}, first, as step 5 of the page does",
                t.pool_name(b)
            ),
            None => format!(
                "it cannot be failed over: {held} has no backup pool in the pool-pairs worksheet. Bring the store on {held} back first"
            ),
        };
        format!(
            "The Central Management store is on {held}, which did not fail: the check above should show it available. If it does not, the pool cannot be failed over until the store works again, and {unless}."
        )
    }

    /// JJ204678 steps 4 and 5: the Central Management store failed over to the backup pool's
    /// Back End, and its mirror when the `sql-instances` worksheet records one.
    fn cms_failover(
        &mut self,
        pairs: &PoolPairs<'_>,
        pool: PoolId,
        backup: PoolId,
        here: Option<&Fqdn>,
    ) {
        let cx = self.cx;
        let t = cx.t;
        let page = &pages::JJ204678;
        let (name, to) = (t.pool_name(pool), t.pool_name(backup));
        self.say(
            vec![at(page, "4"), at(&pages::JJ205376, "intro")],
            format!(
                "The Central Management store was on {name}, which failed: fail it over to {to} before the pool. It can stay there once {name} is restored."
            ),
        );
        let Some(r) = pairs.backend(backup).and_then(|s| cx.sql_ref(s)) else {
            self.say(
                vec![at(page, "5b")],
                format!(
                    "The topology names no Back End for {to}: the Central Management store cannot be failed over to it from what the inputs record."
                ),
            );
            return;
        };
        let Some(backend) = pairs.backend(backup) else {
            return;
        };
        if !cx.t.stores_on(backend).contains(&"CentralMgmtStore") {
            self.say(
                vec![at(page, "5b"), at(&pages::INVOKE_CS_MANAGEMENT_SERVER_FAILOVER, "description")],
                format!(
                    "Invoke-CsManagementServerFailover is withheld: it fails the store over only to a database the topology defines, and the topology defines no Central Management store database on {r}, the Back End of {to} (see the prerequisites). Until the store runs again, the users' failover below cannot run either."
                ),
            );
            let entry = (r.clone(), to.clone());
            if !self.needs.no_standby.contains(&entry) {
                self.needs.no_standby.push(entry);
            }
            return;
        }
        let mirror = cx
            .mirrorings()
            .into_iter()
            .find(|m| m.principal == r)
            .map(|m| m.mirror);
        if mirror.is_some() {
            self.run(
                vec![at(page, "5a")],
                format!("See the state of the Central Management store's database on the Back End Servers of {to}. If StateOnPrimary and StateOnMirror both read DatabaseInaccessibleOrMirroringNotEnabled, neither copy can be reached: mend that before failing the store over. Which of the two is principal does not change the next command, which names both. {LOCAL_STORE}"),
                here,
                fqdn(&to).map(|p| {
                    vec![
                        Command::new("Get-CsDatabaseMirrorState")
                            .param("PoolFqdn", p)
                            .word("DatabaseType", "CentralMgmt")
                            .switch("LocalStore"),
                    ]
                }),
            );
        }
        let with_mirror = mirror.as_ref().map_or_else(String::new, |m| {
            format!(" and its mirror {m} (whichever of the two is principal)")
        });
        let command = (|| {
            let mut c = Command::new("Invoke-CsManagementServerFailover")
                .param("BackupSqlServerFqdn", fqdn(r.server.as_str())?);
            if !r.instance.is_empty() {
                c = c.param(
                    "BackupSqlInstanceName",
                    Valid::new(valid::What::Instance, &r.instance)?,
                );
            }
            if let Some(m) = &mirror {
                c = c.param("BackupMirrorSqlServerFqdn", fqdn(m.server.as_str())?);
                if !m.instance.is_empty() {
                    c = c.param(
                        "BackupMirrorSqlInstanceName",
                        Valid::new(valid::What::Instance, &m.instance)?,
                    );
                }
            }
            Ok(vec![c.switch("Force").switch("Verbose")])
        })();
        self.run(
            vec![
                at(page, "5b"),
                at(&pages::JJ945635, "2"),
                at(&pages::INVOKE_CS_MANAGEMENT_SERVER_FAILOVER, "-BackupMirrorSqlServerFqdn"),
            ],
            format!(
                "Fail the Central Management store over to the Back End of {to}, {r}{with_mirror}. The command is the cmdlet reference's: it needs -Force, which the page leaves out, and names a mirror with -BackupMirrorSqlServerFqdn, where the page writes a parameter the cmdlet does not have:"
            ),
            here,
            command,
        );
        self.run(
            vec![at(page, "5c")],
            format!(
                "Check that ActiveMasterFqdn and ActiveFileTransferAgents now name a Front End Server of {to} ({}):",
                cx.machines(backup).iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ),
            here,
            Ok(vec![
                Command::new("Get-CsManagementStoreReplicationStatus")
                    .switch("CentralManagementStoreStatus"),
            ]),
        );
        self.run(
            vec![at(page, "5d")],
            format!(
                "Check the replicas: every one reports UpToDate True except those of the servers of {name}, which failed ({}) and report False until they are restored. Edge Servers can take a few minutes more, replication reaching them from the new master:",
                cx.machines(pool).iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ),
            here,
            Ok(vec![Command::new("Get-CsManagementStoreReplicationStatus")]),
        );
        self.lis_after_failover(pairs, pool, &to, here);
    }

    /// JJ205184's note and JJ945635 step 3: the E9-1-1 location database is not replicated to
    /// the backup pool, so once the Central Management store runs there, the location
    /// information is imported from the latest export of the failed store's host and published.
    fn lis_after_failover(
        &mut self,
        pairs: &PoolPairs<'_>,
        pool: PoolId,
        to: &str,
        here: Option<&Fqdn>,
    ) {
        let cx = self.cx;
        let host = pairs
            .backend(pool)
            .and_then(|s| cx.sql_ref(s))
            .map(|r| r.server);
        let cites = vec![at(&pages::JJ205184, "note"), at(&pages::JJ945635, "3")];
        let Some(host) = host else {
            self.say(
                cites,
                format!(
                    "The E9-1-1 location database is not replicated to {to}: restore it there from the latest export of the failed Central Management store (Import-CsLisConfiguration, then Publish-CsLisConfiguration). The topology names no Back End for the failed pool, so the inputs do not say which export that is."
                ),
            );
            return;
        };
        let lis = self.needs.artefact(prereq::settings(cx, Db::Lis, &host));
        self.run(
            cites,
            format!(
                "The E9-1-1 location database is not replicated to {to}: without this step emergency calls lose their locations. Import the latest location export of {host} into the Central Management store now on {to}, then publish it:"
            ),
            here,
            lis.argument().map(|file| {
                vec![
                    Command::new("Import-CsLisConfiguration").param("FileName", file),
                    Command::new("Publish-CsLisConfiguration"),
                ]
            }),
        );
    }

    /// JJ204678's Edge procedures: each Edge pool whose next hop is the failed pool is pointed
    /// at the backup pool, in Topology Builder when the backup pool is in the Edge pool's site,
    /// with `Set-CsEdgeServer` when it is in another.
    fn edge_next_hop(&mut self, pool: PoolId, backup: PoolId, here: Option<&Fqdn>) {
        let cx = self.cx;
        let t = cx.t;
        let page = &pages::JJ204678;
        let (name, to) = (t.pool_name(pool), t.pool_name(backup));
        for edge in edges_using(t, pool) {
            let edge_name = t.pool_name(edge);
            if t.pools[edge].site.is_some() && t.pools[edge].site == t.pools[backup].site {
                self.say(
                    vec![at(page, "intro"), at(page, "Same site 1-Same site 3")],
                    format!(
                        "The Edge pool {edge_name} uses {name} as its next hop. In {}, right-click {edge_name}, choose Edit Properties, then Next Hop; in Next hop pool select {to}, which is in the same site; click OK and publish the topology.",
                        cx.words.topology_builder
                    ),
                );
            } else {
                let command = next_hop(&edge_name, &to);
                self.run(
                    vec![at(page, "intro"), at(page, "Different site 1")],
                    format!(
                        "The Edge pool {edge_name} uses {name} as its next hop; {to} is in another site, so point the Edge pool at it from the {}:",
                        cx.words.shell
                    ),
                    here,
                    command,
                );
            }
            self.edge_replicas(edge, here);
        }
    }

    /// The Edge Servers of `edge` receive a next-hop change only by replication of the Central
    /// Management store: each one's replica is checked before the users move.
    fn edge_replicas(&mut self, edge: PoolId, here: Option<&Fqdn>) {
        let cx = self.cx;
        let machines = cx.machines(edge);
        if machines.is_empty() {
            return;
        }
        let commands = machines
            .iter()
            .map(|m| {
                fqdn(m.as_str()).map(|f| {
                    Command::new("Get-CsManagementStoreReplicationStatus").param("ReplicaFqdn", f)
                })
            })
            .collect();
        self.run(
            vec![at(
                &pages::GET_CS_MANAGEMENT_STORE_REPLICATION_STATUS,
                "-ReplicaFqdn",
            )],
            format!(
                "The Edge Servers of {} receive the change only by replication: check that each reports UpToDate True before going on, and wait while one reports False:",
                cx.t.pool_name(edge)
            ),
            here,
            commands,
        );
    }

    /// JJ204945, then JJ688030: the users failed back once the pool runs, and their conference
    /// content copied back from the backup pool.
    pub(super) fn pool_failback(&mut self, f: Failover) {
        let Failover { pool, backup, cms } = f;
        let cx = self.cx;
        let t = cx.t;
        let (name, to) = (t.pool_name(pool), t.pool_name(backup));
        let page = &pages::JJ204945;
        let here = self.shell_and_run(
            &[pool, backup],
            vec![
                at(page, "1"),
                at(&pages::INVOKE_CS_POOL_FAIL_BACK, "-DisasterMode"),
            ],
            format!(
                "once {name} runs again, fail its users back from {to}. It takes several minutes, up to about an hour for a pool of 20,000 users. Run without -DisasterMode, as here, the failback keeps what the users changed on {to} during the failover; with -DisasterMode that data would be lost:"
            ),
            fqdn(&name).map(|p| {
                vec![
                    Command::new("Invoke-CsPoolFailBack")
                        .param("PoolFqdn", p)
                        .switch("Verbose"),
                ]
            }),
        );
        let here = here.as_ref();
        for edge in edges_using(t, pool) {
            let edge_name = t.pool_name(edge);
            let command = next_hop(&edge_name, &name);
            self.run(
                vec![at(&pages::SET_CS_EDGE_SERVER, "-Registrar")],
                format!(
                    "The Edge pool {edge_name} still uses {to} as its next hop, as the failover left it. Failing back a pool (JJ204945) asks nothing more, but to bring the deployment back to what its topology records, point the Edge pool at {name} again:"
                ),
                here,
                command,
            );
            self.edge_replicas(edge, here);
        }
        if cms {
            self.say(
                vec![at(page, "after"), at(&pages::JJ205376, "intro")],
                format!("The Central Management store stays on {to}: it need not be failed back."),
            );
        }
        self.run(
            vec![at(&pages::JJ688030, "sync")],
            format!("Copy the conference content of {name}'s users back from {to}:"),
            here,
            fqdn(&to).map(|p| {
                vec![
                    Command::new("Invoke-CsBackupServiceSync")
                        .param("PoolFqdn", p)
                        .word("BackupModule", "ConfServices.DataConf"),
                ]
            }),
        );
        self.run(
            vec![at(&pages::JJ688030, "status")],
            "Follow the copy until the data conference module reports Steady State. The page also passes -BackupModule here, which Get-CsBackupServiceStatus does not have:",
            here,
            fqdn(&to).map(|p| vec![Command::new("Get-CsBackupServiceStatus").param("PoolFqdn", p)]),
        );
        let both = fqdn(&name).and_then(|a| {
            let b = fqdn(&to)?;
            Ok(vec![
                Command::new("Invoke-CsBackupServiceSync").param("PoolFqdn", a.clone()),
                Command::new("Invoke-CsBackupServiceSync").param("PoolFqdn", b.clone()),
                Command::new("Get-CsBackupServiceStatus").param("PoolFqdn", a),
                Command::new("Get-CsBackupServiceStatus").param("PoolFqdn", b),
            ])
        });
        self.run(
            vec![at(&pages::JJ204773, "10")],
            format!(
                "Make the Backup Service copy the user and conference data of both pools to each other, and run the status commands until both directions report steady state: until then the copies each pool keeps of the other are not up to date, and another disaster would fail {name} or {to} over to stale data:"
            ),
            here,
            both,
        );
    }

    /// Logs on to a running Front End Server of the first of `pools` that has one (another
    /// pool's when none has), opens the Management Shell and runs the first command of a page's
    /// step, all in one step citing it: the page's step says both where and what.
    fn shell_and_run(
        &mut self,
        pools: &[PoolId],
        cites: Vec<Cite>,
        then: String,
        commands: Commands,
    ) -> Option<Fqdn> {
        let Some(fe) = self.front_end(pools) else {
            let here = self.shell(pools, Vec::new(), Account::Server);
            self.run(cites, upper_first(&then), here.as_ref(), commands);
            return here;
        };
        let t = self.cx.t;
        let of = t
            .lookup(&fe)
            .iter()
            .find_map(|h| match h {
                HostRef::Machine(p, _) => Some(format!(" of {}", t.pool_name(*p))),
                HostRef::Pool(_) => None,
            })
            .unwrap_or_default();
        self.run(
            cites,
            format!(
                "Log on to {fe}, a Front End Server{of}, with an account that is {}, open the {}, and {then}",
                Account::Server.words(),
                self.cx.words.shell
            ),
            Some(&fe),
            commands,
        );
        self.place = Some(Some(fe.clone()));
        Some(fe)
    }
}

/// `Set-CsEdgeServer` pointing the Edge pool `edge` at the Registrar of `pool`.
fn next_hop(edge: &str, pool: &str) -> Commands {
    let e = fqdn(edge)?;
    let p = fqdn(pool)?;
    Ok(vec![
        Command::new("Set-CsEdgeServer")
            .param(
                "Identity",
                Literal::join(&[Part::Text("EdgeServer:"), Part::Value(&e)]),
            )
            .param(
                "Registrar",
                Literal::join(&[Part::Text("Registrar:"), Part::Value(&p)]),
            ),
    ])
}

/// `text` with its first letter in upper case.
fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use crate::report::plan::model::{Check, Status};
    use crate::report::plan::test_support::{edited, plan_of};
    use crate::report::plan::{Plan, Scenario, Step};
    use crate::rules::test_util::PAIRED;

    fn plan_with(edits: &[(&str, &str, &str)], failed: &[&str]) -> Plan {
        plan_of(&edited(PAIRED, edits), failed)
    }

    fn failover_steps(plan: &Plan) -> &[Step] {
        let section = &plan.sections[0];
        assert_eq!(section.scenario, Scenario::PoolFailover);
        &section.steps
    }

    #[test]
    fn values_that_fail_their_check_withhold_the_commands_naming_in009() {
        // The backup pool's Back End and the Edge pool under names no host can have.
        let plan = plan_with(
            &[
                (
                    "topology.xml",
                    "sql21.contoso.com",
                    "sql21;calc.contoso.com",
                ),
                (
                    "topology.xml",
                    "edgepool.contoso.com",
                    "edge|pool.contoso.com",
                ),
            ],
            &["pool01.contoso.com"],
        );
        let steps = failover_steps(&plan);
        let store = steps
            .iter()
            .find(|s| s.text.starts_with("Fail the Central Management store over"))
            .expect("the store's failover");
        assert!(store.commands.is_empty());
        let withheld = store.withheld.as_ref().expect("withheld");
        assert_eq!((withheld.code, withheld.name), ("IN009", "invalid-value"));
        let edge = steps
            .iter()
            .find(|s| s.text.starts_with("The Edge pool"))
            .expect("the next hop");
        assert!(edge.commands.is_empty());
        assert_eq!(edge.withheld.as_ref().map(|w| w.code), Some("IN009"));
        assert!(plan.blocked);
        // The users' failover needs neither value: its command stays.
        assert!(steps.iter().any(|s| {
            s.commands
                .iter()
                .any(|c| c.starts_with("Invoke-CsPoolFailOver"))
        }));
        let json = serde_json::to_string(&plan).expect("json");
        assert!(
            !json.contains("sql21;calc") && !json.contains("edge|pool"),
            "{json}"
        );
    }

    #[test]
    fn an_edge_pool_in_the_backup_pool_s_site_is_moved_in_topology_builder() {
        // The Edge pool's cluster placed in the second site, beside pool02.
        let plan = plan_with(
            &[
                (
                    "topology.xml",
                    "Fqdn=\"edgepool.contoso.com\">\n      <ClusterId SiteId=\"1\" Number=\"6\" />",
                    "Fqdn=\"edgepool.contoso.com\">\n      <ClusterId SiteId=\"2\" Number=\"6\" />",
                ),
                (
                    "topology.xml",
                    "<ClusterId SiteId=\"1\" Number=\"6\" />\n      </InstalledOn>",
                    "<ClusterId SiteId=\"2\" Number=\"6\" />\n      </InstalledOn>",
                ),
            ],
            &["pool01.contoso.com"],
        );
        let steps = failover_steps(&plan);
        let edge = steps
            .iter()
            .find(|s| s.text.starts_with("The Edge pool"))
            .expect("the next hop");
        assert!(edge.commands.is_empty() && edge.withheld.is_none());
        assert!(edge.text.contains("Topology Builder"), "{}", edge.text);
        assert_eq!(edge.cites[1].step, "Same site 1-Same site 3");
    }

    #[test]
    fn the_location_database_is_restored_in_the_backup_pool_from_the_recorded_export() {
        let plan = plan_with(&[], &["pool01.contoso.com"]);
        let lis = failover_steps(&plan)
            .iter()
            .find(|s| s.text.starts_with("The E9-1-1 location database"))
            .expect("the location database");
        assert_eq!(
            lis.commands,
            [
                "Import-CsLisConfiguration -FileName '\\\\backup01.contoso.com\\lync\\2026-11-20\\CsLisConfiguration.zip'",
                "Publish-CsLisConfiguration",
            ]
        );
        // Without a recorded export the step says so instead of naming a file.
        let plan = plan_with(
            &[(
                "settings.csv",
                "lis,sql01.contoso.com",
                "lis,sql09.contoso.com",
            )],
            &["pool01.contoso.com"],
        );
        let lis = failover_steps(&plan)
            .iter()
            .find(|s| s.text.starts_with("The E9-1-1 location database"))
            .expect("the location database");
        assert!(
            lis.commands[0]
                .contains("<no E9-1-1 location export (Export-CsLisConfiguration) recorded>"),
            "{:?}",
            lis.commands
        );
        // A pool that did not hold the store leaves the location database where it is.
        let plan = plan_with(&[], &["pool02.contoso.com"]);
        assert!(
            failover_steps(&plan)
                .iter()
                .all(|s| s.commands.iter().all(|c| !c.contains("CsLisConfiguration")))
        );
    }

    #[test]
    fn a_store_whose_standby_is_on_the_failed_pool_is_not_failed_over_to_it() {
        // The store is on pool01, whose backup pool is pool02: the pool that failed.
        let plan = plan_with(&[], &["pool02.contoso.com"]);
        let step = failover_steps(&plan)
            .iter()
            .find(|s| s.text.starts_with("The Central Management store is on"))
            .expect("the store's contingency");
        assert!(
            step.text.contains("cannot be failed over either")
                && step.text.contains("Back End of pool02.contoso.com")
                && !step.text.contains("fail the store over to"),
            "{}",
            step.text
        );
    }

    #[test]
    fn no_standby_store_on_the_backup_pool_withholds_the_store_s_failover() {
        // The topology defines no Central Management store database on pool02's Back End.
        let plan = plan_with(
            &[(
                "topology.xml",
                "<ServiceId SiteId=\"2\" RoleName=\"CentralMgmtStore\"",
                "<ServiceId SiteId=\"2\" RoleName=\"OtherStore\"",
            )],
            &["pool01.contoso.com"],
        );
        let steps = failover_steps(&plan);
        assert!(steps.iter().all(|s| {
            s.commands
                .iter()
                .all(|c| !c.contains("-BackupSqlServerFqdn") && !c.contains("CsLisConfiguration"))
        }));
        let step = steps
            .iter()
            .find(|s| {
                s.text
                    .starts_with("Invoke-CsManagementServerFailover is withheld")
            })
            .expect("the withheld failover");
        assert!(
            step.text.contains("sql21.contoso.com\\rtc"),
            "{}",
            step.text
        );
        assert!(plan.blocked);
        let blocker = plan
            .prerequisites
            .iter()
            .find(|p| p.check == Check::StandbyStore)
            .expect("the prerequisite");
        assert_eq!(blocker.status, Status::Blocked);
        assert_eq!(blocker.subject, "sql21.contoso.com\\rtc");
        // With the standby defined, as in the fixture, the command is written and nothing blocks.
        let plan = plan_with(&[], &["pool01.contoso.com"]);
        assert!(
            plan.prerequisites
                .iter()
                .all(|p| p.check != Check::StandbyStore)
        );
        assert!(failover_steps(&plan).iter().any(|s| {
            s.commands
                .iter()
                .any(|c| c.starts_with("Invoke-CsManagementServerFailover -BackupSqlServerFqdn"))
        }));
    }

    #[test]
    fn the_failback_ends_with_both_pools_synchronized_to_steady_state() {
        let plan = plan_with(&[], &["pool02.contoso.com"]);
        let failback = plan.sections.last().expect("the failback");
        assert_eq!(failback.scenario, Scenario::PoolFailback);
        let last = failback.steps.last().expect("a step");
        assert_eq!(
            (last.cites[0].page.key, last.cites[0].step),
            ("JJ204773", "10")
        );
        assert_eq!(
            last.commands,
            [
                "Invoke-CsBackupServiceSync -PoolFqdn 'pool02.contoso.com'",
                "Invoke-CsBackupServiceSync -PoolFqdn 'pool01.contoso.com'",
                "Get-CsBackupServiceStatus -PoolFqdn 'pool02.contoso.com'",
                "Get-CsBackupServiceStatus -PoolFqdn 'pool01.contoso.com'",
            ]
        );
        // The failback itself runs without -DisasterMode, which would drop the users' changes.
        let back = &failback.steps[0];
        assert_eq!(
            back.commands,
            ["Invoke-CsPoolFailBack -PoolFqdn 'pool02.contoso.com' -Verbose"]
        );
        assert!(back.text.contains("without -DisasterMode"), "{}", back.text);
    }

    #[test]
    fn a_standby_central_management_server_is_not_taken_for_the_active_one() {
        // A standby Central Management Server on pool02, marked IsActive="false", ahead of the
        // active one in the document, depending on the standby store on sql21.
        let standby = concat!(
            "<Service RoleVersion=\"1\" ServiceVersion=\"6\">\n",
            "      <ServiceId SiteId=\"2\" RoleName=\"CentralMgmt\" Instance=\"1\" />\n",
            "      <DependsOn>\n        <Dependency Usage=\"Default\">\n",
            "          <ServiceId SiteId=\"2\" RoleName=\"CentralMgmtStore\" Instance=\"1\" />\n",
            "        </Dependency>\n      </DependsOn>\n",
            "      <InstalledOn>\n        <ClusterId SiteId=\"2\" Number=\"1\" />\n      </InstalledOn>\n",
            "      <CentralMgmtService xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\" IsActive=\"false\" />\n",
            "    </Service>\n    <Service RoleVersion=\"1\" ServiceVersion=\"6\">\n",
            "      <ServiceId SiteId=\"1\" RoleName=\"UserServices\""
        );
        let edit = [(
            "topology.xml",
            "<Service RoleVersion=\"1\" ServiceVersion=\"6\">\n      <ServiceId SiteId=\"1\" RoleName=\"UserServices\"",
            standby,
        )];
        // pool01 still holds the store: its failure fails the store over to sql21.
        let plan = plan_with(&edit, &["pool01.contoso.com"]);
        assert!(failover_steps(&plan).iter().any(|s| {
            s.commands.iter().any(|c| {
                c.starts_with(
                    "Invoke-CsManagementServerFailover -BackupSqlServerFqdn 'sql21.contoso.com'",
                )
            })
        }));
        // pool02's failure leaves the store alone, and its Back End is restored as a Back End.
        let plan = plan_with(&edit, &["pool02.contoso.com"]);
        assert!(failover_steps(&plan).iter().any(|s| {
            s.text
                .starts_with("The Central Management store is on pool01.contoso.com")
        }));
        assert!(
            plan.sections
                .iter()
                .all(|s| s.scenario != Scenario::CentralManagement)
        );
    }

    #[test]
    fn a_backup_pool_that_failed_too_leaves_the_restore_alone() {
        let plan = plan_with(&[], &["pool01.contoso.com", "pool02.contoso.com"]);
        assert!(
            plan.sections
                .iter()
                .all(|s| !matches!(s.scenario, Scenario::PoolFailover | Scenario::PoolFailback))
        );
    }
}
