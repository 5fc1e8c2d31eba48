//! Lowering an XML tree to a [`Topology`], for both document forms.
//!
//! The walk follows the known shape of each form (a handful of levels), so document depth never
//! matters; anything outside that shape is recorded in [`Topology::unmodelled`] and not entered.

use std::collections::{BTreeMap, HashMap};

use super::topology::{
    Dangling, Form, Host, HostRef, Index, Machine, Pool, Reference, Service, Site, SiteKind,
    SqlInstance, Topology, Unmodelled,
};
use super::{Fqdn, placeholder};
use crate::source::FileId;
use crate::span::{Span, Spanned};
use crate::xml::{ElemId, Ns, XmlDoc};

/// Topology elements may carry either topology namespace (hand-edited files mix them).
const TOPO: &[Ns] = &[Ns::Topology, Ns::WritableTopology];
const ROLES: &[Ns] = &[Ns::ServiceRoles];

/// What kind of document a parsed XML file is.
#[derive(Debug)]
pub enum Recognized {
    Topology(Box<Topology>),
    /// Not a topology: the root element's name and whether it looked like one without the
    /// expected namespace.
    Other {
        root: String,
        near_miss: bool,
    },
}

/// Recognises the document by its root element and namespace, and lowers it.
#[must_use]
pub fn lower(doc: &XmlDoc<'_>, file: FileId) -> Recognized {
    let root = doc.root();
    let form = if doc.is(root, &[Ns::Topology], "Topology") {
        Form::Published
    } else if doc.is(root, &[Ns::TopologyBuilder], "TopologyBuilder") {
        Form::Tbxml
    } else {
        let name = doc.name(root).to_string();
        let near_miss = matches!(name.as_str(), "Topology" | "TopologyBuilder");
        return Recognized::Other {
            root: name,
            near_miss,
        };
    };
    let mut l = Lowerer::new(doc, file, form);
    match form {
        Form::Published => l.published(root),
        Form::Tbxml => l.builder(root),
    }
    Recognized::Topology(Box::new(l.finish()))
}

enum Pending {
    /// A service's `InstalledOn` (published: a cluster key or `cluster\instance`; tbxml: a GUID).
    InstalledOn {
        service: usize,
        key: String,
        sql: bool,
        span: Span,
    },
    Dependency {
        service: usize,
        key: String,
        span: Span,
    },
    SqlServer {
        sql: usize,
        key: String,
        span: Span,
    },
    /// A `ClusterId` that must name a cluster.
    Cluster {
        key: String,
        span: Span,
        context: String,
    },
    Site {
        pool: usize,
        key: String,
        span: Span,
    },
}

struct Lowerer<'d, 't> {
    doc: &'d XmlDoc<'t>,
    topo: Topology,
    pools: HashMap<String, usize>,
    sqls: HashMap<String, usize>,
    services: HashMap<String, usize>,
    sites: HashMap<String, usize>,
    pending: Vec<Pending>,
}

impl<'d, 't> Lowerer<'d, 't> {
    fn new(doc: &'d XmlDoc<'t>, file: FileId, form: Form) -> Self {
        Self {
            doc,
            topo: Topology {
                file,
                form,
                root: doc.elem(doc.root()).tag,
                sites: Vec::new(),
                pools: Vec::new(),
                sql_instances: Vec::new(),
                services: Vec::new(),
                dangling: Vec::new(),
                references: Vec::new(),
                unmodelled: Vec::new(),
                placeholders: Vec::new(),
                hosts: BTreeMap::new(),
                index: Index::default(),
            },
            pools: HashMap::new(),
            sqls: HashMap::new(),
            services: HashMap::new(),
            sites: HashMap::new(),
            pending: Vec::new(),
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    fn attr(&self, el: ElemId, name: &str) -> Option<Spanned<String>> {
        self.doc
            .attr_value(el, name)
            .map(|(v, span)| Spanned::new(v.into_owned(), span))
    }

    fn fqdn(&self, el: ElemId, name: &str) -> Option<Spanned<Fqdn>> {
        self.attr(el, name)
            .filter(|a| !a.value.trim().is_empty())
            .map(|a| Spanned::new(Fqdn::new(&a.value), a.span))
    }

    fn flag(&self, el: ElemId, name: &str) -> Option<bool> {
        self.attr(el, name)
            .map(|a| a.value.trim().eq_ignore_ascii_case("true"))
    }

    fn unmodelled(&mut self, path: &str, el: ElemId) {
        let name = self.doc.name(el);
        self.topo.unmodelled.push(Unmodelled {
            path: format!("{path}/{name}"),
            span: self.doc.elem(el).tag,
        });
    }

    /// Records attributes outside `known` (and outside Topology Builder's `Original*` ones).
    fn note_attrs(&mut self, el: ElemId, path: &str, known: &[&str]) -> Vec<Spanned<String>> {
        let mut extra = Vec::new();
        for a in self.doc.attrs(el) {
            let name = self.doc.slice(a.name);
            if known.contains(&name) || name.starts_with("Original") {
                continue;
            }
            self.topo.unmodelled.push(Unmodelled {
                path: format!("{path}@{name}"),
                span: a.name,
            });
            extra.push(Spanned::new(
                format!("{name}={}", self.doc.value(a)),
                a.value,
            ));
        }
        extra
    }

    fn children(&self, el: ElemId) -> Vec<ElemId> {
        self.doc.children(el).collect()
    }

    fn is(&self, el: ElemId, ns: &[Ns], name: &str) -> bool {
        self.doc.is(el, ns, name)
    }

    // ---- published form ------------------------------------------------------------------

    fn published(&mut self, root: ElemId) {
        const P: &str = "Topology";
        self.note_attrs(root, P, &["Signature"]);
        for child in self.children(root) {
            if self.is(child, TOPO, "InternalDomains") {
                continue;
            } else if self.is(child, TOPO, "Sites") {
                self.each(child, "Topology/Sites", "CentralSite", |l, site| {
                    l.site(site, SiteKind::Central, "Topology/Sites");
                });
            } else if self.is(child, TOPO, "Clusters") {
                self.each(
                    child,
                    "Topology/Clusters",
                    "Cluster",
                    Self::published_cluster,
                );
            } else if self.is(child, TOPO, "SqlInstances") {
                self.each(
                    child,
                    "Topology/SqlInstances",
                    "SqlInstance",
                    Self::published_sql,
                );
            } else if self.is(child, TOPO, "Services") {
                self.each(
                    child,
                    "Topology/Services",
                    "Service",
                    Self::published_service,
                );
            } else {
                self.unmodelled(P, child);
            }
        }
    }

    /// Lowers each child named `name` with `f`; records any other child as unmodelled.
    fn each(&mut self, parent: ElemId, path: &str, name: &str, f: impl Fn(&mut Self, ElemId)) {
        for child in self.children(parent) {
            if self.is(child, TOPO, name) {
                f(self, child);
            } else {
                self.unmodelled(path, child);
            }
        }
    }

    fn site(&mut self, el: ElemId, kind: SiteKind, parent: &str) {
        let path = format!("{parent}/{}", self.doc.name(el));
        self.note_attrs(el, &path, &["SiteId"]);
        let id = self.attr(el, "SiteId").map(|a| a.value).unwrap_or_default();
        let mut name = None;
        let mut nested = Vec::new();
        for child in self.children(el) {
            if self.is(child, TOPO, "Name") {
                let text = self.doc.text_of(child).into_owned();
                name = Some(Spanned::new(text, self.doc.elem(child).text));
            } else if self.is(child, TOPO, "Description") || self.is(child, TOPO, "Location") {
            } else if self.is(child, TOPO, "Clusters") || self.is(child, TOPO, "RemoteSites") {
                nested.push(child);
            } else {
                self.unmodelled(&path, child);
            }
        }
        let index = self.topo.sites.len();
        self.topo.sites.push(Site {
            id: id.clone(),
            name,
            kind,
            tag: self.doc.elem(el).tag,
        });
        if !id.is_empty() {
            self.sites.entry(id.clone()).or_insert(index);
        }
        for group in nested {
            let group_path = format!("{path}/{}", self.doc.name(group));
            for child in self.children(group) {
                if self.is(child, TOPO, "Cluster") {
                    self.builder_cluster(child, index);
                } else if self.is(child, TOPO, "RemoteSite") {
                    self.site(child, SiteKind::Branch, &group_path);
                } else {
                    self.unmodelled(&group_path, child);
                }
            }
        }
    }

    fn published_cluster(&mut self, el: ElemId) {
        const P: &str = "Topology/Clusters/Cluster";
        self.note_attrs(el, P, &["Fqdn", "RequiresReplication", "RequiresSetup"]);
        let index = self.topo.pools.len();
        let mut key = None;
        let mut machines = Vec::new();
        for child in self.children(el) {
            if self.is(child, TOPO, "ClusterId") {
                self.note_attrs(child, &format!("{P}/ClusterId"), &["SiteId", "Number"]);
                let site = self
                    .attr(child, "SiteId")
                    .map(|a| a.value)
                    .unwrap_or_default();
                let number = self
                    .attr(child, "Number")
                    .map(|a| a.value)
                    .unwrap_or_default();
                self.pending.push(Pending::Site {
                    pool: index,
                    key: site.clone(),
                    span: self.doc.elem(child).tag,
                });
                key = Some(format!("{site}:{number}"));
            } else if self.is(child, TOPO, "Machine") {
                machines.push(self.machine(child, P));
            } else {
                self.unmodelled(P, child);
            }
        }
        let key = key.unwrap_or_else(|| format!("#{index}"));
        self.push_pool(el, key, None, machines, None);
    }

    fn machine(&mut self, el: ElemId, parent: &str) -> Machine {
        let path = format!("{parent}/Machine");
        self.note_attrs(
            el,
            &path,
            &["OrdinalInCluster", "Fqdn", "FaultDomain", "UpgradeDomain"],
        );
        for child in self.children(el) {
            if !self.is(child, TOPO, "NetInterface") {
                self.unmodelled(&path, child);
            }
        }
        Machine {
            fqdn: self.fqdn(el, "Fqdn"),
            inherited: false,
            tag: self.doc.elem(el).tag,
        }
    }

    fn push_pool(
        &mut self,
        el: ElemId,
        key: String,
        site: Option<usize>,
        mut machines: Vec<Machine>,
        single_machine_only: Option<bool>,
    ) -> usize {
        let index = self.topo.pools.len();
        let fqdn = self.fqdn(el, "Fqdn");
        if let ([only], Some(cluster)) = (machines.as_mut_slice(), &fqdn) {
            if only.fqdn.is_none() {
                only.fqdn = Some(cluster.clone());
                only.inherited = true;
            }
        }
        self.pools.entry(key.to_lowercase()).or_insert(index);
        self.topo.pools.push(Pool {
            key,
            fqdn,
            site,
            machines,
            single_machine_only,
            tag: self.doc.elem(el).tag,
        });
        index
    }

    fn published_sql(&mut self, el: ElemId) {
        const P: &str = "Topology/SqlInstances/SqlInstance";
        let extra = self.note_attrs(el, P, &["AlwaysOnPrimaryNodeFqdn"]);
        let index = self.topo.sql_instances.len();
        let mut name = Spanned::new(String::new(), self.doc.elem(el).tag);
        let mut tag = self.doc.elem(el).tag;
        let mut key = format!("#sql{index}");
        for child in self.children(el) {
            if self.is(child, TOPO, "SqlInstanceId") {
                self.note_attrs(child, &format!("{P}/SqlInstanceId"), &["Name"]);
                tag = self.doc.elem(child).tag;
                name = self
                    .attr(child, "Name")
                    .unwrap_or_else(|| Spanned::new(String::new(), tag));
                match self.doc.child(child, TOPO, "ClusterId") {
                    Some(cid) => {
                        let cluster = self.cluster_key(cid);
                        key = format!("{cluster}\\{}", name.value);
                        self.pending.push(Pending::SqlServer {
                            sql: index,
                            key: cluster,
                            span: self.doc.elem(cid).tag,
                        });
                    }
                    None => self.unmodelled(P, child),
                }
            } else {
                self.unmodelled(P, child);
            }
        }
        self.sqls.entry(key.to_lowercase()).or_insert(index);
        self.topo.sql_instances.push(SqlInstance {
            key,
            pool: None,
            name,
            always_on_primary: self.fqdn(el, "AlwaysOnPrimaryNodeFqdn"),
            extra,
            tag,
        });
    }

    fn cluster_key(&self, cid: ElemId) -> String {
        let site = self
            .attr(cid, "SiteId")
            .map(|a| a.value)
            .unwrap_or_default();
        let number = self
            .attr(cid, "Number")
            .map(|a| a.value)
            .unwrap_or_default();
        format!("{site}:{number}")
    }

    fn service_key(&self, sid: ElemId) -> (String, Option<Spanned<String>>) {
        let site = self
            .attr(sid, "SiteId")
            .map(|a| a.value)
            .unwrap_or_default();
        let role = self.attr(sid, "RoleName");
        let instance = self
            .attr(sid, "Instance")
            .map(|a| a.value)
            .unwrap_or_default();
        let role_name = role.as_ref().map(|r| r.value.as_str()).unwrap_or_default();
        (format!("{site}-{role_name}-{instance}"), role)
    }

    fn published_service(&mut self, el: ElemId) {
        const P: &str = "Topology/Services/Service";
        self.note_attrs(el, P, &["RoleVersion", "ServiceVersion", "Type"]);
        let index = self.topo.services.len();
        let mut service = self.new_service(el, format!("#svc{index}"));
        for child in self.children(el) {
            if self.is(child, TOPO, "ServiceId") {
                let (key, role) = self.service_key(child);
                service.key = key;
                if let Some(role) = role {
                    service.role = role;
                }
            } else if self.is(child, TOPO, "DependsOn") {
                for dep in self.children(child) {
                    let target = self.doc.child(dep, TOPO, "ServiceId");
                    match target {
                        Some(sid) if self.is(dep, TOPO, "Dependency") => {
                            let (key, _) = self.service_key(sid);
                            self.pending.push(Pending::Dependency {
                                service: index,
                                key,
                                span: self.doc.elem(sid).tag,
                            });
                        }
                        _ => self.unmodelled(&format!("{P}/DependsOn"), dep),
                    }
                }
            } else if self.is(child, TOPO, "InstalledOn") {
                for target in self.children(child) {
                    if self.is(target, TOPO, "ClusterId") {
                        let key = self.cluster_key(target);
                        self.pending.push(Pending::InstalledOn {
                            service: index,
                            key,
                            sql: false,
                            span: self.doc.elem(target).tag,
                        });
                    } else if self.is(target, TOPO, "SqlInstanceId") {
                        let name = self
                            .attr(target, "Name")
                            .map(|a| a.value)
                            .unwrap_or_default();
                        let cluster_id = self.doc.child(target, TOPO, "ClusterId");
                        let cluster = cluster_id.map(|c| self.cluster_key(c)).unwrap_or_default();
                        if let Some(c) = cluster_id {
                            self.pending.push(Pending::Cluster {
                                key: cluster.clone(),
                                span: self.doc.elem(c).tag,
                                context: format!("the SQL instance `{name}` in InstalledOn"),
                            });
                        }
                        self.pending.push(Pending::InstalledOn {
                            service: index,
                            key: format!("{cluster}\\{name}"),
                            sql: true,
                            span: self.doc.elem(target).tag,
                        });
                    } else {
                        self.unmodelled(&format!("{P}/InstalledOn"), target);
                    }
                }
            } else if self.is(child, ROLES, "Ports") {
            } else if self.doc.elem(child).ns == Ns::ServiceRoles {
                self.settings(child, &mut service);
            } else {
                self.unmodelled(P, child);
            }
        }
        self.push_service(service);
    }

    fn new_service(&self, el: ElemId, key: String) -> Service {
        let tag = self.doc.elem(el).tag;
        Service {
            key,
            role: self
                .attr(el, "RoleName")
                .unwrap_or_else(|| Spanned::new(String::new(), tag)),
            version: self.attr(el, "ServiceVersion").and_then(|v| {
                v.value
                    .trim()
                    .parse::<u8>()
                    .ok()
                    .map(|n| Spanned::new(n, v.span))
            }),
            installed_on: None,
            depends_on: Vec::new(),
            settings: None,
            share_name: None,
            is_director: false,
            cms_active: None,
            tag,
        }
    }

    fn push_service(&mut self, service: Service) {
        let index = self.topo.services.len();
        self.services
            .entry(service.key.to_lowercase())
            .or_insert(index);
        self.topo.services.push(service);
    }

    /// A role-settings element such as `FileStoreService`.
    fn settings(&mut self, el: ElemId, service: &mut Service) {
        service.settings = Some(self.doc.elem(el).tag);
        match self.doc.name(el) {
            "FileStoreService" => service.share_name = self.attr(el, "ShareName"),
            "RegistrarService" => service.is_director = self.flag(el, "IsDirector") == Some(true),
            "CentralMgmtService" => service.cms_active = self.flag(el, "IsActive"),
            _ => {}
        }
    }

    // ---- Topology Builder form -----------------------------------------------------------

    fn builder(&mut self, root: ElemId) {
        for child in self.children(root) {
            if self.is(child, &[Ns::TopologyBuilder], "NewTopology") {
                for partial in self.children(child) {
                    if self.is(partial, TOPO, "PartialTopology") {
                        self.partial_topology(partial);
                    } else {
                        self.unmodelled("TopologyBuilder/NewTopology", partial);
                    }
                }
            } else {
                self.unmodelled("TopologyBuilder", child);
            }
        }
    }

    fn partial_topology(&mut self, el: ElemId) {
        const P: &str = "TopologyBuilder/NewTopology/PartialTopology";
        for child in self.children(el) {
            if self.is(child, TOPO, "InternalDomains")
                || self.doc.name(child) == "SimpleUrlConfiguration"
            {
                continue;
            } else if self.is(child, TOPO, "CentralSites") {
                let path = format!("{P}/CentralSites");
                self.each(child, &path, "CentralSite", |l, site| {
                    l.site(site, SiteKind::Central, &path);
                });
            } else if self.is(child, TOPO, "Services") {
                self.each(
                    child,
                    &format!("{P}/Services"),
                    "Service",
                    Self::builder_service,
                );
            } else {
                self.unmodelled(P, child);
            }
        }
    }

    fn builder_cluster(&mut self, el: ElemId, site: usize) {
        const P: &str = ".../Clusters/Cluster";
        self.note_attrs(
            el,
            P,
            &[
                "IsSingleMachineOnly",
                "UniqueId",
                "RequiresReplication",
                "RequiresSetup",
                "Fqdn",
            ],
        );
        let index = self.topo.pools.len();
        let key = self
            .attr(el, "UniqueId")
            .map_or_else(|| format!("#{index}"), |a| a.value.to_lowercase());
        let mut machines = Vec::new();
        let mut sql_elements = Vec::new();
        for child in self.children(el) {
            if self.is(child, TOPO, "Machines") {
                for m in self.children(child) {
                    if self.is(m, TOPO, "Machine") {
                        machines.push(self.machine(m, &format!("{P}/Machines")));
                    } else {
                        self.unmodelled(&format!("{P}/Machines"), m);
                    }
                }
            } else if self.is(child, TOPO, "SqlInstances") {
                for s in self.children(child) {
                    if self.is(s, TOPO, "SqlInstance") {
                        sql_elements.push(s);
                    } else {
                        self.unmodelled(&format!("{P}/SqlInstances"), s);
                    }
                }
            } else {
                self.unmodelled(P, child);
            }
        }
        let single = self.flag(el, "IsSingleMachineOnly");
        let pool = self.push_pool(el, key, Some(site), machines, single);
        for s in sql_elements {
            self.builder_sql(s, pool);
        }
    }

    fn builder_sql(&mut self, el: ElemId, pool: usize) {
        let extra = self.note_attrs(
            el,
            ".../SqlInstances/SqlInstance",
            &["UniqueId", "Name", "AlwaysOnPrimaryNodeFqdn"],
        );
        let index = self.topo.sql_instances.len();
        let tag = self.doc.elem(el).tag;
        let key = self
            .attr(el, "UniqueId")
            .map_or_else(|| format!("#sql{index}"), |a| a.value.to_lowercase());
        self.sqls.entry(key.clone()).or_insert(index);
        self.topo.sql_instances.push(SqlInstance {
            key,
            pool: Some(pool),
            name: self
                .attr(el, "Name")
                .unwrap_or_else(|| Spanned::new(String::new(), tag)),
            always_on_primary: self.fqdn(el, "AlwaysOnPrimaryNodeFqdn"),
            extra,
            tag,
        });
    }

    fn builder_service(&mut self, el: ElemId) {
        const P: &str = ".../Services/Service";
        self.note_attrs(
            el,
            P,
            &[
                "UniqueId",
                "RoleName",
                "RoleVersion",
                "InstalledOn",
                "ServiceVersion",
                "Type",
            ],
        );
        let index = self.topo.services.len();
        let key = self
            .attr(el, "UniqueId")
            .map_or_else(|| format!("#svc{index}"), |a| a.value.to_lowercase());
        let mut service = self.new_service(el, key);
        if let Some(on) = self.attr(el, "InstalledOn") {
            self.pending.push(Pending::InstalledOn {
                service: index,
                key: on.value.to_lowercase(),
                sql: false,
                span: on.span,
            });
        }
        for child in self.children(el) {
            if self.is(child, TOPO, "DependsOn") {
                for dep in self.children(child) {
                    match self.attr(dep, "ServiceUniqueId") {
                        Some(target) if self.is(dep, TOPO, "Dependency") => {
                            self.pending.push(Pending::Dependency {
                                service: index,
                                key: target.value.to_lowercase(),
                                span: target.span,
                            });
                        }
                        _ => self.unmodelled(&format!("{P}/DependsOn"), dep),
                    }
                }
            } else if self.is(child, ROLES, "Ports") {
            } else if self.doc.elem(child).ns == Ns::ServiceRoles {
                self.settings(child, &mut service);
            } else {
                self.unmodelled(P, child);
            }
        }
        self.push_service(service);
    }

    // ---- resolution ----------------------------------------------------------------------

    fn finish(mut self) -> Topology {
        let form = self.topo.form;
        for pending in std::mem::take(&mut self.pending) {
            match pending {
                Pending::InstalledOn {
                    service,
                    key,
                    sql,
                    span,
                } => {
                    let lookup = key.to_lowercase();
                    let host = if form == Form::Tbxml {
                        self.pools
                            .get(&lookup)
                            .map(|&p| Host::Pool(p))
                            .or_else(|| self.sqls.get(&lookup).map(|&s| Host::Sql(s)))
                    } else if sql {
                        self.sqls.get(&lookup).map(|&s| Host::Sql(s))
                    } else {
                        self.pools.get(&lookup).map(|&p| Host::Pool(p))
                    };
                    let what = match (form, sql) {
                        (Form::Tbxml, _) => format!("cluster or SQL instance {key}"),
                        (_, true) => format!("SQL instance {}", show_sql_key(&key)),
                        (_, false) => format!("cluster {key}"),
                    };
                    let context = format!("InstalledOn of {}", self.describe(service));
                    match host {
                        Some(h) => {
                            self.topo.services[service].installed_on = Some(h);
                            self.resolved(what, context);
                        }
                        None => self.dangle(span, what, context),
                    }
                }
                Pending::Dependency { service, key, span } => {
                    let what = format!("service {key}");
                    let context = format!("a dependency of {}", self.describe(service));
                    match self.services.get(&key.to_lowercase()) {
                        Some(&target) => {
                            self.topo.services[service].depends_on.push(target);
                            self.resolved(what, context);
                        }
                        None => self.dangle(span, what, context),
                    }
                }
                Pending::SqlServer { sql, key, span } => {
                    let what = format!("cluster {key}");
                    let context = format!(
                        "the server of SQL instance `{}`",
                        self.topo.sql_instances[sql].name.value
                    );
                    match self.pools.get(&key.to_lowercase()) {
                        Some(&pool) => {
                            self.topo.sql_instances[sql].pool = Some(pool);
                            self.resolved(what, context);
                        }
                        None => self.dangle(span, what, context),
                    }
                }
                Pending::Cluster { key, span, context } => {
                    let what = format!("cluster {key}");
                    if self.pools.contains_key(&key.to_lowercase()) {
                        self.resolved(what, context);
                    } else {
                        self.dangle(span, what, context);
                    }
                }
                Pending::Site { pool, key, span } => {
                    let what = format!("site {key}");
                    let context = format!("the ClusterId of {}", self.topo.pool_name(pool));
                    match self.sites.get(&key) {
                        Some(&site) => {
                            self.topo.pools[pool].site = Some(site);
                            self.resolved(what, context);
                        }
                        None => self.dangle(span, what, context),
                    }
                }
            }
        }
        self.index_hosts();
        self.scan_placeholders();
        self.topo.index = Index::build(&self.topo);
        self.topo
    }

    fn describe(&self, service: usize) -> String {
        let s = &self.topo.services[service];
        if self.topo.form == Form::Published {
            format!("service {}", s.key)
        } else {
            format!("service {} ({})", s.role.value, s.key)
        }
    }

    fn dangle(&mut self, span: Span, target: String, context: String) {
        self.topo.references.push(Reference {
            target: target.clone(),
            context: context.clone(),
        });
        self.topo.dangling.push(Dangling {
            span,
            target,
            context,
        });
    }

    fn resolved(&mut self, target: String, context: String) {
        self.topo.references.push(Reference { target, context });
    }

    fn index_hosts(&mut self) {
        let mut hosts: BTreeMap<Fqdn, Vec<HostRef>> = BTreeMap::new();
        for (p, pool) in self.topo.pools.iter().enumerate() {
            if let Some(f) = &pool.fqdn {
                hosts
                    .entry(f.value.clone())
                    .or_default()
                    .push(HostRef::Pool(p));
            }
            for (m, machine) in pool.machines.iter().enumerate() {
                if let (Some(f), false) = (&machine.fqdn, machine.inherited) {
                    hosts
                        .entry(f.value.clone())
                        .or_default()
                        .push(HostRef::Machine(p, m));
                }
            }
        }
        self.topo.hosts = hosts;
    }

    fn scan_placeholders(&mut self) {
        let text = self.doc.text;
        if !text.contains('$') && !text.contains("{{") {
            return;
        }
        let mut found = Vec::new();
        let spans = self
            .doc
            .attrs
            .iter()
            .map(|a| a.value)
            .chain(self.doc.elements.iter().map(|e| e.text));
        for span in spans {
            let value = self.doc.slice(span);
            for range in placeholder::find(value) {
                let start = span.start as usize + range.start;
                let end = span.start as usize + range.end;
                found.push(Spanned::new(
                    value[range].to_string(),
                    Span::new(start, end),
                ));
            }
        }
        found.sort_by_key(|p| p.span);
        self.topo.placeholders = found;
    }
}

fn show_sql_key(key: &str) -> String {
    match key.split_once('\\') {
        Some((cluster, "")) => format!("(default) on cluster {cluster}"),
        Some((cluster, name)) => format!("{name} on cluster {cluster}"),
        None => key.to_string(),
    }
}
