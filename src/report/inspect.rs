//! `topolint inspect`: what was understood of each input.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::analysis::drift::{self, Change, Entry};
use crate::analysis::pairs::{PoolPairs, topology_backups};
use crate::input::problem::ProblemKind;
use crate::model::ids;
use crate::model::topology::SiteKind;
use crate::model::{Form, Fqdn, PoolRole, Product, Topology, Workspace};

#[derive(Serialize)]
pub struct Inventory {
    pub schema_version: u32,
    pub topologies: Vec<TopologyView>,
    pub worksheets: Vec<WorksheetView>,
    /// Inputs that could not be understood.
    pub problems: Vec<ProblemView>,
    /// For each deployment with evidence of its backup runs: the run checked and what was
    /// found of each artefact.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub backups: Vec<BackupsView>,
}

/// The evidence of one deployment's latest backup run.
#[derive(Serialize)]
pub struct BackupsView {
    /// The deployment's topology.
    pub topology: String,
    /// The run checked, in words.
    pub run: String,
    pub artefacts: Vec<ArtefactView>,
    /// Rows whose artefacts were not judged, and why.
    pub not_judged: Vec<NotJudgedView>,
    /// The Export-Cs* archives opened.
    pub archives: Vec<ArchiveView>,
    /// The backup-time topology the DR rules compare with, when it is an archive's.
    pub backup_topology: Option<String>,
    /// Links met on the shares and not followed.
    pub links_not_followed: usize,
}

#[derive(Serialize)]
pub struct ArtefactView {
    pub entity: String,
    /// `\\host\share\folder` looked in.
    pub folder: String,
    /// `present`, `empty`, `missing`.
    pub status: &'static str,
    /// The files that stand for it (the first few of a file store copy).
    pub files: Vec<String>,
    /// How many more files stand for it.
    pub more_files: usize,
}

#[derive(Serialize)]
pub struct NotJudgedView {
    pub entity: String,
    pub why: String,
}

#[derive(Serialize)]
pub struct ArchiveView {
    pub path: String,
    pub readable: bool,
    pub topology: bool,
}

#[derive(Serialize)]
pub struct TopologyView {
    pub path: String,
    pub format: Form,
    pub product: Product,
    pub sites: Vec<SiteView>,
    pub pools: Vec<PoolView>,
    pub sql_instances: Vec<SqlView>,
    pub file_stores: Vec<FileStoreView>,
    pub central_management_store: Option<String>,
    /// Front End pools and their backup pools, as the deployment's `pool-pairs` worksheet
    /// records them (one entry per direction, rows naming no Front End pool left out), then as
    /// the topology itself seems to record them; absent when neither records any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pool_pairs: Vec<PairView>,
    pub unmodelled: Vec<UnmodelledView>,
}

#[derive(Serialize)]
pub struct PairView {
    pub pool: String,
    pub backup: String,
    /// `worksheet`, or `topology` for an attribute of the pool's `Cluster` whose name holds
    /// `backup` (which is named in `attribute`).
    pub source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
}

#[derive(Serialize)]
pub struct SiteView {
    pub id: String,
    pub name: Option<String>,
    pub kind: SiteKind,
}

#[derive(Serialize)]
pub struct PoolView {
    pub fqdn: Option<Fqdn>,
    pub site: Option<String>,
    pub roles: Vec<PoolRole>,
    pub machines: Vec<Fqdn>,
}

#[derive(Serialize)]
pub struct SqlView {
    pub server: Option<Fqdn>,
    pub instance: String,
    pub stores: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub always_on_primary: Option<Fqdn>,
}

#[derive(Serialize)]
pub struct FileStoreView {
    pub unc: String,
}

#[derive(Serialize)]
pub struct UnmodelledView {
    pub path: String,
    /// How many times it occurs.
    pub count: usize,
    /// Line of the first occurrence.
    pub line: usize,
}

#[derive(Serialize)]
pub struct WorksheetView {
    pub path: String,
    pub kind: String,
    pub rows: usize,
    /// How the bytes were decoded: `UTF-8`, `UTF-16LE`, ... `Windows-1252` when they are not
    /// UTF-8.
    pub encoding: &'static str,
    /// The separator and what came before the header: `semicolon-separated`,
    /// `comma-separated, after Export-Csv's #TYPE line`; `a sheet of an Excel workbook`.
    pub dialect: String,
    /// The sheet, in a workbook.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

#[derive(Serialize)]
pub struct ProblemView {
    pub path: String,
    pub code: &'static str,
    pub message: String,
}

/// Builds the inventory of a workspace.
#[must_use]
pub fn inventory(ws: &Workspace) -> Inventory {
    Inventory {
        schema_version: 1,
        topologies: ws
            .topologies
            .iter()
            .enumerate()
            .map(|(i, t)| topology_view(ws, i, t))
            .collect(),
        worksheets: ws
            .worksheets
            .iter()
            .map(|w| {
                let file = ws.files.get(w.file);
                WorksheetView {
                    path: file.display.clone(),
                    kind: w.kind.name().to_string(),
                    rows: w.row_count,
                    encoding: file.encoding.label(),
                    dialect: w.layout.describe(),
                    sheet: file.sheet.as_ref().map(|s| s.name.clone()),
                }
            })
            .collect(),
        problems: ws
            .problems
            .iter()
            .map(|p| ProblemView {
                path: ws.files.get(p.file).display.clone(),
                code: match p.kind {
                    ProblemKind::Io => "IN001",
                    ProblemKind::Decode => "IN002",
                    ProblemKind::Xml => "IN003",
                    ProblemKind::Unrecognized => "IN004",
                    ProblemKind::Worksheet => "IN005",
                    ProblemKind::Ambiguous => "IN008",
                },
                message: p.message.clone(),
            })
            .collect(),
        backups: backups(ws),
    }
}

/// How many of an artefact's files are listed.
const SHOWN_FILES: usize = 5;

/// The evidence of each deployment that has some.
fn backups(ws: &Workspace) -> Vec<BackupsView> {
    use crate::analysis::evidence::{self, Outcome};
    let mut out = Vec::new();
    for (index, d) in ws.deployments.iter().enumerate() {
        if !evidence::has_evidence(&d.sheets, d.backups.as_ref()) {
            continue;
        }
        let judged = evidence::judge(&d.sheets, d.backups.as_ref());
        let artefacts = judged
            .checks
            .iter()
            .map(|c| {
                let (status, files, more) = match &c.outcome {
                    Outcome::Present { found, more } => (
                        if c.what != evidence::Artefact::FileStore
                            && found.iter().all(|f| f.size == 0)
                        {
                            "empty"
                        } else {
                            "present"
                        },
                        found
                            .iter()
                            .map(|f| match f.time {
                                Some(t) => format!("{} ({} bytes, {t})", f.path, f.size),
                                None => format!("{} ({} bytes)", f.path, f.size),
                            })
                            .collect(),
                        *more,
                    ),
                    Outcome::Missing {
                        folder_missing: false,
                    } if c.what == evidence::Artefact::FileStore => ("empty", Vec::new(), 0),
                    Outcome::Missing { .. } => ("missing", Vec::new(), 0),
                };
                let mut files: Vec<String> = files;
                let more_files = more + files.len().saturating_sub(SHOWN_FILES);
                files.truncate(SHOWN_FILES);
                ArtefactView {
                    entity: c.entity.clone(),
                    folder: c.root.to_string(),
                    status,
                    files,
                    more_files,
                }
            })
            .collect();
        let archives = ws
            .archives
            .iter()
            .filter(|a| a.deployment == Some(index))
            .map(|a| ArchiveView {
                path: ws.files.get(a.file).display.clone(),
                readable: a.problems.is_empty(),
                topology: a.has_topology,
            })
            .collect();
        out.push(BackupsView {
            topology: ws.files.get(ws.topologies[d.topology].file).display.clone(),
            run: judged.run.describe(),
            artefacts,
            not_judged: judged
                .unjudged
                .iter()
                .map(|u| NotJudgedView {
                    entity: u.entity.clone(),
                    why: u.why.clone(),
                })
                .collect(),
            archives,
            links_not_followed: d.backups.as_ref().map_or(0, |b| {
                b.folders
                    .iter()
                    .map(|f| match f.state {
                        crate::model::evidence::FolderState::Read { links, .. } => links,
                        _ => 0,
                    })
                    .sum()
            }),
            backup_topology: d
                .archive
                .and_then(|i| ws.archives.get(i))
                .and_then(|a| a.member)
                .map(|m| ws.files.get(m).display.clone()),
        });
    }
    out
}

/// The pairings the worksheets of topology `index`'s deployment record, by topology names, then
/// those the topology itself seems to record.
fn pool_pairs(ws: &Workspace, index: usize, t: &Topology) -> Vec<PairView> {
    let mut out: Vec<PairView> = Vec::new();
    if let Some(deployment) = ws.deployments.iter().find(|d| d.topology == index) {
        out.extend(
            PoolPairs::new(t, &deployment.sheets)
                .pairs()
                .iter()
                .map(|p| PairView {
                    pool: t.pool_name(p.pool),
                    backup: t.pool_name(p.backup),
                    source: "worksheet",
                    attribute: None,
                }),
        );
    }
    out.extend(topology_backups(t).into_iter().map(|r| {
        PairView {
            pool: t.pool_name(r.pool),
            backup: r
                .front_end
                .map_or_else(|| r.backup.to_string(), |b| t.pool_name(b)),
            source: "topology",
            attribute: Some(r.attribute),
        }
    }));
    out
}

fn topology_view(ws: &Workspace, index: usize, t: &Topology) -> TopologyView {
    let file = ws.files.get(t.file);
    let mut unmodelled: BTreeMap<&str, (usize, u32)> = BTreeMap::new();
    for u in &t.unmodelled {
        let entry = unmodelled
            .entry(u.path.as_str())
            .or_insert((0, u.span.start));
        entry.0 += 1;
    }
    TopologyView {
        path: file.display.clone(),
        format: t.form,
        product: t.product(),
        sites: t
            .sites
            .iter()
            .map(|s| SiteView {
                id: s.id.clone(),
                name: s.name.as_ref().map(|n| n.value.clone()),
                kind: s.kind,
            })
            .collect(),
        pools: ids::enumerate(&t.pools)
            .map(|(i, p)| PoolView {
                fqdn: p.fqdn.as_ref().map(|f| f.value.clone()),
                site: p.site.map(|s| {
                    let site = &t.sites[s];
                    site.name
                        .as_ref()
                        .map_or_else(|| site.id.clone(), |n| n.value.clone())
                }),
                roles: t.pool_roles(i),
                machines: p
                    .machines
                    .iter()
                    .filter_map(|m| m.fqdn.as_ref().map(|f| f.value.clone()))
                    .collect(),
            })
            .collect(),
        sql_instances: t
            .sql_ids()
            .map(|i| SqlView {
                server: t.sql_server(i).map(|f| f.value.clone()),
                instance: t.sql_instances[i].name.value.clone(),
                stores: t.stores_on(i).into_iter().map(str::to_string).collect(),
                always_on_primary: t.sql_instances[i]
                    .always_on_primary
                    .as_ref()
                    .map(|f| f.value.clone()),
            })
            .collect(),
        file_stores: t
            .file_stores()
            .into_iter()
            .map(|f| FileStoreView { unc: f.unc })
            .collect(),
        central_management_store: t.central_management_store().map(|s| t.sql_display(s)),
        pool_pairs: pool_pairs(ws, index, t),
        unmodelled: unmodelled
            .into_iter()
            .map(|(path, (count, offset))| UnmodelledView {
                path: path.to_string(),
                count,
                line: file.line(offset),
            })
            .collect(),
    }
}

/// Writes the inventory as JSON.
///
/// # Errors
/// Propagates write errors.
pub fn render_json(out: &mut dyn Write, inventory: &Inventory) -> io::Result<()> {
    crate::report::escape::write_json(out, inventory)
}

/// Writes one line of text through [`crate::report::escape::terminal`]: what the inputs hold (names,
/// paths) is shown with its line breaks and control characters escaped.
macro_rules! line {
    ($out:expr, $($arg:tt)*) => {
        writeln!($out, "{}", crate::report::escape::Term(&format!($($arg)*)))
    };
}

/// Writes the inventory as readable text.
///
/// # Errors
/// Propagates write errors.
pub fn render_text(out: &mut dyn Write, inventory: &Inventory) -> io::Result<()> {
    for t in &inventory.topologies {
        let form = match t.format {
            Form::Published => "published topology",
            Form::Tbxml => "Topology Builder document",
        };
        line!(out, "{} ({form}, {})", t.path, t.product.display_name())?;
        let sites: Vec<String> = t
            .sites
            .iter()
            .map(|s| {
                format!(
                    "{} (SiteId {})",
                    s.name.as_deref().unwrap_or("unnamed"),
                    s.id
                )
            })
            .collect();
        line!(
            out,
            "  sites: {}",
            if sites.is_empty() {
                "none".into()
            } else {
                sites.join(", ")
            }
        )?;
        line!(out, "  pools:")?;
        for p in &t.pools {
            let roles: Vec<&str> = p.roles.iter().map(|r| r.label()).collect();
            line!(
                out,
                "    {} [{}]{}",
                p.fqdn.as_ref().map_or("(no FQDN)", Fqdn::as_str),
                roles.join(", "),
                p.site
                    .as_ref()
                    .map(|s| format!(" in {s}"))
                    .unwrap_or_default()
            )?;
            for m in &p.machines {
                line!(out, "      {m}")?;
            }
        }
        line!(out, "  SQL instances:")?;
        for s in &t.sql_instances {
            let server = s.server.as_ref().map_or("?", Fqdn::as_str);
            let name = if s.instance.is_empty() {
                format!("{server} (default instance)")
            } else {
                format!("{server}\\{}", s.instance)
            };
            let always_on = s
                .always_on_primary
                .as_ref()
                .map(|p| format!(" (AlwaysOn, primary {p})"))
                .unwrap_or_default();
            line!(out, "    {name}: {}{always_on}", s.stores.join(", "))?;
        }
        line!(out, "  file stores:")?;
        for f in &t.file_stores {
            line!(out, "    {}", f.unc)?;
        }
        line!(
            out,
            "  Central Management store: {}",
            t.central_management_store
                .as_deref()
                .unwrap_or("not in this topology")
        )?;
        if !t.pool_pairs.is_empty() {
            line!(out, "  paired pools:")?;
            for p in &t.pool_pairs {
                let from = match &p.attribute {
                    Some(attribute) => format!("topology, Cluster@{attribute}"),
                    None => "pool-pairs worksheet".to_string(),
                };
                line!(out, "    {} -> backup pool {} ({from})", p.pool, p.backup)?;
            }
        }
        if t.unmodelled.is_empty() {
            line!(out, "  unmodelled: none")?;
        } else {
            line!(out, "  unmodelled (kept out of the way):")?;
            for u in &t.unmodelled {
                line!(
                    out,
                    "    {} ×{} (first at line {})",
                    u.path,
                    u.count,
                    u.line
                )?;
            }
        }
    }
    if !inventory.worksheets.is_empty() {
        line!(out, "worksheets:")?;
        for w in &inventory.worksheets {
            // A sheet of a workbook is named after both; how a CSV file was decoded is said.
            let (place, how) = match &w.sheet {
                Some(sheet) => (format!("{} › {sheet}", w.path), w.dialect.clone()),
                None if w.encoding == crate::input::source::Encoding::Windows1252.label() => (
                    w.path.clone(),
                    format!(
                        "read as Windows-1252: the bytes are not UTF-8, {}",
                        w.dialect
                    ),
                ),
                None => (w.path.clone(), format!("{}, {}", w.encoding, w.dialect)),
            };
            line!(
                out,
                "  {place} ({}, {} row{}; {how})",
                w.kind,
                w.rows,
                if w.rows == 1 { "" } else { "s" },
            )?;
        }
    }
    for b in &inventory.backups {
        line!(out, "backups of {}:", b.topology)?;
        line!(out, "  run checked: {}", b.run)?;
        for a in &b.artefacts {
            line!(out, "  {}: {} in {}", a.entity, a.status, a.folder)?;
            for f in &a.files {
                line!(out, "    {f}")?;
            }
            if a.more_files > 0 {
                line!(out, "    and {} more", a.more_files)?;
            }
        }
        for n in &b.not_judged {
            line!(out, "  {}: not judged: {}", n.entity, n.why)?;
        }
        for a in &b.archives {
            line!(
                out,
                "  archive {}: {}{}",
                a.path,
                if a.readable {
                    "readable"
                } else {
                    "not readable (EV604)"
                },
                if a.topology { ", holds a topology" } else { "" }
            )?;
        }
        if let Some(t) = &b.backup_topology {
            line!(out, "  the DR rules compare with the topology in {t}")?;
        }
        if b.links_not_followed > 0 {
            line!(
                out,
                "  links met and not followed: {}",
                b.links_not_followed
            )?;
        }
    }
    for p in &inventory.problems {
        line!(
            out,
            "{}: not understood ({}): {}",
            p.path,
            p.code,
            p.message
        )?;
    }
    Ok(())
}

/// `inspect --diff OLD NEW`: the comparison the DR rules use, as a list.
#[derive(Serialize)]
pub struct DiffView {
    pub schema_version: u32,
    pub old: String,
    pub new: String,
    /// No difference at all.
    pub identical: bool,
    pub pools: DiffSection,
    pub machines: DiffSection,
    pub sql_instances: DiffSection,
    pub stores: DiffSection,
    pub file_stores: DiffSection,
    /// The Central Management store's move, appearance or disappearance, if any.
    pub central_management_store: Option<DiffEntry>,
}

#[derive(Default, Serialize)]
pub struct DiffSection {
    pub added: Vec<DiffEntry>,
    pub removed: Vec<DiffEntry>,
    pub changed: Vec<DiffEntry>,
}

impl DiffSection {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

#[derive(Serialize)]
pub struct DiffEntry {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

fn entry_view(e: &Entry) -> DiffEntry {
    DiffEntry {
        name: e.name.clone(),
        before: e.before.clone().filter(|s| !s.is_empty()),
        after: e.after.clone().filter(|s| !s.is_empty()),
    }
}

fn section(entries: &[Entry]) -> DiffSection {
    let mut out = DiffSection::default();
    for e in entries {
        let list = match e.change {
            Change::Added => &mut out.added,
            Change::Removed => &mut out.removed,
            Change::Changed => &mut out.changed,
        };
        list.push(entry_view(e));
    }
    out
}

/// Compares two topologies (`old` and `new` name them in the output).
#[must_use]
pub fn diff_view(old: &Topology, new: &Topology, old_name: &str, new_name: &str) -> DiffView {
    let diff = drift::diff(old, new);
    let mut machines = diff.machines.clone();
    // A removed machine's `after` is its pool today: in a list it reads better as just its pool.
    for m in &mut machines {
        if m.change == Change::Removed {
            m.after = None;
        }
    }
    DiffView {
        schema_version: 1,
        old: old_name.to_string(),
        new: new_name.to_string(),
        identical: diff.is_empty(),
        pools: section(&diff.pools),
        machines: section(&machines),
        sql_instances: section(&diff.sql_instances),
        stores: section(&diff.stores),
        file_stores: section(&diff.file_stores),
        central_management_store: diff.central_management_store.as_ref().map(entry_view),
    }
}

/// Writes the comparison as JSON.
///
/// # Errors
/// Propagates write errors.
pub fn render_diff_json(out: &mut dyn Write, view: &DiffView) -> io::Result<()> {
    crate::report::escape::write_json(out, view)
}

/// Writes the comparison as readable text: `+` added, `-` removed, `~` changed.
///
/// # Errors
/// Propagates write errors.
pub fn render_diff_text(out: &mut dyn Write, view: &DiffView) -> io::Result<()> {
    line!(out, "{} → {}", view.old, view.new)?;
    if view.identical {
        line!(
            out,
            "  no differences: the same pools, machines, SQL instances, stores and file stores, in the same places"
        )?;
        return Ok(());
    }
    let sections: [(&str, &DiffSection, &str); 5] = [
        ("pools", &view.pools, ""),
        ("machines", &view.machines, "in "),
        ("SQL instances", &view.sql_instances, ""),
        ("stores", &view.stores, "on "),
        ("file stores", &view.file_stores, "at "),
    ];
    for (title, section, place) in sections {
        if section.is_empty() {
            continue;
        }
        line!(out, "  {title}:")?;
        for e in &section.added {
            line!(out, "    + {}{}", e.name, detail(place, e.after.as_deref()))?;
        }
        for e in &section.removed {
            line!(
                out,
                "    - {}{}",
                e.name,
                detail(place, e.before.as_deref())
            )?;
        }
        for e in &section.changed {
            line!(
                out,
                "    ~ {}: {} → {}",
                e.name,
                e.before.as_deref().unwrap_or("?"),
                e.after.as_deref().unwrap_or("?")
            )?;
        }
    }
    if let Some(cms) = &view.central_management_store {
        line!(out, "  Central Management store:")?;
        line!(
            out,
            "    ~ {} → {}",
            cms.before.as_deref().unwrap_or("none"),
            cms.after.as_deref().unwrap_or("none")
        )?;
    }
    Ok(())
}

/// ` (in pool01.contoso.com)`; ` (UserStore, ...)` for an instance's stores; nothing when unknown.
fn detail(place: &str, value: Option<&str>) -> String {
    match value {
        Some(v) if place.is_empty() || !v.is_empty() => format!(" ({place}{v})"),
        _ => String::new(),
    }
}
