//! What the diagram draws, as a flat list of boxes: sites, the pools in them, the machines, SQL
//! instances and file stores of each pool, and the hosts outside the topology (backup share
//! hosts, mirroring partners the topology does not declare). Findings are matched to boxes by
//! the entity they name.
//!
//! Boxes are stored in drawing order, each followed by everything inside it, so a box's
//! contents are the contiguous range `index + 1 .. end`; nothing here recurses.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::pairs::PoolPairs;
use crate::analysis::restore;
use crate::input::source::FileId;
use crate::input::text::{cut, cut_owned};
use crate::lint::draft::MAX_ENTITY_CHARS;
use crate::lint::draft::Severity;
use crate::lint::engine::Report;
use crate::model::ids;
use crate::model::values::{SqlRef, Unc};
use crate::model::{Deployment, Fqdn, PoolRole, Topology, Workspace};
use crate::model::{PoolId, SiteId};

/// What a box stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Site,
    Pool,
    Machine,
    Sql,
    FileStore,
    /// A host of backup shares, outside every pool.
    BackupHost,
    /// A SQL instance the worksheets name as a mirror, witness or principal but the topology
    /// does not declare.
    OutsideSql,
}

impl Kind {
    /// Its name in words, for headings and hover text.
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            Self::Site => "site",
            Self::Pool => "pool",
            Self::Machine => "machine",
            Self::Sql => "SQL instance",
            Self::FileStore => "file store",
            Self::BackupHost => "backup share host",
            Self::OutsideSql => "SQL instance outside the topology",
        }
    }
}

/// One box.
#[derive(Debug)]
pub struct Node {
    pub kind: Kind,
    /// The name it is drawn with (an FQDN, `fqdn\instance`, `\\host\share`, a site name).
    pub label: String,
    /// A second line: roles, stores, machine count.
    pub detail: String,
    /// More lines for the hover text (machines of a collapsed pool, shares of a host).
    pub more: Vec<String>,
    pub parent: Option<usize>,
    /// One past the last box inside it.
    pub end: usize,
    /// The HTML id of its findings group.
    pub anchor: String,
    /// Indices into the report's findings that name this box.
    pub findings: Vec<usize>,
    /// The worst finding on it or on anything inside it.
    pub worst: Option<Severity>,
}

/// A link between two boxes: SQL mirroring between SQL instances, or a pairing between pools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub from: usize,
    pub to: usize,
    pub kind: LinkKind,
}

/// What a link stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LinkKind {
    /// A principal and its mirror.
    Mirror,
    /// A principal and its witness.
    Witness,
    /// Two Front End pools paired for disaster recovery (`pool-pairs`).
    Pair,
}

/// The boxes of one deployment.
#[derive(Debug)]
pub struct Estate {
    /// The topology file, as displayed.
    pub title: String,
    pub nodes: Vec<Node>,
    /// Top-level site boxes, in drawing order.
    pub sites: Vec<usize>,
    /// Top-level boxes outside the topology.
    pub outside: Vec<usize>,
    pub links: Vec<Link>,
    /// Lower-case entity keys to boxes.
    keys: BTreeMap<String, usize>,
    /// The files of the deployment (topology and worksheets).
    pub files: BTreeSet<FileId>,
    /// The severity of each finding attached to a box.
    severities: BTreeMap<usize, Severity>,
}

impl Estate {
    /// Builds the boxes of deployment number `number` (used in anchors).
    #[must_use]
    pub fn build(ws: &Workspace, deployment: &Deployment, number: usize) -> Self {
        let t = &ws.topologies[deployment.topology];
        let mut b = Builder {
            number,
            nodes: Vec::new(),
            keys: BTreeMap::new(),
        };
        let mut sites = Vec::new();
        let mut by_site: Vec<Vec<PoolId>> = vec![Vec::new(); t.sites.len() + 1];
        for (p, pool) in ids::enumerate(&t.pools) {
            let slot = pool.site.map(SiteId::index).filter(|&s| s < t.sites.len());
            by_site[slot.unwrap_or(t.sites.len())].push(p);
        }
        // The file stores of each pool.
        let mut stores: Vec<Vec<crate::model::topology::FileStore>> =
            vec![Vec::new(); t.pools.len()];
        for store in t.file_stores() {
            if let Some(list) = stores.get_mut(store.pool.index()) {
                list.push(store);
            }
        }
        let partners = mirror_partners(t, deployment);
        for (s, pools) in by_site.iter_mut().enumerate() {
            let (label, detail) = match t.sites.get(s) {
                Some(site) => (
                    site.name
                        .as_ref()
                        .map_or_else(|| format!("site {}", site.id), |n| n.value.clone()),
                    format!(
                        "{} site {}",
                        match site.kind {
                            crate::model::topology::SiteKind::Central => "central",
                            crate::model::topology::SiteKind::Branch => "branch",
                        },
                        site.id
                    ),
                ),
                None if pools.is_empty() => continue,
                None => (
                    "no site".to_string(),
                    "pools whose site is not declared".into(),
                ),
            };
            pools.sort_by_cached_key(|&p| {
                let (anchor, role) = partners.get(&p).copied().unwrap_or((p, 0));
                (
                    rank(t, anchor),
                    t.pool_name(anchor),
                    anchor,
                    role,
                    t.pool_name(p),
                    p,
                )
            });
            let site_node = b.push(Kind::Site, None, label, detail);
            sites.push(site_node);
            for &p in pools.iter() {
                b.pool(t, p, site_node, &stores[p.index()]);
            }
            b.close(site_node);
        }

        let mut outside = Vec::new();
        for (host, shares) in backup_hosts(t, &deployment.sheets) {
            let count = shares.len();
            let node = b.push(
                Kind::BackupHost,
                None,
                host.to_string(),
                format!(
                    "backup host · {count} share{}",
                    if count == 1 { "" } else { "s" }
                ),
            );
            b.nodes[node].more = shares.into_iter().collect();
            b.key(host.as_str(), node);
            b.close(node);
            outside.push(node);
        }
        let mut links = Vec::new();
        for (row, principal, mirror) in deployment.sheets.mirrored() {
            let from = b.sql_or_outside(&principal, &mut outside);
            let to = b.sql_or_outside(mirror, &mut outside);
            links.push(Link {
                from,
                to,
                kind: LinkKind::Mirror,
            });
            if let Some(witness) = &row.witness.value {
                let to = b.sql_or_outside(witness, &mut outside);
                links.push(Link {
                    from,
                    to,
                    kind: LinkKind::Witness,
                });
            }
        }
        // Each pairing once, between the two pools' boxes.
        for pair in PoolPairs::new(t, &deployment.sheets).pairs() {
            let (x, y) = (pair.pool.min(pair.backup), pair.pool.max(pair.backup));
            let node = |p: PoolId| b.keys.get(&t.pool_name(p)).copied();
            if let (Some(from), Some(to)) = (node(x), node(y)) {
                links.push(Link {
                    from,
                    to,
                    kind: LinkKind::Pair,
                });
            }
        }
        links.sort_by_key(|l| (l.from, l.to, l.kind));
        links.dedup();

        let mut files: BTreeSet<FileId> = deployment
            .worksheets
            .iter()
            .map(|&i| ws.worksheets[i].file)
            .collect();
        files.insert(t.file);
        Self {
            title: ws.files.get(t.file).display.clone(),
            nodes: b.nodes,
            sites,
            outside,
            links,
            keys: b.keys,
            files,
            severities: BTreeMap::new(),
        }
    }

    /// The box a finding's entity names, if any: a pool or machine FQDN, `fqdn/certificate`,
    /// `fqdn\instance`, `database@fqdn\instance`, `database@fqdn`, `\\host\share`.
    #[must_use]
    pub fn locate(&self, entity: &str) -> Option<usize> {
        let e = entity.trim().to_lowercase();
        if let Some(unc) = Unc::parse(&e) {
            return self
                .keys
                .get(&unc.root())
                .or_else(|| self.keys.get(unc.host.as_str()))
                .copied();
        }
        let (database, rest) = match e.split_once('@') {
            Some((_, rest)) => (true, rest),
            None => (false, e.as_str()),
        };
        let rest = rest.split_once('/').map_or(rest, |(host, _)| host);
        if let Some((server, _)) = rest.split_once('\\') {
            return self
                .keys
                .get(rest)
                .or_else(|| self.keys.get(Fqdn::new(server).as_str()))
                .copied();
        }
        let host = Fqdn::new(rest);
        if database && let Some(&sql) = self.keys.get(&format!("{}\\", host.as_str())) {
            return Some(sql);
        }
        self.keys.get(host.as_str()).copied()
    }

    /// The severity of finding `i`, when it is attached to a box and not exempted.
    #[must_use]
    pub fn severity_of(&self, i: usize) -> Option<Severity> {
        self.severities.get(&i).copied()
    }

    /// Files each of the findings `which` under the box it names, and colours every box by the
    /// worst finding on it or inside it. Returns the findings that name no box.
    pub fn attach(&mut self, report: &Report, which: &[usize]) -> Vec<usize> {
        let mut unplaced = Vec::new();
        for &i in which {
            match report.findings.get(i).and_then(|f| self.locate(&f.entity)) {
                Some(node) => {
                    self.nodes[node].findings.push(i);
                    // Exempted findings are listed with the box but do not colour it.
                    if let Some(f) = report.findings.get(i).filter(|f| f.is_active()) {
                        self.severities.insert(i, f.severity);
                    }
                }
                None => unplaced.push(i),
            }
        }
        for node in &mut self.nodes {
            node.worst = node
                .findings
                .iter()
                .filter_map(|&i| self.severities.get(&i).copied())
                .max();
        }
        // Children come after their parents: walking backwards carries each box's colour up.
        for i in (0..self.nodes.len()).rev() {
            if let Some(parent) = self.nodes[i].parent {
                let worst = self.nodes[i].worst;
                if worst > self.nodes[parent].worst {
                    self.nodes[parent].worst = worst;
                }
            }
        }
        unplaced
    }

    /// The group a box links to: its own, or else the first box inside it that has findings.
    #[must_use]
    pub fn link_target(&self, node: usize) -> Option<&str> {
        let end = self.nodes.get(node)?.end;
        self.nodes
            .get(node..end)?
            .iter()
            .find(|n| !n.findings.is_empty())
            .map(|n| n.anchor.as_str())
    }

    /// The pools of a site, in drawing order.
    #[must_use]
    pub fn pools_of(&self, site: usize) -> Vec<usize> {
        let end = self.nodes.get(site).map_or(site, |n| n.end);
        (site + 1..end)
            .filter(|&i| self.nodes[i].kind == Kind::Pool)
            .collect()
    }

    /// The boxes inside a pool, in drawing order.
    #[must_use]
    pub fn inside(&self, node: usize) -> std::ops::Range<usize> {
        let end = self.nodes.get(node).map_or(node, |n| n.end);
        node + 1..end
    }

    /// Where a box sits, in words (`machine of pool01.contoso.com, site Redmond`).
    #[must_use]
    pub fn place(&self, node: usize) -> String {
        let n = &self.nodes[node];
        let mut words = n.kind.noun().to_string();
        let mut up = n.parent;
        let mut first = true;
        while let Some(p) = up {
            let parent = &self.nodes[p];
            words.push_str(if first { " in " } else { ", " });
            if parent.kind == Kind::Site {
                words.push_str("site ");
            }
            words.push_str(&parent.label);
            first = false;
            up = parent.parent;
        }
        words
    }
}

/// Where a pool goes among the pools of its site: Front End pools first, SQL and file servers
/// after the servers that use them.
fn rank(t: &Topology, pool: PoolId) -> u8 {
    let roles = t.pool_roles(pool);
    match roles.first() {
        Some(role) => *role as u8,
        None if t
            .index
            .pool_sql
            .get(pool.index())
            .is_some_and(|s| !s.is_empty()) =>
        {
            PoolRole::SqlStore as u8
        }
        None => u8::MAX,
    }
}

/// Pools that host the mirror (1) or witness (2) of an instance on another pool of the same
/// site, with that pool: they are drawn right after it, so that the links stay short.
fn mirror_partners(t: &Topology, deployment: &Deployment) -> BTreeMap<PoolId, (PoolId, u8)> {
    // Each instance's pool, by the instance as worksheets name it (the first one declared).
    let mut pools: BTreeMap<SqlRef, PoolId> = BTreeMap::new();
    for (i, sql) in ids::enumerate(&t.sql_instances) {
        if let (Some(r), Some(p)) = (restore::sql_ref(t, i), sql.pool) {
            pools.entry(r).or_insert(p);
        }
    }
    let pool_of = |sql: &SqlRef| pools.get(sql).copied();
    let mut partners = BTreeMap::new();
    for (row, principal, mirror) in deployment.sheets.mirrored() {
        let Some(home) = pool_of(&principal) else {
            continue;
        };
        let witness = row.witness.value.as_ref();
        for (other, role) in [(Some(mirror), 1), (witness, 2)] {
            if let Some(p) = other.and_then(pool_of)
                && p != home
                && t.pools[p].site == t.pools[home].site
            {
                partners.entry(p).or_insert((home, role));
            }
        }
    }
    partners
}

/// The hosts of backup locations that are not pools or machines of the topology, with the
/// shares each holds.
fn backup_hosts(t: &Topology, sheets: &crate::model::Sheets) -> BTreeMap<Fqdn, BTreeSet<String>> {
    let cells = sheets
        .database
        .iter()
        .map(|r| &r.destination)
        .chain(sheets.file_store.iter().map(|r| &r.destination))
        .chain(sheets.settings.iter().map(|r| &r.location))
        .chain(sheets.certificates.iter().map(|r| &r.location))
        .chain(sheets.backup_runs.iter().map(|r| &r.share));
    let mut hosts: BTreeMap<Fqdn, BTreeSet<String>> = BTreeMap::new();
    for cell in cells {
        if let Some(unc) = Unc::parse(&cell.text)
            && restore::unc_in_topology(t, &unc).is_none()
        {
            let root = unc.root();
            hosts.entry(unc.host).or_default().insert(root);
        }
    }
    hosts
}

struct Builder {
    number: usize,
    nodes: Vec<Node>,
    keys: BTreeMap<String, usize>,
}

impl Builder {
    fn push(&mut self, kind: Kind, parent: Option<usize>, label: String, detail: String) -> usize {
        let index = self.nodes.len();
        self.nodes.push(Node {
            kind,
            // Bounded as a finding's entity is: a hostile name is not kept in full.
            label: cut_owned(label, MAX_ENTITY_CHARS + 1),
            detail,
            more: Vec::new(),
            parent,
            end: index + 1,
            anchor: format!("d{}-n{index}", self.number),
            findings: Vec::new(),
            worst: None,
        });
        index
    }

    /// Ends a box: everything pushed since it is inside it.
    fn close(&mut self, node: usize) {
        let end = self.nodes.len();
        if let Some(n) = self.nodes.get_mut(node) {
            n.end = end;
        }
    }

    /// Registers an entity key; the first box to claim a key keeps it.
    fn key(&mut self, key: &str, node: usize) {
        // A finding's entity is cut to this length, so it can never name a longer key.
        if key.len() > 4 * MAX_ENTITY_CHARS || key.chars().count() > MAX_ENTITY_CHARS {
            return;
        }
        self.keys.entry(key.to_lowercase()).or_insert(node);
    }

    fn pool(
        &mut self,
        t: &Topology,
        p: PoolId,
        site: usize,
        // The file stores of pool `p`.
        stores: &[crate::model::topology::FileStore],
    ) {
        let pool = &t.pools[p];
        let mut roles: Vec<&str> = t.pool_roles(p).iter().map(|r| r.label()).collect();
        let sqls = t.index.pool_sql.get(p.index()).cloned().unwrap_or_default();
        if roles.is_empty() && !sqls.is_empty() {
            roles.push("SQL Server");
        }
        let machines = pool.machines.len();
        let mut detail = roles.join(", ");
        if machines != 1 {
            if !detail.is_empty() {
                detail.push_str(" · ");
            }
            detail.push_str(&format!("{machines} machines"));
        }
        let node = self.push(Kind::Pool, Some(site), t.pool_name(p), detail);
        if let Some(fqdn) = &pool.fqdn {
            self.key(fqdn.value.as_str(), node);
        }
        // A single machine that bears the pool's name is the pool's box itself.
        let pool_fqdn = pool.fqdn.as_ref().map(|f| &f.value);
        let alone = machines == 1
            && pool
                .machines
                .first()
                .is_some_and(|m| m.inherited || m.fqdn.as_ref().map(|f| &f.value) == pool_fqdn);
        let mut names = Vec::new();
        for machine in &pool.machines {
            let name = machine.fqdn.as_ref().map_or_else(
                || "(no FQDN)".to_string(),
                |f| cut(f.value.as_str(), MAX_ENTITY_CHARS + 1).into_owned(),
            );
            names.push(name.clone());
            if alone {
                continue;
            }
            let m = self.push(Kind::Machine, Some(node), name, String::new());
            if let Some(fqdn) = &machine.fqdn {
                self.key(fqdn.value.as_str(), m);
            }
        }
        for &s in &sqls {
            let instance = &t.sql_instances[s];
            let mut detail = t.stores_on(s).join(", ");
            if detail.is_empty() {
                detail = "no stores".to_string();
            }
            let display = t.sql_display(s).to_lowercase();
            let n = self.push(Kind::Sql, Some(node), t.sql_display(s), detail);
            if instance.name.value.is_empty() {
                self.key(&format!("{display}\\"), n);
            } else {
                self.key(&display, n);
            }
        }
        for store in stores {
            let n = self.push(
                Kind::FileStore,
                Some(node),
                store.unc.clone(),
                store.share.value.clone(),
            );
            self.key(&store.unc, n);
        }
        self.nodes[node].more = names;
        self.close(node);
    }

    /// The box of a SQL instance the worksheets name: the topology's, or one outside it.
    fn sql_or_outside(&mut self, sql: &SqlRef, outside: &mut Vec<usize>) -> usize {
        let key = if sql.instance.is_empty() {
            format!("{}\\", sql.server.as_str())
        } else {
            sql.to_string()
        };
        if let Some(&n) = self.keys.get(&key) {
            return n;
        }
        let n = self.push(
            Kind::OutsideSql,
            None,
            sql.to_string(),
            "not in the topology".to_string(),
        );
        self.key(&key, n);
        outside.push(n);
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::example_with;

    fn example() -> (Workspace, Estate) {
        let rule = crate::rules::find("TP101").expect("TP101");
        let ws = example_with(rule, &[]).ws;
        let estate = Estate::build(&ws, &ws.deployments[0], 0);
        (ws, estate)
    }

    fn named(estate: &Estate, found: Option<usize>) -> (Kind, &str) {
        let n = &estate.nodes[found.expect("a box")];
        (n.kind, n.label.as_str())
    }

    #[test]
    fn every_entity_form_finds_its_box() {
        let (_, e) = example();
        assert_eq!(
            named(&e, e.locate("pool01.contoso.com")),
            (Kind::Pool, "pool01.contoso.com")
        );
        assert_eq!(
            named(&e, e.locate("FE02.contoso.com.")),
            (Kind::Machine, "fe02.contoso.com")
        );
        assert_eq!(
            named(
                &e,
                e.locate("fe01.contoso.com/default (server and web services)")
            ),
            (Kind::Machine, "fe01.contoso.com")
        );
        assert_eq!(
            named(&e, e.locate("rtcxds@sql01.contoso.com\\rtc")),
            (Kind::Sql, "sql01.contoso.com\\rtc")
        );
        // `xds@sql01` names the server (the default instance is not declared): its pool.
        assert_eq!(
            named(&e, e.locate("xds@sql01.contoso.com")),
            (Kind::Pool, "sql01.contoso.com")
        );
        assert_eq!(
            named(&e, e.locate("\\\\fs01.contoso.com\\lyncshare")),
            (Kind::FileStore, "\\\\fs01.contoso.com\\LyncShare")
        );
        assert_eq!(
            named(&e, e.locate("\\\\backup01.contoso.com\\lync")),
            (Kind::BackupHost, "backup01.contoso.com")
        );
        assert_eq!(e.locate("backup-runs"), None);
        assert_eq!(e.locate("testdata/example/topology.xml"), None);
    }

    #[test]
    fn boxes_nest_in_order_and_pools_sit_in_their_site() {
        let (ws, e) = example();
        assert_eq!(e.sites.len(), 1);
        let pools = e.pools_of(e.sites[0]);
        assert_eq!(pools.len(), ws.topologies[0].pools.len());
        let names: Vec<&str> = pools.iter().map(|&p| e.nodes[p].label.as_str()).collect();
        // Front End first; the mirror and witness right after their principal.
        assert_eq!(names[0], "pool01.contoso.com");
        let at = |n: &str| names.iter().position(|x| *x == n).expect(n);
        assert_eq!(at("sql03.contoso.com"), at("sql01.contoso.com") + 1);
        assert_eq!(at("sql04.contoso.com"), at("sql01.contoso.com") + 2);
        for (i, n) in e.nodes.iter().enumerate() {
            assert!(n.end > i && n.end <= e.nodes.len());
            if let Some(p) = n.parent {
                assert!(p < i && e.nodes[p].end >= n.end, "{}", n.label);
            }
        }
        assert_eq!(e.links.len(), 2, "one mirror link and one witness link");
        assert_eq!(
            e.place(e.locate("fe01.contoso.com").expect("fe01")),
            "machine in pool01.contoso.com, site Redmond"
        );
    }

    #[test]
    fn paired_pools_are_linked_once_between_their_boxes() {
        let rule = crate::rules::find("TP101").expect("TP101");
        let ws = crate::rules::test_util::paired_with(rule, &[]).ws;
        let e = Estate::build(&ws, &ws.deployments[0], 0);
        let pairs: Vec<(&str, &str)> = e
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Pair)
            .map(|l| (e.nodes[l.from].label.as_str(), e.nodes[l.to].label.as_str()))
            .collect();
        assert_eq!(pairs, [("pool01.contoso.com", "pool02.contoso.com")]);
        assert!(
            e.links
                .iter()
                .filter(|l| l.kind == LinkKind::Pair)
                .all(|l| e.nodes[l.from].kind == Kind::Pool && e.nodes[l.to].kind == Kind::Pool)
        );
        // The two mirrors and their witnesses are drawn as before.
        assert_eq!(e.links.len(), 5);
    }
}
