//! Reading `--failed` values: a machine or pool FQDN, `fqdn\instance`, or `Role:NAME` for a store.

use crate::analysis::restore;
use crate::lint::error::Fatal;
use crate::model::topology::Host;
use crate::model::values::{SqlRef, Unc};
use crate::model::{Deployment, Fqdn, HostRef, Workspace};
use crate::model::{PoolId, ServiceId, SqlId};

use super::model::Cx;
use super::pages::Words;
use crate::model::date::Date;

/// Something that failed, resolved against the topology.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A server, by its FQDN.
    Machine(Fqdn),
    /// A pool of several servers, failed as a whole.
    Pool(PoolId),
    /// A SQL Server instance (also one the topology only knows from the worksheets: a mirror
    /// or a witness).
    Sql(SqlRef),
    /// The databases of one store role on an instance (`ArchivingStore` on sql02\archive).
    Store { role: &'static str, sql: SqlId },
    /// A file store, by its index in [`crate::model::Topology::file_stores`].
    FileStore(usize),
}

/// The store roles a `Role:NAME` target may name.
pub const STORE_KINDS: &[&str] = &[
    "UserStore",
    "ApplicationStore",
    "CentralMgmtStore",
    "ArchivingStore",
    "MonitoringStore",
    "PersistentChatStore",
    "FileStore",
];

/// The one deployment the plan is for: the only one, or the only one that knows every target.
///
/// # Errors
/// No deployment; a target no deployment knows; targets known to several deployments.
pub fn deployment_for<'w>(
    ws: &'w Workspace,
    failed: &[String],
    as_of: Date,
) -> Result<&'w Deployment, Fatal> {
    let contexts: Vec<Cx<'w>> = ws
        .deployments
        .iter()
        .map(|d| Cx {
            ws,
            deployment: d,
            t: &ws.topologies[d.topology],
            facts: crate::analysis::facts::Facts::new(&ws.topologies[d.topology]),
            sheets: &d.sheets,
            findings: Vec::new(),
            words: Words::of(ws.topologies[d.topology].product()),
            as_of,
        })
        .collect();
    let Some(first) = contexts.first() else {
        return Err(Fatal::NoInput {
            paths: "the paths given".to_string(),
        });
    };
    if contexts.len() == 1 {
        return Ok(first.deployment);
    }
    let knowing: Vec<&Cx<'w>> = contexts
        .iter()
        .filter(|cx| failed.iter().all(|f| resolve(cx, f).is_ok()))
        .collect();
    match knowing.as_slice() {
        [one] => Ok(one.deployment),
        [] => {
            // Report the first target that the first deployment does not know.
            for f in failed {
                resolve(first, f)?;
            }
            Err(Fatal::Usage {
                message: "no single deployment holds every `--failed` target".to_string(),
                help: Some("plan for one deployment at a time: name its directory".to_string()),
            })
        }
        several => Err(Fatal::Usage {
            message: format!(
                "the `--failed` targets are in {} deployments: {}",
                several.len(),
                several
                    .iter()
                    .map(|cx| format!("`{}`", cx.deployment.dir))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            help: Some("name the directory of the deployment to plan for".to_string()),
        }),
    }
}

/// Resolves one `--failed` value.
///
/// # Errors
/// The value names nothing in the topology: the error lists the closest names.
pub fn resolve(cx: &Cx<'_>, text: &str) -> Result<Vec<Target>, Fatal> {
    let raw = text.trim();
    let found = if raw.starts_with("\\\\") {
        file_stores_by_unc(cx, raw)
    } else if let Some((kind, rest)) = raw.split_once(':') {
        let Some(role) = STORE_KINDS
            .iter()
            .find(|k| k.eq_ignore_ascii_case(kind.trim()))
        else {
            return Err(Fatal::Usage {
                message: format!("`{kind}` in `--failed {raw}` is not a store kind"),
                help: Some(format!(
                    "write one of {} followed by `:` and a pool, server or `fqdn\\instance`",
                    STORE_KINDS.join(", ")
                )),
            });
        };
        store(cx, role, rest.trim())
    } else if raw.contains('\\') {
        sql(cx, raw)
    } else {
        host(cx, raw)
    };
    if found.is_empty() {
        return Err(unknown(cx, raw));
    }
    Ok(found)
}

fn host(cx: &Cx<'_>, raw: &str) -> Vec<Target> {
    if raw.is_empty() || raw.contains(char::is_whitespace) {
        return Vec::new();
    }
    let hits = restore::find_host(cx.t, &Fqdn::new(raw));
    if let Some((name, _)) = hits.iter().find(|(_, r)| matches!(r, HostRef::Machine(..))) {
        return vec![Target::Machine((*name).clone())];
    }
    let mut out = Vec::new();
    for (name, r) in hits {
        if let HostRef::Pool(p) = r {
            let machines = cx.machines(p);
            let target = match machines.as_slice() {
                [one] => Target::Machine(one.clone()),
                [] => Target::Machine(name.clone()),
                _ => Target::Pool(p),
            };
            if !out.contains(&target) {
                out.push(target);
            }
        }
    }
    out
}

fn sql(cx: &Cx<'_>, raw: &str) -> Vec<Target> {
    let Some(r) = SqlRef::parse(raw) else {
        return Vec::new();
    };
    let known = cx.instance(&r).is_some()
        || cx
            .sheets
            .sql_instances
            .iter()
            .any(|row| row.sql_ref().as_ref() == Some(&r))
        || cx
            .mirrorings()
            .iter()
            .any(|m| m.mirror == r || m.witness.as_ref() == Some(&r));
    if known {
        vec![Target::Sql(r)]
    } else {
        Vec::new()
    }
}

fn file_stores_by_unc(cx: &Cx<'_>, raw: &str) -> Vec<Target> {
    let Some(unc) = Unc::parse(raw) else {
        return Vec::new();
    };
    let root = unc.root();
    let stores = cx.t.file_stores();
    let mut out: Vec<Target> = stores
        .iter()
        .enumerate()
        .filter(|(_, s)| s.unc.to_lowercase() == root)
        .map(|(i, _)| Target::FileStore(i))
        .collect();
    if out.is_empty() && unc.host.is_single_label() {
        out = stores
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                cx.t.pools[s.pool]
                    .fqdn
                    .as_ref()
                    .is_some_and(|f| f.value.matches_host(&unc.host))
                    && s.share.value.to_lowercase() == unc.share
            })
            .map(|(i, _)| Target::FileStore(i))
            .collect();
    }
    out
}

fn store(cx: &Cx<'_>, role: &'static str, rest: &str) -> Vec<Target> {
    if role == "FileStore" {
        if rest.starts_with("\\\\") {
            return file_stores_by_unc(cx, rest);
        }
        let name = Fqdn::new(rest);
        let stores = cx.t.file_stores();
        // The file server itself, or a pool whose services use the file store.
        let used_by = |pool: PoolId, service: ServiceId| {
            cx.t.services_on_pool(pool)
                .any(|s| s.depends_on.contains(&service))
        };
        return stores
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                let on_host = cx.t.pools[s.pool]
                    .fqdn
                    .as_ref()
                    .is_some_and(|f| f.value.matches_host(&name))
                    || cx.machines(s.pool).iter().any(|m| m.matches_host(&name));
                let by_pool = restore::find_host(cx.t, &name)
                    .iter()
                    .any(|(_, r)| matches!(r, HostRef::Pool(p) if used_by(*p, s.service)));
                on_host || by_pool
            })
            .map(|(i, _)| Target::FileStore(i))
            .collect();
    }
    let candidates = restore::instances_with(cx.t, role);
    let chosen: Vec<SqlId> = if rest.contains('\\') {
        SqlRef::parse(rest)
            .and_then(|r| cx.instance(&r))
            .filter(|i| candidates.contains(i))
            .into_iter()
            .collect()
    } else {
        let name = Fqdn::new(rest);
        let on_server: Vec<SqlId> = candidates
            .iter()
            .copied()
            .filter(|&i| {
                cx.t.sql_server(i)
                    .is_some_and(|f| f.value.matches_host(&name))
            })
            .collect();
        if on_server.is_empty() {
            stores_of_pool(cx, role, &name)
        } else {
            on_server
        }
    };
    chosen
        .into_iter()
        .map(|sql| Target::Store { role, sql })
        .collect()
}

/// The instances holding `role` for the pool named `name`: through its services' dependencies.
fn stores_of_pool(cx: &Cx<'_>, role: &str, name: &Fqdn) -> Vec<SqlId> {
    let mut out = Vec::new();
    for (_, r) in restore::find_host(cx.t, name) {
        let HostRef::Pool(p) = r else { continue };
        for s in cx.t.services_on_pool(p) {
            for &d in &s.depends_on {
                let Some(dep) = cx.t.services.get(d.index()) else {
                    continue;
                };
                if dep.role.value == role
                    && let Some(Host::Sql(i)) = dep.installed_on
                    && !out.contains(&i)
                {
                    out.push(i);
                }
            }
        }
    }
    out
}

/// Every name a `--failed` value may take in this deployment, sorted.
#[must_use]
pub fn candidates(cx: &Cx<'_>) -> Vec<String> {
    let mut out: Vec<String> = cx.t.hosts.keys().map(ToString::to_string).collect();
    for i in cx.t.sql_ids() {
        if let Some(r) = cx.sql_ref(i) {
            out.push(r.to_string());
            for role in cx.t.stores_on(i) {
                if STORE_KINDS.contains(&role) {
                    out.push(format!("{role}:{r}"));
                }
            }
        }
    }
    for m in cx.mirrorings() {
        out.push(m.mirror.to_string());
        out.extend(m.witness.map(|w| w.to_string()));
    }
    for u in restore::user_stores(cx.t) {
        out.push(format!("UserStore:{}", cx.t.pool_name(u.pool)));
    }
    for s in cx.t.file_stores() {
        out.push(s.unc.clone());
        out.push(format!("FileStore:{}", cx.t.pool_name(s.pool)));
    }
    out.sort();
    out.dedup();
    out
}

/// The error for a value that names nothing, with up to three close names.
fn unknown(cx: &Cx<'_>, raw: &str) -> Fatal {
    let key = raw.to_lowercase();
    let mut close: Vec<(usize, String)> = candidates(cx)
        .into_iter()
        .map(|c| (strsim::levenshtein(&key, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .collect();
    close.sort();
    close.truncate(3);
    let topology = &cx.ws.files.get(cx.t.file).display;
    let help = if close.is_empty() {
        "`topolint inspect` lists the pools, machines, SQL instances and stores".to_string()
    } else {
        let names: Vec<String> = close.iter().map(|(_, c)| format!("`{c}`")).collect();
        format!("did you mean {}?", or_list(&names))
    };
    Fatal::Usage {
        message: format!("`--failed {raw}` names nothing in {topology}"),
        help: Some(help),
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
