//! Lowering an XML tree to a [`Topology`], for both document forms.
//!
//! The walk follows the known shape of each form (a handful of levels), so document depth never
//! matters; anything outside that shape is recorded in [`Topology::unmodelled`] and not entered.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// The lookup tables of lowering (never iterated, so their order never shows). foldhash, seeded
/// per process, hashes the short keys of a topology several times faster than SipHash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

use super::ids::{self, Id};
use super::topology::{
    Dangling, Form, Host, HostRef, Index, Machine, Pool, PoolId, Reference, ReferenceKind, Service,
    ServiceId, Site, SiteId, SiteKind, SqlId, SqlInstance, Topology, Unmodelled,
};
use super::{Fqdn, placeholder};
use crate::input::source::FileId;
use crate::input::span::{Span, Spanned};
use crate::input::xml::{ElemId, Ns, Parser, Step, XmlDoc, XmlError};

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
        /// The root element's name in the text.
        span: Span,
        near_miss: bool,
    },
}

/// The form of a document, by its root element and namespace.
fn recognise(doc: &XmlDoc<'_>) -> Result<Form, Recognized> {
    let root = doc.root();
    if doc.is(root, &[Ns::Topology], "Topology") {
        Ok(Form::Published)
    } else if doc.is(root, &[Ns::TopologyBuilder], "TopologyBuilder") {
        Ok(Form::Tbxml)
    } else {
        let name = doc.name(root).to_string();
        let near_miss = matches!(name.as_str(), "Topology" | "TopologyBuilder");
        Err(Recognized::Other {
            root: name,
            span: doc.elem(root).name,
            near_miss,
        })
    }
}

/// Recognises a parsed document by its root element and namespace, and lowers it.
#[must_use]
pub fn lower(doc: &XmlDoc<'_>, file: FileId) -> Recognized {
    let root = doc.root();
    let form = match recognise(doc) {
        Ok(form) => form,
        Err(other) => return other,
    };
    let mut st = State::new(doc, file, form);
    let mut l = Lowerer { doc, st: &mut st };
    match form {
        Form::Published => l.published(root),
        Form::Tbxml => l.builder(root),
    }
    l.scan_placeholders(0);
    Recognized::Topology(Box::new(st.finish()))
}

/// Reads the published topology held anywhere inside a larger document: the first `Topology`
/// element of the topology namespace, as Export-CsConfiguration keeps it in `DocItemSet.xml`
/// (`DocItemSet/DocItem/Data/Topology`). Spans point into the whole document. `Ok(None)` when
/// the document holds no such element.
///
/// # Errors
/// The first well-formedness error of the document.
pub fn read_embedded(text: &str, file: FileId) -> Result<Option<Topology>, XmlError> {
    let doc = crate::input::xml::parse(text)?;
    let root = doc.root();
    let Some(at) = std::iter::once(root)
        .chain(doc.descendants(root))
        .find(|&id| doc.is(id, &[Ns::Topology], "Topology"))
    else {
        return Ok(None);
    };
    let mut st = State::new(&doc, file, Form::Published);
    st.topo.root = doc.elem(at).tag;
    let mut l = Lowerer {
        doc: &doc,
        st: &mut st,
    };
    l.published(at);
    l.scan_placeholders(at);
    Ok(Some(st.finish()))
}

/// Parses and lowers a document in one pass.
///
/// A published topology is lowered one part at a time (a site, a cluster, a SQL instance, a
/// service) as the parser finishes it, and the part's elements are then dropped, so the XML
/// tree never holds more than one part. A Topology Builder document, which nests everything in
/// its sites, is kept whole and lowered at the end. The result is the same as
/// [`lower`] on the whole tree.
///
/// # Errors
/// The first well-formedness error: the document is then not lowered at all.
pub fn read(text: &str, file: FileId) -> Result<Recognized, XmlError> {
    match read_with(Parser::new(text), file)? {
        Some(recognized) => Ok(recognized),
        None => read_with(Parser::thorough(text), file)?.ok_or_else(|| XmlError {
            span: Span::at(0),
            message: "the document could not be read".to_string(),
        }),
    }
}

/// [`read`] with a given parser; `None` when the parser leaves the document to a thorough one.
fn read_with(mut parser: Parser<'_>, file: FileId) -> Result<Option<Recognized>, XmlError> {
    // Decided when the first element closes (the root then exists).
    let mut state: Option<State> = None;
    let mut other: Option<Recognized> = None;
    loop {
        let (id, depth) = match parser.step()? {
            Step::Closed { id, depth } => (id, depth),
            Step::Eof => break,
            Step::Unusual => return Ok(None),
        };
        if state.is_none() && other.is_none() {
            let doc = parser.doc();
            match recognise(doc) {
                Ok(form) => {
                    let mut st = State::new(doc, file, form);
                    if form == Form::Published {
                        Lowerer { doc, st: &mut st }.published_root(doc.root());
                    }
                    state = Some(st);
                }
                Err(o) => other = Some(o),
            }
        }
        match &mut state {
            Some(st) if st.topo.form == Form::Published && (depth == 1 || depth == 2) => {
                let doc = parser.doc();
                let mut l = Lowerer { doc, st };
                if depth == 1 {
                    l.published_section(id);
                } else if let Some(section) = doc.parent(id) {
                    l.published_item(section, id);
                }
                l.scan_placeholders(id);
                parser.forget(id);
            }
            // Topology Builder: the whole tree is kept; deeper elements belong to a part.
            Some(_) => {}
            // Not a topology: only check that it is well-formed.
            None if depth > 0 => parser.forget(id),
            None => {}
        }
    }
    let doc = parser.doc();
    match (state, other) {
        (Some(mut st), _) => {
            let mut l = Lowerer { doc, st: &mut st };
            if l.st.topo.form == Form::Tbxml {
                l.builder(doc.root());
            }
            l.scan_placeholders(0);
            Ok(Some(Recognized::Topology(Box::new(st.finish()))))
        }
        (None, Some(other)) => Ok(Some(other)),
        // The parser reports a document without a root element as an error.
        (None, None) => Err(XmlError {
            span: Span::at(0),
            message: "no root element".to_string(),
        }),
    }
}

enum Pending {
    /// A service's `InstalledOn` (published: a cluster key or `cluster\instance`; tbxml: a GUID).
    InstalledOn {
        service: ServiceId,
        key: String,
        sql: bool,
        span: Span,
    },
    Dependency {
        service: ServiceId,
        key: String,
        span: Span,
    },
    SqlServer {
        sql: SqlId,
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
        pool: PoolId,
        key: String,
        span: Span,
    },
}

/// What lowering has gathered so far; it outlives each part of the document it reads.
struct State {
    topo: Topology,
    pools: HashMap<String, PoolId>,
    sqls: HashMap<String, SqlId>,
    services: HashMap<String, ServiceId>,
    sites: HashMap<String, SiteId>,
    pending: Vec<Pending>,
    /// Whether the text can hold a placeholder at all (most documents cannot).
    may_hold_placeholders: bool,
    placeholders: Vec<Spanned<String>>,
}

impl State {
    fn new(doc: &XmlDoc<'_>, file: FileId, form: Form) -> Self {
        let text = doc.text;
        Self {
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
                cluster_attributes: Vec::new(),
                placeholders: Vec::new(),
                hosts: BTreeMap::new(),
                index: Index::default(),
            },
            pools: HashMap::default(),
            sqls: HashMap::default(),
            services: HashMap::default(),
            sites: HashMap::default(),
            pending: Vec::new(),
            may_hold_placeholders: text.contains('$') || text.contains("{{"),
            placeholders: Vec::new(),
        }
    }
}

/// Lowers elements of `doc` into `st`.
struct Lowerer<'a, 't> {
    doc: &'a XmlDoc<'t>,
    st: &'a mut State,
}

impl<'a, 't> Lowerer<'a, 't> {
    // ---- helpers -------------------------------------------------------------------------

    fn attr(&self, el: ElemId, name: &str) -> Option<Spanned<String>> {
        self.doc
            .attr_value(el, name)
            .map(|(v, span)| Spanned::new(v.into_owned(), span))
    }

    /// An attribute's value, borrowed from the text unless it holds an entity.
    fn value(&self, el: ElemId, name: &str) -> Option<Cow<'t, str>> {
        self.doc.attr(el, name).map(|a| self.doc.value(a))
    }

    fn fqdn(&self, el: ElemId, name: &str) -> Option<Spanned<Fqdn>> {
        self.doc
            .attr_value(el, name)
            .filter(|(v, _)| !v.trim().is_empty())
            .map(|(v, span)| Spanned::new(Fqdn::new(&v), span))
    }

    fn flag(&self, el: ElemId, name: &str) -> Option<bool> {
        self.value(el, name)
            .map(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    fn unmodelled(&mut self, path: &str, el: ElemId) {
        let name = self.doc.name(el);
        self.st.topo.unmodelled.push(Unmodelled {
            path: format!("{path}/{name}"),
            span: self.doc.elem(el).tag,
        });
    }

    /// Records attributes outside `known` (and outside Topology Builder's `Original*` ones).
    /// The path is only written out for such an attribute.
    fn note_attrs(
        &mut self,
        el: ElemId,
        path: &dyn std::fmt::Display,
        known: &[&str],
    ) -> Vec<Spanned<String>> {
        let mut extra = Vec::new();
        for a in self.doc.attrs(el) {
            let name = self.doc.slice(a.name);
            if known.contains(&name) || name.starts_with("Original") {
                continue;
            }
            self.st.topo.unmodelled.push(Unmodelled {
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

    /// The children of an element; the iterator borrows the document, not the lowerer.
    fn children(&self, el: ElemId) -> impl Iterator<Item = ElemId> + use<'a, 't> {
        let doc: &'a XmlDoc<'t> = self.doc;
        doc.children(el)
    }

    fn is(&self, el: ElemId, ns: &[Ns], name: &str) -> bool {
        self.doc.is(el, ns, name)
    }

    // ---- published form ------------------------------------------------------------------

    fn published(&mut self, root: ElemId) {
        self.published_root(root);
        for section in self.children(root) {
            for item in self.children(section) {
                self.published_item(section, item);
            }
            self.published_section(section);
        }
    }

    fn published_root(&mut self, root: ElemId) {
        self.note_attrs(root, &"Topology", &["Signature"]);
    }

    /// A child of the root, after its own children were lowered.
    fn published_section(&mut self, section: ElemId) {
        let known = [
            "InternalDomains",
            "Sites",
            "Clusters",
            "SqlInstances",
            "Services",
        ];
        if !known.iter().any(|name| self.is(section, TOPO, name)) {
            self.unmodelled("Topology", section);
        }
    }

    /// A child of a child of the root: a site, a cluster, a SQL instance or a service.
    fn published_item(&mut self, section: ElemId, item: ElemId) {
        let (path, name, lower): (&str, &str, fn(&mut Self, ElemId)) =
            if self.is(section, TOPO, "Sites") {
                ("Topology/Sites", "CentralSite", |l, site| {
                    l.site(site, SiteKind::Central, "Topology/Sites");
                })
            } else if self.is(section, TOPO, "Clusters") {
                ("Topology/Clusters", "Cluster", Self::published_cluster)
            } else if self.is(section, TOPO, "SqlInstances") {
                ("Topology/SqlInstances", "SqlInstance", Self::published_sql)
            } else if self.is(section, TOPO, "Services") {
                ("Topology/Services", "Service", Self::published_service)
            } else {
                // InternalDomains is skipped; an unknown section is recorded as a whole.
                return;
            };
        if self.is(item, TOPO, name) {
            lower(self, item);
        } else {
            self.unmodelled(path, item);
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
        let index = SiteId::new(self.st.topo.sites.len());
        self.st.topo.sites.push(Site {
            id: id.clone(),
            name,
            kind,
            tag: self.doc.elem(el).tag,
        });
        if !id.is_empty() {
            self.st.sites.entry(id.clone()).or_insert(index);
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
        let extra = self.note_attrs(el, &P, &["Fqdn", "RequiresReplication", "RequiresSetup"]);
        let index = PoolId::new(self.st.topo.pools.len());
        let mut key = None;
        let mut machines = Vec::new();
        for child in self.children(el) {
            if self.is(child, TOPO, "ClusterId") {
                self.note_attrs(child, &format_args!("{P}/ClusterId"), &["SiteId", "Number"]);
                let site = self.value(child, "SiteId").unwrap_or_default();
                let number = self.value(child, "Number").unwrap_or_default();
                self.st.pending.push(Pending::Site {
                    pool: index,
                    key: site.to_string(),
                    span: self.doc.elem(child).tag,
                });
                key = Some(format!("{site}:{number}"));
            } else if self.is(child, TOPO, "Machine") {
                machines.push(self.machine(child, P));
            } else {
                self.unmodelled(P, child);
            }
        }
        let key = key.unwrap_or_else(|| format!("#{}", index.index()));
        let pool = self.push_pool(el, key, None, machines, None);
        self.cluster_attributes(pool, extra);
    }

    fn machine(&mut self, el: ElemId, parent: &str) -> Machine {
        self.note_attrs(
            el,
            &format_args!("{parent}/Machine"),
            &["OrdinalInCluster", "Fqdn", "FaultDomain", "UpgradeDomain"],
        );
        for child in self.children(el) {
            if !self.is(child, TOPO, "NetInterface") {
                self.unmodelled(&format!("{parent}/Machine"), child);
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
        site: Option<SiteId>,
        mut machines: Vec<Machine>,
        single_machine_only: Option<bool>,
    ) -> PoolId {
        let index = PoolId::new(self.st.topo.pools.len());
        let fqdn = self.fqdn(el, "Fqdn");
        if let ([only], Some(cluster)) = (machines.as_mut_slice(), &fqdn) {
            if only.fqdn.is_none() {
                only.fqdn = Some(cluster.clone());
                only.inherited = true;
            }
        }
        self.st
            .pools
            .entry(lowercase(&key).into_owned())
            .or_insert(index);
        self.st.topo.pools.push(Pool {
            key,
            fqdn,
            site,
            machines,
            single_machine_only,
            tag: self.doc.elem(el).tag,
        });
        index
    }

    /// Keeps a cluster's attributes the model does not interpret, with their values.
    fn cluster_attributes(&mut self, pool: PoolId, extra: Vec<Spanned<String>>) {
        self.st
            .topo
            .cluster_attributes
            .extend(extra.into_iter().map(|a| (pool, a)));
    }

    fn published_sql(&mut self, el: ElemId) {
        const P: &str = "Topology/SqlInstances/SqlInstance";
        let extra = self.note_attrs(el, &P, &["AlwaysOnPrimaryNodeFqdn"]);
        let index = SqlId::new(self.st.topo.sql_instances.len());
        let mut name = Spanned::new(String::new(), self.doc.elem(el).tag);
        let mut tag = self.doc.elem(el).tag;
        let mut key = None;
        for child in self.children(el) {
            if self.is(child, TOPO, "SqlInstanceId") {
                self.note_attrs(child, &format_args!("{P}/SqlInstanceId"), &["Name"]);
                tag = self.doc.elem(child).tag;
                name = self
                    .attr(child, "Name")
                    .unwrap_or_else(|| Spanned::new(String::new(), tag));
                match self.doc.child(child, TOPO, "ClusterId") {
                    Some(cid) => {
                        let cluster = self.cluster_key(cid);
                        key = Some(format!("{cluster}\\{}", name.value));
                        self.st.pending.push(Pending::SqlServer {
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
        let key = key.unwrap_or_else(|| format!("#sql{}", index.index()));
        self.st
            .sqls
            .entry(lowercase(&key).into_owned())
            .or_insert(index);
        self.st.topo.sql_instances.push(SqlInstance {
            key,
            pool: None,
            name,
            always_on_primary: self.fqdn(el, "AlwaysOnPrimaryNodeFqdn"),
            extra,
            tag,
        });
    }

    fn cluster_key(&self, cid: ElemId) -> String {
        let site = self.value(cid, "SiteId").unwrap_or_default();
        let number = self.value(cid, "Number").unwrap_or_default();
        format!("{site}:{number}")
    }

    /// `SiteId-RoleName-Instance` of a `ServiceId`.
    fn service_key(&self, sid: ElemId) -> String {
        let site = self.value(sid, "SiteId").unwrap_or_default();
        let role = self.value(sid, "RoleName").unwrap_or_default();
        let instance = self.value(sid, "Instance").unwrap_or_default();
        let mut key = String::with_capacity(site.len() + role.len() + instance.len() + 2);
        for (i, part) in [site, role, instance].iter().enumerate() {
            if i > 0 {
                key.push('-');
            }
            key.push_str(part);
        }
        key
    }

    fn published_service(&mut self, el: ElemId) {
        const P: &str = "Topology/Services/Service";
        self.note_attrs(el, &P, &["RoleVersion", "ServiceVersion", "Type"]);
        let index = ServiceId::new(self.st.topo.services.len());
        // The key stays empty until a ServiceId gives it (a service without one gets `#svcN`).
        let mut service = self.new_service(el, String::new());
        let mut keyed = false;
        for child in self.children(el) {
            if self.is(child, TOPO, "ServiceId") {
                service.key = self.service_key(child);
                keyed = true;
                if let Some(role) = self.attr(child, "RoleName") {
                    service.role = role;
                }
            } else if self.is(child, TOPO, "DependsOn") {
                for dep in self.children(child) {
                    let target = self.doc.child(dep, TOPO, "ServiceId");
                    match target {
                        Some(sid) if self.is(dep, TOPO, "Dependency") => {
                            let key = self.service_key(sid);
                            self.st.pending.push(Pending::Dependency {
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
                        self.st.pending.push(Pending::InstalledOn {
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
                            self.st.pending.push(Pending::Cluster {
                                key: cluster.clone(),
                                span: self.doc.elem(c).tag,
                                context: format!("the SQL instance `{name}` in InstalledOn"),
                            });
                        }
                        self.st.pending.push(Pending::InstalledOn {
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
        if !keyed {
            service.key = format!("#svc{}", index.index());
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
            version: self
                .doc
                .attr_value(el, "ServiceVersion")
                .and_then(|(v, span)| v.trim().parse::<u8>().ok().map(|n| Spanned::new(n, span))),
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
        let index = ServiceId::new(self.st.topo.services.len());
        self.st
            .services
            .entry(lowercase(&service.key).into_owned())
            .or_insert(index);
        self.st.topo.services.push(service);
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

    fn builder_cluster(&mut self, el: ElemId, site: SiteId) {
        const P: &str = ".../Clusters/Cluster";
        let extra = self.note_attrs(
            el,
            &P,
            &[
                "IsSingleMachineOnly",
                "UniqueId",
                "RequiresReplication",
                "RequiresSetup",
                "Fqdn",
            ],
        );
        let index = PoolId::new(self.st.topo.pools.len());
        let key = self
            .attr(el, "UniqueId")
            .map_or_else(|| format!("#{}", index.index()), |a| a.value.to_lowercase());
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
        self.cluster_attributes(pool, extra);
        for s in sql_elements {
            self.builder_sql(s, pool);
        }
    }

    fn builder_sql(&mut self, el: ElemId, pool: PoolId) {
        let extra = self.note_attrs(
            el,
            &".../SqlInstances/SqlInstance",
            &["UniqueId", "Name", "AlwaysOnPrimaryNodeFqdn"],
        );
        let index = SqlId::new(self.st.topo.sql_instances.len());
        let tag = self.doc.elem(el).tag;
        let key = self.attr(el, "UniqueId").map_or_else(
            || format!("#sql{}", index.index()),
            |a| a.value.to_lowercase(),
        );
        self.st.sqls.entry(key.clone()).or_insert(index);
        self.st.topo.sql_instances.push(SqlInstance {
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
            &P,
            &[
                "UniqueId",
                "RoleName",
                "RoleVersion",
                "InstalledOn",
                "ServiceVersion",
                "Type",
            ],
        );
        let index = ServiceId::new(self.st.topo.services.len());
        let key = self.attr(el, "UniqueId").map_or_else(
            || format!("#svc{}", index.index()),
            |a| a.value.to_lowercase(),
        );
        let mut service = self.new_service(el, key);
        if let Some(on) = self.attr(el, "InstalledOn") {
            self.st.pending.push(Pending::InstalledOn {
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
                            self.st.pending.push(Pending::Dependency {
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

    /// Collects the placeholders in the attribute values and texts of element `from` and
    /// every element after it.
    fn scan_placeholders(&mut self, from: ElemId) {
        if !self.st.may_hold_placeholders {
            return;
        }
        let Some(first) = self.doc.elements.get(from as usize) else {
            return;
        };
        let attrs = self.doc.attrs[first.attrs_start() as usize..]
            .iter()
            .map(|a| a.value);
        let texts = self.doc.elements[from as usize..].iter().map(|e| e.text);
        for span in attrs.chain(texts) {
            let value = self.doc.slice(span);
            for range in placeholder::find(value) {
                let start = span.start as usize + range.start;
                let end = span.start as usize + range.end;
                self.st.placeholders.push(Spanned::new(
                    value[range].to_string(),
                    Span::new(start, end),
                ));
            }
        }
    }
}

impl State {
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
                    let lookup = lowercase(&key);
                    let lookup: &str = &lookup;
                    let host = if form == Form::Tbxml {
                        self.pools
                            .get(lookup)
                            .map(|&p| Host::Pool(p))
                            .or_else(|| self.sqls.get(lookup).map(|&s| Host::Sql(s)))
                    } else if sql {
                        self.sqls.get(lookup).map(|&s| Host::Sql(s))
                    } else {
                        self.pools.get(lookup).map(|&p| Host::Pool(p))
                    };
                    if let Some(h) = host {
                        self.topo.services[service].installed_on = Some(h);
                    }
                    self.settle(
                        host.is_some(),
                        span,
                        ReferenceKind::InstalledOn { service, sql },
                        key,
                    );
                }
                Pending::Dependency { service, key, span } => {
                    let target = self.services.get(lowercase(&key).as_ref()).copied();
                    if let Some(target) = target {
                        self.topo.services[service].depends_on.push(target);
                    }
                    self.settle(
                        target.is_some(),
                        span,
                        ReferenceKind::Dependency { service },
                        key,
                    );
                }
                Pending::SqlServer { sql, key, span } => {
                    let pool = self.pools.get(lowercase(&key).as_ref()).copied();
                    if let Some(pool) = pool {
                        self.topo.sql_instances[sql].pool = Some(pool);
                    }
                    self.settle(pool.is_some(), span, ReferenceKind::SqlServer { sql }, key);
                }
                Pending::Cluster { key, span, context } => {
                    let found = self.pools.contains_key(lowercase(&key).as_ref());
                    self.settle(found, span, ReferenceKind::Cluster { context }, key);
                }
                Pending::Site { pool, key, span } => {
                    let site = self.sites.get(&key).copied();
                    if let Some(site) = site {
                        self.topo.pools[pool].site = Some(site);
                    }
                    self.settle(site.is_some(), span, ReferenceKind::Site { pool }, key);
                }
            }
        }
        self.index_hosts();
        self.placeholders.sort_by_key(|p| p.span);
        self.topo.placeholders = std::mem::take(&mut self.placeholders);
        self.topo.index = Index::build(&self.topo);
        self.topo
    }

    /// Records a reference; one that does not resolve is also dangling (in words, for TP102)
    /// at `span`.
    fn settle(&mut self, resolved: bool, span: Span, kind: ReferenceKind, key: String) {
        let reference = Reference { kind, key };
        if !resolved {
            let (target, context) = self.topo.reference_words(&reference);
            self.topo.dangling.push(Dangling {
                span,
                target,
                context,
            });
        }
        self.topo.references.push(reference);
    }

    fn index_hosts(&mut self) {
        let mut hosts: BTreeMap<Fqdn, Vec<HostRef>> = BTreeMap::new();
        for (p, pool) in ids::enumerate(&self.topo.pools) {
            if let Some(f) = &pool.fqdn {
                hosts
                    .entry(f.value.clone())
                    .or_default()
                    .push(HostRef::Pool(p));
            }
            for (m, machine) in ids::enumerate(&pool.machines) {
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
}

/// `key` in lower case, borrowed when it already is (keys are mostly ASCII digits and names, and
/// a hostile value of megabytes is then not copied).
pub(crate) fn lowercase(key: &str) -> Cow<'_, str> {
    if key.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(key)
    } else if key.is_ascii() {
        Cow::Owned(key.to_ascii_lowercase())
    } else {
        Cow::Owned(key.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) -> (String, String) {
        let whole = match crate::input::xml::parse_with(Parser::thorough(text)) {
            Ok(doc) => format!("{:?}", lower(&doc, FileId(0))),
            Err(e) => format!("{e:?}"),
        };
        let streamed = match read(text, FileId(0)) {
            Ok(r) => format!("{r:?}"),
            Err(e) => format!("{e:?}"),
        };
        (whole, streamed)
    }

    /// Lowering part by part while parsing gives the same model as lowering the whole tree.
    #[test]
    fn streamed_lowering_matches_whole_tree() {
        let files = crate::rules::test_util::testdata_xml();
        assert!(files.len() > 40, "found {} fixtures", files.len());
        for path in files {
            let decoded = crate::input::source::decode(std::fs::read(&path).expect("read"));
            let (whole, streamed) = both(&decoded.text);
            assert_eq!(whole, streamed, "{}", path.display());
        }
    }

    #[test]
    fn streamed_lowering_of_odd_documents() {
        for text in [
            "<Other/>",
            "<Topology/>",
            "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\"/>",
            "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\"><Foo><Cluster/></Foo><Clusters><Bar/><Cluster Fqdn=\"$x\"/></Clusters></Topology>",
            "<Topology xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008\"><Clusters><Cluster>",
            "<a><b/></a><c/>",
            "",
        ] {
            let (whole, streamed) = both(text);
            assert_eq!(whole, streamed, "{text}");
        }
    }
}
