//! The ordered steps of each procedure, with every command filled in from the topology and the
//! worksheets. The wording is topolint's own; each section names Microsoft's page.

use crate::finding::Finding;
use crate::model::topology::FileStore;
use crate::model::valid::{self, Invalid, Valid};
use crate::model::values::{Db, SqlRef};
use crate::model::{Fqdn, PoolRole, placeholder, restore};
use crate::powershell::{Command, Literal, Part};

use super::prereq::{self, Artefact};
use super::select::{MEMBER_ROLES, Pick, Selection, What, backend_pools, database_types};
use super::{Cx, Mirroring, Scenario, Section, Step, Withheld, code};

/// What the procedures need, for the prerequisites checklist.
#[derive(Clone, Debug, Default)]
pub struct Needs {
    /// Servers rebuilt with the same FQDN, in plan order.
    pub servers: Vec<Fqdn>,
    /// SQL Server instances installed again with the same name.
    pub instances: Vec<SqlRef>,
    /// Backups the steps read.
    pub artefacts: Vec<Artefact>,
}

impl Needs {
    fn server(&mut self, fqdn: &Fqdn) {
        if !self.servers.contains(fqdn) {
            self.servers.push(fqdn.clone());
        }
    }

    fn instance(&mut self, r: &SqlRef) {
        if !self.instances.contains(r) {
            self.instances.push(r.clone());
        }
    }

    /// Records an artefact and returns the path the commands use.
    fn artefact(&mut self, a: Artefact) -> Artefact {
        if !self.artefacts.iter().any(|b| b.subject == a.subject) {
            self.artefacts.push(a.clone());
        }
        a
    }
}

/// The sections of a plan and what they need.
#[derive(Clone, Debug, Default)]
pub struct Built {
    pub sections: Vec<Section>,
    pub needs: Needs,
}

/// Builds the sections: each pool failed as a whole first (its order), then one per pick.
#[must_use]
pub fn sections(cx: &Cx<'_>, selection: &Selection) -> Built {
    let mut built = Built::default();
    let first_pick = selection.pools.len() + 1;
    for &pool in &selection.pools {
        built
            .sections
            .push(pool_section(cx, pool, selection, first_pick));
    }
    for pick in &selection.picks {
        let steps = {
            let mut w = Writer {
                cx,
                steps: Vec::new(),
                needs: &mut built.needs,
            };
            w.pick(pick);
            w.steps
        };
        built.sections.push(Section {
            scenario: pick.scenario,
            subject: pick.subject.clone(),
            why: pick.why.clone(),
            source: pick.scenario.source(),
            steps,
        });
    }
    built
}

/// The section for a pool failed as a whole: which sections to follow, in order.
fn pool_section(cx: &Cx<'_>, pool: usize, selection: &Selection, first_pick: usize) -> Section {
    let name = cx.t.pool_name(pool);
    let machines: Vec<String> = cx.machines(pool).iter().map(ToString::to_string).collect();
    let backends: Vec<String> = restore::user_stores(cx.t)
        .into_iter()
        .filter(|u| u.pool == pool)
        .filter_map(|u| u.sql.map(|s| cx.t.sql_display(s)))
        .collect();
    let front_end = cx.t.pool_runs(pool, "UserServices");
    let why = if front_end {
        format!(
            "{name} failed as a whole: for a Front End pool, Microsoft restores the Back End Server first ({}), then each Front End Server",
            if backends.is_empty() {
                "none in the topology".to_string()
            } else {
                backends.join(", ")
            }
        )
    } else {
        format!("{name} failed as a whole: each of its servers is restored as a member server")
    };
    let mut steps = Vec::new();
    for (i, pick) in selection.picks.iter().enumerate() {
        if backends.contains(&pick.subject) || machines.contains(&pick.subject) {
            steps.push(Step {
                text: format!(
                    "Restore {} with section {} ({}).",
                    pick.subject,
                    first_pick + i,
                    pick.scenario.label()
                ),
                ..Step::default()
            });
        }
    }
    Section {
        scenario: Scenario::Pool,
        subject: name,
        why,
        source: Scenario::Pool.source(),
        steps,
    }
}

/// Writes the steps of one section.
struct Writer<'c, 'a> {
    cx: &'c Cx<'a>,
    steps: Vec<Step>,
    needs: &'c mut Needs,
}

/// The commands of a step, or the value that stops them from being written.
type Commands = Result<Vec<Command>, Invalid>;

fn fqdn(text: &str) -> Result<Valid, Invalid> {
    Valid::new(valid::What::Fqdn, text)
}

/// `-SqlServerFqdn 'fqdn'`, and `-SqlInstanceName 'name'` unless it is the default instance.
fn sql_server(command: Command, r: &SqlRef) -> Result<Command, Invalid> {
    let command = command.param("SqlServerFqdn", fqdn(r.server.as_str())?);
    if r.instance.is_empty() {
        Ok(command)
    } else {
        Ok(command.param(
            "SqlInstanceName",
            Valid::new(valid::What::Instance, &r.instance)?,
        ))
    }
}

/// Whether a finding reports the value `invalid` holds (entities are cut when very long).
fn reports(f: &Finding, invalid: &Invalid) -> bool {
    match f.rule.code {
        "IN009" => match f.entity.strip_suffix('…') {
            Some(cut) => invalid.value.starts_with(cut),
            None => f.entity == invalid.value,
        },
        "IN006" => {
            let name = f.entity.split('@').next().unwrap_or("");
            !name.is_empty() && invalid.value.contains(name)
        }
        _ => false,
    }
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl Writer<'_, '_> {
    fn say(&mut self, text: impl Into<String>) {
        self.steps.push(Step {
            text: text.into(),
            ..Step::default()
        });
    }

    /// A step with commands; when a value they need failed its check, the step is written
    /// without them, naming the finding that reports the value.
    fn run(&mut self, text: impl Into<String>, commands: Commands) {
        let (commands, withheld) = match commands {
            Ok(commands) => (commands.into_iter().map(String::from).collect(), None),
            Err(invalid) => (Vec::new(), Some(self.withheld(&invalid))),
        };
        self.steps.push(Step {
            text: text.into(),
            commands,
            withheld,
        });
    }

    fn withheld(&self, invalid: &Invalid) -> Withheld {
        let code = if placeholder::contains(&invalid.value) {
            "IN006"
        } else {
            "IN009"
        };
        let finding = self
            .cx
            .findings
            .iter()
            .find(|f| f.rule.code == code && reports(f, invalid));
        let location = finding.and_then(|f| self.cx.location(f));
        Withheld {
            code,
            name: crate::rules::find(code).map_or("", |r| r.meta.name),
            value: invalid.value.clone(),
            message: format!(
                "a value it needs is not {}: {}",
                invalid.what.noun(),
                invalid.why
            ),
            location,
        }
    }

    fn pick(&mut self, pick: &Pick) {
        match &pick.what {
            What::Standard { pool, fqdn, cms } => self.standard(*pool, fqdn, *cms),
            What::Cms {
                sql,
                mirroring,
                mirror_lost,
            } => self.cms(*sql, mirroring.as_ref(), *mirror_lost),
            What::BackEnd { sql, mirroring } => self.back_end(*sql, mirroring.as_ref()),
            What::Primary { sql, mirroring } => self.primary(*sql, mirroring),
            What::Mirror {
                principal,
                mirroring,
            } => self.mirror(*principal, mirroring),
            What::Member { fqdn, pool } => self.member(fqdn, *pool),
            What::FileStore { store, server_lost } => self.file_store(store, *server_lost),
            What::MonitoringArchiving { sql, server_lost } => {
                self.monitoring_archiving(*sql, *server_lost);
            }
            What::PersistentChat { sql, server_lost } => self.persistent_chat(*sql, *server_lost),
            What::Witness { witness, mirroring } => self.witness(witness, mirroring),
        }
    }

    // ----- shared steps -----

    /// A clean server with the same FQDN, its operating system and certificates.
    fn rebuild(&mut self, fqdn: &Fqdn, role: &str) {
        self.needs.server(fqdn);
        let servers = restore::servers(self.cx.t);
        let server = servers.iter().find(|s| &s.fqdn.value == fqdn);
        let needs_certificates = server.is_some_and(restore::Server::needs_certificates);
        let account = if server.is_some_and(restore::Server::is_edge) {
            ""
        } else {
            " Keep its computer account in Active Directory, with its group memberships."
        };
        let certificates = if needs_certificates {
            let recorded = prereq::certificate_sources(self.cx, fqdn);
            if recorded.is_empty() {
                " Restore or re-enroll its certificates.".to_string()
            } else {
                format!(
                    " Restore or re-enroll its certificates: {}.",
                    recorded.join("; ")
                )
            }
        } else {
            " Restore or re-enroll its certificates, if it had any.".to_string()
        };
        self.say(format!(
            "Start with a clean or new server named {fqdn} ({role}), the same FQDN as the failed one, and install the operating system.{account}{certificates}"
        ));
    }

    fn log_on(&mut self, fqdn: &Fqdn, local_admin: bool) {
        let also = if local_admin {
            " and of the local Administrators group"
        } else {
            ""
        };
        self.say(format!(
            "Log on to {fqdn} with an account that is a member of RTCUniversalServerAdmins{also}."
        ));
    }

    fn install_sql(&mut self, r: &SqlRef) {
        self.needs.instance(r);
        let recorded = prereq::sql_release(self.cx, r);
        let release = recorded.map_or_else(
            || "SQL Server 2012 or SQL Server 2008 R2".to_string(),
            |v| format!("{} (as recorded in the sql-instances worksheet)", code(&v)),
        );
        let name = if r.instance.is_empty() {
            "as the default instance".to_string()
        } else {
            format!("with the instance name {}", code(&r.instance))
        };
        self.say(format!(
            "Install {release} on {} {name}, as before the failure, with the same procedure, permissions and logins as the original installation.",
            r.server
        ));
    }

    fn image(&mut self, fqdn: &Fqdn) {
        let sql = if self.needs.instances.iter().any(|r| &r.server == fqdn) {
            ", SQL Server"
        } else {
            ""
        };
        self.say(format!(
            "Take an image of {fqdn} now (operating system{sql} and certificates in place): it is the rollback point if the restore goes wrong."
        ));
    }

    fn shell_on_front_end(&mut self, pool: Option<usize>) {
        let place = pool.map_or_else(
            || "a Front End Server".to_string(),
            |p| {
                let fes = self.cx.machines(p);
                match fes.first() {
                    Some(fe) => format!("a Front End Server of {} ({fe})", self.cx.t.pool_name(p)),
                    None => format!("a Front End Server of {}", self.cx.t.pool_name(p)),
                }
            },
        );
        self.say(format!(
            "Log on to {place} with an account that is a member of RTCUniversalServerAdmins and open the Lync Server Management Shell."
        ));
    }

    fn deployment_wizard(&mut self, fqdn: &Fqdn) {
        self.say(format!(
            "On {fqdn}, start the Deployment Wizard from the installation media (\\setup\\amd64\\Setup.exe) and run Step 1 Install Local Configuration Store, Step 2 Setup or Remove Lync Server Components, Step 3 Request, Install or Assign Certificates, and Step 4 Start Services."
        ));
    }

    fn create_databases(&mut self, sql: usize, mirror: Option<&SqlRef>, skip_cms: bool) {
        let t = self.cx.t;
        let Some(server) = t.sql_server(sql).map(|f| f.value.clone()) else {
            return;
        };
        let types: Vec<&str> = database_types(self.cx, sql)
            .into_iter()
            .filter(|ty| !(skip_cms && *ty == "CentralMgmt"))
            .collect();
        let mirror_text = mirror.map_or_else(String::new, |m| {
            format!(", then continue to Create Mirror Database to re-create the mirror on {m}")
        });
        self.run(
            format!(
                "In Topology Builder, download the topology from the existing deployment, save it, and publish it (or, for a topology already published, right-click the Lync Server 2013 node and choose Install Database). On the Create databases page select the databases of {} ({}){mirror_text}. Only stand-alone databases are listed there; collocated ones are created by the Deployment Wizard. From the Management Shell the same databases are created with:",
                t.sql_display(sql),
                types.join(", ")
            ),
            fqdn(server.as_str()).map(|server| {
                vec![
                    Command::new("Install-CsDatabase")
                        .switch("ConfiguredDatabases")
                        .param("SqlServerFqdn", server)
                        .switch("Verbose"),
                ]
            }),
        );
    }

    fn user_data(&mut self, pool: usize, sql: Option<usize>) {
        let name = self.cx.t.pool_name(pool);
        let artefact = self.needs.artefact(prereq::user_data(self.cx, pool, sql));
        let front_ends: Vec<String> = self
            .cx
            .machines(pool)
            .iter()
            .map(ToString::to_string)
            .collect();
        let assumed = if artefact.assumed_file {
            " (the worksheet records the folder only; the file name is the one Export-CsUserData was given, ExportedUserData.zip by default)"
        } else {
            ""
        };
        self.run(
            format!(
                "Restore the user data of {name}{assumed}. Stop the Lync services on every Front End Server of the pool ({}) first, import once, then start the services on all of them together:",
                list(&front_ends)
            ),
            fqdn(&name).and_then(|pool| {
                Ok(vec![
                    Command::new("Stop-CsWindowsService"),
                    Command::new("Import-CsUserData")
                        .param("PoolFqdn", pool)
                        .param("FileName", artefact.argument(None)?),
                    Command::new("Start-CsWindowsService"),
                ])
            }),
        );
    }

    fn response_groups(&mut self, pool: usize) {
        if !self.cx.t.pool_runs(pool, "ApplicationServer") {
            return;
        }
        let name = self.cx.t.pool_name(pool);
        let artefact = self.needs.artefact(prereq::rgs(self.cx, pool));
        self.run(
            format!(
                "Restore the Response Group configuration of {name}. -OverwriteOwner is needed even for a pool with the same FQDN: the Response Group contact objects are still in Active Directory."
            ),
            fqdn(&name).and_then(|pool| {
                Ok(vec![
                    Command::new("Import-CsRgsConfiguration")
                        .param(
                            "Destination",
                            Literal::join(&[
                                Part::Text("service:ApplicationServer:"),
                                Part::Value(&pool),
                            ]),
                        )
                        .switch("OverwriteOwner")
                        .param("FileName", artefact.argument(None)?),
                ])
            }),
        );
    }

    fn sql_restore(&mut self, sql: usize, dbs: &[Db]) {
        let shown = self.cx.t.sql_display(sql);
        for db in dbs {
            let artefact = self.needs.artefact(prereq::sql_backup(self.cx, *db, sql));
            let set = artefact
                .set_name
                .as_ref()
                .map_or_else(String::new, |s| format!(" (backup set {})", code(s)));
            self.say(format!(
                "In SQL Server Management Studio, connect to {shown}, right-click Databases, choose Restore Database, select `{}` as the database and restore it from the backup in {}{set}. Under Options, check that the data and log files go to the original folders.",
                display_db(*db),
                code(&artefact.path())
            ));
        }
    }

    fn monitoring_archiving_data(&mut self, sql: usize) {
        let stores = self.cx.t.stores_on(sql);
        let mut dbs = Vec::new();
        if stores.contains(&"ArchivingStore") {
            dbs.push(Db::Lcslog);
        }
        if stores.contains(&"MonitoringStore") {
            dbs.extend([Db::Lcscdr, Db::Qoemetrics]);
        }
        if dbs.is_empty() {
            return;
        }
        self.sql_restore(sql, &dbs);
        let names: Vec<String> = dbs.iter().map(|d| display_db(*d).to_string()).collect();
        self.say(format!(
            "Under Security > Users of {}, check that the domain group RTCComponentUniversalServices is a user with the ServerRole database role; add it if it is missing (no service restart is needed).",
            list(&names)
        ));
    }

    fn persistent_chat_data(&mut self, sql: usize) {
        if !self.cx.t.stores_on(sql).contains(&"PersistentChatStore") {
            return;
        }
        let artefact = self
            .needs
            .artefact(prereq::sql_backup(self.cx, Db::Mgc, sql));
        let tool = artefact.tool.clone().unwrap_or_default().to_lowercase();
        let r = self.cx.t.sql_display(sql);
        if tool.contains("export-cspersistentchatdata") {
            self.run(
                format!(
                    "The Persistent Chat database was exported with Export-CsPersistentChatData, so import it with the matching cmdlet, from an account in CsPersistentChatAdministrator{}:",
                    if artefact.assumed_file {
                        " (the worksheet records the folder only; the file name is the one the export was given)"
                    } else {
                        ""
                    }
                ),
                Valid::new(valid::What::SqlInstance, &r).and_then(|instance| {
                    Ok(vec![
                        Command::new("Import-CsPersistentChatData")
                            .param("DBInstance", instance)
                            .param("FileName", artefact.argument(Some("PersistentChat.zip"))?),
                    ])
                }),
            );
        } else if tool.contains("sql") || tool.contains("ssms") {
            self.say("The Persistent Chat database was backed up with SQL Server backup, so restore it with SQL Server (not Import-CsPersistentChatData):".to_string());
            self.sql_restore_prepared(sql, Db::Mgc, &artefact);
        } else {
            self.say(format!(
                "Restore the Persistent Chat database (mgc) on {r} with the method its backup used: SQL Server restore for a SQL Server backup, Import-CsPersistentChatData for an Export-CsPersistentChatData file. The worksheet does not say which ({}).",
                code(&artefact.path())
            ));
        }
    }

    fn sql_restore_prepared(&mut self, sql: usize, db: Db, artefact: &Artefact) {
        let set = artefact
            .set_name
            .as_ref()
            .map_or_else(String::new, |s| format!(" (backup set {})", code(s)));
        self.say(format!(
            "In SQL Server Management Studio, connect to {}, choose Restore Database, select `{}` and restore it from the backup in {}{set}; check that the data and log files go to the original folders.",
            self.cx.t.sql_display(sql),
            display_db(db),
            code(&artefact.path())
        ));
    }

    fn install_cms(&mut self, r: &SqlRef) {
        let xds = self
            .needs
            .artefact(prereq::settings(self.cx, Db::Xds, &r.server));
        let install = Command::new("Install-CsDatabase")
            .switch("CentralManagementDatabase")
            .switch("Clean");
        self.run(
            "Re-create the Central Management store:",
            sql_server(install, r).map(|c| vec![c.switch("Verbose")]),
        );
        self.run(
            "Point Active Directory at it (run it again if the connection point is ever lost):",
            sql_server(Command::new("Set-CsConfigurationStoreLocation"), r)
                .map(|c| vec![c.switch("Verbose")]),
        );
        self.run(
            "Import the configuration exported with Export-CsConfiguration:",
            xds.argument(None)
                .map(|file| vec![Command::new("Import-CsConfiguration").param("FileName", file)]),
        );
        self.run(
            "Enable the imported topology, policies and settings:",
            Ok(vec![Command::new("Enable-CsTopology")]),
        );
    }

    fn lis(&mut self, server: &Fqdn) {
        let lis = self
            .needs
            .artefact(prereq::settings(self.cx, Db::Lis, server));
        self.run(
            "Restore the E9-1-1 location information into the Central Management store:",
            lis.argument(None).map(|file| {
                vec![Command::new("Import-CsLisConfiguration").param("FileName", file)]
            }),
        );
    }

    // ----- scenarios -----

    fn standard(&mut self, pool: usize, fqdn: &Fqdn, cms: Option<usize>) {
        self.rebuild(fqdn, "Standard Edition server");
        self.log_on(fqdn, true);
        self.image(fqdn);
        let stores: Vec<FileStore> = self
            .cx
            .t
            .file_stores()
            .into_iter()
            .filter(|s| s.pool == pool)
            .collect();
        for store in &stores {
            self.copy_file_store(store);
        }
        match cms.and_then(|i| self.cx.sql_ref(i)) {
            Some(r) => {
                self.say(format!(
                    "On {fqdn}, start the Deployment Wizard (\\setup\\amd64\\Setup.exe) and choose Prepare first Standard Edition server, which installs the Central Management store. Then, in the Lync Server Management Shell on {fqdn}:"
                ));
                self.install_cms(&r);
                self.deployment_wizard(fqdn);
                self.user_data(pool, cms);
                self.lis(&r.server);
            }
            None => {
                self.say(
                    "In Topology Builder, download the topology from the existing deployment and save it.",
                );
                self.deployment_wizard(fqdn);
                let sql = restore::user_stores(self.cx.t)
                    .into_iter()
                    .find(|u| u.pool == pool)
                    .and_then(|u| u.sql);
                self.user_data(pool, sql);
            }
        }
        self.response_groups(pool);
        let instances: Vec<usize> = (0..self.cx.t.sql_instances.len())
            .filter(|&i| self.cx.t.sql_instances[i].pool == Some(pool))
            .collect();
        for i in instances {
            self.persistent_chat_data(i);
        }
    }

    fn cms(&mut self, sql: usize, mirroring: Option<&Mirroring>, mirror_lost: bool) {
        let Some(r) = self.cx.sql_ref(sql) else {
            return;
        };
        let pools = backend_pools(self.cx, sql);
        if let Some(m) = mirroring
            && !mirror_lost
        {
            self.say(format!(
                "Back up the databases of the mirror {}, which still works: it holds newer data than the last scheduled backup. Restore both {r} and {} from that backup with the steps below.",
                m.mirror, m.mirror
            ));
        }
        self.rebuild(
            &r.server,
            "Back End Server holding the Central Management store",
        );
        self.log_on(&r.server, true);
        self.install_sql(&r);
        if let Some(m) = mirroring.filter(|_| mirror_lost) {
            self.rebuild(&m.mirror.server, "mirror of the Back End");
            self.install_sql(&m.mirror);
        }
        self.image(&r.server);
        if let Some(m) = mirroring.filter(|_| mirror_lost) {
            self.image(&m.mirror.server);
        }
        self.shell_on_front_end(pools.first().copied());
        self.install_cms(&r);
        self.create_databases(sql, mirroring.map(|m| &m.mirror), true);
        for &pool in &pools {
            self.user_data(pool, Some(sql));
        }
        self.lis(&r.server);
        for &pool in &pools {
            self.response_groups(pool);
        }
        self.monitoring_archiving_data(sql);
    }

    fn back_end(&mut self, sql: usize, mirroring: Option<&Mirroring>) {
        let Some(r) = self.cx.sql_ref(sql) else {
            return;
        };
        let pools = backend_pools(self.cx, sql);
        self.rebuild(&r.server, "Back End Server");
        self.log_on(&r.server, false);
        self.install_sql(&r);
        if let Some(m) = mirroring {
            self.rebuild(&m.mirror.server, "mirror of the Back End");
            self.install_sql(&m.mirror);
        }
        self.image(&r.server);
        if let Some(m) = mirroring {
            self.image(&m.mirror.server);
        }
        self.create_databases(sql, mirroring.map(|m| &m.mirror), false);
        for &pool in &pools {
            self.user_data(pool, Some(sql));
        }
        for &pool in &pools {
            self.response_groups(pool);
        }
        self.monitoring_archiving_data(sql);
    }

    fn primary(&mut self, sql: usize, m: &Mirroring) {
        let Some(r) = self.cx.sql_ref(sql) else {
            return;
        };
        let pool = backend_pools(self.cx, sql).first().copied();
        let pool_name = pool.map_or_else(|| "?".to_string(), |p| self.cx.t.pool_name(p));
        let types = database_types(self.cx, sql);
        self.shell_on_front_end(pool);
        let failover = |pool: &Valid| -> Vec<Command> {
            types
                .iter()
                .map(|ty| {
                    Command::new("Invoke-CsDatabaseFailover")
                        .param("PoolFqdn", pool)
                        .word("DatabaseType", ty)
                        .word("NewPrincipal", "Mirror")
                        .switch("Force")
                        .switch("Verbose")
                })
                .collect()
        };
        match &m.witness {
            Some(w) => {
                self.run(
                    format!(
                        "The mirroring witness {w} makes failover automatic: check which database types already run on {}, and fail over by hand only those still on {r}:",
                        m.mirror
                    ),
                    fqdn(&pool_name).map(|pool| {
                        types
                            .iter()
                            .map(|ty| {
                                Command::new("Get-CsDatabaseMirrorState")
                                    .param("PoolFqdn", &pool)
                                    .word("DatabaseType", ty)
                            })
                            .collect()
                    }),
                );
                self.run(
                    format!("Fail over to the mirror {} where needed:", m.mirror),
                    fqdn(&pool_name).map(|pool| failover(&pool)),
                );
            }
            None => self.run(
                format!(
                    "There is no witness, so fail every database type of {r} over to the mirror {} by hand:",
                    m.mirror
                ),
                fqdn(&pool_name).map(|pool| failover(&pool)),
            ),
        }
        self.say(format!(
            "In Topology Builder, edit the properties of {pool_name} and, under Associations, clear Enable SQL Server store mirroring (also for Archiving and Monitoring where they are mirrored); publish the topology. Then set the SQL Server store of {pool_name} to {} and publish again.",
            m.mirror
        ));
        let fes: Vec<String> = pool
            .map(|p| self.cx.machines(p))
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect();
        self.run(
            format!(
                "On each Front End Server of {pool_name} ({}), restart the services so that it reads the new topology:",
                list(&fes)
            ),
            Ok(vec![
                Command::new("Stop-CsWindowsService"),
                Command::new("Start-CsWindowsService"),
            ]),
        );
        self.run(
            format!(
                "Remove mirroring from the surviving principal {}, for each database type:",
                m.mirror
            ),
            uninstall_mirroring(&m.mirror, &types),
        );
        self.rebuild(&r.server, "new mirror of the Back End");
        self.log_on(&r.server, false);
        self.install_sql(&r);
        self.image(&r.server);
        let witness = m
            .witness
            .as_ref()
            .map_or_else(String::new, |w| format!(", keep {w} as the witness"));
        self.say(format!(
            "From a Front End Server, in Topology Builder, edit {pool_name}: select Enable SQL Server store mirroring with {r} as the mirroring SQL Server store{witness}. Then choose Topology > Install Database, select the databases, and follow the wizard to Create Mirror Database."
        ));
        self.say(format!(
            "{} is now the principal and {r} its mirror: update the sql-instances worksheet (the Mirror cell moves to the {} row) and the backup rows that name {}.",
            m.mirror, m.mirror.server, r.server
        ));
    }

    fn mirror(&mut self, principal: Option<usize>, m: &Mirroring) {
        let pool = principal.and_then(|i| backend_pools(self.cx, i).first().copied());
        let types = principal.map_or_else(|| vec!["User"], |i| database_types(self.cx, i));
        self.shell_on_front_end(pool);
        self.run(
            format!(
                "Remove mirroring from the principal {}, for each database type on it:",
                m.principal
            ),
            uninstall_mirroring(&m.principal, &types),
        );
        self.rebuild(&m.mirror.server, "new mirror of the Back End");
        self.log_on(&m.mirror.server, false);
        self.install_sql(&m.mirror);
        self.image(&m.mirror.server);
        let witness = m
            .witness
            .as_ref()
            .map_or_else(String::new, |w| format!(" (witness {w})"));
        self.say(format!(
            "From a Front End Server, in Topology Builder, choose Topology > Install Database, select the databases, and follow the wizard to Create Mirror Database on {}{witness}.",
            m.mirror
        ));
    }

    fn member(&mut self, fqdn: &Fqdn, pool: usize) {
        let roles = self.cx.t.pool_roles(pool);
        let labels: Vec<&str> = roles
            .iter()
            .filter(|r| MEMBER_ROLES.contains(r))
            .map(|r| r.label())
            .collect();
        self.rebuild(fqdn, &labels.join(", "));
        self.log_on(fqdn, false);
        self.image(fqdn);
        if roles.contains(&PoolRole::Edge) {
            self.say(format!(
                "{fqdn} is an Edge Server, outside the domain: for Step 1 of the Deployment Wizard, export the configuration on a Front End Server with Export-CsConfiguration -LocalStore and copy the file to {fqdn}."
            ));
        }
        self.deployment_wizard(fqdn);
    }

    fn copy_file_store(&mut self, store: &FileStore) {
        let artefact = self.needs.artefact(prereq::file_store(self.cx, store));
        let host = self.cx.t.pool_name(store.pool);
        self.run(
            format!(
                "On {host}, create the folder and share it as {}, so that the path is exactly {} as before; then copy the file store back into it:",
                code(&store.share.value),
                code(&store.unc)
            ),
            artefact.argument(None).and_then(|from| {
                Ok(vec![
                    Command::new("robocopy")
                        .arg(from)
                        .arg(Valid::new(valid::What::Path, &store.unc)?)
                        .option("/E"),
                ])
            }),
        );
    }

    fn file_store(&mut self, store: &FileStore, server_lost: bool) {
        let host = self.cx.t.pool_name(store.pool);
        if server_lost {
            self.rebuild(&Fqdn::new(&host), "file server");
            self.log_on(&Fqdn::new(&host), true);
        }
        self.copy_file_store(store);
        self.run(
            "Set the access control lists of the file store (needed only if Topology Builder did not run during this restore):",
            Ok(vec![Command::new("Enable-CsTopology")]),
        );
    }

    fn rebuild_database_server(&mut self, sql: usize, role: &str) {
        let Some(r) = self.cx.sql_ref(sql) else {
            return;
        };
        self.rebuild(&r.server, role);
        self.log_on(&r.server, true);
        self.install_sql(&r);
        self.image(&r.server);
        self.create_databases(sql, None, false);
    }

    fn monitoring_archiving(&mut self, sql: usize, server_lost: bool) {
        if server_lost {
            self.rebuild_database_server(sql, "Monitoring/Archiving database server");
        }
        self.say(
            "Restoring this data is not needed to bring Lync Server back up; restore it when the records matter to your organisation.",
        );
        self.monitoring_archiving_data(sql);
    }

    fn persistent_chat(&mut self, sql: usize, server_lost: bool) {
        if server_lost {
            self.rebuild_database_server(sql, "Persistent Chat database server");
        }
        self.persistent_chat_data(sql);
    }

    fn witness(&mut self, witness: &SqlRef, m: &Mirroring) {
        let principal = self.cx.instance(&m.principal);
        let pool = principal.and_then(|i| backend_pools(self.cx, i).first().copied());
        let pool_name = pool.map_or_else(|| "the pool".to_string(), |p| self.cx.t.pool_name(p));
        self.rebuild(&witness.server, "mirroring witness");
        self.log_on(&witness.server, false);
        self.install_sql(witness);
        self.say(format!(
            "A witness is deployed only together with the mirror: from a Front End Server, in Topology Builder, edit {pool_name}, keep Enable SQL Server store mirroring with {} and Use SQL mirroring witness with {witness}; then choose Topology > Install Database and follow the wizard to Create Mirror Database.",
            m.mirror
        ));
    }
}

/// `Uninstall-CsMirrorDatabase` on an instance, once per database type.
fn uninstall_mirroring(r: &SqlRef, types: &[&'static str]) -> Commands {
    types
        .iter()
        .map(|ty| {
            sql_server(Command::new("Uninstall-CsMirrorDatabase"), r)
                .map(|c| c.word("DatabaseType", ty).switch("Verbose"))
        })
        .collect()
}

/// A database's name as SQL Server Management Studio lists it.
fn display_db(db: Db) -> &'static str {
    match db {
        Db::Lcslog => "LcsLog",
        Db::Lcscdr => "LcsCDR",
        Db::Qoemetrics => "QoEMetrics",
        other => other.name(),
    }
}

#[cfg(test)]
mod tests {
    use crate::plan::test_support::plan;
    use crate::plan::{Plan, Step};
    use crate::rules::test_util::EXAMPLE;

    /// The example with each (file, from, to) edit applied.
    fn example_with(edits: &[(&str, &str, &str)]) -> Vec<(&'static str, String)> {
        EXAMPLE
            .iter()
            .map(|(name, text)| {
                let mut text = (*text).to_string();
                for (file, from, to) in edits {
                    if file == name {
                        assert!(text.contains(from), "{name}: {from}");
                        text = text.replacen(from, to, 1);
                    }
                }
                (*name, text)
            })
            .collect()
    }

    fn plan_of(files: &[(&'static str, String)], failed: &str) -> Plan {
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        plan(&borrowed, &[failed]).expect("plan")
    }

    fn steps(plan: &Plan) -> impl Iterator<Item = &Step> {
        plan.sections.iter().flat_map(|s| &s.steps)
    }

    #[test]
    fn a_step_whose_value_fails_is_written_without_its_command() {
        let files = example_with(&[(
            "settings.csv",
            "CsConfiguration.zip",
            "Cs|Configuration.zip",
        )]);
        let plan = plan_of(&files, "sql01.contoso.com");
        let step = steps(&plan)
            .find(|s| s.text.starts_with("Import the configuration"))
            .expect("the import step");
        assert!(step.commands.is_empty());
        let withheld = step.withheld.as_ref().expect("withheld");
        assert_eq!((withheld.code, withheld.name), ("IN009", "invalid-value"));
        assert_eq!(withheld.location.as_deref(), Some("settings.csv:2:58"));
        assert!(
            withheld
                .message
                .starts_with("a value it needs is not a file name")
        );
        assert!(plan.blocked);
        // The value is nowhere in the plan, not even in the prerequisites.
        let json = serde_json::to_string(&plan).expect("json");
        assert!(!json.contains("Cs|Configuration"), "{json}");
        assert!(json.contains("(a value that is not valid: IN009 at settings.csv:2:58)"));
    }

    #[test]
    fn a_placeholder_names_in006() {
        let files = example_with(&[(
            "settings.csv",
            "CsConfiguration.zip,\\\\backup01.contoso.com\\lync\\2026-11-20",
            "CsConfiguration.zip,\\\\$BackupHost\\lync",
        )]);
        let plan = plan_of(&files, "sql01.contoso.com");
        let withheld = steps(&plan)
            .find_map(|s| s.withheld.as_ref())
            .expect("withheld");
        assert_eq!(withheld.code, "IN006");
        assert!(withheld.location.is_some());
    }

    #[test]
    fn valid_values_are_single_quoted_literals() {
        let files = example_with(&[("settings.csv", "CsConfiguration.zip", "it's $(x).zip")]);
        let plan = plan_of(&files, "sql01.contoso.com");
        let commands: Vec<&str> = steps(&plan)
            .flat_map(|s| &s.commands)
            .map(String::as_str)
            .collect();
        assert!(
            commands.contains(
                &"Import-CsConfiguration -FileName '\\\\backup01.contoso.com\\lync\\2026-11-20\\it''s $(x).zip'"
            ),
            "{commands:?}"
        );
        assert!(!plan.blocked);
    }
}
