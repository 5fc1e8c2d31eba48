//! Helpers for rule unit tests: a workspace from in-memory files, one rule run over it.

use std::path::PathBuf;

use crate::input::discover::Input;
use crate::input::source::FileId;
use crate::lint::engine::{self, RuleSet};
use crate::lint::finding::Finding;
use crate::lint::options::Options;
use crate::lint::rule::RuleDef;
use crate::model::date::Date;
use crate::model::load;
use crate::model::{Recognized, Topology, Workspace};

/// The result of running one rule.
pub struct Checked {
    pub ws: Workspace,
    pub findings: Vec<Finding>,
    /// The entities the rule recorded as checked (sorted, each once).
    pub checked: Vec<String>,
}

impl Checked {
    /// 1-based line of each finding's primary label.
    pub fn lines(&self) -> Vec<usize> {
        self.findings
            .iter()
            .map(|f| {
                let l = f.primary.as_ref().expect("primary label");
                self.ws.files.get(l.file).line_col(l.span.start).0
            })
            .collect()
    }

    /// The text under each finding's primary label.
    pub fn labelled(&self) -> Vec<&str> {
        self.findings
            .iter()
            .map(|f| {
                let l = f.primary.as_ref().expect("primary label");
                self.ws.files.get(l.file).slice(l.span)
            })
            .collect()
    }

    pub fn entities(&self) -> Vec<&str> {
        self.findings.iter().map(|f| f.entity.as_str()).collect()
    }

    pub fn messages(&self) -> Vec<&str> {
        self.findings.iter().map(|f| f.message.as_str()).collect()
    }
}

/// Every `.xml` and `.tbxml` file under `testdata/`, sorted.
pub fn testdata_xml() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("testdata") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "xml" || e == "tbxml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The date rule tests measure against.
pub const AS_OF: &str = "2026-11-21";

/// The default options at [`AS_OF`].
pub fn options() -> Options {
    Options::new(Date::parse(AS_OF).expect("date"))
}

/// Runs `rule` alone over files given as (name, bytes), all named explicitly.
pub fn check_bytes(rule: &RuleDef, files: &[(&str, &[u8])]) -> Checked {
    check_with(rule, files, &options())
}

/// Lowers a topology text (for tests of model helpers).
pub fn topology(text: &str) -> Topology {
    let doc = crate::input::xml::parse(text).expect("well-formed");
    match crate::model::lower(&doc, FileId(0)) {
        Recognized::Topology(t) => *t,
        Recognized::Other { root, .. } => panic!("not a topology: {root}"),
    }
}

/// The files of `testdata/example`, a complete deployment that passes every rule.
pub const EXAMPLE: &[(&str, &str)] = &[
    (
        "topology.xml",
        include_str!("../../testdata/example/topology.xml"),
    ),
    (
        "database.csv",
        include_str!("../../testdata/example/database.csv"),
    ),
    (
        "file-store.csv",
        include_str!("../../testdata/example/file-store.csv"),
    ),
    (
        "settings.csv",
        include_str!("../../testdata/example/settings.csv"),
    ),
    (
        "servers.csv",
        include_str!("../../testdata/example/servers.csv"),
    ),
    (
        "sql-instances.csv",
        include_str!("../../testdata/example/sql-instances.csv"),
    ),
    (
        "certificates.csv",
        include_str!("../../testdata/example/certificates.csv"),
    ),
    (
        "backup-runs.csv",
        include_str!("../../testdata/example/backup-runs.csv"),
    ),
];

/// Runs `rule` alone over the example deployment with some text replaced: each edit is
/// (file name, text to find, replacement), and the text must be there.
pub fn example_with(rule: &RuleDef, edits: &[(&str, &str, &str)]) -> Checked {
    deployment_with(EXAMPLE, rule, edits)
}

/// The files of `testdata/plan/paired`: two central sites, `pool01` (with the Central
/// Management store) and `pool02` paired both ways, each Back End mirrored; READY.
pub const PAIRED: &[(&str, &str)] = &[
    (
        "topology.xml",
        include_str!("../../testdata/plan/paired/topology.xml"),
    ),
    (
        "database.csv",
        include_str!("../../testdata/plan/paired/database.csv"),
    ),
    (
        "file-store.csv",
        include_str!("../../testdata/plan/paired/file-store.csv"),
    ),
    (
        "settings.csv",
        include_str!("../../testdata/plan/paired/settings.csv"),
    ),
    (
        "servers.csv",
        include_str!("../../testdata/plan/paired/servers.csv"),
    ),
    (
        "sql-instances.csv",
        include_str!("../../testdata/plan/paired/sql-instances.csv"),
    ),
    (
        "certificates.csv",
        include_str!("../../testdata/plan/paired/certificates.csv"),
    ),
    (
        "backup-runs.csv",
        include_str!("../../testdata/plan/paired/backup-runs.csv"),
    ),
    (
        "pool-pairs.csv",
        include_str!("../../testdata/plan/paired/pool-pairs.csv"),
    ),
];

/// Edits of [`PAIRED`]'s topology that add a third Front End pool, the Standard Edition server
/// `pool03.contoso.com`, in the first site (`Dublin`).
pub const POOL03: [(&str, &str, &str); 2] = [
    (
        "topology.xml",
        "  </Clusters>",
        "    <Cluster RequiresReplication=\"true\" RequiresSetup=\"true\" Fqdn=\"pool03.contoso.com\">\n      <ClusterId SiteId=\"1\" Number=\"9\" />\n      <Machine OrdinalInCluster=\"1\" Fqdn=\"pool03.contoso.com\" />\n    </Cluster>\n  </Clusters>",
    ),
    (
        "topology.xml",
        "  </Services>",
        "    <Service RoleVersion=\"1\" ServiceVersion=\"6\">\n      <ServiceId SiteId=\"1\" RoleName=\"UserServices\" Instance=\"9\" />\n      <DependsOn />\n      <InstalledOn>\n        <ClusterId SiteId=\"1\" Number=\"9\" />\n      </InstalledOn>\n    </Service>\n  </Services>",
    ),
];

/// A complete listing of the example's latest backup run, as `Get-ChildItem | Select-Object
/// FullName, Length, LastWriteTimeUtc | Export-Csv` writes it.
pub const LISTING: &str =
    include_str!("../../testdata/rules/EV601/pass-listing-complete/backup-listing.csv");

/// [`example_with`], the deployment holding [`LISTING`] as `backup-listing.csv` too (which
/// `edits` may change).
pub fn example_listed(rule: &RuleDef, edits: &[(&str, &str, &str)]) -> Checked {
    let base: Vec<(&str, &str)> = EXAMPLE
        .iter()
        .copied()
        .chain([("backup-listing.csv", LISTING)])
        .collect();
    deployment_with(&base, rule, edits)
}

/// Like [`example_with`], over the paired deployment ([`PAIRED`]).
pub fn paired_with(rule: &RuleDef, edits: &[(&str, &str, &str)]) -> Checked {
    deployment_with(PAIRED, rule, edits)
}

/// Runs `rule` alone over a deployment's files with some text replaced: each edit is (file
/// name, text to find, replacement), and the text must be there.
fn deployment_with(base: &[(&str, &str)], rule: &RuleDef, edits: &[(&str, &str, &str)]) -> Checked {
    let mut files: Vec<(String, String)> = base
        .iter()
        .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
        .collect();
    for (name, from, to) in edits {
        let file = files
            .iter_mut()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no file {name}"));
        assert!(file.1.contains(from), "{name} does not contain {from:?}");
        file.1 = file.1.replacen(from, to, 1);
    }
    let bytes: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_bytes()))
        .collect();
    check_bytes(rule, &bytes)
}

/// Runs `rule` alone over files, with options.
pub fn check_with(rule: &RuleDef, files: &[(&str, &[u8])], options: &Options) -> Checked {
    let ws = load::from_memory(files);
    let rules = RuleSet::all(crate::rules::REGISTRY)
        .select(&[rule.meta.code.to_string()], &[])
        .expect("registered rule");
    checked(ws, rule, &rules, options)
}

/// Runs `rule` alone over files given as (name, bytes), all found by a directory walk (none
/// named on the command line).
pub fn check_walked(rule: &RuleDef, files: &[(&str, &[u8])]) -> Checked {
    let mut ws = Workspace::default();
    for (name, bytes) in files {
        let input = Input {
            path: PathBuf::from(name),
            explicit: false,
        };
        load::ingest(&mut ws, &input, (*name).to_string(), Ok(bytes.to_vec()));
    }
    load::form_deployments(&mut ws);
    let rules = RuleSet::all(crate::rules::REGISTRY)
        .select(&[rule.meta.code.to_string()], &[])
        .expect("registered rule");
    checked(ws, rule, &rules, &options())
}

/// Runs `rules` over `ws` and keeps what `rule` found and checked.
fn checked(ws: Workspace, rule: &RuleDef, rules: &RuleSet, options: &Options) -> Checked {
    let report = engine::run(&ws, rules, options);
    let checked = report
        .runs
        .into_iter()
        .find(|r| r.rule.code == rule.meta.code)
        .map(|r| r.checked)
        .unwrap_or_default();
    Checked {
        ws,
        findings: report.findings,
        checked,
    }
}

/// Runs `rule` alone over a deployment of one topology (`topology.xml`, from `now`) compared
/// with a backup-time topology (`backup-topology.xml`, from `then`).
pub fn check_drift(rule: &RuleDef, then: &str, now: &str) -> Checked {
    let mut ws = Workspace::default();
    let input = Input {
        path: PathBuf::from("topology.xml"),
        explicit: true,
    };
    load::ingest(
        &mut ws,
        &input,
        "topology.xml".to_string(),
        Ok(now.as_bytes().to_vec()),
    );
    load::form_deployments(&mut ws);
    load::ingest_backup(
        &mut ws,
        std::path::Path::new("backup-topology.xml"),
        "backup-topology.xml".to_string(),
        Ok(then.as_bytes().to_vec()),
    );
    let rules = RuleSet::all(crate::rules::REGISTRY)
        .select(&[rule.meta.code.to_string()], &[])
        .expect("registered rule");
    checked(ws, rule, &rules, &options())
}

/// Runs `rule` alone over one topology text.
pub fn check(rule: &RuleDef, topology: &str) -> Checked {
    check_bytes(rule, &[("topology.xml", topology.as_bytes())])
}

/// A published topology with the given clusters, SQL instances and services (inner XML).
pub fn published(clusters: &str, sql: &str, services: &str) -> String {
    format!(
        r#"<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" Signature="00000000-0000-0000-0000-000000000001">
  <Sites>
    <CentralSite SiteId="1">
      <Name>Redmond</Name>
    </CentralSite>
  </Sites>
  <Clusters>
{clusters}
  </Clusters>
  <SqlInstances>
{sql}
  </SqlInstances>
  <Services>
{services}
  </Services>
</Topology>
"#
    )
}

/// A published `Cluster` with `machines` (FQDNs) and number `n` in site 1.
pub fn cluster(n: u32, fqdn: &str, machines: &[&str]) -> String {
    let mut out = format!(
        "    <Cluster RequiresReplication=\"true\" RequiresSetup=\"true\" Fqdn=\"{fqdn}\">\n      <ClusterId SiteId=\"1\" Number=\"{n}\" />\n"
    );
    for (i, m) in machines.iter().enumerate() {
        out.push_str(&format!(
            "      <Machine OrdinalInCluster=\"{}\" Fqdn=\"{m}\" />\n",
            i + 1
        ));
    }
    out.push_str("    </Cluster>");
    out
}

/// A published `SqlInstance` named `name` on cluster `n`.
pub fn sql(n: u32, name: &str) -> String {
    format!(
        "    <SqlInstance>\n      <SqlInstanceId Name=\"{name}\">\n        <ClusterId SiteId=\"1\" Number=\"{n}\" />\n      </SqlInstanceId>\n    </SqlInstance>"
    )
}

/// A published `Service` of `role` instance `i`, installed on cluster `on` (or on SQL instance
/// `sql_name` of cluster `on` when given), depending on `deps` (`Role-Instance` pairs), with
/// extra inner XML.
pub fn service(
    role: &str,
    i: u32,
    on: u32,
    sql_name: Option<&str>,
    deps: &[(&str, u32)],
    extra: &str,
) -> String {
    service_v(role, i, on, sql_name, deps, extra, 6)
}

/// Like [`service`], with a `ServiceVersion`.
pub fn service_v(
    role: &str,
    i: u32,
    on: u32,
    sql_name: Option<&str>,
    deps: &[(&str, u32)],
    extra: &str,
    version: u8,
) -> String {
    let mut out = format!(
        "    <Service RoleVersion=\"1\" ServiceVersion=\"{version}\">\n      <ServiceId SiteId=\"1\" RoleName=\"{role}\" Instance=\"{i}\" />\n      <DependsOn>\n"
    );
    for (r, n) in deps {
        out.push_str(&format!(
            "        <Dependency Usage=\"Default\">\n          <ServiceId SiteId=\"1\" RoleName=\"{r}\" Instance=\"{n}\" />\n        </Dependency>\n"
        ));
    }
    out.push_str("      </DependsOn>\n      <InstalledOn>\n");
    match sql_name {
        Some(name) => out.push_str(&format!(
            "        <SqlInstanceId Name=\"{name}\">\n          <ClusterId SiteId=\"1\" Number=\"{on}\" />\n        </SqlInstanceId>\n"
        )),
        None => out.push_str(&format!("        <ClusterId SiteId=\"1\" Number=\"{on}\" />\n")),
    }
    out.push_str("      </InstalledOn>\n");
    out.push_str(extra);
    out.push_str("    </Service>");
    out
}

/// `FileStoreService` settings with a share name.
pub fn share(name: &str) -> String {
    format!(
        "      <FileStoreService xmlns=\"urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008\" ShareName=\"{name}\" />\n"
    )
}
