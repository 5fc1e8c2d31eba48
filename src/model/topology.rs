//! The typed topology: sites, pools, machines, SQL instances, services and what they imply
//! (roles, file stores, the Central Management store, the product).
//!
//! Both document forms lower to this one model: see [`super::lower`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::Fqdn;
use super::ids::{self, ids};
use crate::input::source::FileId;
use crate::input::span::{Span, Spanned};

/// Which of the two document forms a topology was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    /// `Get-CsTopology -AsXml` / `Publish-CsTopology` (root `Topology`).
    Published,
    /// Topology Builder's saved document (root `TopologyBuilder`).
    Tbxml,
}

/// The product generation, from `Service@ServiceVersion`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Product {
    Lync2010,
    Lync2013,
    Sfb2015,
    Sfb2019,
    Unknown,
}

impl Product {
    #[must_use]
    pub fn from_service_version(version: u8) -> Self {
        match version {
            5 => Self::Lync2010,
            6 => Self::Lync2013,
            7 => Self::Sfb2015,
            8 => Self::Sfb2019,
            _ => Self::Unknown,
        }
    }

    #[must_use]
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Lync2010 => "Lync Server 2010",
            Self::Lync2013 => "Lync Server 2013",
            Self::Sfb2015 => "Skype for Business Server 2015",
            Self::Sfb2019 => "Skype for Business Server 2019",
            Self::Unknown => "an unknown product version",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SiteKind {
    Central,
    Branch,
}

ids! {
    /// A site: an index into [`Topology::sites`].
    SiteId => Site;
    /// A pool (a `Cluster`): an index into [`Topology::pools`].
    PoolId => Pool;
    /// A machine of a pool: an index into its [`Pool::machines`].
    MachineId => Machine;
    /// A SQL Server instance: an index into [`Topology::sql_instances`].
    SqlId => SqlInstance;
    /// A service: an index into [`Topology::services`].
    ServiceId => Service;
}

#[derive(Clone, Debug)]
pub struct Site {
    /// `SiteId` as written.
    pub id: String,
    pub name: Option<Spanned<String>>,
    pub kind: SiteKind,
    pub tag: Span,
}

/// A `Cluster`: a Front End, Edge or Director pool, a Standard Edition server, or the
/// single-machine cluster of a SQL server, file server, Office Web Apps server or gateway.
#[derive(Clone, Debug)]
pub struct Pool {
    /// `SiteId:Number` (published) or the `UniqueId` GUID (Topology Builder).
    pub key: String,
    pub fqdn: Option<Spanned<Fqdn>>,
    pub site: Option<SiteId>,
    pub machines: Vec<Machine>,
    /// Topology Builder's `IsSingleMachineOnly`.
    pub single_machine_only: Option<bool>,
    pub tag: Span,
}

#[derive(Clone, Debug)]
pub struct Machine {
    pub fqdn: Option<Spanned<Fqdn>>,
    /// The machine had no `Fqdn` of its own and took its single-machine cluster's.
    pub inherited: bool,
    pub tag: Span,
}

/// A SQL Server instance that stores are installed on.
#[derive(Clone, Debug)]
pub struct SqlInstance {
    pub key: String,
    /// The pool (cluster) of the SQL server; `None` when its reference dangles.
    pub pool: Option<PoolId>,
    /// The instance name; empty for the default instance.
    pub name: Spanned<String>,
    pub always_on_primary: Option<Spanned<Fqdn>>,
    /// Every attribute of the instance that the model does not interpret (mirroring data, if a
    /// topology ever carries it, surfaces here).
    pub extra: Vec<Spanned<String>>,
    pub tag: Span,
}

/// Where a service is installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    Pool(PoolId),
    Sql(SqlId),
}

/// One server role instance (`Service`).
#[derive(Clone, Debug)]
pub struct Service {
    /// `SiteId-RoleName-Instance` (published) or the `UniqueId` GUID (Topology Builder).
    pub key: String,
    pub role: Spanned<String>,
    pub version: Option<Spanned<u8>>,
    pub installed_on: Option<Host>,
    pub depends_on: Vec<ServiceId>,
    /// The role-settings element (`FileStoreService`, `RegistrarService`...), if any.
    pub settings: Option<Span>,
    /// `FileStoreService@ShareName`.
    pub share_name: Option<Spanned<String>>,
    /// `RegistrarService@IsDirector="true"`.
    pub is_director: bool,
    /// `CentralMgmtService@IsActive`.
    pub cms_active: Option<bool>,
    pub tag: Span,
}

/// A reference that resolves to nothing.
#[derive(Clone, Debug)]
pub struct Dangling {
    /// The referencing element or attribute.
    pub span: Span,
    /// What it refers to, in words (`cluster 1:7`).
    pub target: String,
    /// Where the reference sits, in words (`InstalledOn of service 1-FileStore-1`).
    pub context: String,
}

/// A reference between elements, resolved or not. It keeps what it is made of, and
/// [`Topology::reference_words`] puts it in the words of [`Dangling`] when a report needs them
/// (most runs never do, and a large topology has hundreds of thousands).
#[derive(Clone, Debug)]
pub struct Reference {
    pub kind: ReferenceKind,
    /// The key referred to, as written (`1:7`, `1-FileStore-1`, a GUID).
    pub key: String,
}

/// Where a resolved reference sits.
#[derive(Clone, Debug)]
pub enum ReferenceKind {
    /// The `InstalledOn` of a service: a cluster, or a SQL instance (`sql`).
    InstalledOn { service: ServiceId, sql: bool },
    /// A dependency of a service.
    Dependency { service: ServiceId },
    /// The cluster of a SQL instance.
    SqlServer { sql: SqlId },
    /// A `ClusterId` that must name a cluster, with where it sits in words.
    Cluster { context: String },
    /// The site of a cluster.
    Site { pool: PoolId },
}

/// An element or attribute the model does not interpret.
#[derive(Clone, Debug)]
pub struct Unmodelled {
    /// `Topology/Services/Service/Foo` or `Topology/SqlInstances/SqlInstance@MirrorPort`.
    pub path: String,
    pub span: Span,
}

/// What a pool does, derived from the services installed on it and the stores it hosts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PoolRole {
    FrontEnd,
    Director,
    Edge,
    Mediation,
    PersistentChat,
    SqlStore,
    FileStore,
    OfficeWebApps,
    PstnGateway,
    TrustedApplication,
    VideoInterop,
    Archiving,
    Monitoring,
    CentralManagement,
}

impl PoolRole {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::FrontEnd => "Front End",
            Self::Director => "Director",
            Self::Edge => "Edge",
            Self::Mediation => "Mediation",
            Self::PersistentChat => "Persistent Chat",
            Self::SqlStore => "SQL store",
            Self::FileStore => "file store",
            Self::OfficeWebApps => "Office Web Apps",
            Self::PstnGateway => "PSTN gateway",
            Self::TrustedApplication => "trusted application",
            Self::VideoInterop => "Video Interop",
            Self::Archiving => "Archiving",
            Self::Monitoring => "Monitoring",
            Self::CentralManagement => "Central Management",
        }
    }
}

/// Role names of the services that are databases installed on a SQL instance.
pub const STORE_ROLES: &[&str] = &[
    "UserStore",
    "ApplicationStore",
    "CentralMgmtStore",
    "ArchivingStore",
    "MonitoringStore",
    "PersistentChatStore",
    "PersistentChatComplianceStore",
];

/// A file share of the topology.
#[derive(Clone, Debug)]
pub struct FileStore {
    pub service: ServiceId,
    pub pool: PoolId,
    /// `\\host\share`, with the host lower-cased and the share as written.
    pub unc: String,
    pub share: Spanned<String>,
}

/// What a name in the topology refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostRef {
    Pool(PoolId),
    Machine(PoolId, MachineId),
}

/// A topology document, lowered.
#[derive(Clone, Debug)]
pub struct Topology {
    pub file: FileId,
    pub form: Form,
    /// The root element's start tag.
    pub root: Span,
    pub sites: Vec<Site>,
    pub pools: Vec<Pool>,
    pub sql_instances: Vec<SqlInstance>,
    pub services: Vec<Service>,
    pub dangling: Vec<Dangling>,
    /// Every reference, dangling or not, in document order of resolution.
    pub references: Vec<Reference>,
    pub unmodelled: Vec<Unmodelled>,
    /// Every attribute of a cluster that the model does not interpret, by pool, as
    /// `name=value` with the value's span (a backup pool, if a topology ever records one there,
    /// surfaces here). Kept apart from the pools, which seldom have any.
    pub cluster_attributes: Vec<(PoolId, Spanned<String>)>,
    /// Every placeholder occurrence (`$Name`, `{{name}}`) with its text.
    pub placeholders: Vec<Spanned<String>>,
    /// Pools and machines by normalised FQDN, in document order.
    pub hosts: BTreeMap<Fqdn, Vec<HostRef>>,
    /// Indexes built once after lowering, so that per-pool questions never scan every service.
    pub(crate) index: Index,
}

/// Which services run on each pool and SQL instance, and which instances each pool hosts.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    pub(crate) pool_services: Vec<Vec<ServiceId>>,
    pub(crate) sql_services: Vec<Vec<ServiceId>>,
    pub(crate) pool_sql: Vec<Vec<SqlId>>,
}

impl Index {
    pub(crate) fn build(topology: &Topology) -> Self {
        let mut index = Self {
            pool_services: vec![Vec::new(); topology.pools.len()],
            sql_services: vec![Vec::new(); topology.sql_instances.len()],
            pool_sql: vec![Vec::new(); topology.pools.len()],
        };
        for (i, service) in ids::enumerate(&topology.services) {
            match service.installed_on {
                Some(Host::Pool(p)) => index.pool_services[p.index()].push(i),
                Some(Host::Sql(s)) => index.sql_services[s.index()].push(i),
                None => {}
            }
        }
        for (i, sql) in ids::enumerate(&topology.sql_instances) {
            if let Some(p) = sql.pool {
                index.pool_sql[p.index()].push(i);
            }
        }
        index
    }
}

impl Topology {
    /// The ids of the pools, in document order.
    pub fn pool_ids(&self) -> impl DoubleEndedIterator<Item = PoolId> + Clone + use<> {
        ids::all(self.pools.len())
    }

    /// The ids of the SQL instances, in document order.
    pub fn sql_ids(&self) -> impl DoubleEndedIterator<Item = SqlId> + Clone + use<> {
        ids::all(self.sql_instances.len())
    }

    /// The product: the newest `ServiceVersion` among the services.
    #[must_use]
    pub fn product(&self) -> Product {
        self.services
            .iter()
            .filter_map(|s| s.version.as_ref())
            .map(|v| Product::from_service_version(v.value))
            .filter(|p| *p != Product::Unknown)
            .max()
            .unwrap_or(Product::Unknown)
    }

    /// Services installed on a pool.
    pub fn services_on_pool(&self, pool: PoolId) -> impl Iterator<Item = &Service> {
        self.index
            .pool_services
            .get(pool.index())
            .into_iter()
            .flatten()
            .map(|&i| &self.services[i])
    }

    /// Services installed on a SQL instance (its stores).
    pub fn services_on_sql(&self, sql: SqlId) -> impl Iterator<Item = &Service> {
        self.index
            .sql_services
            .get(sql.index())
            .into_iter()
            .flatten()
            .map(|&i| &self.services[i])
    }

    /// Whether any service with this role name runs on the pool.
    #[must_use]
    pub fn pool_runs(&self, pool: PoolId, role: &str) -> bool {
        self.services_on_pool(pool).any(|s| s.role.value == role)
    }

    /// The roles of a pool, sorted and without repeats.
    #[must_use]
    pub fn pool_roles(&self, pool: PoolId) -> Vec<PoolRole> {
        let mut roles: Vec<PoolRole> = self
            .services_on_pool(pool)
            .filter_map(|s| match s.role.value.as_str() {
                "UserServices" => Some(PoolRole::FrontEnd),
                "Registrar" if s.is_director => Some(PoolRole::Director),
                "EdgeServer" => Some(PoolRole::Edge),
                "MediationServer" => Some(PoolRole::Mediation),
                "PersistentChatServer" => Some(PoolRole::PersistentChat),
                "FileStore" => Some(PoolRole::FileStore),
                "WacService" => Some(PoolRole::OfficeWebApps),
                "PstnGateway" => Some(PoolRole::PstnGateway),
                "ExternalServer" | "TrustedApplicationPool" => Some(PoolRole::TrustedApplication),
                "VideoInteropServer" => Some(PoolRole::VideoInterop),
                "ArchivingServer" => Some(PoolRole::Archiving),
                "MonitoringServer" => Some(PoolRole::Monitoring),
                "CentralMgmt" => Some(PoolRole::CentralManagement),
                _ => None,
            })
            .collect();
        let hosts_store = self
            .index
            .pool_sql
            .get(pool.index())
            .into_iter()
            .flatten()
            .any(|&i| self.services_on_sql(i).next().is_some());
        if hosts_store {
            roles.push(PoolRole::SqlStore);
        }
        roles.sort_unstable();
        roles.dedup();
        roles
    }

    /// A Standard Edition server: a Front End on one machine that bears the pool's own name.
    #[must_use]
    pub fn is_standard_edition(&self, pool: PoolId) -> bool {
        let p = &self.pools[pool];
        if !self.pool_runs(pool, "UserServices") || p.machines.len() != 1 {
            return false;
        }
        if p.single_machine_only == Some(true) {
            return true;
        }
        let m = &p.machines[0];
        m.inherited || (m.fqdn.as_ref().map(|f| &f.value) == p.fqdn.as_ref().map(|f| &f.value))
    }

    /// An Enterprise Edition Front End pool.
    #[must_use]
    pub fn is_enterprise_front_end(&self, pool: PoolId) -> bool {
        self.pool_runs(pool, "UserServices") && !self.is_standard_edition(pool)
    }

    /// The store role names installed on a SQL instance, sorted, each once.
    #[must_use]
    pub fn stores_on(&self, sql: SqlId) -> Vec<&str> {
        let mut stores: Vec<&str> = self
            .services_on_sql(sql)
            .map(|s| s.role.value.as_str())
            .collect();
        stores.sort_unstable();
        stores.dedup();
        stores
    }

    /// The SQL server FQDN of an instance.
    #[must_use]
    pub fn sql_server(&self, sql: SqlId) -> Option<&Spanned<Fqdn>> {
        self.sql_instances[sql]
            .pool
            .and_then(|p| self.pools[p].fqdn.as_ref())
    }

    /// `fqdn\instance`, or just `fqdn` for the default instance.
    #[must_use]
    pub fn sql_display(&self, sql: SqlId) -> String {
        let server = self
            .sql_server(sql)
            .map_or_else(|| "?".to_string(), |f| f.value.to_string());
        let name = &self.sql_instances[sql].name.value;
        if name.is_empty() {
            server
        } else {
            format!("{server}\\{name}")
        }
    }

    /// The file stores, in document order.
    #[must_use]
    pub fn file_stores(&self) -> Vec<FileStore> {
        ids::enumerate(&self.services)
            .filter(|(_, s)| s.role.value == "FileStore")
            .filter_map(|(i, s)| {
                let Some(Host::Pool(pool)) = s.installed_on else {
                    return None;
                };
                let share = s.share_name.clone()?;
                let host = self.pools[pool].fqdn.as_ref()?;
                Some(FileStore {
                    service: i,
                    pool,
                    unc: format!("\\\\{}\\{}", host.value, share.value),
                    share,
                })
            })
            .collect()
    }

    /// The SQL instance holding the Central Management store, if the topology has one: the
    /// store the active Central Management Server depends on (a paired deployment also defines
    /// a standby on the backup pool's Back End), else the first store defined.
    #[must_use]
    pub fn central_management_store(&self) -> Option<SqlId> {
        let store = |s: &Service| match s.installed_on {
            Some(Host::Sql(sql)) if s.role.value == "CentralMgmtStore" => Some(sql),
            _ => None,
        };
        self.services
            .iter()
            .filter(|s| s.role.value == "CentralMgmt" && s.cms_active != Some(false))
            .flat_map(|s| &s.depends_on)
            .find_map(|&d| self.services.get(d.index()).and_then(store))
            .or_else(|| self.services.iter().find_map(store))
    }

    /// Every pool or machine named `fqdn`.
    #[must_use]
    pub fn lookup(&self, fqdn: &Fqdn) -> &[HostRef] {
        self.hosts.get(fqdn).map_or(&[], Vec::as_slice)
    }

    /// A service as reference messages name it: `service KEY` (published) or
    /// `service ROLE (GUID)` (Topology Builder).
    #[must_use]
    pub fn describe_service(&self, service: ServiceId) -> String {
        let s = &self.services[service];
        if self.form == Form::Published {
            format!("service {}", s.key)
        } else {
            format!("service {} ({})", s.role.value, s.key)
        }
    }

    /// What a reference refers to and where it sits, in words (`cluster 1:7`,
    /// `InstalledOn of service 1-FileStore-1`): as a [`Dangling`] reference would say.
    #[must_use]
    pub fn reference_words(&self, r: &Reference) -> (String, String) {
        let key = &r.key;
        match &r.kind {
            ReferenceKind::InstalledOn { service, sql } => {
                let what = match (self.form, sql) {
                    (Form::Tbxml, _) => format!("cluster or SQL instance {key}"),
                    (_, true) => format!("SQL instance {}", show_sql_key(key)),
                    (_, false) => format!("cluster {key}"),
                };
                (
                    what,
                    format!("InstalledOn of {}", self.describe_service(*service)),
                )
            }
            ReferenceKind::Dependency { service } => (
                format!("service {key}"),
                format!("a dependency of {}", self.describe_service(*service)),
            ),
            ReferenceKind::SqlServer { sql } => (
                format!("cluster {key}"),
                format!(
                    "the server of SQL instance `{}`",
                    self.sql_instances[*sql].name.value
                ),
            ),
            ReferenceKind::Cluster { context } => (format!("cluster {key}"), context.clone()),
            ReferenceKind::Site { pool } => (
                format!("site {key}"),
                format!("the ClusterId of {}", self.pool_name(*pool)),
            ),
        }
    }

    /// The display name of a pool (its FQDN, or its key when it has none).
    #[must_use]
    pub fn pool_name(&self, pool: PoolId) -> String {
        let p = &self.pools[pool];
        p.fqdn
            .as_ref()
            .map_or_else(|| format!("cluster {}", p.key), |f| f.value.to_string())
    }
}

/// A SQL instance key `cluster\instance` in words.
pub(crate) fn show_sql_key(key: &str) -> String {
    match key.split_once('\\') {
        Some((cluster, "")) => format!("(default) on cluster {cluster}"),
        Some((cluster, name)) => format!("{name} on cluster {cluster}"),
        None => key.to_string(),
    }
}
