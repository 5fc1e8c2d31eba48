//! The ordered steps of each procedure, with every command filled in from the topology and the
//! worksheets. The wording is topolint's own; every step cites the page and step of Microsoft's
//! it carries out ([`Cite`]), and names the server it is done on, so that no step uses a server
//! that failed before the step that rebuilds it.

use std::collections::BTreeSet;

use crate::analysis::restore;
use crate::lint::finding::Finding;
use crate::model::topology::FileStore;
use crate::model::valid::{self, Invalid, Valid};
use crate::model::values::{Db, SqlRef};
use crate::model::{Fqdn, PoolRole, placeholder};
use crate::model::{PoolId, SqlId};
use crate::report::powershell::{Command, Literal, Part};

use super::model::{Cx, Mirroring, Scenario, Section, Step, Withheld, code};
use super::pages::{self, Cite, Page, at};
use super::prereq::{self, Artefact, LOCAL_FOLDER, MIRRORING_SHARE, Needs};
mod failover;

use super::select::{
    MEMBER_ROLES, Pick, Restored, Selection, What, backend_of, backend_pools, database_types,
    is_namespace,
};

/// The sections of a plan and what they need.
#[derive(Clone, Debug, Default)]
pub struct Built {
    pub sections: Vec<Section>,
    pub needs: Needs,
}

/// Builds one section per pick, in order. A server rebuilt in one section can be worked on in
/// the sections after it.
#[must_use]
pub fn sections(cx: &Cx<'_>, selection: &Selection) -> Built {
    let mut built = Built::default();
    let mut restored: BTreeSet<Fqdn> = BTreeSet::new();
    for pick in &selection.picks {
        let page = pick.scenario.page(&cx.words);
        let steps = {
            let mut w = Writer {
                cx,
                sel: selection,
                steps: Vec::new(),
                needs: &mut built.needs,
                restored: &mut restored,
                page,
                place: None,
            };
            w.pick(pick);
            w.steps
        };
        built.sections.push(Section {
            scenario: pick.scenario,
            subject: pick.subject.clone(),
            why: pick.why.clone(),
            source: page,
            steps,
        });
    }
    built
}

/// Writes the steps of one section.
struct Writer<'c, 'a> {
    cx: &'c Cx<'a>,
    sel: &'c Selection,
    steps: Vec<Step>,
    needs: &'c mut Needs,
    /// Servers the plan has rebuilt so far.
    restored: &'c mut BTreeSet<Fqdn>,
    /// The section's page: what [`Writer::at`] cites.
    page: &'static Page,
    /// Where the section last opened the Management Shell (`Some(None)`: a computer with the
    /// administrative tools).
    place: Option<Option<Fqdn>>,
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

/// `-ForInstance 'name'`, or `-ForDefaultInstance`: how `-ConfiguredDatabases` is limited to
/// one instance (that parameter set has no `-SqlInstanceName`).
fn for_instance(command: Command, r: &SqlRef) -> Result<Command, Invalid> {
    if r.instance.is_empty() {
        Ok(command.switch("ForDefaultInstance"))
    } else {
        Ok(command.param(
            "ForInstance",
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

/// Who logs on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Account {
    /// RTCUniversalServerAdmins.
    Server,
    /// RTCUniversalServerAdmins and the local Administrators group (the Deployment Wizard).
    ServerAndLocal,
    /// The local Administrators group.
    Local,
}

impl Account {
    fn words(self) -> &'static str {
        match self {
            Self::Server => "a member of RTCUniversalServerAdmins",
            Self::ServerAndLocal => {
                "a member of RTCUniversalServerAdmins and of the local Administrators group"
            }
            Self::Local => "a member of the local Administrators group",
        }
    }
}

/// How a user data import stops and starts the pool's services.
#[derive(Clone, Copy)]
enum Data<'f> {
    /// One server (Standard Edition), worked on locally.
    Single(&'f Fqdn),
    /// A running pool: stopped on every Front End Server, started again together.
    Pool,
    /// A pool whose services have not started yet: the import comes before its start, done
    /// on the server given.
    NotStarted(Option<&'f Fqdn>),
}

/// The imports of user data and Response Group configuration, by the page that asks for them.
struct DataSteps {
    copy: &'static str,
    shell: &'static str,
    stop: &'static str,
    import: &'static str,
    start: &'static str,
    rgs: &'static str,
}

/// Hh202190 step 6 and 7; Hh202172 step 12 and 14; Hh202163 step 5 and 6.
fn data_steps(page: &Page) -> DataSteps {
    match page.key {
        "Hh202190" => DataSteps {
            copy: "6.1",
            shell: "6.1",
            stop: "6.2",
            import: "6.3",
            start: "6.4",
            rgs: "7",
        },
        "Hh202172" => DataSteps {
            copy: "12.1",
            shell: "12.1",
            stop: "12.2",
            import: "12.3",
            start: "12.4",
            rgs: "14",
        },
        _ => DataSteps {
            copy: "5.1",
            shell: "5.2",
            stop: "5.3",
            import: "5.4",
            start: "5.5",
            rgs: "6",
        },
    }
}

/// The Topology Builder steps of a page that creates databases: Hh202163 step 4 publishes the
/// topology, Hh202172 step 10 installs the databases.
struct DatabaseSteps {
    open: &'static str,
    create: &'static str,
    mirror: &'static str,
    tip: &'static str,
    /// The menu item Microsoft's page names.
    action: &'static str,
}

const BACK_END_DATABASES: DatabaseSteps = DatabaseSteps {
    open: "4.1-4.3",
    create: "4.4-4.5",
    mirror: "4.6-4.7",
    tip: "4 tip",
    action: "Publish Topology",
};

const CMS_DATABASES: DatabaseSteps = DatabaseSteps {
    open: "10.1-10.3",
    create: "10.4-10.5",
    mirror: "10.6-10.7",
    tip: "10 tip",
    action: "Install Database",
};

/// The Lync Server 2013 quorum table of Gg412996: Front End Servers that must run for a pool
/// of `n` to start (85%, rounded as the page's table does).
fn routing_quorum(n: usize) -> usize {
    match n {
        0 | 1 => n,
        2 => 1,
        3 | 4 => 3,
        5 => 4,
        6 | 7 => 5,
        8 => 6,
        9 => 7,
        10 => 8,
        11 => 9,
        12 => 10,
        _ => (n * 85).div_ceil(100),
    }
}

/// Gg412996's pool-level quorum: how many must run for the pool to keep running at all.
fn pool_quorum(n: usize) -> &'static str {
    match n {
        0..=2 => "one",
        3 | 4 => "any two",
        5 | 6 => "any three",
        7 => "any four",
        8 | 9 => "any four of the first seven",
        _ => "any five of the first nine",
    }
}

/// A file name for a backup taken now: `stem-from-mirror-DATE.zip`.
fn fresh_name(cx: &Cx<'_>, stem: &str) -> String {
    format!("{stem}-from-mirror-{}.zip", cx.as_of)
}

/// The backups a Central Management store host's restore reads: the scheduled ones, or, when
/// its mirror still works, the fresh ones this plan exports first.
#[derive(Clone, Debug)]
struct Backups {
    xds: Artefact,
    lis: Artefact,
    /// Per pool whose user store is on the instance.
    users: Vec<(PoolId, Artefact)>,
    /// Per such pool running Response Group.
    rgs: Vec<(PoolId, Artefact)>,
}

fn backups(cx: &Cx<'_>, sql: SqlId, host: &Fqdn, from: Option<&SqlRef>) -> Backups {
    let fresh = |a: Artefact, stem: String| match from {
        Some(m) => a.fresh(fresh_name(cx, &stem), m),
        None => a,
    };
    let pools = backend_pools(cx, sql);
    Backups {
        xds: fresh(
            prereq::settings(cx, Db::Xds, host),
            "CsConfiguration".to_string(),
        ),
        lis: fresh(
            prereq::settings(cx, Db::Lis, host),
            "CsLisConfiguration".to_string(),
        ),
        users: pools
            .iter()
            .map(|&p| {
                let a = prereq::user_data(cx, p, Some(sql));
                (p, fresh(a, format!("UserData-{}", cx.t.pool_name(p))))
            })
            .collect(),
        rgs: pools
            .iter()
            .filter(|&&p| cx.t.pool_runs(p, "ApplicationServer"))
            .map(|&p| {
                let a = prereq::rgs(cx, p);
                (
                    p,
                    fresh(a, format!("RgsConfiguration-{}", cx.t.pool_name(p))),
                )
            })
            .collect(),
    }
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

/// The databases of Monitoring and Archiving store roles (Hh202175 step 5).
fn monitoring_archiving_dbs(stores: &[&str]) -> Vec<Db> {
    let mut dbs = Vec::new();
    if stores.contains(&"ArchivingStore") {
        dbs.push(Db::Lcslog);
    }
    if stores.contains(&"MonitoringStore") {
        dbs.extend([Db::Lcscdr, Db::Qoemetrics]);
    }
    dbs
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

impl Writer<'_, '_> {
    /// The section's page at `step`.
    fn at(&self, step: &'static str) -> Cite {
        at(self.page, step)
    }

    /// A step without commands.
    fn say(&mut self, cites: Vec<Cite>, text: impl Into<String>) {
        self.run(cites, text, None, Ok(Vec::new()));
    }

    /// A step done on a server, without commands.
    fn say_on(&mut self, cites: Vec<Cite>, text: impl Into<String>, on: &Fqdn) {
        self.run(cites, text, Some(on), Ok(Vec::new()));
    }

    /// A step with commands; when a value they need failed its check, the step is written
    /// without them, naming the finding that reports the value.
    fn run(&mut self, cites: Vec<Cite>, text: impl Into<String>, on: Option<&Fqdn>, c: Commands) {
        let (commands, withheld) = match c {
            Ok(commands) => (commands.into_iter().map(String::from).collect(), None),
            Err(invalid) => (Vec::new(), Some(self.withheld(&invalid))),
        };
        self.steps.push(Step {
            text: text.into(),
            cites,
            on: on.map(ToString::to_string),
            rebuilds: None,
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
            What::Pool { pool } => self.pool(*pool),
            What::PoolStart { pool, backend } => self.pool_start(*pool, *backend),
            What::Standard { pool, fqdn, cms } => {
                match cms.and_then(|i| self.cx.sql_ref(i).map(|r| (i, r))) {
                    Some((sql, r)) => self.standard_cms(*pool, fqdn, sql, &r),
                    None => self.standard(*pool, fqdn),
                }
            }
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
            What::MonitoringArchiving {
                sql,
                server_lost,
                stores,
            } => self.monitoring_archiving(*sql, *server_lost, stores),
            What::PersistentChat { sql, server_lost } => self.persistent_chat(*sql, *server_lost),
            What::Witness { witness, mirroring } => self.witness(witness, mirroring),
            What::PoolFailover(f) => self.pool_failover(*f),
            What::PoolFailback(f) => self.pool_failback(*f),
        }
    }

    // ----- where the work is done -----

    /// Whether a server runs at this point of the plan: it did not fail, or a section before
    /// this step rebuilt it.
    fn usable(&self, fqdn: &Fqdn) -> bool {
        !self.sel.lost.contains(fqdn) || self.restored.contains(fqdn)
    }

    /// A Front End Server that runs at this point: of the first of `pools` that has one, else
    /// of any Front End pool or Standard Edition server.
    fn front_end(&self, pools: &[PoolId]) -> Option<Fqdn> {
        let t = self.cx.t;
        let others = t.pool_ids().filter(|p| t.pool_runs(*p, "UserServices"));
        pools
            .iter()
            .copied()
            .chain(others)
            .flat_map(|p| self.cx.machines(p))
            .find(|m| self.usable(m))
    }

    /// `section 3`, `sections 3 to 5`: where the servers are rebuilt.
    fn sections_of(&self, servers: &[Fqdn]) -> String {
        let mut numbers: Vec<usize> = servers
            .iter()
            .filter_map(|s| {
                self.sel
                    .section_of(Scenario::MemberServer, &s.to_string())
                    .or_else(|| {
                        self.sel
                            .section_of(Scenario::StandardEdition, &s.to_string())
                    })
            })
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        match numbers.as_slice() {
            [] => "later in this plan".to_string(),
            [one] => format!("in section {one}"),
            [first, .., last] => format!("in sections {first} to {last}"),
        }
    }

    /// `fe01.contoso.com is rebuilt in section 3`, `... and ... are rebuilt in sections 3 to 5`.
    fn rebuilt_later(&self, servers: &[Fqdn]) -> String {
        let names: Vec<String> = servers.iter().map(ToString::to_string).collect();
        let verb = if names.len() == 1 { "is" } else { "are" };
        format!(
            "{} {verb} rebuilt {}",
            list(&names),
            self.sections_of(servers)
        )
    }

    /// Logs on to a running Front End Server and opens the Management Shell. When none runs
    /// at this point (every one failed and is rebuilt later), the steps are done from a
    /// domain computer with the administrative tools, which Microsoft's pages allow.
    fn shell(&mut self, pools: &[PoolId], cites: Vec<Cite>, account: Account) -> Option<Fqdn> {
        let place = self.open_shell(pools, cites, account);
        self.place = Some(place.clone());
        place
    }

    /// Like [`Self::shell`], but no step when the section's shell is already open there.
    fn shell_once(&mut self, pools: &[PoolId], cites: Vec<Cite>, account: Account) -> Option<Fqdn> {
        let here = self.front_end(pools);
        match &self.place {
            Some(open) if *open == here => here,
            _ => self.shell(pools, cites, account),
        }
    }

    fn open_shell(&mut self, pools: &[PoolId], cites: Vec<Cite>, account: Account) -> Option<Fqdn> {
        let shell = self.cx.words.shell;
        match self.front_end(pools) {
            Some(fe) => {
                let of = self
                    .cx
                    .t
                    .lookup(&fe)
                    .iter()
                    .find_map(|h| match h {
                        crate::model::HostRef::Machine(p, _) => Some(*p),
                        crate::model::HostRef::Pool(_) => None,
                    })
                    .map_or_else(String::new, |p| {
                        if self.cx.t.is_standard_edition(p) {
                            " (a Standard Edition server)".to_string()
                        } else {
                            format!(" of {}", self.cx.t.pool_name(p))
                        }
                    });
                self.say_on(
                    cites,
                    format!(
                        "Log on to {fe}, a Front End Server{of}, with an account that is {}, and open the {shell}.",
                        account.words()
                    ),
                    &fe,
                );
                Some(fe)
            }
            None => {
                let down: Vec<Fqdn> = pools.iter().flat_map(|&p| self.cx.machines(p)).collect();
                let mut cites = cites;
                cites.push(at(&pages::GG195756, "intro"));
                self.say(
                    cites,
                    format!(
                        "No Front End Server runs at this point of the plan ({}): do this from a domain computer with the {} installed (they install on computers other than the servers too), logged on with an account that is {}, in the {shell}.",
                        self.rebuilt_later(&down),
                        self.cx.words.admin_tools,
                        account.words()
                    ),
                );
                None
            }
        }
    }

    // ----- shared steps -----

    /// A clean server with the same FQDN, its operating system and certificates.
    fn rebuild(&mut self, fqdn: &Fqdn, role: &str, cite: Cite) {
        self.needs.server(fqdn);
        let servers = self.cx.facts.servers();
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
        self.steps.push(Step {
            text: format!(
                "Start with a clean or new server named {fqdn} ({role}), the same FQDN as the failed one, and install the operating system.{account}{certificates}"
            ),
            cites: vec![cite],
            rebuilds: Some(fqdn.to_string()),
            ..Step::default()
        });
        self.restored.insert(fqdn.clone());
    }

    fn log_on(&mut self, fqdn: &Fqdn, account: Account, cites: Vec<Cite>) {
        self.say_on(
            cites,
            format!(
                "Log on to {fqdn} with an account that is {}.",
                account.words()
            ),
            fqdn,
        );
    }

    fn install_sql(&mut self, r: &SqlRef, cite: Cite) {
        self.needs.instance(r);
        let recorded = prereq::sql_release(self.cx, r);
        let release = match (recorded, self.cx.words.sql_releases) {
            (Some(v), _) => format!(
                "{} (as recorded in the sql-instances worksheet)",
                code(&v)
            ),
            (None, Some(page)) => format!(
                "{page}, the same release and edition as before (the sql-instances worksheet does not record it)"
            ),
            (None, None) => "the same SQL Server release and edition as before (the sql-instances worksheet does not record it)".to_string(),
        };
        let name = if r.instance.is_empty() {
            "as the default instance".to_string()
        } else {
            format!("with the instance name {}", code(&r.instance))
        };
        self.say_on(
            vec![cite],
            format!(
                "Install {release} on {} {name}, as before the failure, with the same procedure, permissions and logins as the original installation.",
                r.server
            ),
            &r.server,
        );
    }

    fn image(&mut self, fqdn: &Fqdn, cite: Cite) {
        let sql = if self.needs.instances.iter().any(|r| &r.server == fqdn) {
            ", SQL Server"
        } else {
            ""
        };
        self.say_on(
            vec![cite],
            format!(
                "Take an image of {fqdn} now (operating system{sql} and certificates in place): it is the rollback point if the restore goes wrong."
            ),
            fqdn,
        );
    }

    /// The Deployment Wizard's four steps on a server; Step 4 left for the pool's start when
    /// `later` gives its section number.
    fn deployment_wizard(&mut self, fqdn: &Fqdn, cites: Vec<Cite>, later: Option<usize>) {
        let w = self.cx.words;
        let step4 = match later {
            None => ", and Step 4: Start Services".to_string(),
            Some(n) => format!(
                ". Leave Step 4: Start Services for section {n}, which starts the pool's Front End Servers together"
            ),
        };
        self.say_on(
            cites,
            format!(
                "On {fqdn}, start the {} from the installation media (\\setup\\amd64\\Setup.exe), choose {}, and run Step 1: Install Local Configuration Store, Step 2: {}, Step 3: Request, Install or Assign Certificates{step4}.",
                w.wizard, w.install_system, w.step2
            ),
            fqdn,
        );
    }

    /// The Archiving and Monitoring stores the pools use that the worksheets record as
    /// mirrored, shown: Topology Builder mirrors them with their own check boxes.
    fn monitoring_archiving_mirrored(&self, pools: &[PoolId]) -> Vec<String> {
        let t = self.cx.t;
        let mirrorings = self.cx.mirrorings();
        let mut out: Vec<String> = Vec::new();
        for &p in pools {
            for s in t.services_on_pool(p) {
                for &d in &s.depends_on {
                    let Some(dep) = t.services.get(d.index()) else {
                        continue;
                    };
                    if !matches!(
                        dep.role.value.as_str(),
                        "ArchivingStore" | "MonitoringStore"
                    ) {
                        continue;
                    }
                    let Some(crate::model::topology::Host::Sql(i)) = dep.installed_on else {
                        continue;
                    };
                    let mirrored = self
                        .cx
                        .sql_ref(i)
                        .is_some_and(|r| mirrorings.iter().any(|m| m.principal == r));
                    let text = format!(
                        "{} ({})",
                        dep.role.value.trim_end_matches("Store"),
                        t.sql_display(i)
                    );
                    if mirrored && !out.contains(&text) {
                        out.push(text);
                    }
                }
            }
        }
        out
    }

    /// The reminder that Archiving and Monitoring mirroring comes back separately.
    fn monitoring_archiving_reminder(&self, pools: &[PoolId], verb: &str) -> String {
        let stores = self.monitoring_archiving_mirrored(pools);
        if stores.is_empty() {
            String::new()
        } else {
            format!(
                " {verb} the mirroring of the {} store{} as well: it was mirrored, and Topology Builder sets it with its own check box.",
                list(&stores),
                if stores.len() == 1 { "" } else { "s" }
            )
        }
    }

    /// Topology Builder creates the databases of an instance (and its mirror), or the
    /// Management Shell does: `Install-CsDatabase`, and `Install-CsMirrorDatabase` for the
    /// mirror, with the file share mirroring needs.
    fn databases(
        &mut self,
        sql: SqlId,
        mirror: Option<&Mirroring>,
        skip_cms: bool,
        steps: &DatabaseSteps,
        drop_existing: bool,
    ) {
        let t = self.cx.t;
        let Some(r) = self.cx.sql_ref(sql) else {
            return;
        };
        let w = self.cx.words;
        let types: Vec<&str> = database_types(self.cx, sql)
            .into_iter()
            .filter(|ty| !(skip_cms && *ty == "CentralMgmt"))
            .collect();
        let finish = if mirror.is_some() {
            ""
        } else {
            ", and finish the wizard"
        };
        let mut cites = vec![self.at(steps.open), self.at(steps.create)];
        if mirror.is_none() {
            cites[1] = self.at(match steps.create {
                "4.4-4.5" => "4.4-4.7",
                _ => "10.4-10.7",
            });
        }
        self.say(
            cites,
            format!(
                "Start {}, download the topology from the existing deployment and save it. Right-click the {} node and choose {}; on the Create databases page select the databases of {} ({}){finish}. Only stand-alone databases are listed there; collocated ones are created by the Deployment Wizard.",
                w.topology_builder,
                w.node,
                steps.action,
                t.sql_display(sql),
                types.join(", ")
            ),
        );
        let pools = backend_pools(self.cx, sql);
        if let Some(m) = mirror {
            self.needs.mirroring(&m.principal, &m.mirror);
            let witness = m
                .witness
                .as_ref()
                .map_or_else(String::new, |w| format!(", with the witness {w}"));
            let reminder = self.monitoring_archiving_reminder(&pools, "Select");
            self.say(
                vec![self.at(steps.mirror), at(&pages::JJ204992, "file share")],
                format!(
                    "Continue to Create Mirror Database, select the databases and finish the wizard: it creates the mirror on {}{witness}. It asks for the file share mirroring copies the databases through: the accounts that SQL Server and SQL Server Agent run under on {} and {} need read and write access to it.{reminder}",
                    m.mirror, m.principal.server, m.mirror.server
                ),
            );
        }
        let server = fqdn(r.server.as_str());
        let mut commands: Commands = server.clone().and_then(|server| {
            Ok(vec![
                for_instance(
                    Command::new("Install-CsDatabase")
                        .switch("ConfiguredDatabases")
                        .param("SqlServerFqdn", &server),
                    &r,
                )?
                .switch("Verbose"),
            ])
        });
        let mut cites = vec![
            self.at(steps.tip),
            at(&pages::INSTALL_CS_DATABASE, "-ForInstance"),
        ];
        let mut how = "create the databases with".to_string();
        if let Some(m) = mirror {
            cites.push(at(&pages::INSTALL_CS_MIRROR_DATABASE, "-FileShare"));
            cites.push(at(&pages::JJ204992, "shell form"));
            how = format!(
                "create the databases and the mirror on {} with the commands below. In the second, write the mirroring file share over {} and answer A (Yes to All) when it asks",
                m.mirror,
                code(MIRRORING_SHARE)
            );
            if drop_existing {
                how.push_str(&format!(
                    "; -DropExistingDatabasesOnMirror deletes the databases left on {} first (Install-CsMirrorDatabase reference)",
                    m.mirror
                ));
                cites.push(at(
                    &pages::INSTALL_CS_MIRROR_DATABASE,
                    "-DropExistingDatabasesOnMirror",
                ));
            }
            let principal = fqdn(m.principal.server.as_str());
            commands = commands.and_then(|mut c| {
                let mut mirror_cmd = for_instance(
                    Command::new("Install-CsMirrorDatabase").switch("ConfiguredDatabases"),
                    &m.principal,
                )?
                .param("FileShare", Literal::text(MIRRORING_SHARE))
                .param("SqlServerFqdn", principal?);
                if drop_existing {
                    mirror_cmd = mirror_cmd.switch("DropExistingDatabasesOnMirror");
                }
                c.push(mirror_cmd.switch("Verbose"));
                Ok(c)
            });
        }
        self.run(
            cites,
            format!(
                "Or, instead of Topology Builder, in the {}: {how}:",
                w.shell
            ),
            None,
            commands,
        );
    }

    /// After a change to a Back End's mirroring, every Front End Server of its pools is
    /// restarted (JJ204992). Servers not running yet read the change when they start.
    fn restart_front_ends(&mut self, pools: &[PoolId], cites: Vec<Cite>, why: &str) {
        for &pool in pools {
            let name = self.cx.t.pool_name(pool);
            let fes = self.cx.machines(pool);
            let (running, down): (Vec<Fqdn>, Vec<Fqdn>) =
                fes.into_iter().partition(|f| self.usable(f));
            if running.is_empty() {
                if !down.is_empty() {
                    let start = self
                        .sel
                        .section_of(Scenario::PoolStart, &name)
                        .map_or_else(String::new, |n| format!(" in section {n}"));
                    self.say(
                        cites.clone(),
                        format!(
                            "No Front End Server of {name} runs now: they read the change {why} when they are started together{start}."
                        ),
                    );
                }
                continue;
            }
            let names: Vec<String> = running.iter().map(ToString::to_string).collect();
            let later = if down.is_empty() {
                String::new()
            } else {
                let reads = if down.len() == 1 { "reads" } else { "read" };
                format!(" ({} and {reads} it then)", self.rebuilt_later(&down))
            };
            self.run(
                cites.clone(),
                format!(
                    "On each Front End Server of {name} ({}), restart the {} so that it reads the change {why}{later}:",
                    list(&names),
                    self.cx.words.services
                ),
                None,
                Ok(vec![
                    Command::new("Stop-CsWindowsService"),
                    Command::new("Start-CsWindowsService"),
                ]),
            );
        }
    }

    /// The user data of a pool, imported as `Import-CsUserData` requires: from a local copy
    /// (the restore pages copy the export to a local folder first), with the services stopped
    /// on every Front End Server of the pool, and started again on all of them together.
    /// `page` is the restore page that asks for it; `mirror_changed` when the same section set
    /// up mirroring again, which this restart also answers (JJ204992).
    fn user_data(
        &mut self,
        page: &'static Page,
        pool: PoolId,
        artefact: Artefact,
        how: Data<'_>,
        mirror_changed: bool,
    ) {
        let steps = data_steps(page);
        let name = self.cx.t.pool_name(pool);
        let services = self.cx.words.services;
        let artefact = self.needs.artefact(artefact);
        let copy = |a: &Artefact| -> Result<Vec<Command>, Invalid> {
            Ok(vec![
                Command::new("New-Item")
                    .word("ItemType", "Directory")
                    .switch("Force")
                    .param("Path", Literal::text(LOCAL_FOLDER)),
                Command::new("Copy-Item")
                    .param("Path", a.argument()?)
                    .param("Destination", Literal::text(LOCAL_FOLDER)),
            ])
        };
        let import = |a: &Artefact| -> Result<Command, Invalid> {
            Ok(Command::new("Import-CsUserData")
                .param("PoolFqdn", fqdn(&name)?)
                .param("FileName", a.local()?))
        };
        let mut cites = vec![
            at(page, steps.copy),
            at(page, steps.stop),
            at(page, steps.import),
        ];
        let local = code(LOCAL_FOLDER);
        match how {
            Data::Single(server) => {
                cites.push(at(page, steps.start));
                let commands = copy(&artefact).and_then(|mut c| {
                    c.push(Command::new("Stop-CsWindowsService"));
                    c.push(import(&artefact)?);
                    c.push(Command::new("Start-CsWindowsService"));
                    Ok(c)
                });
                self.run(
                    cites,
                    format!(
                        "Restore the user data of {name}: copy the export to {local} on {server} (Microsoft imports from a local copy), stop the {services}, import it, and start the {services} again:"
                    ),
                    Some(server),
                    commands,
                );
            }
            Data::NotStarted(on) => {
                cites.remove(1);
                if steps.shell != steps.copy {
                    cites.insert(1, at(page, steps.shell));
                }
                cites.push(at(&pages::IMPORT_CS_USER_DATA, "description"));
                let place = on.map_or_else(|| "that computer".to_string(), ToString::to_string);
                let commands = copy(&artefact).and_then(|mut c| {
                    c.push(import(&artefact)?);
                    Ok(c)
                });
                self.run(
                    cites,
                    format!(
                        "Restore the user data of {name} now, while the {services} have not started on any of its Front End Servers (Step 4 of the Deployment Wizard was left for this section), as Import-CsUserData requires: copy the export to {local} on {place} (Microsoft imports from a local copy) and import it once:"
                    ),
                    on,
                    commands,
                );
            }
            Data::Pool => {
                cites.push(at(page, steps.start));
                cites.push(at(&pages::IMPORT_CS_USER_DATA, "description"));
                let on = self.shell_once(
                    &[pool],
                    vec![at(&pages::IMPORT_CS_USER_DATA, "description")],
                    Account::Server,
                );
                if steps.shell != steps.copy {
                    cites.insert(1, at(page, steps.shell));
                }
                let fes = self.cx.machines(pool);
                let (running, down): (Vec<Fqdn>, Vec<Fqdn>) =
                    fes.into_iter().partition(|f| self.usable(f));
                let names: Vec<String> = running.iter().map(ToString::to_string).collect();
                let place = on
                    .as_ref()
                    .map_or_else(|| "that computer".to_string(), ToString::to_string);
                let down_text = if down.is_empty() {
                    String::new()
                } else {
                    let starts = if down.len() == 1 { "starts" } else { "start" };
                    format!(" {} and {starts} then.", self.rebuilt_later(&down))
                };
                let mirror_text = if mirror_changed {
                    cites.push(at(&pages::JJ204992, "important"));
                    " This also restarts them after the change to the mirroring, as JJ204992 requires."
                } else {
                    ""
                };
                let commands = copy(&artefact).and_then(|mut c| {
                    for fe in &running {
                        c.push(
                            Command::new("Stop-CsWindowsService")
                                .param("ComputerName", fqdn(fe.as_str())?),
                        );
                    }
                    c.push(import(&artefact)?);
                    for fe in &running {
                        c.push(
                            Command::new("Start-CsWindowsService")
                                .param("ComputerName", fqdn(fe.as_str())?)
                                .switch("NoWait"),
                        );
                    }
                    Ok(c)
                });
                self.run(
                    cites,
                    format!(
                        "Restore the user data of {name}: copy the export to {local} on {place} (Microsoft imports from a local copy), stop the {services} on every Front End Server of the pool ({}), import once, then start them on all of them together.{mirror_text}{down_text}",
                        list(&names)
                    ),
                    on.as_ref(),
                    commands,
                );
            }
        }
    }

    fn response_groups(&mut self, pool: PoolId, artefact: Artefact, cite: Cite) {
        let name = self.cx.t.pool_name(pool);
        let artefact = self.needs.artefact(artefact);
        self.run(
            vec![cite, at(&pages::HH202174, "1")],
            format!(
                "Restore the Response Group configuration of {name}. -OverwriteOwner is needed even for a pool with the same FQDN: the Response Group contact objects are still in Active Directory."
            ),
            None,
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
                        .param("FileName", artefact.argument()?),
                ])
            }),
        );
    }

    /// Hh202175: each database restored in SQL Server Management Studio, then its access
    /// control lists checked. `lead` is the step of the page that sends here.
    fn monitoring_archiving_data(&mut self, sql: SqlId, dbs: &[Db], lead: Option<Cite>) {
        if dbs.is_empty() {
            return;
        }
        let shown = self.cx.t.sql_display(sql);
        let cite = |step| {
            let mut v: Vec<Cite> = lead.into_iter().collect();
            v.push(at(&pages::HH202175, step));
            v
        };
        for db in dbs {
            let artefact = self.needs.artefact(prereq::sql_backup(self.cx, *db, sql));
            let set = artefact
                .set_name
                .as_ref()
                .map_or_else(String::new, |s| format!(" (backup set {})", code(s)));
            self.say(
                cite("2-8"),
                format!(
                    "In SQL Server Management Studio, connect to {shown}, right-click Databases, choose Restore Database, select `{}` in To database, choose From device and the backup in {}{set}, and restore it. Under Options, check that the data and log files go to the original folders.",
                    display_db(*db),
                    code(&artefact.path())
                ),
            );
        }
        let names: Vec<String> = dbs.iter().map(|d| display_db(*d).to_string()).collect();
        self.say(
            cite("ACL 1-ACL 3.3"),
            format!(
                "Under Security > Users of {}, check that the domain group RTCComponentUniversalServices is a user with the ServerRole database role; add it if it is missing (no service restart is needed).",
                list(&names)
            ),
        );
    }

    /// JJ945649: the Persistent Chat database, restored the way it was backed up.
    fn persistent_chat_data(&mut self, sql: SqlId, lead: Option<Cite>) {
        if !self.cx.t.stores_on(sql).contains(&"PersistentChatStore") {
            return;
        }
        let artefact = self
            .needs
            .artefact(prereq::sql_backup(self.cx, Db::Mgc, sql));
        let tool = artefact.tool.clone().unwrap_or_default().to_lowercase();
        let r = self.cx.t.sql_display(sql);
        let shell = self.cx.words.shell;
        let cites = |step| {
            let mut v: Vec<Cite> = lead.into_iter().collect();
            v.push(at(&pages::JJ945649, step));
            v
        };
        if artefact.is_export() {
            let mut c = cites("b");
            c.push(at(&pages::HH202171, "permissions"));
            self.run(
                c,
                format!(
                    "The Persistent Chat database was exported with Export-CsPersistentChatData, so import it with the matching cmdlet, in the {shell}, from an account in CsPersistentChatAdministrator:"
                ),
                None,
                Valid::new(valid::What::SqlInstance, &r).and_then(|instance| {
                    Ok(vec![
                        Command::new("Import-CsPersistentChatData")
                            .param("DBInstance", instance)
                            .param("FileName", artefact.argument()?),
                    ])
                }),
            );
        } else if tool.contains("sql") || tool.contains("ssms") {
            let set = artefact
                .set_name
                .as_ref()
                .map_or_else(String::new, |s| format!(" (backup set {})", code(s)));
            self.say(
                cites("a"),
                format!(
                    "The Persistent Chat database was backed up with SQL Server, so restore it with SQL Server (not Import-CsPersistentChatData): in SQL Server Management Studio, connect to {r}, choose Restore Database, select `mgc` and restore it from the backup in {}{set}; check that the data and log files go to the original folders.",
                    code(&artefact.path())
                ),
            );
        } else {
            let mut c = cites("a");
            c.push(at(&pages::JJ945649, "b"));
            self.say(
                c,
                format!(
                    "Restore the Persistent Chat database (mgc) on {r} with the method its backup used: SQL Server restore for a SQL Server backup, Import-CsPersistentChatData for an Export-CsPersistentChatData file. The worksheet does not say which ({}).",
                    code(&artefact.path())
                ),
            );
        }
    }

    /// Hh202172 steps 6 to 9: the Central Management store re-created, pointed at, filled and
    /// enabled.
    fn install_cms(&mut self, r: &SqlRef, xds: &Artefact, mirrored: bool, on: Option<&Fqdn>) {
        let xds = self.needs.artefact(xds.clone());
        let install = Command::new("Install-CsDatabase")
            .switch("CentralManagementDatabase")
            .switch("Clean");
        self.run(
            vec![self.at("6")],
            "Re-create the Central Management store:",
            on,
            sql_server(install, r).map(|c| vec![c.switch("Verbose")]),
        );
        let mirror_note = if mirrored {
            " The cmdlet also takes -MirrorSqlServerFqdn and -MirrorSqlInstanceName; Microsoft's page leaves them out for a mirrored store, and so does this plan."
        } else {
            ""
        };
        self.run(
            vec![self.at("7")],
            format!(
                "Point Active Directory at it (run it again if the connection point is ever lost).{mirror_note}"
            ),
            on,
            sql_server(Command::new("Set-CsConfigurationStoreLocation"), r)
                .map(|c| vec![c.switch("Verbose")]),
        );
        let what = if xds.fresh_from.is_some() {
            "the configuration exported from the mirror at the start of this section"
        } else {
            "the configuration exported with Export-CsConfiguration"
        };
        self.run(
            vec![self.at("8")],
            format!("Import {what} into the Central Management store:"),
            on,
            xds.argument()
                .map(|file| vec![Command::new("Import-CsConfiguration").param("FileName", file)]),
        );
        self.run(
            vec![self.at("9")],
            "Enable the imported topology, policies and settings:",
            on,
            Ok(vec![Command::new("Enable-CsTopology")]),
        );
    }

    fn lis(&mut self, lis: &Artefact, on: Option<&Fqdn>) {
        let lis = self.needs.artefact(lis.clone());
        self.run(
            vec![self.at("13")],
            "Restore the E9-1-1 location information into the Central Management store:",
            on,
            lis.argument().map(|file| {
                vec![Command::new("Import-CsLisConfiguration").param("FileName", file)]
            }),
        );
    }

    fn copy_file_store(&mut self, store: &FileStore, cite: Cite) {
        let artefact = self.needs.artefact(prereq::file_store(self.cx, store));
        let host = self.cx.t.pool_name(store.pool);
        self.run(
            vec![cite],
            format!(
                "On {host}, create the folder and share it as {}, so that the path is exactly {} as before; then copy the file store back into it:",
                code(&store.share.value),
                code(&store.unc)
            ),
            None,
            artefact.argument().and_then(|from| {
                Ok(vec![
                    Command::new("robocopy")
                        .arg(from)
                        .arg(Valid::new(valid::What::Path, &store.unc)?)
                        .option("/E"),
                ])
            }),
        );
    }

    // ----- scenarios -----

    /// Hh202176: which sections restore an entire pool, in order.
    fn pool(&mut self, pool: PoolId) {
        let cx = self.cx;
        let sel = self.sel;
        let t = cx.t;
        let machines: Vec<String> = cx.machines(pool).iter().map(ToString::to_string).collect();
        let backend = backend_of(cx, pool).map(|s| t.sql_display(s));
        let bullet = if t.is_enterprise_front_end(pool) {
            "a"
        } else {
            "b"
        };
        for (i, pick) in sel.picks.iter().enumerate() {
            let n = i + 1;
            let mine = match &pick.what {
                What::PoolStart { pool: p, .. } => *p == pool,
                What::Member { fqdn, .. } => machines.contains(&fqdn.to_string()),
                What::Cms { .. } | What::BackEnd { .. } | What::Primary { .. } => {
                    backend.as_deref() == Some(pick.subject.as_str())
                }
                _ => false,
            };
            if !mine {
                continue;
            }
            let cites = vec![self.at(bullet)];
            let text = match pick.scenario {
                Scenario::PoolStart => {
                    format!(
                        "Once every Front End Server is rebuilt, start the pool and import what needs it with section {n} ({}).",
                        pick.scenario.label()
                    )
                }
                Scenario::MemberServer => format!("Restore {} with section {n}.", pick.subject),
                _ => format!(
                    "Restore its Back End {} first, with section {n} ({}).",
                    pick.subject,
                    pick.scenario.label()
                ),
            };
            self.say(cites, text);
        }
    }

    /// Starting a pool whose Front End Servers were all down: the user data imported while
    /// they are all stopped, the pool started as the product starts a pool that was entirely
    /// down, then the Response Group configuration.
    fn pool_start(&mut self, pool: PoolId, backend: Option<Restored>) {
        let cx = self.cx;
        let t = cx.t;
        let w = cx.words;
        let name = t.pool_name(pool);
        let fes = cx.machines(pool);
        let n = fes.len();
        let restored = backend.and_then(|r| {
            let sql_ref = cx.sql_ref(r.sql)?;
            let page: &'static Page = if r.scenario == Scenario::CentralManagement {
                &pages::HH202172
            } else {
                &pages::HH202163
            };
            let from = r.fresh.then(|| {
                cx.mirrorings()
                    .into_iter()
                    .find(|m| m.principal == sql_ref)
                    .map(|m| m.mirror)
            });
            let b = backups(cx, r.sql, &sql_ref.server, from.flatten().as_ref());
            Some((page, b))
        });
        let first = match &restored {
            Some(_) => at(&pages::IMPORT_CS_USER_DATA, "description"),
            None => at(&pages::HH202191, "4.4"),
        };
        let on = self.shell(&[pool], vec![first], Account::Server);
        if let Some((page, b)) = &restored {
            if let Some((_, a)) = b.users.iter().find(|(p, _)| *p == pool) {
                self.user_data(page, pool, a.clone(), Data::NotStarted(on.as_ref()), false);
            }
        }
        let fe_names: Vec<String> = fes.iter().map(ToString::to_string).collect();
        let mut start = vec![at(&pages::HH202191, "4.4")];
        // The restore page's own start of the services, where the product starts a pool with
        // them (Start-CsPool takes their place on Skype for Business Server).
        let page_start = restored
            .as_ref()
            .map(|(page, _)| at(page, data_steps(page).start));
        // A Back End whose mirror was set up again: this start is the restart JJ204992 asks for.
        let mirrored = backend.is_some_and(|r| {
            cx.sql_ref(r.sql)
                .is_some_and(|s| cx.mirrorings().iter().any(|m| m.principal == s))
        });
        let restart = if mirrored {
            start.push(at(&pages::JJ204992, "important"));
            " It is also the restart of every Front End Server that a change to the Back End's mirroring needs."
        } else {
            ""
        };
        if w.is_sfb() && n >= 3 {
            let mut cites = vec![
                at(&pages::SFB_INSTALL, "Step 4: Start Services 2"),
                at(&pages::START_CS_POOL, "-PoolFqdn"),
            ];
            cites.extend(start);
            self.run(
                cites,
                format!(
                    "Start {name} as a whole: an Enterprise Edition pool of three Front End Servers or more is started with Start-CsPool, which checks every server ({}) before it starts them.{restart}",
                    list(&fe_names)
                ),
                on.as_ref(),
                fqdn(&name).map(|pool| vec![Command::new("Start-CsPool").param("PoolFqdn", pool)]),
            );
        } else {
            let (section, recovery_section) = if n == 2 {
                ("two-server pools", "two-server pools recovery")
            } else {
                (
                    "routing group quorum table",
                    "routing group quorum recovery",
                )
            };
            let mut cites = vec![
                at(&pages::GG412996, section),
                at(&pages::START_CS_WINDOWS_SERVICE, "-NoWait"),
            ];
            cites.extend(start);
            cites.extend(page_start);
            let rule = if n == 2 {
                "when both servers of a two-server pool were down, they are started together"
                    .to_string()
            } else {
                format!(
                    "a pool of {n} starts only when {} of its Front End Servers run",
                    routing_quorum(n)
                )
            };
            let commands = fes
                .iter()
                .map(|fe| {
                    Ok(Command::new("Start-CsWindowsService")
                        .param("ComputerName", fqdn(fe.as_str())?)
                        .switch("NoWait"))
                })
                .collect();
            self.run(
                cites,
                format!(
                    "Start the {} on every Front End Server of {name} together ({rule}), from one shell, without waiting for each.{restart}",
                    w.services
                ),
                on.as_ref(),
                commands,
            );
            let recovery = if n == 2 {
                "If one of the two cannot run, recover the pool's routing groups before the other can start:".to_string()
            } else {
                format!(
                    "If the pool does not start because fewer than {} Front End Servers can run, while {} of them do (below that the whole pool stops), recover the routing groups that lost quorum; data not yet written to the Back End may be lost:",
                    routing_quorum(n),
                    pool_quorum(n)
                )
            };
            self.run(
                vec![
                    at(&pages::GG412996, recovery_section),
                    at(&pages::RESET_CS_POOL_REGISTRAR_STATE, "-ResetType"),
                ],
                recovery,
                on.as_ref(),
                fqdn(&name).map(|pool| {
                    vec![
                        Command::new("Reset-CsPoolRegistrarState")
                            .param("PoolFqdn", pool)
                            .word("ResetType", "QuorumLossRecovery"),
                    ]
                }),
            );
        }
        if let Some((page, b)) = restored
            && let Some((_, a)) = b.rgs.iter().find(|(p, _)| *p == pool)
        {
            self.response_groups(pool, a.clone(), at(page, data_steps(page).rgs));
        }
    }

    /// Steps 1 to 3 of Hh202190 and Hh202172 for a Standard Edition server: rebuilt, logged on
    /// to, imaged, and its file store copied back.
    fn standard_server(&mut self, pool: PoolId, fqdn: &Fqdn) {
        self.rebuild(fqdn, "Standard Edition server", self.at("1"));
        self.log_on(fqdn, Account::ServerAndLocal, vec![self.at("2")]);
        self.image(fqdn, self.at("tip"));
        for store in self.cx.t.file_stores().iter().filter(|s| s.pool == pool) {
            self.copy_file_store(store, self.at("3"));
        }
    }

    /// Hh202190: a Standard Edition server that does not hold the Central Management store.
    fn standard(&mut self, pool: PoolId, fqdn: &Fqdn) {
        let cx = self.cx;
        self.standard_server(pool, fqdn);
        self.say_on(
            vec![self.at("4.1-4.3")],
            format!(
                "Start {}, download the topology from the existing deployment and save it.",
                cx.words.topology_builder
            ),
            fqdn,
        );
        self.deployment_wizard(fqdn, vec![self.at("5"), self.at("5.1-5.4")], None);
        let sql = backend_of(cx, pool);
        self.user_data(
            &pages::HH202190,
            pool,
            prereq::user_data(cx, pool, sql),
            Data::Single(fqdn),
            false,
        );
        if cx.t.pool_runs(pool, "ApplicationServer") {
            self.response_groups(pool, prereq::rgs(cx, pool), self.at("7"));
        }
        for i in self.instances_of(pool) {
            self.persistent_chat_data(i, Some(self.at("8")));
        }
    }

    fn instances_of(&self, pool: PoolId) -> Vec<SqlId> {
        self.cx
            .t
            .sql_ids()
            .filter(|&i| self.cx.t.sql_instances[i].pool == Some(pool))
            .collect()
    }

    /// Hh202172 for a Standard Edition server that holds the Central Management store.
    fn standard_cms(&mut self, pool: PoolId, fqdn: &Fqdn, sql: SqlId, r: &SqlRef) {
        let cx = self.cx;
        let w = cx.words;
        self.standard_server(pool, fqdn);
        self.say_on(
            vec![self.at("4a")],
            format!(
                "On {fqdn}, start the {} from the installation media (\\setup\\amd64\\Setup.exe) and choose Prepare first Standard Edition server, which installs the Central Management store on it.",
                w.wizard
            ),
            fqdn,
        );
        self.say_on(
            vec![self.at("5")],
            format!(
                "Open the {} on {fqdn} (a Standard Edition server is its own Front End Server).",
                w.shell
            ),
            fqdn,
        );
        let b = backups(cx, sql, &r.server, None);
        self.install_cms(r, &b.xds, false, Some(fqdn));
        self.deployment_wizard(fqdn, vec![self.at("11"), self.at("11.1-11.4")], None);
        for (p, a) in &b.users {
            self.user_data(&pages::HH202172, *p, a.clone(), Data::Single(fqdn), false);
        }
        self.lis(&b.lis, Some(fqdn));
        for (p, a) in &b.rgs {
            self.response_groups(*p, a.clone(), self.at("14"));
        }
        let dbs = monitoring_archiving_dbs(&cx.t.stores_on(sql));
        self.monitoring_archiving_data(sql, &dbs, Some(self.at("15")));
        for i in self.instances_of(pool) {
            self.persistent_chat_data(i, Some(at(&pages::HH202190, "8")));
        }
    }

    /// Hh202163 steps 1 to 3 and Hh202172 steps 1, 2 and 4: the Back End server rebuilt, and
    /// its mirror with it when both were lost, each step of the page done on both servers
    /// before the next.
    fn back_end_servers(
        &mut self,
        r: &SqlRef,
        role: &str,
        mirror: Option<&SqlRef>,
        account: Account,
        sql_step: &'static str,
    ) {
        let servers: Vec<(&SqlRef, &str)> = std::iter::once((r, role))
            .chain(mirror.map(|m| (m, "mirror of the Back End")))
            .collect();
        for (s, role) in &servers {
            self.rebuild(&s.server, role, self.at("1"));
        }
        for (s, _) in &servers {
            self.log_on(&s.server, account, vec![self.at("2")]);
        }
        for (s, _) in &servers {
            self.install_sql(s, self.at(sql_step));
        }
        for (s, _) in &servers {
            self.image(&s.server, self.at("tip"));
        }
    }

    /// The step that sends a down pool's data imports to its start section.
    fn later(&mut self, pool: PoolId) {
        let name = self.cx.t.pool_name(pool);
        let n = self.sel.section_of(Scenario::PoolStart, &name).map_or_else(
            || "the pool's start".to_string(),
            |n| format!("section {n}"),
        );
        self.say(
            vec![at(&pages::HH202176, "a")],
            format!(
                "The user data and Response Group configuration of {name} are imported in {n}: they need its Front End Servers, which are rebuilt after this Back End."
            ),
        );
    }

    /// Hh202172 for an Enterprise Back End holding the Central Management store. When its
    /// mirror still works (the page's note), a fresh backup is taken from the mirror first and
    /// everything is restored from it.
    fn cms(&mut self, sql: SqlId, mirroring: Option<&Mirroring>, mirror_lost: bool) {
        let cx = self.cx;
        let Some(r) = cx.sql_ref(sql) else {
            return;
        };
        let pools = backend_pools(cx, sql);
        let working = mirroring.filter(|_| !mirror_lost);
        let b = backups(cx, sql, &r.server, working.map(|m| &m.mirror));
        if let Some(m) = working {
            self.fresh_backup(sql, &r, m, &pools, &b);
        }
        let lost_mirror = mirroring.filter(|_| mirror_lost);
        self.back_end_servers(
            &r,
            "Back End Server holding the Central Management store",
            lost_mirror.map(|m| &m.mirror),
            Account::ServerAndLocal,
            "4b",
        );
        let on = self.shell(&pools, vec![self.at("5")], Account::Server);
        self.install_cms(&r, &b.xds, mirroring.is_some(), on.as_ref());
        self.databases(sql, mirroring, true, &CMS_DATABASES, working.is_some());
        for (p, a) in &b.users {
            if self.sel.pool_down(*p) {
                self.later(*p);
            } else {
                self.user_data(
                    &pages::HH202172,
                    *p,
                    a.clone(),
                    Data::Pool,
                    mirroring.is_some(),
                );
            }
        }
        self.lis(&b.lis, on.as_ref());
        for (p, a) in &b.rgs {
            if !self.sel.pool_down(*p) {
                self.response_groups(*p, a.clone(), self.at("14"));
            }
        }
        let dbs = monitoring_archiving_dbs(&cx.t.stores_on(sql));
        self.monitoring_archiving_data(sql, &dbs, Some(self.at("15")));
    }

    /// The page's note on a working mirror: a backup of the mirror, taken before anything is
    /// rebuilt, to new files; then the mirror's databases taken out of their mirroring session,
    /// which the page leaves unsaid (the cmdlet reference is the source).
    fn fresh_backup(
        &mut self,
        sql: SqlId,
        r: &SqlRef,
        m: &Mirroring,
        pools: &[PoolId],
        b: &Backups,
    ) {
        let cx = self.cx;
        let on = self.shell(pools, vec![self.at("note")], Account::Server);
        let types = database_types(cx, sql);
        if let Some(&pool) = pools.first() {
            let failover = if types.contains(&"CentralMgmt") {
                "3-4"
            } else {
                "3"
            };
            self.fail_over(
                r,
                m,
                pool,
                &types,
                on.as_ref(),
                vec![
                    at(&pages::JJ204991, failover),
                    at(&pages::INVOKE_CS_DATABASE_FAILOVER, "-Force"),
                ],
            );
        }
        let mut cites = vec![
            self.at("note"),
            at(&pages::HH202170, "4"),
            at(&pages::HH202170, "6"),
        ];
        if !b.users.is_empty() {
            cites.push(at(&pages::HH202170, "8"));
        }
        if !b.rgs.is_empty() {
            cites.push(at(&pages::HH202170, "10.1"));
        }
        cites.push(at(&pages::EXPORT_CS_LIS_CONFIGURATION, "-FileName"));
        for a in std::iter::once(&b.xds)
            .chain(std::iter::once(&b.lis))
            .chain(b.users.iter().map(|(_, a)| a))
            .chain(b.rgs.iter().map(|(_, a)| a))
        {
            self.needs.artefact(a.clone());
        }
        let commands = (|| -> Commands {
            let mut c = vec![
                Command::new("Export-CsConfiguration").param("FileName", b.xds.argument()?),
                Command::new("Export-CsLisConfiguration").param("FileName", b.lis.argument()?),
            ];
            for (p, a) in &b.users {
                c.push(
                    Command::new("Export-CsUserData")
                        .param("PoolFqdn", fqdn(&cx.t.pool_name(*p))?)
                        .param("FileName", a.argument()?),
                );
            }
            for (p, a) in &b.rgs {
                let pool = fqdn(&cx.t.pool_name(*p))?;
                c.push(
                    Command::new("Export-CsRgsConfiguration")
                        .param(
                            "Source",
                            Literal::join(&[
                                Part::Text("service:ApplicationServer:"),
                                Part::Value(&pool),
                            ]),
                        )
                        .param("FileName", a.argument()?),
                );
            }
            Ok(c)
        })();
        self.run(
            cites,
            format!(
                "Take a fresh backup from the working mirror {}, to new files (Export-CsLisConfiguration and Export-CsRgsConfiguration refuse to overwrite one). The steps below restore from these files, not from the scheduled backup; what changes after this export is not in it.",
                m.mirror
            ),
            on.as_ref(),
            commands,
        );
        let dbs = monitoring_archiving_dbs(&cx.t.stores_on(sql));
        if !dbs.is_empty() {
            let names: Vec<String> = dbs.iter().map(|d| display_db(*d).to_string()).collect();
            self.say(
                vec![at(&pages::HH202171, "backup tools")],
                format!(
                    "If the {} databases of {r} were mirrored to {} too, back them up there now with SQL Server Management Studio and restore them from that backup at the end of this section; if they were not, they were lost with {r} and the end of this section restores the scheduled backup.",
                    list(&names),
                    m.mirror
                ),
            );
        }
        self.run(
            vec![
                at(&pages::UNINSTALL_CS_MIRROR_DATABASE, "-SqlServerFqdn"),
                at(&pages::JJ945648, "5"),
            ],
            format!(
                "Microsoft's page gives no step for the mirror's databases, which are still in a mirroring session. Remove the mirroring from them, one database type at a time, as the procedure for a failed primary does with the mirror that survives; they stay on {} until Create Mirror Database puts the new mirror over them, further down this section:",
                m.mirror
            ),
            on.as_ref(),
            uninstall_mirroring(&m.mirror, &types),
        );
    }

    /// Hh202163: an Enterprise Back End that does not hold the Central Management store, not
    /// mirrored or lost with its mirror.
    fn back_end(&mut self, sql: SqlId, mirroring: Option<&Mirroring>) {
        let cx = self.cx;
        let Some(r) = cx.sql_ref(sql) else {
            return;
        };
        let pools = backend_pools(cx, sql);
        self.back_end_servers(
            &r,
            "Back End Server",
            mirroring.map(|m| &m.mirror),
            Account::Server,
            "3",
        );
        self.databases(sql, mirroring, false, &BACK_END_DATABASES, false);
        for &pool in &pools {
            if self.sel.pool_down(pool) {
                self.later(pool);
                continue;
            }
            let a = prereq::user_data(cx, pool, Some(sql));
            self.user_data(&pages::HH202163, pool, a, Data::Pool, mirroring.is_some());
            if cx.t.pool_runs(pool, "ApplicationServer") {
                self.response_groups(pool, prereq::rgs(cx, pool), self.at("6"));
            }
        }
        let dbs = monitoring_archiving_dbs(&cx.t.stores_on(sql));
        self.monitoring_archiving_data(sql, &dbs, Some(self.at("7")));
    }

    /// JJ945648: the mirroring principal failed, its mirror survives.
    fn primary(&mut self, sql: SqlId, m: &Mirroring) {
        let cx = self.cx;
        let w = cx.words;
        let Some(r) = cx.sql_ref(sql) else {
            return;
        };
        let pools = backend_pools(cx, sql);
        let pool_name = pools
            .first()
            .map_or_else(|| "the pool".to_string(), |&p| cx.t.pool_name(p));
        let types = database_types(cx, sql);
        let on = self.shell(&pools, vec![self.at("1"), self.at("2")], Account::Server);
        if let Some(&pool) = pools.first() {
            self.fail_over(&r, m, pool, &types, on.as_ref(), vec![self.at("3")]);
        }
        let clear = self.monitoring_archiving_reminder(&pools, "Clear");
        self.say(
            vec![self.at("4a-4c")],
            format!(
                "Start {}, edit the properties of {pool_name} and, under General > Associations, clear Enable SQL Server store mirroring.{clear} Publish the topology (right-click the {} node, Topology > Publish).",
                w.topology_builder, w.node
            ),
        );
        self.say(
            vec![self.at("4d-4e")],
            format!(
                "Edit {pool_name} again, set its SQL Server store to {}, and publish again.",
                m.mirror
            ),
        );
        self.restart_front_ends(&pools, vec![self.at("4f")], "to the topology");
        self.run(
            vec![self.at("5"), at(&pages::JJ204992, "removing")],
            format!(
                "Remove mirroring from the surviving principal {}, one database type at a time. (JJ204992 removes mirroring with this cmdlet before changing the topology; this page does it after, and this plan follows this page.)",
                m.mirror
            ),
            on.as_ref(),
            uninstall_mirroring(&m.mirror, &types),
        );
        self.rebuild(&r.server, "new mirror of the Back End", self.at("6"));
        self.log_on(&r.server, Account::Server, vec![self.at("7")]);
        self.install_sql(&r, self.at("8"));
        self.image(&r.server, at(&pages::HH202179, "preparing a server"));
        self.shell(&pools, vec![self.at("9")], Account::Server);
        let witness = m
            .witness
            .as_ref()
            .map_or_else(String::new, |wit| format!(", keeping {wit} as the witness"));
        let select = self.monitoring_archiving_reminder(&pools, "Select");
        self.say(
            vec![self.at("10a-10b")],
            format!(
                "Start {}, edit {pool_name} and, under General > Associations, select Enable SQL Server store mirroring with {r} as the Mirroring SQL Server store{witness}.{select}",
                w.topology_builder
            ),
        );
        let new = Mirroring {
            principal: m.mirror.clone(),
            mirror: r.clone(),
            witness: m.witness.clone(),
        };
        self.create_mirror(&new, &pools, vec![self.at("10c-10e")], None, "");
        self.restart_front_ends(
            &pools,
            vec![at(&pages::JJ204992, "important")],
            "to the mirroring",
        );
        self.say(
            vec![at(&pages::TOPOLINT, "")],
            format!(
                "{} is now the principal and {r} its mirror: update the sql-instances worksheet (the Mirror cell moves to the {} row) and the backup rows that name {}.",
                m.mirror, m.mirror.server, r.server
            ),
        );
    }

    /// Every database type of a failed principal failed over to its mirror
    /// (`Invoke-CsDatabaseFailover -Force`: the principal cannot be reached). With a witness the
    /// failover may have happened by itself: which types already moved is checked first
    /// (*Failing over a mirrored database*, JJ204991).
    fn fail_over(
        &mut self,
        r: &SqlRef,
        m: &Mirroring,
        pool: PoolId,
        types: &[&'static str],
        on: Option<&Fqdn>,
        cites: Vec<Cite>,
    ) {
        let name = self.cx.t.pool_name(pool);
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
        let text = match &m.witness {
            Some(w) => {
                let check = if types.contains(&"CentralMgmt") {
                    "1-2"
                } else {
                    "1"
                };
                self.run(
                    vec![at(&pages::JJ204991, check)],
                    format!(
                        "The mirroring witness {w} makes failover automatic: check which database types already run on {}:",
                        m.mirror
                    ),
                    on,
                    fqdn(&name).map(|pool| {
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
                format!(
                    "Fail over to the mirror {} the database types still on {r} (-Force: the principal cannot be reached):",
                    m.mirror
                )
            }
            None => format!(
                "There is no witness, so fail every database type of {r} over to the mirror {} by hand (-Force: the principal cannot be reached):",
                m.mirror
            ),
        };
        self.run(cites, text, on, fqdn(&name).map(|pool| failover(&pool)));
    }

    /// Install Database and Create Mirror Database in Topology Builder, or
    /// `Install-CsMirrorDatabase` from the Management Shell.
    fn create_mirror(
        &mut self,
        m: &Mirroring,
        pools: &[PoolId],
        cites: Vec<Cite>,
        tip: Option<Cite>,
        lead: &str,
    ) {
        let w = self.cx.words;
        self.needs.mirroring(&m.principal, &m.mirror);
        let reminder = self.monitoring_archiving_reminder(pools, "Select");
        let mut first = cites;
        first.push(at(&pages::JJ204992, "file share"));
        self.say(
            first,
            format!(
                "{lead}Right-click the {} node, choose Topology > Install Database, select the databases on the Create databases page, and continue to Create Mirror Database to create the mirror on {}. It asks for the file share mirroring copies the databases through: the accounts that SQL Server and SQL Server Agent run under on {} and {} need read and write access to it.{reminder}",
                w.node, m.mirror, m.principal.server, m.mirror.server
            ),
        );
        let mut cites: Vec<Cite> = tip.into_iter().collect();
        cites.push(at(&pages::INSTALL_CS_MIRROR_DATABASE, "-FileShare"));
        cites.push(at(&pages::JJ204992, "shell form"));
        self.run(
            cites,
            format!(
                "Or, instead of Topology Builder, in the {}: create the mirror with the command below, writing the mirroring file share over {} (-SqlServerFqdn is the principal, {}), and answer A (Yes to All) when it asks:",
                w.shell,
                code(MIRRORING_SHARE),
                m.principal
            ),
            None,
            fqdn(m.principal.server.as_str()).and_then(|principal| {
                Ok(vec![
                    for_instance(
                        Command::new("Install-CsMirrorDatabase").switch("ConfiguredDatabases"),
                        &m.principal,
                    )?
                    .param("FileShare", Literal::text(MIRRORING_SHARE))
                    .param("SqlServerFqdn", principal)
                    .switch("Verbose"),
                ])
            }),
        );
    }

    /// JJ945626: the mirror failed, its principal survives.
    fn mirror(&mut self, principal: Option<SqlId>, m: &Mirroring) {
        let cx = self.cx;
        let pools = principal.map(|i| backend_pools(cx, i)).unwrap_or_default();
        let types = principal.map_or_else(|| vec!["User"], |i| database_types(cx, i));
        let on = self.shell(&pools, vec![self.at("1"), self.at("2")], Account::Server);
        self.run(
            vec![self.at("3")],
            format!(
                "Remove mirroring from the principal {}, one database type at a time:",
                m.principal
            ),
            on.as_ref(),
            uninstall_mirroring(&m.principal, &types),
        );
        self.rebuild(&m.mirror.server, "new mirror of the Back End", self.at("4"));
        self.log_on(&m.mirror.server, Account::Server, vec![self.at("5")]);
        self.install_sql(&m.mirror, self.at("6"));
        self.image(&m.mirror.server, at(&pages::HH202179, "preparing a server"));
        self.shell(&pools, vec![self.at("7")], Account::Server);
        let w = cx.words;
        let lead = format!(
            "Start {}: the topology still holds the mirroring{}, so nothing changes in it. ",
            w.topology_builder,
            m.witness
                .as_ref()
                .map_or_else(String::new, |wit| format!(" and the witness {wit}"))
        );
        self.create_mirror(
            m,
            &pools,
            vec![self.at("8a-8d")],
            Some(self.at("8d tip")),
            &lead,
        );
        self.restart_front_ends(
            &pools,
            vec![at(&pages::JJ204992, "important")],
            "to the mirroring",
        );
    }

    /// Hh202191: a member server; an Edge Server imports its configuration from a file.
    fn member(&mut self, fqdn: &Fqdn, pool: PoolId) {
        let cx = self.cx;
        let roles = cx.t.pool_roles(pool);
        let labels: Vec<&str> = roles
            .iter()
            .filter(|r| MEMBER_ROLES.contains(r))
            .map(|r| r.label())
            .collect();
        self.rebuild(fqdn, &labels.join(", "), self.at("1"));
        if roles.contains(&PoolRole::Edge) {
            self.edge(fqdn);
            return;
        }
        self.log_on(
            fqdn,
            Account::ServerAndLocal,
            vec![self.at("2"), at(&pages::HH202171, "permissions")],
        );
        self.image(fqdn, self.at("tip"));
        let later = if self.sel.pool_down(pool) {
            self.sel
                .section_of(Scenario::PoolStart, &cx.t.pool_name(pool))
        } else {
            None
        };
        let steps = if later.is_some() {
            "4.1-4.3"
        } else {
            "4.1-4.4"
        };
        self.deployment_wizard(fqdn, vec![self.at("3"), self.at(steps)], later);
    }

    /// An Edge Server, outside the domain: its configuration exported on an internal server
    /// and imported from the file (*Export your topology...* and *Install Edge Servers*, or
    /// the Skype for Business Server pages).
    fn edge(&mut self, fqdn: &Fqdn) {
        let cx = self.cx;
        let w = cx.words;
        let export = w.edge_export();
        let install = w.edge_install();
        let (shell_step, export_step, copy_step) = if w.is_sfb() {
            ("Export 1", "Export 2", "Export 3")
        } else {
            ("1", "2", "3")
        };
        let (logon, media, import, rest) = if w.is_sfb() {
            (
                "Installation 1",
                "Installation 2",
                "Installation 3-Installation 9",
                "Installation 10-Installation 11",
            )
        } else {
            ("1", "2", "3-5", "6-7")
        };
        self.say_on(
            vec![self.at("2"), at(install, logon)],
            format!(
                "Log on to {fqdn} with an account that is a member of its local Administrators group: an Edge Server is not in the domain, so the domain group Microsoft's restore page names cannot log on to it; the Edge installation page uses the local group."
            ),
            fqdn,
        );
        self.image(fqdn, self.at("tip"));
        let file = format!("{LOCAL_FOLDER}\\{EDGE_EXPORT}");
        let on = self.shell(&[], vec![at(export, shell_step)], Account::Server);
        let place = on
            .as_ref()
            .map_or_else(|| "that computer".to_string(), ToString::to_string);
        self.run(
            vec![at(export, export_step)],
            "Export the topology and configuration to a file: an Edge Server cannot read the Central Management store.",
            on.as_ref(),
            Ok(vec![
                Command::new("New-Item")
                    .word("ItemType", "Directory")
                    .switch("Force")
                    .param("Path", Literal::text(LOCAL_FOLDER)),
                Command::new("Export-CsConfiguration")
                    .param("FileName", Literal::join(&[Part::Text(LOCAL_FOLDER), Part::Text("\\"), Part::Text(EDGE_EXPORT)])),
            ]),
        );
        self.say(
            vec![at(export, copy_step), at(install, media)],
            format!(
                "Copy {} from {place} to {} on {fqdn}, on a USB drive or through a share the Edge Server can reach.",
                code(&file),
                code(LOCAL_FOLDER)
            ),
        );
        self.run(
            vec![
                self.at("3"),
                self.at("4.1"),
                at(install, import),
                at(&pages::IMPORT_CS_CONFIGURATION, "Example 2"),
            ],
            format!(
                "On {fqdn}, start the {} from the installation media (\\setup\\amd64\\Setup.exe), choose {}, and run Step 1: Install Local Configuration Store with Import from a file (Recommended for Edge Servers), selecting {}. The cmdlet reference gives the same import in the {}:",
                w.wizard,
                w.install_system,
                code(&file),
                w.shell
            ),
            Some(fqdn),
            Ok(vec![
                Command::new("Import-CsConfiguration")
                    .param("FileName", Literal::join(&[Part::Text(LOCAL_FOLDER), Part::Text("\\"), Part::Text(EDGE_EXPORT)]))
                    .switch("LocalStore"),
            ]),
        );
        self.say_on(
            vec![self.at("4.2-4.4"), at(install, rest)],
            format!(
                "Then run Step 2: {}, Step 3: Request, Install or Assign Certificates, and Step 4: Start Services.",
                w.step2
            ),
            fqdn,
        );
    }

    /// Hh202180: a file store; its server rebuilt first when it was lost.
    fn file_store(&mut self, store: &FileStore, server_lost: bool) {
        let host = Fqdn::new(&self.cx.t.pool_name(store.pool));
        if is_namespace(self.cx, store) {
            self.say(
                vec![self.at("1")],
                format!(
                    "{host} is a namespace (DFS) or a domain name, not a server: restore the folder {} points to on the file server that holds it, with the same path and share name; no server named {host} is rebuilt.",
                    code(&store.unc)
                ),
            );
        } else if server_lost {
            let preparing = at(&pages::HH202179, "preparing a server");
            self.rebuild(&host, "file server", preparing);
            self.log_on(&host, Account::ServerAndLocal, vec![preparing]);
        }
        self.copy_file_store(store, self.at("1"));
        self.run(
            vec![self.at("2")],
            "Set the access control lists of the file store (needed only if Topology Builder did not run during this restore):",
            None,
            Ok(vec![Command::new("Enable-CsTopology")]),
        );
    }

    /// A lost server holding stand-alone databases: rebuilt, SQL Server installed, and the
    /// empty databases re-created from the topology (`Install-CsDatabase`, Hh202171).
    fn rebuild_database_server(&mut self, sql: SqlId, role: &str, log_on: Cite) {
        let Some(r) = self.cx.sql_ref(sql) else {
            return;
        };
        let preparing = at(&pages::HH202179, "preparing a server");
        self.rebuild(&r.server, role, preparing);
        self.log_on(&r.server, Account::Local, vec![log_on]);
        self.install_sql(&r, preparing);
        self.image(&r.server, preparing);
        self.run(
            vec![
                at(&pages::HH202171, "restore tools"),
                at(&pages::INSTALL_CS_DATABASE, "-ForInstance"),
            ],
            format!(
                "In the {}, re-create the empty databases of {} and their permissions from the topology:",
                self.cx.words.shell,
                self.cx.t.sql_display(sql)
            ),
            None,
            fqdn(r.server.as_str()).and_then(|server| {
                Ok(vec![
                    for_instance(
                        Command::new("Install-CsDatabase")
                            .switch("ConfiguredDatabases")
                            .param("SqlServerFqdn", server),
                        &r,
                    )?
                    .switch("Verbose"),
                ])
            }),
        );
    }

    /// Hh202175: only the databases of the stores that failed.
    fn monitoring_archiving(&mut self, sql: SqlId, server_lost: bool, stores: &[&str]) {
        if server_lost {
            self.rebuild_database_server(sql, "Monitoring/Archiving database server", self.at("1"));
        } else if let Some(r) = self.cx.sql_ref(sql) {
            self.log_on(&r.server, Account::Local, vec![self.at("1")]);
        }
        self.say(
            vec![self.at("intro")],
            "Restoring this data is not needed to bring the pools back; restore it when the records matter to your organisation.",
        );
        self.monitoring_archiving_data(sql, &monitoring_archiving_dbs(stores), None);
    }

    fn persistent_chat(&mut self, sql: SqlId, server_lost: bool) {
        if server_lost {
            let preparing = at(&pages::HH202179, "preparing a server");
            self.rebuild_database_server(sql, "Persistent Chat database server", preparing);
        }
        self.persistent_chat_data(sql, None);
    }

    fn witness(&mut self, witness: &SqlRef, m: &Mirroring) {
        let cx = self.cx;
        let principal = cx.instance(&m.principal);
        let pools = principal.map(|i| backend_pools(cx, i)).unwrap_or_default();
        let pool_name = pools
            .first()
            .map_or_else(|| "the pool".to_string(), |&p| cx.t.pool_name(p));
        let preparing = at(&pages::HH202179, "preparing a server");
        self.rebuild(&witness.server, "mirroring witness", preparing);
        self.log_on(&witness.server, Account::Server, vec![preparing]);
        self.install_sql(witness, preparing);
        let w = cx.words;
        self.say(
            vec![self.at("witness")],
            format!(
                "A witness is set up only together with the mirror: in {}, edit {pool_name}, keep Enable SQL Server store mirroring with {} and Use SQL Server mirroring witness with {witness}; then right-click the {} node, choose Topology > Install Database and follow the wizard to Create Mirror Database.",
                w.topology_builder, m.mirror, w.node
            ),
        );
        self.restart_front_ends(
            &pools,
            vec![at(&pages::JJ204992, "important")],
            "to the mirroring",
        );
    }
}

/// The file an Edge Server's configuration is exported to, in [`LOCAL_FOLDER`].
const EDGE_EXPORT: &str = "EdgeConfiguration.zip";
#[cfg(test)]
mod tests {
    use crate::report::plan::test_support::{edited, plan_of};
    use crate::report::plan::{Plan, Step};
    use crate::rules::test_util::EXAMPLE;

    /// The example with each (file, from, to) edit applied.
    fn example_with(edits: &[(&str, &str, &str)]) -> Vec<(&'static str, String)> {
        edited(EXAMPLE, edits)
    }

    /// The Central Management store host and its mirror, both lost: the scheduled backups
    /// are read.
    const BOTH: &[&str] = &["sql01.contoso.com", "sql03.contoso.com"];

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
        let plan = plan_of(&files, BOTH);
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
        let plan = plan_of(&files, BOTH);
        let withheld = steps(&plan)
            .find_map(|s| s.withheld.as_ref())
            .expect("withheld");
        assert_eq!(withheld.code, "IN006");
        assert!(withheld.location.is_some());
    }

    #[test]
    fn valid_values_are_single_quoted_literals() {
        let files = example_with(&[("settings.csv", "CsConfiguration.zip", "it's $(x).zip")]);
        let plan = plan_of(&files, BOTH);
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

    #[test]
    fn a_file_store_behind_a_namespace_rebuilds_no_server() {
        // The file server renamed to the domain's own name, as a DFS namespace is reached.
        let from = "Fqdn=\"fs01.contoso.com\"";
        let to = "Fqdn=\"contoso.com\"";
        let files = example_with(&[("topology.xml", from, to), ("topology.xml", from, to)]);
        let plan = plan_of(&files, &["contoso.com"]);
        assert_eq!(plan.sections.len(), 1);
        assert!(
            plan.sections[0]
                .why
                .contains("names a namespace, not a server")
        );
        assert!(steps(&plan).all(|s| s.rebuilds.is_none()));
        assert!(
            plan.prerequisites
                .iter()
                .all(|p| p.subject != "contoso.com")
        );
        // The same share on a server: it is rebuilt.
        let plan = plan_of(&example_with(&[]), &["fs01.contoso.com"]);
        assert_eq!(
            steps(&plan).find_map(|s| s.rebuilds.as_deref()),
            Some("fs01.contoso.com")
        );
    }

    #[test]
    fn a_fresh_backup_into_a_folder_that_is_not_valid_is_left_out() {
        let files = example_with(&[(
            "settings.csv",
            "CsConfiguration.zip,\\\\backup01.contoso.com\\lync\\2026-11-20,",
            "CsConfiguration.zip,\\\\backup01.contoso.com\\lync|x,",
        )]);
        let plan = plan_of(&files, &["sql01.contoso.com"]);
        let withheld: Vec<&Step> = steps(&plan).filter(|s| s.withheld.is_some()).collect();
        // The exports from the mirror, and the import of the configuration.
        assert_eq!(withheld.len(), 2, "{withheld:?}");
        assert!(withheld[0].text.starts_with("Take a fresh backup"));
        assert!(withheld[1].text.starts_with("Import the configuration"));
        let json = serde_json::to_string(&plan).expect("json");
        assert!(!json.contains("lync|x"), "{json}");
        assert!(plan.blocked);
    }
}
