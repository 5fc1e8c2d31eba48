//! Comparing two topologies by identity: what was added, removed or changed between an older
//! topology (the one exported with a backup) and a newer one (today's).
//!
//! Objects are matched by what they are, never by where they sit in the document: pools and
//! machines by FQDN (case-insensitively, as [`Fqdn`] compares), SQL instances by server FQDN and
//! instance name, stores by role and the pools that use them, the Central Management store by
//! role alone. A pool whose FQDN changed while its cluster identity (`SiteId:Number`, or the
//! Topology Builder `UniqueId`) stayed is a rename, not a removal and an addition.
//!
//! Both the DR rules and `inspect --diff` read this one comparison.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use crate::input::span::Span;
use crate::model::ids;
use crate::model::{Fqdn, Host, Topology};
use crate::model::{PoolId, ServiceId, SqlId};

/// What happened to an object between the two topologies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the newer topology.
    Added,
    /// Only in the older topology.
    Removed,
    /// In both, with another value (a location, a pool, an FQDN).
    Changed,
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub change: Change,
    /// The object, as shown: `fe01.contoso.com`, `sql01.contoso.com\rtc`,
    /// `UserStore of pool01.contoso.com`.
    pub name: String,
    /// Its value in the older topology (a machine's pool, a store's location, a pool's FQDN
    /// before a rename), when it has one there.
    pub before: Option<String>,
    /// Its value in the newer topology; for a removed machine, the pool it was in, as that pool
    /// is named now (when the pool is still there).
    pub after: Option<String>,
    /// Where it is declared in the older topology.
    pub old: Option<Span>,
    /// Where it is declared in the newer topology; for a removed machine, its pool there.
    pub new: Option<Span>,
}

impl Entry {
    fn new(change: Change, name: impl Into<String>) -> Self {
        Self {
            change,
            name: name.into(),
            before: None,
            after: None,
            old: None,
            new: None,
        }
    }
}

/// Every difference between two topologies, each list sorted by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub pools: Vec<Entry>,
    pub machines: Vec<Entry>,
    pub sql_instances: Vec<Entry>,
    /// SQL stores other than the Central Management store.
    pub stores: Vec<Entry>,
    pub file_stores: Vec<Entry>,
    pub central_management_store: Option<Entry>,
}

impl Diff {
    /// Whether the two topologies describe the same objects in the same places.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pools.is_empty()
            && self.machines.is_empty()
            && self.sql_instances.is_empty()
            && self.stores.is_empty()
            && self.file_stores.is_empty()
            && self.central_management_store.is_none()
    }
}

/// Compares `old` with `new`.
#[must_use]
pub fn diff(old: &Topology, new: &Topology) -> Diff {
    let (pools, renamed) = pools(old, new);
    let machines = machines(old, new, &renamed);
    let sql_instances = sql_instances(old, new);
    let (stores, file_stores) = stores(old, new);
    let mut out = Diff {
        pools,
        machines,
        sql_instances,
        stores,
        file_stores,
        central_management_store: cms(old, new),
    };
    for list in [
        &mut out.pools,
        &mut out.machines,
        &mut out.sql_instances,
        &mut out.stores,
        &mut out.file_stores,
    ] {
        list.sort_by(|a, b| a.name.cmp(&b.name).then(a.change.cmp(&b.change)));
    }
    out
}

/// Pools by FQDN, the first declaration of each.
fn pools_by_fqdn(t: &Topology) -> BTreeMap<&Fqdn, PoolId> {
    let mut out = BTreeMap::new();
    for (i, pool) in ids::enumerate(&t.pools) {
        if let Some(fqdn) = &pool.fqdn {
            if !fqdn.value.is_placeholder() {
                out.entry(&fqdn.value).or_insert(i);
            }
        }
    }
    out
}

/// Pool entries, and the renames found (old FQDN to new pool index).
fn pools(old: &Topology, new: &Topology) -> (Vec<Entry>, BTreeMap<Fqdn, PoolId>) {
    let old_pools = pools_by_fqdn(old);
    let new_pools = pools_by_fqdn(new);
    // A renamed pool's successor: the first newer pool (by FQDN) with its cluster identity
    // under an FQDN the older topology does not have, found by identity, not by a scan.
    let mut successors: BTreeMap<String, (&Fqdn, PoolId)> = BTreeMap::new();
    if old.form == new.form {
        for (&nf, &n) in &new_pools {
            if !old_pools.contains_key(nf) {
                successors
                    .entry(new.pools[n].key.to_ascii_lowercase())
                    .or_insert((nf, n));
            }
        }
    }
    let mut out = Vec::new();
    let mut renamed = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for (&fqdn, &o) in &old_pools {
        if new_pools.contains_key(fqdn) {
            continue;
        }
        let key = &old.pools[o].key;
        let successor = if key.starts_with('#') {
            None
        } else {
            successors.get(&key.to_ascii_lowercase())
        };
        let mut entry = Entry::new(Change::Removed, fqdn.to_string());
        entry.old = old.pools[o].fqdn.as_ref().map(|f| f.span);
        if let Some(&(nf, n)) = successor {
            entry.change = Change::Changed;
            entry.before = Some(fqdn.to_string());
            entry.after = Some(nf.to_string());
            entry.new = new.pools[n].fqdn.as_ref().map(|f| f.span);
            renamed.insert(fqdn.clone(), n);
            taken.insert(n);
        }
        out.push(entry);
    }
    for (&fqdn, &n) in &new_pools {
        if old_pools.contains_key(fqdn) || taken.contains(&n) {
            continue;
        }
        let mut entry = Entry::new(Change::Added, fqdn.to_string());
        entry.new = new.pools[n].fqdn.as_ref().map(|f| f.span);
        out.push(entry);
    }
    (out, renamed)
}

/// A machine of a pool, other than the one machine of a single-machine cluster that bears the
/// cluster's own name (the pool stands for it).
struct MachineAt {
    pool: PoolId,
    span: Span,
}

fn machines_by_fqdn(t: &Topology) -> BTreeMap<&Fqdn, MachineAt> {
    let mut out = BTreeMap::new();
    for (p, pool) in ids::enumerate(&t.pools) {
        for m in &pool.machines {
            let Some(fqdn) = &m.fqdn else { continue };
            let own_name = pool.fqdn.as_ref().is_some_and(|f| f.value == fqdn.value);
            if m.inherited || own_name || fqdn.value.is_placeholder() {
                continue;
            }
            out.entry(&fqdn.value).or_insert(MachineAt {
                pool: p,
                span: fqdn.span,
            });
        }
    }
    out
}

fn machines(old: &Topology, new: &Topology, renamed: &BTreeMap<Fqdn, PoolId>) -> Vec<Entry> {
    let old_machines = machines_by_fqdn(old);
    let new_machines = machines_by_fqdn(new);
    let new_pools = pools_by_fqdn(new);
    let mut out = Vec::new();
    for (&fqdn, at) in &old_machines {
        let pool = old.pool_name(at.pool);
        match new_machines.get(fqdn) {
            Some(now) => {
                let now_pool = new.pool_name(now.pool);
                let same = match (&old.pools[at.pool].fqdn, &new.pools[now.pool].fqdn) {
                    (Some(a), Some(b)) => {
                        a.value == b.value || renamed.get(&a.value) == Some(&now.pool)
                    }
                    _ => true,
                };
                if !same {
                    let mut entry = Entry::new(Change::Changed, fqdn.to_string());
                    entry.before = Some(pool);
                    entry.after = Some(now_pool);
                    entry.old = Some(at.span);
                    entry.new = Some(now.span);
                    out.push(entry);
                }
            }
            None => {
                let mut entry = Entry::new(Change::Removed, fqdn.to_string());
                entry.old = Some(at.span);
                entry.before = Some(pool);
                // Where the machine would be now: its pool, under its old or its new name.
                let now_pool = old.pools[at.pool].fqdn.as_ref().and_then(|f| {
                    new_pools
                        .get(&f.value)
                        .copied()
                        .or_else(|| renamed.get(&f.value).copied())
                });
                entry.new = now_pool.and_then(|p| new.pools[p].fqdn.as_ref().map(|f| f.span));
                entry.after = now_pool.map(|p| new.pool_name(p));
                out.push(entry);
            }
        }
    }
    for (&fqdn, at) in &new_machines {
        if old_machines.contains_key(fqdn) {
            continue;
        }
        let mut entry = Entry::new(Change::Added, fqdn.to_string());
        entry.after = Some(new.pool_name(at.pool));
        entry.new = Some(at.span);
        out.push(entry);
    }
    out
}

/// A SQL instance's identity: its server FQDN and its instance name (the default instance
/// however it is written).
type SqlKey = crate::model::values::SqlRef;

fn sql_key(t: &Topology, sql: SqlId) -> Option<SqlKey> {
    crate::analysis::restore::sql_ref(t, sql)
}

fn sqls_by_key(t: &Topology) -> BTreeMap<SqlKey, SqlId> {
    let mut out = BTreeMap::new();
    for i in t.sql_ids() {
        if let Some(key) = sql_key(t, i) {
            out.entry(key).or_insert(i);
        }
    }
    out
}

fn sql_instances(old: &Topology, new: &Topology) -> Vec<Entry> {
    let old_sqls = sqls_by_key(old);
    let new_sqls = sqls_by_key(new);
    let mut out = Vec::new();
    for (key, &o) in &old_sqls {
        if !new_sqls.contains_key(key) {
            let mut entry = Entry::new(Change::Removed, old.sql_display(o));
            entry.before = Some(old.stores_on(o).join(", "));
            entry.old = Some(old.sql_instances[o].tag);
            out.push(entry);
        }
    }
    for (key, &n) in &new_sqls {
        if !old_sqls.contains_key(key) {
            let mut entry = Entry::new(Change::Added, new.sql_display(n));
            entry.after = Some(new.stores_on(n).join(", "));
            entry.new = Some(new.sql_instances[n].tag);
            out.push(entry);
        }
    }
    out
}

/// A store service: a database on a SQL instance, or a file share on a pool.
struct Store {
    role: String,
    /// The service's key, for stores no pool uses.
    key: String,
    /// FQDNs of the pools whose services depend on the store.
    users: BTreeSet<Fqdn>,
    /// `server\instance` or `\\host\share`, as shown.
    location: String,
    /// The same, lower-case, for comparing.
    location_key: String,
    /// Where the location is declared (the SQL instance, or the share name).
    span: Span,
}

impl Store {
    fn name(&self) -> String {
        if self.users.is_empty() {
            format!("{} (service {})", self.role, self.key)
        } else {
            let users: Vec<&str> = self.users.iter().map(Fqdn::as_str).collect();
            format!("{} of {}", self.role, users.join(", "))
        }
    }
}

fn store_list(t: &Topology) -> Vec<Store> {
    let mut users: Vec<BTreeSet<Fqdn>> = vec![BTreeSet::new(); t.services.len()];
    for service in &t.services {
        let Some(Host::Pool(p)) = service.installed_on else {
            continue;
        };
        let Some(fqdn) = &t.pools[p].fqdn else {
            continue;
        };
        for &d in &service.depends_on {
            if let Some(set) = users.get_mut(d.index()) {
                set.insert(fqdn.value.clone());
            }
        }
    }
    let shares: BTreeMap<ServiceId, (String, Span)> = t
        .file_stores()
        .into_iter()
        .map(|f| (f.service, (f.unc, f.share.span)))
        .collect();
    let mut out = Vec::new();
    for (i, service) in ids::enumerate(&t.services) {
        let role = service.role.value.as_str();
        let located = match service.installed_on {
            Some(Host::Sql(sql)) if crate::model::topology::STORE_ROLES.contains(&role) => {
                sql_key(t, sql).map(|r| {
                    (
                        t.sql_display(sql),
                        format!("{}\\{}", r.server, r.instance),
                        t.sql_instances[sql].tag,
                    )
                })
            }
            Some(Host::Pool(_)) if role == "FileStore" => shares
                .get(&i)
                .map(|(unc, span)| (unc.clone(), unc.to_lowercase(), *span)),
            _ => None,
        };
        let Some((location, location_key, span)) = located else {
            continue;
        };
        out.push(Store {
            role: role.to_string(),
            key: service.key.clone(),
            users: users[i.index()].clone(),
            location,
            location_key,
            span,
        });
    }
    out
}

/// Matches each older store with at most one newer store of the same identity, preferring one
/// in the same place; returns the pairs and the unmatched newer stores.
///
/// The newer stores are indexed by identity (role and user pool, or role and key for a store no
/// pool uses), with and without their place, so each older store looks up its candidates
/// instead of scanning every newer store.
fn match_stores<'s>(
    old: &'s [Store],
    new: &'s [Store],
) -> Vec<(Option<&'s Store>, Option<&'s Store>)> {
    /// Where a store is found: its role, then a user pool's FQDN or its lower-case key, then
    /// (in the index by place) its location.
    type Identity = (String, String, String);
    let identity = |store: &Store, who: &str, place: &str| -> Identity {
        (store.role.clone(), who.to_string(), place.to_string())
    };
    let mut by_identity: BTreeMap<Identity, VecDeque<usize>> = BTreeMap::new();
    let mut by_place: BTreeMap<Identity, VecDeque<usize>> = BTreeMap::new();
    for (n, store) in new.iter().enumerate() {
        let key = store.key.to_ascii_lowercase();
        for who in identities(store, &key) {
            let place = identity(store, who, &store.location_key);
            by_identity
                .entry(identity(store, who, ""))
                .or_default()
                .push_back(n);
            by_place.entry(place).or_default().push_back(n);
        }
    }
    let mut used = vec![false; new.len()];
    let mut pairs = Vec::new();
    for o in old {
        let key = o.key.to_ascii_lowercase();
        // The first unused candidate in the same place, else the first unused one.
        let first =
            |index: &mut BTreeMap<Identity, VecDeque<usize>>, place: &str, used: &[bool]| {
                identities(o, &key)
                    .filter_map(|who| first_unused(index.get_mut(&identity(o, who, place)), used))
                    .min()
            };
        let pick = first(&mut by_place, &o.location_key, &used)
            .or_else(|| first(&mut by_identity, "", &used));
        match pick {
            Some(n) => {
                used[n] = true;
                pairs.push((Some(o), Some(&new[n])));
            }
            None => pairs.push((Some(o), None)),
        }
    }
    for (n, store) in new.iter().enumerate() {
        if !used[n] {
            pairs.push((None, Some(store)));
        }
    }
    pairs
}

/// What identifies a store besides its role: each pool that uses it, or, when none does, its
/// key (`key`, lower-case). Two stores are the same when they have the same role and share a
/// pool that uses them, or, when no pool uses either, have the same key.
fn identities<'a>(store: &'a Store, key: &'a str) -> impl Iterator<Item = &'a str> {
    let users = store.users.iter().map(Fqdn::as_str);
    let own = store.users.is_empty().then_some(key);
    users.chain(own)
}

/// The first index of `list` not used yet. Used ones are dropped from its front as they are
/// met (they stay used), so all lookups together walk each list once.
fn first_unused(list: Option<&mut VecDeque<usize>>, used: &[bool]) -> Option<usize> {
    let list = list?;
    while let Some(&n) = list.front() {
        if !used[n] {
            return Some(n);
        }
        list.pop_front();
    }
    None
}

fn stores(old: &Topology, new: &Topology) -> (Vec<Entry>, Vec<Entry>) {
    let old_stores = store_list(old);
    let new_stores = store_list(new);
    let mut sql = Vec::new();
    let mut files = Vec::new();
    for pair in match_stores(&old_stores, &new_stores) {
        let entry = match pair {
            (Some(o), Some(n)) if o.location_key == n.location_key => continue,
            (Some(o), Some(n)) => {
                let mut entry = Entry::new(Change::Changed, o.name());
                entry.before = Some(o.location.clone());
                entry.after = Some(n.location.clone());
                entry.old = Some(o.span);
                entry.new = Some(n.span);
                entry
            }
            (Some(o), None) => {
                let mut entry = Entry::new(Change::Removed, o.name());
                entry.before = Some(o.location.clone());
                entry.old = Some(o.span);
                entry
            }
            (None, Some(n)) => {
                let mut entry = Entry::new(Change::Added, n.name());
                entry.after = Some(n.location.clone());
                entry.new = Some(n.span);
                entry
            }
            (None, None) => continue,
        };
        let role = pair.0.or(pair.1).map_or("", |s| s.role.as_str());
        match role {
            "FileStore" => files.push(entry),
            "CentralMgmtStore" => {}
            _ => sql.push(entry),
        }
    }
    (sql, files)
}

/// The Central Management store's location: shown, compared, and where it is declared.
fn cms_location(t: &Topology) -> Option<(String, Option<SqlKey>, Span)> {
    let sql = t.central_management_store()?;
    Some((
        t.sql_display(sql),
        sql_key(t, sql),
        t.sql_instances[sql].tag,
    ))
}

fn cms(old: &Topology, new: &Topology) -> Option<Entry> {
    const NAME: &str = "Central Management store";
    match (cms_location(old), cms_location(new)) {
        (Some((before, old_key, old_span)), Some((after, new_key, new_span))) => {
            if old_key == new_key {
                return None;
            }
            let mut entry = Entry::new(Change::Changed, NAME);
            entry.before = Some(before);
            entry.after = Some(after);
            entry.old = Some(old_span);
            entry.new = Some(new_span);
            Some(entry)
        }
        (Some((before, _, old_span)), None) => {
            let mut entry = Entry::new(Change::Removed, NAME);
            entry.before = Some(before);
            entry.old = Some(old_span);
            Some(entry)
        }
        (None, Some((after, _, new_span))) => {
            let mut entry = Entry::new(Change::Added, NAME);
            entry.after = Some(after);
            entry.new = Some(new_span);
            Some(entry)
        }
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_util::{EXAMPLE, topology};

    fn example() -> String {
        EXAMPLE[0].1.to_string()
    }

    fn compare(edit: &[(&str, &str)]) -> Diff {
        let mut text = example();
        for (from, to) in edit {
            assert!(text.contains(from), "{from}");
            text = text.replace(from, to);
        }
        diff(&topology(&example()), &topology(&text))
    }

    fn names(entries: &[Entry]) -> Vec<(Change, &str)> {
        entries
            .iter()
            .map(|e| (e.change, e.name.as_str()))
            .collect()
    }

    #[test]
    fn a_topology_is_identical_to_itself() {
        assert!(compare(&[]).is_empty());
    }

    #[test]
    fn case_and_a_trailing_dot_are_not_differences() {
        let d = compare(&[
            ("Fqdn=\"fe02.contoso.com\"", "Fqdn=\"FE02.Contoso.com.\""),
            ("SqlInstanceId Name=\"rtc\"", "SqlInstanceId Name=\"RTC\""),
            ("ShareName=\"LyncShare\"", "ShareName=\"lyncshare\""),
        ]);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn order_in_the_document_does_not_matter() {
        let text = example();
        let a = "    <Cluster RequiresReplication=\"false\" RequiresSetup=\"false\" Fqdn=\"wac01.contoso.com\">\n      <ClusterId SiteId=\"1\" Number=\"6\" />\n      <Machine OrdinalInCluster=\"1\" Fqdn=\"wac01.contoso.com\" />\n    </Cluster>\n";
        assert!(text.contains(a));
        let moved =
            text.replacen(a, "", 1)
                .replacen("  <Clusters>\n", &format!("  <Clusters>\n{a}"), 1);
        assert_ne!(moved, text);
        assert!(diff(&topology(&text), &topology(&moved)).is_empty());
    }

    #[test]
    fn a_renamed_machine_is_removed_and_added_in_its_pool() {
        let d = compare(&[("fe03.contoso.com", "fe04.contoso.com")]);
        assert_eq!(
            names(&d.machines),
            [
                (Change::Removed, "fe03.contoso.com"),
                (Change::Added, "fe04.contoso.com")
            ]
        );
        assert_eq!(d.machines[0].before.as_deref(), Some("pool01.contoso.com"));
        assert!(d.machines[0].new.is_some(), "points at the pool now");
        assert!(d.pools.is_empty() && d.stores.is_empty());
    }

    #[test]
    fn a_renamed_pool_keeps_its_cluster_identity() {
        let d = compare(&[("Fqdn=\"edgepool.contoso.com\"", "Fqdn=\"edge.contoso.com\"")]);
        assert_eq!(names(&d.pools), [(Change::Changed, "edgepool.contoso.com")]);
        assert_eq!(d.pools[0].after.as_deref(), Some("edge.contoso.com"));
        assert!(d.machines.is_empty(), "{:?}", d.machines);
    }

    #[test]
    fn a_renamed_share_changes_the_file_store() {
        let d = compare(&[("ShareName=\"LyncShare\"", "ShareName=\"LyncShare2\"")]);
        assert_eq!(
            names(&d.file_stores),
            [(Change::Changed, "FileStore of pool01.contoso.com")]
        );
        assert_eq!(
            d.file_stores[0].before.as_deref(),
            Some("\\\\fs01.contoso.com\\LyncShare")
        );
        assert_eq!(
            d.file_stores[0].after.as_deref(),
            Some("\\\\fs01.contoso.com\\LyncShare2")
        );
    }

    #[test]
    fn a_recreated_instance_moves_its_stores() {
        let d = compare(&[("Name=\"monitoring\"", "Name=\"mon2\"")]);
        assert_eq!(
            names(&d.sql_instances),
            [
                (Change::Added, "sql02.contoso.com\\mon2"),
                (Change::Removed, "sql02.contoso.com\\monitoring")
            ]
        );
        assert_eq!(
            names(&d.stores),
            [
                (Change::Changed, "ArchivingStore of pool01.contoso.com"),
                (Change::Changed, "MonitoringStore of pool01.contoso.com")
            ]
        );
        assert_eq!(
            d.stores[0].after.as_deref(),
            Some("sql02.contoso.com\\mon2")
        );
        assert!(d.central_management_store.is_none());
    }

    #[test]
    fn a_moved_central_management_store_is_its_own_entry() {
        let text = example();
        let cms = "<ServiceId SiteId=\"1\" RoleName=\"CentralMgmtStore\" Instance=\"1\" />\n      <DependsOn />\n      <InstalledOn>\n        <SqlInstanceId Name=\"rtc\">\n          <ClusterId SiteId=\"1\" Number=\"2\" />";
        assert!(text.contains(cms));
        let moved = text.replacen(
            cms,
            &cms.replace("Name=\"rtc\"", "Name=\"monitoring\"")
                .replace("Number=\"2\"", "Number=\"3\""),
            1,
        );
        let d = diff(&topology(&text), &topology(&moved));
        let entry = d.central_management_store.clone().expect("moved");
        assert_eq!(entry.change, Change::Changed);
        assert_eq!(entry.before.as_deref(), Some("sql01.contoso.com\\rtc"));
        assert_eq!(
            entry.after.as_deref(),
            Some("sql02.contoso.com\\monitoring")
        );
        assert!(d.stores.is_empty(), "the CMS is not also a store change");
    }

    fn store(role: &str, key: &str, users: &[&str], location: &str) -> Store {
        Store {
            role: role.to_string(),
            key: key.to_string(),
            users: users.iter().map(|u| Fqdn::new(u)).collect(),
            location: location.to_string(),
            location_key: location.to_lowercase(),
            span: Span::default(),
        }
    }

    /// The matching as its definition reads, newer store by newer store.
    fn match_by_scanning<'s>(
        old: &'s [Store],
        new: &'s [Store],
    ) -> Vec<(Option<usize>, Option<usize>)> {
        let same = |a: &Store, b: &Store| {
            a.role == b.role
                && if a.users.is_empty() && b.users.is_empty() {
                    a.key.eq_ignore_ascii_case(&b.key)
                } else {
                    !a.users.is_disjoint(&b.users)
                }
        };
        let mut used = vec![false; new.len()];
        let mut pairs = Vec::new();
        for (i, o) in old.iter().enumerate() {
            let candidates: Vec<usize> = (0..new.len())
                .filter(|&n| !used[n] && same(o, &new[n]))
                .collect();
            let pick = candidates
                .iter()
                .copied()
                .find(|&n| new[n].location_key == o.location_key)
                .or_else(|| candidates.first().copied());
            if let Some(n) = pick {
                used[n] = true;
            }
            pairs.push((Some(i), pick));
        }
        pairs.extend(
            (0..new.len())
                .filter(|&n| !used[n])
                .map(|n| (None, Some(n))),
        );
        pairs
    }

    /// Matching by index gives what scanning every newer store gives, on stores with shared
    /// users, no users, repeated keys and places.
    #[test]
    fn stores_are_matched_by_index_as_by_scanning() {
        let pools = ["p1.contoso.com", "p2.contoso.com", "p3.contoso.com"];
        let mut all = Vec::new();
        for (i, role) in ["UserStore", "FileStore"].iter().enumerate() {
            for (j, key) in ["1-A-1", "1-a-1", "2-A-1"].iter().enumerate() {
                for mask in 0..8usize {
                    let users: Vec<&str> = (0..3)
                        .filter(|b| mask & (1 << b) != 0)
                        .map(|b| pools[b])
                        .collect();
                    let place = ["sql1\\rtc", "SQL1\\RTC", "sql2\\rtc"][(i + j + mask) % 3];
                    all.push(store(role, key, &users, place));
                }
            }
        }
        // Older and newer lists cut from the same stores in different orders and lengths.
        for step in [1, 3, 5, 7] {
            let copy = |s: &Store| {
                let users: Vec<&str> = s.users.iter().map(Fqdn::as_str).collect();
                store(&s.role, &s.key, &users, &s.location)
            };
            let old: Vec<Store> = all.iter().step_by(step).map(copy).collect();
            let new: Vec<Store> = all.iter().rev().step_by(step + 1).map(copy).collect();
            let indexed: Vec<(Option<usize>, Option<usize>)> = match_stores(&old, &new)
                .into_iter()
                .map(|(o, n)| {
                    let at = |s: Option<&Store>, list: &[Store]| {
                        s.map(|s| {
                            list.iter()
                                .position(|x| std::ptr::eq(x, s))
                                .expect("in list")
                        })
                    };
                    (at(o, &old), at(n, &new))
                })
                .collect();
            assert_eq!(indexed, match_by_scanning(&old, &new), "step {step}");
        }
    }

    #[test]
    fn an_added_pool_is_added() {
        let text = example();
        let added = text.replacen(
            "  </Clusters>",
            "    <Cluster Fqdn=\"dir01.contoso.com\">\n      <ClusterId SiteId=\"1\" Number=\"9\" />\n      <Machine OrdinalInCluster=\"1\" Fqdn=\"dir01.contoso.com\" />\n    </Cluster>\n  </Clusters>",
            1,
        );
        let d = diff(&topology(&text), &topology(&added));
        assert_eq!(names(&d.pools), [(Change::Added, "dir01.contoso.com")]);
        assert!(d.machines.is_empty());
        let back = diff(&topology(&added), &topology(&text));
        assert_eq!(names(&back.pools), [(Change::Removed, "dir01.contoso.com")]);
    }
}
