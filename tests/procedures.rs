//! Every restore plan held against Microsoft's procedures, step by step.
//!
//! `testdata/plan/procedures/` transcribes each page a plan carries out: its steps in order, and
//! the commands and parameters it gives (`README.md` there says how). For each of the ten
//! procedures a plan is made on a fixture and checked: every step of the page that applies is
//! cited and none that does not, every cited step exists, the page's steps come in its order,
//! every command comes from a cited step with that step's parameters (or is one the plan adds
//! for a reason the table gives), every command fits a parameter set of the cmdlet reference,
//! and no step uses a server before the step that rebuilds it. The same checks run over every
//! plan the other tests pin.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use common::{AS_OF, root};

// ----- the tables -----

#[derive(Debug, Deserialize)]
struct Table {
    page: String,
    title: String,
    source: String,
    #[serde(default)]
    step: Vec<Row>,
}

#[derive(Clone, Debug, Deserialize)]
struct Row {
    step: String,
    does: String,
    #[serde(default)]
    when: Option<String>,
    #[serde(default)]
    unordered: bool,
    #[serde(default)]
    command: Vec<Cmd>,
    #[serde(default)]
    plan: Vec<Added>,
}

#[derive(Clone, Debug, Deserialize)]
struct Cmd {
    cmdlet: String,
    #[serde(default)]
    parameters: Vec<String>,
    #[serde(default)]
    adds: BTreeMap<String, String>,
    #[serde(default)]
    when: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
struct Added {
    cmdlet: String,
    why: String,
}

#[derive(Debug, Deserialize)]
struct Reference {
    cmdlet: Vec<Cmdlet>,
    values: BTreeMap<String, Vec<String>>,
    reference: Vec<ReferenceRow>,
}

#[derive(Debug, Deserialize)]
struct Cmdlet {
    name: String,
    products: Vec<String>,
    set: Vec<Set>,
}

#[derive(Debug, Deserialize)]
struct Set {
    name: String,
    mandatory: Vec<String>,
    optional: Vec<String>,
    #[serde(default)]
    exclusive: Vec<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct ReferenceRow {
    page: String,
    step: String,
    does: String,
    #[serde(default)]
    command: Vec<Cmd>,
}

/// Pages plans cite that hold no command and have no table: permissions and tools (Hh202171),
/// preparing a server (Hh202179), the administrative tools (Gg195756), topolint's own steps.
const UNTABLED: &[&str] = &["Hh202171", "Hh202179", "Gg195756", "topolint"];

/// Programs, not cmdlets of the reference, that the tables let a plan add.
const PROGRAMS: &[&str] = &["robocopy", "New-Item", "Copy-Item"];

/// Parameters every cmdlet takes (PowerShell's common parameters).
const COMMON: &[&str] = &["Verbose", "Confirm", "WhatIf"];

struct Procedures {
    /// Rows by page, in page order; the reference's cited parts under their cmdlet.
    pages: BTreeMap<String, Vec<Row>>,
    reference: Reference,
}

fn procedures() -> Procedures {
    let dir = root().join("testdata/plan/procedures");
    let reference: Reference =
        toml::from_str(&fs::read_to_string(dir.join("cmdlets.toml")).unwrap()).unwrap();
    let mut pages: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .filter(|p| p.file_name().is_some_and(|n| n != "cmdlets.toml"))
        .collect();
    files.sort();
    for path in files {
        let table: Table = toml::from_str(&fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!table.title.is_empty() && !table.source.is_empty());
        for row in &table.step {
            assert!(!row.does.is_empty(), "{}: {}", table.page, row.step);
            for added in &row.plan {
                assert!(!added.why.is_empty(), "{}: {}", table.page, row.step);
            }
            for cmd in &row.command {
                for (name, why) in &cmd.adds {
                    assert!(!why.is_empty(), "{}: {} {name}", table.page, row.step);
                }
            }
        }
        let steps: BTreeSet<&str> = table.step.iter().map(|r| r.step.as_str()).collect();
        assert_eq!(
            steps.len(),
            table.step.len(),
            "{}: a step twice",
            table.page
        );
        assert!(
            pages.insert(table.page.clone(), table.step).is_none(),
            "{} twice",
            table.page
        );
    }
    for r in &reference.reference {
        pages.entry(r.page.clone()).or_default().push(Row {
            step: r.step.clone(),
            does: r.does.clone(),
            when: None,
            unordered: true,
            command: r.command.clone(),
            plan: Vec::new(),
        });
    }
    Procedures { pages, reference }
}

impl Procedures {
    /// The rows a cite names: one step, or a range `A-B` in table order.
    fn rows(&self, page: &str, step: &str) -> Option<Vec<(usize, &Row)>> {
        let rows = self.pages.get(page)?;
        if let Some(i) = rows.iter().position(|r| r.step == step) {
            return Some(vec![(i, &rows[i])]);
        }
        for (k, _) in step.match_indices('-') {
            let (a, b) = (&step[..k], &step[k + 1..]);
            let (Some(i), Some(j)) = (
                rows.iter().position(|r| r.step == a),
                rows.iter().position(|r| r.step == b),
            ) else {
                continue;
            };
            if i < j {
                return Some((i..=j).map(|x| (x, &rows[x])).collect());
            }
        }
        None
    }

    fn cmdlet(&self, name: &str) -> Option<&Cmdlet> {
        self.reference.cmdlet.iter().find(|c| c.name == name)
    }
}

// ----- the plans -----

/// A command as the plan writes it: the cmdlet and its parameters with their values.
#[derive(Debug)]
struct Command {
    cmdlet: String,
    params: Vec<(String, Option<String>)>,
    line: String,
}

/// Splits a command into the cmdlet, `-Name` parameters and their values (single-quoted
/// literals with `''` for a quote, or bare words).
fn parse(line: &str) -> Command {
    let mut tokens: Vec<String> = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' {
            i += 1;
            continue;
        }
        let mut token = String::new();
        if chars[i] == '\'' {
            token.push('\'');
            i += 1;
            loop {
                assert!(i < chars.len(), "an open literal: {line}");
                if chars[i] == '\'' {
                    if i + 1 < chars.len() && chars[i + 1] == '\'' {
                        token.push('\'');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                token.push(chars[i]);
                i += 1;
            }
        } else {
            while i < chars.len() && chars[i] != ' ' {
                token.push(chars[i]);
                i += 1;
            }
        }
        tokens.push(token);
    }
    let mut params = Vec::new();
    let mut k = 1;
    while k < tokens.len() {
        let t = &tokens[k];
        if let Some(name) = t.strip_prefix('-') {
            let value = tokens.get(k + 1).filter(|v| !v.starts_with('-')).cloned();
            k += if value.is_some() { 2 } else { 1 };
            params.push((name.to_string(), value));
        } else {
            params.push((String::new(), Some(t.clone())));
            k += 1;
        }
    }
    Command {
        cmdlet: tokens[0].clone(),
        params,
        line: line.to_string(),
    }
}

impl Command {
    fn has(&self, name: &str) -> bool {
        self.params
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_deref())
    }

    fn names(&self) -> Vec<&str> {
        self.params
            .iter()
            .filter(|(n, _)| !n.is_empty())
            .map(|(n, _)| n.as_str())
            .collect()
    }

    /// Whether it writes what a row's command asks: its parameters (fixed values equal), and
    /// nothing beyond them but what the row adds.
    fn fits(&self, cmd: &Cmd) -> bool {
        self.fits_names(cmd)
            && cmd.parameters.iter().all(|p| match p.split_once('=') {
                Some((name, v)) => self
                    .value(name)
                    .is_some_and(|x| x.trim_start_matches('\'') == v),
                None => true,
            })
    }

    /// Like [`Self::fits`], for the parameters' names only: the page's example values (one
    /// database type) stand for every value the step takes.
    fn fits_names(&self, cmd: &Cmd) -> bool {
        if self.cmdlet != cmd.cmdlet {
            return false;
        }
        let mut allowed: BTreeSet<&str> = cmd.adds.keys().map(String::as_str).collect();
        for p in &cmd.parameters {
            let name = p.split_once('=').map_or(p.as_str(), |(n, _)| n);
            if !self.has(name) {
                return false;
            }
            allowed.insert(name);
        }
        self.names().iter().all(|n| allowed.contains(n))
    }
}

#[derive(Debug)]
struct PlanStep {
    section: usize,
    scenario: String,
    text: String,
    cites: Vec<(String, String)>,
    commands: Vec<Command>,
    on: Option<String>,
    rebuilds: Option<String>,
}

struct Plan {
    json: Value,
    steps: Vec<PlanStep>,
    product: String,
}

fn plan(dir: &Path, failed: &[&str]) -> Plan {
    let mut cmd = common::topolint(&root(), Duration::from_secs(20));
    cmd.arg("plan")
        .arg(dir)
        .args(["--as-of", AS_OF, "--format", "json"]);
    for f in failed {
        cmd.args(["--failed", f]);
    }
    let out = common::run_clean(&mut cmd);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{failed:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut steps = Vec::new();
    for (n, section) in json["sections"].as_array().unwrap().iter().enumerate() {
        for step in section["steps"].as_array().unwrap() {
            let text = |k: &str| step[k].as_str().map(ToString::to_string);
            steps.push(PlanStep {
                section: n,
                scenario: section["scenario"].as_str().unwrap().to_string(),
                text: text("text").unwrap(),
                cites: step["cites"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| {
                        (
                            c["page"].as_str().unwrap().to_string(),
                            c["step"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect(),
                commands: step["commands"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| parse(c.as_str().unwrap()))
                    .collect(),
                on: text("on"),
                rebuilds: text("rebuilds"),
            });
        }
    }
    let product = json["product"].as_str().unwrap().to_string();
    Plan {
        json,
        steps,
        product,
    }
}

// ----- the checks -----

/// The checks every plan passes; `holds` (when given) are the cases of the tables that apply,
/// and `cover` the pages every applicable step of which must be cited.
fn check(p: &Procedures, plan: &Plan, holds: Option<&[&str]>, cover: &[&str], what: &str) {
    let applies = |when: &Option<String>| match (when, holds) {
        (None, _) => true,
        (Some(w), Some(h)) => h.contains(&w.as_str()),
        (Some(_), None) => false,
    };
    let mut cited: BTreeSet<(String, String)> = BTreeSet::new();
    // Per section and page, the rows of the last step that cited that page.
    let mut last: BTreeMap<(usize, String), (usize, usize)> = BTreeMap::new();
    for step in &plan.steps {
        assert!(
            !step.cites.is_empty(),
            "{what}: a step cites nothing: {}",
            step.text
        );
        let mut rows_cited: Vec<(&str, &Row)> = Vec::new();
        let mut by_page: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (page, s) in &step.cites {
            if UNTABLED.contains(&page.as_str()) {
                continue;
            }
            let rows = p.rows(page, s).unwrap_or_else(|| {
                panic!("{what}: `{page}` has no step `{s}` (step: {})", step.text)
            });
            for (i, row) in rows {
                cited.insert((page.clone(), row.step.clone()));
                rows_cited.push((page.as_str(), row));
                if !row.unordered {
                    by_page.entry(page.as_str()).or_default().push(i);
                }
            }
        }
        // The page's order, within a section; a step may repeat the previous one's rows (one
        // database after another).
        for (page, idx) in by_page {
            let (lo, hi) = (*idx.iter().min().unwrap(), *idx.iter().max().unwrap());
            let key = (step.section, page.to_string());
            if let Some(&(plo, phi)) = last.get(&key) {
                assert!(
                    lo >= phi || (lo, hi) == (plo, phi),
                    "{what}: {page}'s steps out of order at: {}",
                    step.text
                );
            }
            last.insert(key, (lo, hi));
        }
        // Every command comes from a cited row, with its parameters.
        for command in &step.commands {
            let candidates: Vec<&Cmd> = rows_cited
                .iter()
                .flat_map(|(_, r)| &r.command)
                .filter(|c| c.cmdlet == command.cmdlet)
                .collect();
            if candidates.is_empty() {
                let added = rows_cited
                    .iter()
                    .any(|(_, r)| r.plan.iter().any(|a| a.cmdlet == command.cmdlet));
                assert!(
                    added,
                    "{what}: `{}` comes from no cited step: {}",
                    command.line, step.text
                );
            } else {
                assert!(
                    candidates.iter().any(|c| command.fits_names(c)),
                    "{what}: `{}` does not have the parameters of the steps it cites ({:?})",
                    command.line,
                    step.cites
                );
            }
        }
        // Every command a cited row gives is there.
        if holds.is_some() {
            for (page, row) in &rows_cited {
                for cmd in row.command.iter().filter(|c| applies(&c.when)) {
                    assert!(
                        step.commands.iter().any(|c| c.fits(cmd)),
                        "{what}: {page} step {} gives {} {:?}, which the step citing it lacks: {}",
                        row.step,
                        cmd.cmdlet,
                        cmd.parameters,
                        step.text
                    );
                }
            }
        }
    }
    for page in cover {
        let rows = &p.pages[*page];
        for row in rows {
            let is_cited = cited.contains(&(page.to_string(), row.step.clone()));
            if applies(&row.when) {
                assert!(
                    is_cited,
                    "{what}: {page} step {} is not in the plan",
                    row.step
                );
            } else {
                assert!(
                    !is_cited,
                    "{what}: {page} step {} does not apply here, yet the plan cites it",
                    row.step
                );
            }
        }
    }
    check_commands(p, plan, what);
    check_servers(plan, what);
}

/// Every command fits a parameter set of its cmdlet, with values the reference lists, in a
/// product that has the cmdlet.
fn check_commands(p: &Procedures, plan: &Plan, what: &str) {
    let product = match plan.product.as_str() {
        "Skype for Business Server 2015" => "S15",
        "Skype for Business Server 2019" => "S19",
        _ => "L13",
    };
    for command in plan.steps.iter().flat_map(|s| &s.commands) {
        if PROGRAMS.contains(&command.cmdlet.as_str()) {
            continue;
        }
        let cmdlet = p
            .cmdlet(&command.cmdlet)
            .unwrap_or_else(|| panic!("{what}: {} is not in cmdlets.toml", command.cmdlet));
        assert!(
            cmdlet.products.iter().any(|x| x == product),
            "{what}: {} does not exist in {}",
            command.cmdlet,
            plan.product
        );
        assert!(
            command.params.iter().all(|(n, _)| !n.is_empty()),
            "{what}: a positional argument in {}",
            command.line
        );
        let names: Vec<&str> = command
            .names()
            .into_iter()
            .filter(|n| !COMMON.contains(n))
            .collect();
        let fits = cmdlet.set.iter().any(|set| {
            set.mandatory.iter().all(|m| names.contains(&m.as_str()))
                && names
                    .iter()
                    .all(|n| set.mandatory.iter().chain(&set.optional).any(|m| m == n))
                && set
                    .exclusive
                    .iter()
                    .all(|group| group.iter().filter(|g| names.contains(&g.as_str())).count() <= 1)
        });
        assert!(
            fits,
            "{what}: `{}` fits none of the parameter sets of {} ({:?})",
            command.line,
            cmdlet.name,
            cmdlet.set.iter().map(|s| &s.name).collect::<Vec<_>>()
        );
        for (name, values) in &p.reference.values {
            if let Some(v) = command.value(name) {
                assert!(
                    values.iter().any(|x| x == v),
                    "{what}: -{name} {v} is not a value of the reference: {}",
                    command.line
                );
            }
        }
    }
}

/// No step is done on, or acts on, a server before the step that rebuilds it.
fn check_servers(plan: &Plan, what: &str) {
    let rebuilt: BTreeSet<&str> = plan
        .steps
        .iter()
        .filter_map(|s| s.rebuilds.as_deref())
        .collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for step in &plan.steps {
        if let Some(r) = &step.rebuilds {
            done.insert(r);
        }
        let mut used: Vec<&str> = step.on.as_deref().into_iter().collect();
        used.extend(
            step.commands
                .iter()
                .filter_map(|c| c.value("ComputerName"))
                .map(|v| v.trim_start_matches('\'')),
        );
        for server in used {
            assert!(
                !rebuilt.contains(server) || done.contains(server),
                "{what}: {server} is used before it is rebuilt: {}",
                step.text
            );
        }
    }
}

// ----- the ten procedures -----

const EXAMPLE: &str = "testdata/example";
const MIXED: &str = "testdata/plan/mixed";
const SFB: &str = "testdata/plan/sfb2015";
const SE_CMS: &str = "testdata/plan/se-cms";
const PAIRED: &str = "testdata/plan/paired";

/// A plan for a procedure: the fixture, what failed, the cases of the tables that hold, and the
/// pages all of whose applicable steps must be in it.
struct Case {
    dir: &'static str,
    failed: &'static [&'static str],
    holds: &'static [&'static str],
    cover: &'static [&'static str],
}

fn run(cases: &[Case]) -> Vec<Plan> {
    let p = procedures();
    cases
        .iter()
        .map(|c| {
            let plan = plan(&root().join(c.dir), c.failed);
            let what = format!("{} {:?}", c.dir, c.failed);
            check(&p, &plan, Some(c.holds), c.cover, &what);
            plan
        })
        .collect()
}

fn steps_of<'p>(plan: &'p Plan, scenario: &str) -> Vec<&'p PlanStep> {
    plan.steps
        .iter()
        .filter(|s| s.scenario == scenario)
        .collect()
}

fn commands<'p>(plan: &'p Plan, cmdlet: &str) -> Vec<&'p Command> {
    plan.steps
        .iter()
        .flat_map(|s| &s.commands)
        .filter(|c| c.cmdlet == cmdlet)
        .collect()
}

#[test]
fn standard_edition_server_hh202190() {
    let plans = run(&[Case {
        dir: MIXED,
        failed: &["se01.contoso.com"],
        holds: &["file-store", "response-group"],
        cover: &["Hh202190"],
    }]);
    let plan = &plans[0];
    // The export is copied to a local folder, and imported from there.
    let copy = commands(plan, "Copy-Item");
    let import = commands(plan, "Import-CsUserData");
    assert_eq!((copy.len(), import.len()), (1, 1));
    assert!(
        import[0]
            .value("FileName")
            .unwrap()
            .starts_with("'C:\\Restore\\")
    );
}

#[test]
fn central_management_store_hh202172() {
    let plans = run(&[
        // An Enterprise Back End lost with its mirror: the scheduled backups.
        Case {
            dir: EXAMPLE,
            failed: &["sql01.contoso.com", "sql03.contoso.com"],
            holds: &["ee", "mirrored", "response-group"],
            cover: &["Hh202172"],
        },
        // Its mirror still works: a fresh backup first (the page's note).
        Case {
            dir: EXAMPLE,
            failed: &["sql01.contoso.com"],
            holds: &["ee", "mirrored", "working-mirror", "response-group"],
            cover: &["Hh202172"],
        },
        // A Standard Edition server holding the store.
        Case {
            dir: SE_CMS,
            failed: &["se01.contoso.com"],
            holds: &["se", "response-group"],
            cover: &["Hh202172"],
        },
        // Skype for Business Server 2015, Archiving and Monitoring on the Back End.
        Case {
            dir: SFB,
            failed: &["sql01.contoso.com", "sql02.contoso.com"],
            holds: &["ee", "mirrored", "response-group", "monitoring-archiving"],
            cover: &["Hh202172"],
        },
    ]);
    // Every mirror is created again with Install-CsMirrorDatabase and its file share.
    for plan in [&plans[0], &plans[1], &plans[3]] {
        let mirror = commands(plan, "Install-CsMirrorDatabase");
        assert_eq!(mirror.len(), 1);
        assert!(mirror[0].has("FileShare") && mirror[0].has("ConfiguredDatabases"));
        assert!(!mirror[0].has("SqlInstanceName"));
    }
    // The mirror still works: what is imported is what the plan exported from it first, and
    // the prerequisites judge those files, not the scheduled ones.
    let fresh = &plans[1];
    let file = |cmdlet: &str| {
        commands(fresh, cmdlet)[0]
            .value("FileName")
            .unwrap()
            .to_string()
    };
    assert_eq!(
        file("Export-CsConfiguration"),
        file("Import-CsConfiguration")
    );
    assert_eq!(
        file("Export-CsLisConfiguration"),
        file("Import-CsLisConfiguration")
    );
    assert_eq!(
        file("Export-CsRgsConfiguration"),
        file("Import-CsRgsConfiguration")
    );
    let user = file("Export-CsUserData");
    let name = user.rsplit('\\').next().unwrap();
    assert!(file("Import-CsUserData").ends_with(name), "{user}");
    assert!(file("Import-CsConfiguration").contains("-from-mirror-2026-11-21.zip"));
    let prerequisites = fresh.json["prerequisites"].as_array().unwrap();
    let backups: Vec<&str> = prerequisites
        .iter()
        .filter(|p| p["check"].as_str().unwrap().contains("backup"))
        .map(|p| p["check"].as_str().unwrap())
        .collect();
    assert_eq!(backups, ["fresh-backup"; 4]);
    // The mirror's databases: exported from, taken out of mirroring before anything is rebuilt,
    // and replaced when the mirror is created again.
    let position = |f: &dyn Fn(&PlanStep) -> bool| fresh.steps.iter().position(f).unwrap();
    let export = position(&|s| {
        s.commands
            .iter()
            .any(|c| c.cmdlet == "Export-CsConfiguration")
    });
    let uninstall = position(&|s| {
        s.commands
            .iter()
            .any(|c| c.cmdlet == "Uninstall-CsMirrorDatabase")
    });
    let rebuild = position(&|s| s.rebuilds.is_some());
    assert!(export < uninstall && uninstall < rebuild);
    assert!(
        commands(fresh, "Uninstall-CsMirrorDatabase")
            .iter()
            .all(|c| c.value("SqlServerFqdn") == Some("'sql03.contoso.com"))
    );
    assert!(commands(fresh, "Install-CsMirrorDatabase")[0].has("DropExistingDatabasesOnMirror"));
    // Archiving and Monitoring mirrored with the Back End: their mirroring comes back too.
    assert!(plans[3].steps.iter().any(|s| s.text.contains(
        "Select the mirroring of the Archiving (sql01.contoso.com\\rtc) and Monitoring (sql01.contoso.com\\rtc) stores as well"
    )));
}

#[test]
fn enterprise_back_end_hh202163() {
    run(&[Case {
        dir: MIXED,
        failed: &["sql21.contoso.com", "sql22.contoso.com"],
        holds: &["mirrored", "response-group"],
        cover: &["Hh202163"],
    }]);
}

#[test]
fn mirrored_back_end_primary_jj945648() {
    let plans = run(&[
        Case {
            dir: MIXED,
            failed: &["sql21.contoso.com"],
            holds: &[],
            cover: &["JJ945648"],
        },
        Case {
            dir: SE_CMS,
            failed: &["sql21.contoso.com"],
            holds: &[],
            cover: &["JJ945648"],
        },
    ]);
    for plan in &plans {
        // Removed from the survivor, then created again with the old primary as the mirror,
        // through the file share; every Front End Server restarted afterwards.
        let uninstall = commands(plan, "Uninstall-CsMirrorDatabase");
        assert!(
            uninstall
                .iter()
                .all(|c| c.value("SqlServerFqdn") == Some("'sql22.contoso.com"))
        );
        let install = commands(plan, "Install-CsMirrorDatabase");
        assert_eq!(install.len(), 1);
        assert_eq!(
            install[0].value("SqlServerFqdn"),
            Some("'sql22.contoso.com")
        );
        assert!(install[0].has("FileShare"));
        let last_restart = plan
            .steps
            .iter()
            .rposition(|s| s.cites.contains(&("JJ204992".into(), "important".into())))
            .expect("the restart JJ204992 asks for");
        let mirror = plan
            .steps
            .iter()
            .position(|s| {
                s.commands
                    .iter()
                    .any(|c| c.cmdlet == "Install-CsMirrorDatabase")
            })
            .unwrap();
        assert!(last_restart > mirror);
    }
}

#[test]
fn mirrored_back_end_mirror_jj945626() {
    let plans = run(&[
        Case {
            dir: EXAMPLE,
            failed: &["sql03.contoso.com"],
            holds: &[],
            cover: &["JJ945626"],
        },
        Case {
            dir: MIXED,
            failed: &["sql22.contoso.com"],
            holds: &[],
            cover: &["JJ945626"],
        },
    ]);
    for plan in &plans {
        // Mirroring is removed on the primary before the mirror is rebuilt.
        let uninstall = plan
            .steps
            .iter()
            .position(|s| {
                !s.commands.is_empty() && s.commands[0].cmdlet == "Uninstall-CsMirrorDatabase"
            })
            .unwrap();
        let rebuild = plan
            .steps
            .iter()
            .position(|s| s.rebuilds.is_some())
            .unwrap();
        assert!(uninstall < rebuild);
        assert_eq!(commands(plan, "Install-CsMirrorDatabase").len(), 1);
        assert!(
            plan.steps
                .iter()
                .any(|s| s.cites.contains(&("JJ204992".into(), "important".into())))
        );
    }
}

#[test]
fn member_server_and_edge_hh202191() {
    let plans = run(&[
        Case {
            dir: EXAMPLE,
            failed: &["fe02.contoso.com"],
            holds: &[],
            cover: &["Hh202191"],
        },
        Case {
            dir: EXAMPLE,
            failed: &["edge01.contoso.com"],
            holds: &[],
            cover: &["Hh202191", "Gg398983", "Gg398230"],
        },
        Case {
            dir: SFB,
            failed: &["edge01.contoso.com"],
            holds: &[],
            cover: &[
                "Hh202191",
                "Create your Edge topology",
                "Deploy Edge Servers",
            ],
        },
    ]);
    // A Front End Server: the Deployment Wizard needs local Administrators too (Hh202171).
    assert!(
        plans[0].steps[1]
            .text
            .contains("RTCUniversalServerAdmins and of the local Administrators group")
    );
    for plan in &plans[1..] {
        // The Edge: exported with -FileName on a Front End Server, imported with -LocalStore
        // on the Edge, by an account of its local Administrators group.
        let export = plan
            .steps
            .iter()
            .find(|s| {
                s.commands
                    .iter()
                    .any(|c| c.cmdlet == "Export-CsConfiguration")
            })
            .unwrap();
        assert_eq!(export.on.as_deref(), Some("fe01.contoso.com"));
        let e = commands(plan, "Export-CsConfiguration");
        assert!(e[0].has("FileName") && !e[0].has("LocalStore"));
        let import = plan
            .steps
            .iter()
            .find(|s| {
                s.commands
                    .iter()
                    .any(|c| c.cmdlet == "Import-CsConfiguration")
            })
            .unwrap();
        assert_eq!(import.on.as_deref(), Some("edge01.contoso.com"));
        let i = commands(plan, "Import-CsConfiguration");
        assert!(i[0].has("LocalStore"));
        assert_eq!(i[0].value("FileName"), e[0].value("FileName"));
        assert!(
            plan.steps[1]
                .text
                .contains("member of its local Administrators group")
        );
        assert!(
            !plan.steps[1]
                .text
                .contains("member of RTCUniversalServerAdmins")
        );
    }
}

#[test]
fn pool_hh202176() {
    let plans = run(&[
        // Lync Server 2013, the pool holding the Central Management store, no other Front End.
        Case {
            dir: EXAMPLE,
            failed: &["pool01.contoso.com"],
            holds: &["front-end-pool", "three-or-more"],
            cover: &["Hh202176", "Gg412996"],
        },
        // A second pool, with its own mirrored Back End, beside a Standard Edition server.
        Case {
            dir: SE_CMS,
            failed: &["pool02.contoso.com"],
            holds: &["front-end-pool", "three-or-more"],
            cover: &["Hh202176", "Gg412996"],
        },
        // Two Front End Servers.
        Case {
            dir: MIXED,
            failed: &["pool02.contoso.com"],
            holds: &["front-end-pool", "two"],
            cover: &["Hh202176", "Gg412996"],
        },
        // Skype for Business Server 2015: Start-CsPool.
        Case {
            dir: SFB,
            failed: &["pool01.contoso.com"],
            holds: &["front-end-pool"],
            cover: &["Hh202176", "Install Skype for Business Server"],
        },
        // Any other pool: each member server.
        Case {
            dir: SFB,
            failed: &["edgepool.contoso.com"],
            holds: &["other-pool"],
            cover: &["Hh202176"],
        },
    ]);
    for plan in &plans[..4] {
        let sections: Vec<&str> = plan.json["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["scenario"].as_str().unwrap())
            .collect();
        // The pool, its Back End, each Front End Server, then the pool's start.
        assert_eq!(sections[0], "pool");
        assert!(
            matches!(sections[1], "central-management" | "back-end"),
            "{sections:?}"
        );
        assert!(
            sections[2..sections.len() - 1]
                .iter()
                .all(|s| *s == "member-server")
        );
        assert_eq!(sections.last(), Some(&"pool-start"));
        // What needs the pool comes in its start: the user data while its services are still
        // stopped, then the start, then the Response Group configuration.
        let start = steps_of(plan, "pool-start");
        let at = |cmdlet: &str| {
            start
                .iter()
                .position(|s| s.commands.iter().any(|c| c.cmdlet == cmdlet))
                .unwrap_or_else(|| panic!("{cmdlet} in the pool's start"))
        };
        let started = if plan.product.starts_with("Skype") {
            at("Start-CsPool")
        } else {
            at("Start-CsWindowsService")
        };
        assert!(at("Import-CsUserData") < started && started < at("Import-CsRgsConfiguration"));
        // The Deployment Wizard's Step 4 starts the services: only with the pool's start.
        let starts_services = |s: &&PlanStep| {
            s.cites
                .iter()
                .any(|(page, step)| page == "Hh202191" && step.ends_with("4.4"))
        };
        assert!(
            steps_of(plan, "member-server")
                .iter()
                .all(|s| !starts_services(s))
        );
        assert!(steps_of(plan, "pool-start").iter().any(starts_services));
        // Nothing stops or imports before the Front End Servers exist.
        for section in ["central-management", "back-end", "member-server"] {
            for s in steps_of(plan, section) {
                assert!(s.commands.iter().all(|c| !matches!(
                    c.cmdlet.as_str(),
                    "Import-CsUserData" | "Stop-CsWindowsService" | "Import-CsRgsConfiguration"
                )));
            }
        }
    }
    // Lync Server 2013: every Front End Server started together, and the quorum recovery.
    let lync = &plans[0];
    let starts = commands(lync, "Start-CsWindowsService");
    assert_eq!(starts.len(), 3);
    assert!(starts.iter().all(|c| c.has("NoWait")));
    let reset = commands(lync, "Reset-CsPoolRegistrarState");
    assert_eq!(reset[0].value("ResetType"), Some("QuorumLossRecovery"));
    assert!(commands(lync, "Start-CsPool").is_empty());
    // Skype for Business Server 2015: Start-CsPool.
    assert_eq!(
        commands(&plans[3], "Start-CsPool")[0].value("PoolFqdn"),
        Some("'pool01.contoso.com")
    );
    // No Front End Server runs while the store is restored: the shell is on another computer.
    let cms = steps_of(lync, "central-management");
    assert!(
        cms.iter()
            .all(|s| s.on.as_deref().is_none_or(|o| o.starts_with("sql")))
    );
    // Beside the Standard Edition server, the second pool's Back End is worked on from it.
    let second = steps_of(&plans[1], "pool-start");
    assert_eq!(second[0].on.as_deref(), Some("fe21.contoso.com"));
}

#[test]
fn file_store_hh202180() {
    run(&[
        Case {
            dir: EXAMPLE,
            failed: &["fs01.contoso.com"],
            holds: &[],
            cover: &["Hh202180"],
        },
        Case {
            dir: EXAMPLE,
            failed: &["\\\\fs01.contoso.com\\LyncShare"],
            holds: &[],
            cover: &["Hh202180"],
        },
    ]);
}

#[test]
fn monitoring_or_archiving_hh202175() {
    let plans = run(&[
        Case {
            dir: EXAMPLE,
            failed: &["ArchivingStore:sql02.contoso.com"],
            holds: &[],
            cover: &["Hh202175"],
        },
        Case {
            dir: EXAMPLE,
            failed: &["MonitoringStore:sql02.contoso.com"],
            holds: &[],
            cover: &["Hh202175"],
        },
        Case {
            dir: EXAMPLE,
            failed: &["sql02.contoso.com"],
            holds: &[],
            cover: &["Hh202175"],
        },
        Case {
            dir: SFB,
            failed: &["MonitoringStore:sql01.contoso.com"],
            holds: &[],
            cover: &["Hh202175"],
        },
    ]);
    let databases = |plan: &Plan| -> Vec<String> {
        plan.steps
            .iter()
            .filter(|s| s.cites.contains(&("Hh202175".into(), "2-8".into())))
            .map(|s| s.text.split('`').nth(1).unwrap().to_string())
            .collect()
    };
    // Only the store that failed, never its neighbour on the same instance.
    assert_eq!(databases(&plans[0]), ["LcsLog"]);
    assert_eq!(databases(&plans[1]), ["LcsCDR", "QoEMetrics"]);
    assert_eq!(databases(&plans[2]), ["LcsLog", "LcsCDR", "QoEMetrics"]);
    assert_eq!(databases(&plans[3]), ["LcsCDR", "QoEMetrics"]);
    assert!(plans[3].steps.iter().all(|s| s.rebuilds.is_none()));
}

#[test]
fn persistent_chat_jj945649() {
    let plans = run(&[Case {
        dir: MIXED,
        failed: &["sql31.contoso.com"],
        holds: &["export"],
        cover: &["JJ945649"],
    }]);
    assert!(
        plans[0]
            .steps
            .iter()
            .any(|s| s.text.contains("CsPersistentChatAdministrator"))
    );
}

#[test]
fn paired_pool_failover_jj204678_and_failback_jj204945() {
    let plans = run(&[
        // pool01 held the Central Management store; pool02's Back End is mirrored; the Edge
        // pool's next hop is pool01, and pool02 is in the other site.
        Case {
            dir: PAIRED,
            failed: &["pool01.contoso.com"],
            holds: &["cms", "backup-mirrored", "edge", "edge-other-site"],
            cover: &[
                "JJ204678", "JJ204945", "JJ205376", "JJ688030", "JJ205184", "JJ945635", "JJ204773",
            ],
        },
        // pool02 held no store of its own beyond its users', and no Edge pool uses it.
        Case {
            dir: PAIRED,
            failed: &["pool02.contoso.com"],
            holds: &[],
            cover: &["JJ204678", "JJ204945", "JJ688030", "JJ204773"],
        },
    ]);
    for plan in &plans {
        let sections: Vec<&str> = plan.json["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["scenario"].as_str().unwrap())
            .collect();
        // The failover leads, the restore as without a pair follows, the failback ends.
        assert_eq!(sections.first(), Some(&"pool-failover"));
        assert_eq!(sections[1], "pool");
        assert_eq!(sections.last(), Some(&"pool-failback"));
        assert!(sections.contains(&"pool-start"));
        // Every failover step runs on the backup pool, which did not fail.
        let failover = steps_of(plan, "pool-failover");
        let backup_fes = if plan.json["failed"][0] == "pool01.contoso.com" {
            ["fe21.contoso.com", "fe22.contoso.com", "fe23.contoso.com"]
        } else {
            ["fe01.contoso.com", "fe02.contoso.com", "fe03.contoso.com"]
        };
        assert!(
            failover
                .iter()
                .filter_map(|s| s.on.as_deref())
                .all(|on| backup_fes.contains(&on))
        );
        // The users' failover is the last command of the section, in disaster mode.
        let over = commands(plan, "Invoke-CsPoolFailOver");
        assert_eq!(over.len(), 1);
        assert!(over[0].has("DisasterMode"));
        assert_eq!(
            over[0].value("PoolFqdn"),
            plan.json["failed"][0]
                .as_str()
                .map(|f| format!("'{f}"))
                .as_deref()
        );
        let last = failover
            .iter()
            .rposition(|s| !s.commands.is_empty())
            .unwrap();
        assert_eq!(failover[last].commands[0].cmdlet, "Invoke-CsPoolFailOver");
        // The failback names the same pool, after the pool's start.
        let back = commands(plan, "Invoke-CsPoolFailBack");
        assert_eq!(back[0].value("PoolFqdn"), over[0].value("PoolFqdn"));
        // The ABC failover is named, not planned.
        assert!(failover.iter().any(
            |s| s.cites.contains(&("JJ945637".into(), "intro".into())) && s.commands.is_empty()
        ));
    }
    let cms = &plans[0];
    // The store first, to the backup pool's Back End and its mirror, in the reference's form.
    let store = commands(cms, "Invoke-CsManagementServerFailover");
    assert_eq!(store.len(), 2, "the -WhatIf check, then the failover");
    assert!(store[0].has("WhatIf"));
    let f = store[1];
    assert_eq!(f.value("BackupSqlServerFqdn"), Some("'sql21.contoso.com"));
    assert_eq!(f.value("BackupSqlInstanceName"), Some("'rtc"));
    assert_eq!(
        f.value("BackupMirrorSqlServerFqdn"),
        Some("'sql22.contoso.com")
    );
    assert_eq!(f.value("BackupMirrorSqlInstanceName"), Some("'rtc"));
    assert!(f.has("Force"));
    // The reads made before the store's failover use the server's replica of the store.
    for cmdlet in ["Get-CsPoolBackupRelationship", "Get-CsDatabaseMirrorState"] {
        let read = commands(cms, cmdlet);
        assert!(
            !read.is_empty() && read.iter().all(|c| c.has("LocalStore")),
            "{cmdlet}"
        );
    }
    assert!(!f.has("MirrorSqlServerFqdn") && !f.has("MirrorSQLServerFqdn"));
    // Then the Edge pool's next hop, then the users.
    let at = |cmdlet: &str| {
        cms.steps
            .iter()
            .position(|s| s.commands.iter().any(|c| c.cmdlet == cmdlet))
            .unwrap()
    };
    assert!(at("Invoke-CsManagementServerFailover") < at("Set-CsEdgeServer"));
    assert!(at("Set-CsEdgeServer") < at("Invoke-CsPoolFailOver"));
    let edge = commands(cms, "Set-CsEdgeServer");
    assert_eq!(
        edge[0].value("Identity"),
        Some("'EdgeServer:edgepool.contoso.com")
    );
    assert_eq!(
        edge[0].value("Registrar"),
        Some("'Registrar:pool02.contoso.com")
    );
    // After the failback the Edge pool is pointed back at pool01, and each time its Edge
    // Servers' replicas are checked.
    assert_eq!(edge.len(), 2);
    assert_eq!(
        edge[1].value("Registrar"),
        Some("'Registrar:pool01.contoso.com")
    );
    let last = |cmdlet: &str| {
        cms.steps
            .iter()
            .rposition(|s| s.commands.iter().any(|c| c.cmdlet == cmdlet))
            .unwrap()
    };
    assert!(at("Invoke-CsPoolFailBack") < last("Set-CsEdgeServer"));
    let replicas: Vec<Option<&str>> = commands(cms, "Get-CsManagementStoreReplicationStatus")
        .iter()
        .filter(|c| c.has("ReplicaFqdn"))
        .map(|c| c.value("ReplicaFqdn"))
        .collect();
    assert_eq!(
        replicas,
        [
            Some("'edge01.contoso.com"),
            Some("'edge02.contoso.com"),
            Some("'edge01.contoso.com"),
            Some("'edge02.contoso.com"),
        ]
    );
    // The store stays on pool02: pool01's Back End is restored as a Back End, and no command
    // points Active Directory back at it or imports the configuration into it.
    let sections: Vec<&str> = cms.json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scenario"].as_str().unwrap())
        .collect();
    assert!(sections.contains(&"back-end") && !sections.contains(&"central-management"));
    for cmdlet in ["Set-CsConfigurationStoreLocation", "Import-CsConfiguration"] {
        assert!(commands(cms, cmdlet).is_empty(), "{cmdlet}");
    }
    // The location database is not replicated to the backup pool: it is imported there once,
    // from the recorded export of the failed store's host, after the store's failover and
    // before the users', and published.
    let lis = commands(cms, "Import-CsLisConfiguration");
    assert_eq!(lis.len(), 1);
    assert_eq!(
        lis[0].value("FileName"),
        Some("'\\\\backup01.contoso.com\\lync\\2026-11-20\\CsLisConfiguration.zip")
    );
    assert_eq!(
        at("Import-CsLisConfiguration"),
        at("Publish-CsLisConfiguration")
    );
    assert!(at("Invoke-CsManagementServerFailover") < at("Import-CsLisConfiguration"));
    assert!(at("Import-CsLisConfiguration") < at("Invoke-CsPoolFailOver"));
    // Without the store, nothing of it is failed over, and no Edge pool is moved.
    let plain = &plans[1];
    assert_eq!(
        commands(plain, "Invoke-CsManagementServerFailover").len(),
        1
    );
    assert!(commands(plain, "Set-CsEdgeServer").is_empty());
    // The store is on pool01, not the failed pool: both backup relationships are read, the
    // failed pool's (where the users go) and the page's, pool01's (where the store would go).
    let relationships: Vec<Option<&str>> = commands(plain, "Get-CsPoolBackupRelationship")
        .iter()
        .map(|c| c.value("PoolFqdn"))
        .collect();
    assert_eq!(
        relationships,
        [Some("'pool02.contoso.com"), Some("'pool01.contoso.com")]
    );
    assert_eq!(commands(cms, "Get-CsPoolBackupRelationship").len(), 1);
    assert!(commands(plain, "Get-CsDatabaseMirrorState").is_empty());
}

#[test]
fn an_unpaired_pool_gets_no_failover() {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(root().join(PAIRED)).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let text = fs::read_to_string(&path).unwrap();
        let text = if name == "pool-pairs.csv" {
            "Pool FQDN,Backup pool FQDN,Notes\npool01.contoso.com,,\npool02.contoso.com,,\n"
                .to_string()
        } else {
            text
        };
        fs::write(dir.path().join(name), text).unwrap();
    }
    let plan = plan(dir.path(), &["pool01.contoso.com"]);
    check(&procedures(), &plan, None, &[], "unpaired pool01");
    assert!(commands(&plan, "Invoke-CsPoolFailOver").is_empty());
    assert!(commands(&plan, "Invoke-CsPoolFailBack").is_empty());
    assert_eq!(plan.json["sections"][0]["scenario"], "pool");
    assert!(
        plan.json["sections"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["scenario"] == "central-management")
    );
}

// ----- what the whole plan must be -----

/// Every plan the snapshots pin passes the same checks.
#[test]
fn every_pinned_plan_keeps_to_the_pages() {
    let p = procedures();
    for (dir, failed) in ALL {
        let plan = plan(&root().join(dir), failed);
        check(&p, &plan, None, &[], &format!("{dir} {failed:?}"));
    }
}

/// The plans of `tests/plan.rs` and the ones above.
const ALL: &[(&str, &[&str])] = &[
    (EXAMPLE, &["sql01.contoso.com"]),
    (EXAMPLE, &["sql03.contoso.com"]),
    (EXAMPLE, &["sql02.contoso.com"]),
    (EXAMPLE, &["sql04.contoso.com"]),
    (EXAMPLE, &["fs01.contoso.com"]),
    (EXAMPLE, &["edge01.contoso.com"]),
    (EXAMPLE, &["pool01.contoso.com"]),
    (
        EXAMPLE,
        &[
            "fe01.contoso.com",
            "fe02.contoso.com",
            "fe03.contoso.com",
            "sql01.contoso.com",
        ],
    ),
    (
        EXAMPLE,
        &["fe01.contoso.com", "fe02.contoso.com", "fe03.contoso.com"],
    ),
    (MIXED, &["se01.contoso.com"]),
    (MIXED, &["sql21.contoso.com"]),
    (MIXED, &["sql21.contoso.com", "sql22.contoso.com"]),
    (MIXED, &["sql31.contoso.com"]),
    (MIXED, &["ArchivingStore:sql41.contoso.com"]),
    (MIXED, &["pool02.contoso.com"]),
    (MIXED, &["pchat.contoso.com"]),
    (MIXED, &["sql01.contoso.com"]),
    (SE_CMS, &["se01.contoso.com"]),
    (SE_CMS, &["pool02.contoso.com"]),
    (
        SE_CMS,
        &[
            "fe21.contoso.com",
            "fe22.contoso.com",
            "fe23.contoso.com",
            "sql21.contoso.com",
        ],
    ),
    (SE_CMS, &["edgepool.contoso.com"]),
    (SFB, &["pool01.contoso.com"]),
    (SFB, &["sql01.contoso.com"]),
    (SFB, &["edgepool.contoso.com"]),
    (SFB, &["sql02.contoso.com"]),
    (PAIRED, &["pool01.contoso.com"]),
    (PAIRED, &["pool02.contoso.com"]),
    (
        PAIRED,
        &["fe21.contoso.com", "fe22.contoso.com", "fe23.contoso.com"],
    ),
];

#[test]
fn each_product_speaks_its_own_words() {
    let lync_words = [
        "Lync Server Management Shell",
        "Lync Server Deployment Wizard",
        "Lync Server Topology Builder",
        "Lync Server 2013 node",
        "Lync Server services",
        "Setup or Remove Lync Server Components",
        "Install or Update Lync Server System",
    ];
    for (dir, failed) in ALL {
        let plan = plan(&root().join(dir), failed);
        let text: String = plan.steps.iter().map(|s| s.text.as_str()).collect();
        if *dir == SFB {
            assert_eq!(plan.product, "Skype for Business Server 2015");
            for w in lync_words {
                assert!(!text.contains(w), "{failed:?}: {w}");
            }
            assert!(text.contains("Skype for Business Server"), "{failed:?}");
        } else {
            assert_eq!(plan.product, "Lync Server 2013");
            assert!(!text.contains("Skype for Business"), "{dir} {failed:?}");
        }
    }
}

#[test]
fn nothing_is_guessed() {
    for (dir, failed) in ALL {
        let plan = plan(&root().join(dir), failed);
        let json = plan.json.to_string();
        // No default file name: Export-CsUserData has none.
        assert!(!json.contains("ExportedUserData.zip"), "{dir} {failed:?}");
        // Every user data import reads a local copy made in the same step.
        for step in &plan.steps {
            for c in step
                .commands
                .iter()
                .filter(|c| c.cmdlet == "Import-CsUserData")
            {
                let file = c.value("FileName").unwrap();
                assert!(file.starts_with("'C:\\Restore\\"), "{file}");
                assert!(step.commands.iter().any(|c| c.cmdlet == "Copy-Item"));
            }
        }
        // No server to rebuild is a domain name.
        for r in plan.steps.iter().filter_map(|s| s.rebuilds.as_deref()) {
            assert!(r.matches('.').count() >= 2, "{r}");
        }
    }
}
